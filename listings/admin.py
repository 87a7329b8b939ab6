"""The admin for recruiters (their own company's postings) and operators (everything).

Row-level rules (listings.access): a recruiter is an active staff user linked by
`Recruiter` to one company. Every queryset here goes through `for_recruiter(user)`,
every object permission checks the company (access.CompanyRows), and the posting form
only offers (and only accepts) the recruiter's company. Status changes go through
actions and buttons that call the model's state methods (or services), never through a
free status dropdown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from listings import access, admin_stats
from listings.admin_team import RecruiterTeamActions
from listings.choices import ModerationAction, ReportStatus, Status
from listings.forms import ListingAdminForm, ModerationReasonForm
from listings.models import Company, Industry, Listing, ModerationEvent, Recruiter, Report
from listings.services import (
    listing_edited,
    listing_publish,
    listing_return,
    listing_submit,
    listing_unpublish,
    recruiter_link,
    reports_dismiss,
)

admin.site.site_header = "CX Leaders admin"
admin.site.site_title = "CX Leaders admin"
admin.site.index_title = "Postings and companies"
admin.site.index_template = "admin/board_index.html"

EXPIRING_SOON_DAYS = 7
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
EXTEND_DAYS = 30
# what Listing.save() derives from the form's fields (and the reminder mark save_model resets)
DERIVED_FIELDS = ["slug", "kpi_codes", "industries", "expiry_reminder_sent_at", "updated_at"]


# --------------------------------------------------------------------------- filters


def _actor(user) -> str:
    """Who took a step, as a posting's history says it: recruiters see colleagues by
    name, and the board's operators as such (their names are in the operators' log)."""
    if user is None:
        return "the system"
    return "an operator" if access.is_operator_account(user) else user.get_username()


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", "With open reports")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_reports__gt=0)
        return queryset


class ExpiryFilter(admin.SimpleListFilter):
    title = "expiry"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [
            ("soon", f"Expiring within {EXPIRING_SOON_DAYS} days"),
            ("expired", "Expired"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "soon":
            return queryset.expiring_within(EXPIRING_SOON_DAYS)
        if self.value() == "expired":
            return queryset.expired()
        return queryset


# --------------------------------------------------------------------------- transitions


@dataclass(frozen=True)
class Transition:
    """One lifecycle step offered as an admin action and as a button on the form.

    `allowed`: whether this user may take the step at all (publishing and moderation);
    `needs_reason`: the button opens a page asking the operator for the recruiter's reason.
    """

    name: str
    label: str
    applies: Callable[[Listing], bool]
    needs_add: bool = False
    allowed: Callable[[HttpRequest, Listing], bool] = lambda request, obj: True
    needs_reason: bool = False


def _operator_only(request: HttpRequest, obj: Listing) -> bool:
    return access.is_operator(request.user)


TRANSITIONS = [
    Transition("submit", "Submit for review", lambda obj: obj.status == Status.DRAFT),
    Transition(
        "publish",
        "Publish",
        lambda obj: obj.status != Status.PUBLISHED or obj.is_expired,
        allowed=lambda request, obj: access.for_request(request).may_publish(obj),
    ),
    Transition(
        "return",
        "Return with a reason",
        lambda obj: obj.status == Status.REVIEW,
        allowed=_operator_only,
        needs_reason=True,
    ),
    Transition(
        "unpublish",
        "Unpublish with a reason",
        lambda obj: obj.status == Status.PUBLISHED,
        allowed=_operator_only,
        needs_reason=True,
    ),
    Transition(
        "dismiss",
        "Dismiss reports",
        lambda obj: getattr(obj, "open_reports", 0) > 0,
        allowed=_operator_only,
    ),
    Transition(
        "extend",
        f"Extend {EXTEND_DAYS} days",
        lambda obj: obj.status == Status.PUBLISHED,
    ),
    Transition("close", "Close", lambda obj: obj.status != Status.CLOSED),
    Transition("duplicate", "Duplicate", lambda obj: True, needs_add=True),
]
TRANSITIONS_BY_NAME = {t.name: t for t in TRANSITIONS}


# --------------------------------------------------------------------------- postings


@admin.register(Listing)
class ListingAdmin(access.CompanyRows, admin.ModelAdmin):
    form = ListingAdminForm
    formfield_overrides = URL_FIELDS
    change_form_template = "admin/listings/listing/change_form.html"
    view_on_site = False  # our own Preview / View on site link, straight to the page
    list_display = [
        "title",
        "company",
        "level",
        "status_label",
        "workplace",
        "posted",
        "expires",
    ]
    list_display_links = ["title"]
    list_select_related = ["company"]
    search_fields = ["title", "company__name", "city"]
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    show_full_result_count = False
    save_on_top = False
    readonly_fields = ["status_summary", "date_posted", "created_by", "moderation_history"]
    actions = [
        "submit_for_review",
        "publish_selected",
        "close_selected",
        "extend_selected",
        "duplicate_selected",
    ]
    fieldsets = [
        ("Role", {"fields": ["title", "company", "level", "function", "employment_type"]}),
        (
            "Who is hiring",
            {
                "fields": [
                    "posted_by",
                    "client_name",
                    ("client_website", "client_logo_url"),
                    "confidential",
                    "client_descriptor",
                    ("hiring_contact_name", "hiring_contact_title"),
                ],
                "description": "A search firm posting for a client names the client here. "
                "A confidential search shows the descriptor instead: the client's name, "
                "website and logo appear on no public page, feed, email or search result.",
            },
        ),
        (
            "Scope",
            {
                "fields": [
                    ("team_size", "managers_reporting"),
                    "budget",
                    "geographic_scope",
                    "channels",
                ]
            },
        ),
        ("KPIs owned", {"fields": ["kpis"]}),
        (
            "Requirements",
            {
                "fields": [
                    "responsibilities",
                    "requirements",
                    "min_leadership_years",
                    "skills",
                    "technologies",
                    "industries",
                ]
            },
        ),
        (
            "Compensation",
            {
                "fields": [
                    ("salary_min", "salary_max"),
                    ("currency", "salary_period"),
                    "bonus",
                    "equity",
                ]
            },
        ),
        (
            "Location",
            {"fields": ["city", "region", "country", "workplace", "applicant_countries"]},
        ),
        ("Application", {"fields": ["apply_method", "apply_url", "apply_email"]}),
        ("Description", {"fields": ["description"]}),
        (
            "Publication",
            {
                "fields": [
                    "status_summary",
                    "date_posted",
                    "valid_through",
                    "created_by",
                    "moderation_history",
                ]
            },
        ),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    # ------------------------------------------------------------------ rows

    def get_queryset(self, request):
        return super().get_queryset(request).for_recruiter(request.user).with_open_reports()

    def has_add_permission(self, request):
        allowed = super().has_add_permission(request)
        return allowed and access.for_request(request).is_manager

    def has_delete_permission(self, request, obj=None):
        # recruiters close postings; only operators delete them
        return access.is_operator(request.user) and super().has_delete_permission(request, obj)

    def get_list_display(self, request):
        # a recruiter's postings are all their own company's: no column needed
        if access.is_operator(request.user):
            return [*self.list_display, "open_reports_count"]
        return [name for name in self.list_display if name != "company"]

    def get_list_filter(self, request):
        filters = ["status", "level"]
        if access.is_operator(request.user):
            filters += [("company", admin.RelatedOnlyFieldListFilter), ReportedFilter]
        return [*filters, "workplace", ExpiryFilter]

    def get_autocomplete_fields(self, request):
        return ["company"] if access.is_operator(request.user) else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # a fresh class per request (modelform_factory), so these never leak across users
        form.allowed_company = access.for_request(request).company
        form.is_operator = access.is_operator(request.user)
        return form

    def save_model(self, request, obj, form, change):
        if not access.for_request(request).may_manage_company(obj.company_id):
            raise PermissionDenied("You can only post for your own company.")
        if not change:
            obj.created_by = request.user
        if change and "valid_through" in form.changed_data:
            # a new expiry date deserves a new reminder
            obj.expiry_reminder_sent_at = None
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only what the form edits, and what saving derives from it: a moderation step
        # taken while the form was open (status, reason, dates) is never overwritten.
        editable = {f.name for f in Listing._meta.concrete_fields if f.editable}
        obj.save(update_fields=[f for f in form.fields if f in editable] + DERIVED_FIELDS)
        if form.has_changed() and listing_edited(listing=obj, by=request.user):
            self.message_user(
                request,
                f"“{obj.title}” is back in review: your company's changes are published by "
                "the board's operators, who will look at it.",
                messages.WARNING,
            )

    # ------------------------------------------------------------------ display

    @admin.display(description="status", ordering="status")
    def status_label(self, obj: Listing) -> str:
        if obj.is_expired:
            return "Expired"
        if obj.returned_reason:
            return (
                "Unpublished"
                if obj.moderation_action == ModerationAction.UNPUBLISHED
                else "Returned"
            )
        return obj.get_status_display()

    @admin.display(description="open reports", ordering="open_reports")
    def open_reports_count(self, obj: Listing) -> int:
        return obj.open_reports

    @admin.display(description="moderation")
    def moderation_history(self, obj: Listing) -> str:
        if obj.pk is None:
            return "-"
        events = list(obj.moderation.select_related("actor")[:20])
        if not events:
            return "No moderation steps yet."
        return format_html(
            '<ol class="moderation-history">{}</ol>',
            format_html_join(
                "",
                "<li><strong>{}</strong> by {} on {}{}</li>",
                (
                    (
                        event.get_action_display(),
                        _actor(event.actor),
                        f"{timezone.localtime(event.at):%d %b %Y %H:%M}",
                        format_html(": “{}”", event.reason) if event.reason else "",
                    )
                    for event in events
                ),
            ),
        )

    @admin.display(description="posted", ordering="date_posted")
    def posted(self, obj: Listing) -> str:
        return f"{timezone.localtime(obj.date_posted):%d %b %Y}" if obj.date_posted else "-"

    @admin.display(description="expires", ordering="valid_through")
    def expires(self, obj: Listing) -> str:
        return f"{timezone.localtime(obj.valid_through):%d %b %Y}" if obj.valid_through else "-"

    @admin.display(description="status")
    def status_summary(self, obj: Listing) -> str:
        if obj.pk is None:
            return "Draft (not saved yet)"
        when = "%d %b %Y"
        if obj.is_expired:
            return f"Expired on {obj.valid_through:{when}}: off the public pages."
        if obj.status == Status.PUBLISHED:
            return f"Published, live until {obj.valid_through:{when}}."
        if obj.status == Status.CLOSED and obj.closed_at:
            return f"Closed on {obj.closed_at:{when}}."
        if obj.status == Status.REVIEW:
            return "In review: the board's operators publish it or return it to you."
        if obj.returned_reason:
            what = (
                "Unpublished by the board's operators"
                if obj.moderation_action == ModerationAction.UNPUBLISHED
                else "Returned by the board's operators"
            )
            return f"{what}: “{obj.returned_reason}” Make the changes, then submit it for review."
        return f"{obj.get_status_display()}: not public yet."

    def public_url(self, obj: Listing) -> str | None:
        try:
            return obj.get_absolute_url()
        except NoReverseMatch:  # the public pages are not wired up (yet)
            return None

    # ------------------------------------------------------------------ change form

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_permission(request, obj):
            can_change = self.has_change_permission(request, obj)
            extra_context["listing_transitions"] = [
                {
                    "name": t.name,
                    "label": t.label,
                    "url": reverse(
                        "admin:listings_listing_moderate"
                        if t.needs_reason
                        else "admin:listings_listing_transition",
                        args=[obj.pk, t.name],
                    ),
                    "needs_reason": t.needs_reason,
                }
                for t in TRANSITIONS
                if can_change
                and t.applies(obj)
                and t.allowed(request, obj)
                and (not t.needs_add or self.has_add_permission(request))
            ]
            extra_context["listing_returned"] = bool(obj.returned_reason)
            extra_context["listing_public_url"] = self.public_url(obj)
            extra_context["listing_is_live"] = obj.is_live
            extra_context["listing_status_summary"] = self.status_summary(obj)
            extra_context["listing_figures"] = (
                admin_stats.posting_figures(request, obj) if obj.date_posted else None
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        can_save = context.get("has_change_permission", True)
        who = access.for_request(request)
        if obj is None:
            publishable = who.publishes_without_review(who.company)
        else:
            publishable = TRANSITIONS_BY_NAME["publish"].applies(obj) and who.may_publish(obj)
        context["show_save_and_publish"] = can_save and publishable
        context["show_save_and_submit"] = (
            can_save and not publishable and (obj is None or obj.status == Status.DRAFT)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_saveandpublish" in request.POST or "_saveandsubmit" in request.POST:
            self._save_and_step(request, obj)
            return HttpResponseRedirect(self.change_url(obj))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_saveandpublish" in request.POST or "_saveandsubmit" in request.POST:
            self._save_and_step(request, obj)
            return HttpResponseRedirect(self.change_url(obj))
        return super().response_change(request, obj)

    def _save_and_step(self, request, obj: Listing) -> None:
        name = "publish" if "_saveandpublish" in request.POST else "submit"
        transition = TRANSITIONS_BY_NAME[name]
        if not transition.allowed(request, obj):
            self.message_user(
                request,
                f"“{obj.title}” was saved. Your company's postings are published by the "
                "board's operators: submit it for review.",
                messages.WARNING,
            )
            return
        self.apply_transition(request, transition, obj)

    def change_url(self, obj: Listing) -> str:
        return reverse("admin:listings_listing_change", args=[obj.pk])

    def get_urls(self):
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="listings_listing_transition",
            ),
            path(
                "<path:object_id>/moderate/<str:name>/",
                self.admin_site.admin_view(self.reason_view),
                name="listings_listing_moderate",
            ),
            *admin_stats.figure_urls(self),
            *super().get_urls(),
        ]

    def transition_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        return require_POST(self._transition)(request, object_id, name)

    def _transition(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        transition = TRANSITIONS_BY_NAME.get(name)
        obj = self.get_object(request, unquote(object_id))
        if transition is None or obj is None:
            raise Http404("No such posting.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        if transition.needs_add and not self.has_add_permission(request):
            raise PermissionDenied
        if not transition.allowed(request, obj):
            raise PermissionDenied
        if transition.needs_reason:
            return HttpResponseRedirect(
                reverse("admin:listings_listing_moderate", args=[obj.pk, transition.name])
            )
        result = self.apply_transition(request, transition, obj)
        target = result if isinstance(result, Listing) else obj
        return HttpResponseRedirect(self.change_url(target))

    def reason_view(self, request: HttpRequest, object_id: str, name: str) -> HttpResponse:
        """Return or unpublish: a page asking for the reason the recruiter will read."""
        transition = TRANSITIONS_BY_NAME.get(name)
        obj = self.get_object(request, unquote(object_id))
        if transition is None or not transition.needs_reason or obj is None:
            raise Http404("No such posting.")
        if not (self.has_change_permission(request, obj) and transition.allowed(request, obj)):
            raise PermissionDenied
        if not transition.applies(obj):
            self.message_user(
                request,
                f"“{obj.title}” is {self.status_label(obj).lower()}: "
                f"“{transition.label}” does not apply.",
                messages.WARNING,
            )
            return HttpResponseRedirect(self.change_url(obj))
        form = ModerationReasonForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            step = listing_return if name == "return" else listing_unpublish
            try:
                step(listing=obj, by=request.user, reason=reason)
            except ValidationError as exc:  # another step got there first
                self.message_user(
                    request, f"“{obj.title}”: {' '.join(exc.messages)}", messages.WARNING
                )
                return HttpResponseRedirect(self.change_url(obj))
            done = "returned to its recruiters" if name == "return" else "unpublished"
            self.log_change(request, obj, f"{done.capitalize()}: {reason}")
            self.message_user(request, f"“{obj.title}” was {done}.", messages.SUCCESS)
            return HttpResponseRedirect(self.change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{transition.label}: {obj.title}",
            "opts": self.opts,
            "original": obj,
            "transition": transition,
            "form": form,
            "open_reports": obj.reports.filter(status=ReportStatus.OPEN)[:50],
            "change_url": self.change_url(obj),
        }
        return TemplateResponse(
            request,
            "admin/listings/listing/moderation_reason.html",
            context,
            status=400 if request.method == "POST" else 200,
        )

    def apply_transition(self, request, transition: Transition, obj: Listing):
        """Run one step on one posting and tell the user; returns the copy for "duplicate"."""
        if not transition.applies(obj):
            self.message_user(
                request,
                f"“{obj.title}” is {self.status_label(obj).lower()}: "
                f"“{transition.label}” does not apply.",
                messages.WARNING,
            )
            return None
        if not transition.allowed(request, obj):
            self.message_user(
                request,
                f"“{obj.title}”: “{transition.label}” is for the board's operators.",
                messages.WARNING,
            )
            return None
        if transition.name == "publish":
            return self.publish_one(request, obj)
        if transition.name == "submit":
            try:
                listing_submit(listing=obj, by=request.user)
            except ValidationError as exc:  # another step got there first
                self.message_user(
                    request, f"“{obj.title}”: {' '.join(exc.messages)}", messages.WARNING
                )
                return None
            self.log_change(request, obj, "Submitted for review.")
            self.message_user(request, f"“{obj.title}” was submitted for review.")
        elif transition.name == "dismiss":
            closed = reports_dismiss(listing=obj, by=request.user)
            self.log_change(request, obj, f"Dismissed {closed} report(s).")
            self.message_user(request, f"{closed} report(s) on “{obj.title}” dismissed.")
        elif transition.name == "close":
            obj.close()
            self.log_change(request, obj, "Closed.")
            self.message_user(request, f"“{obj.title}” was closed.")
        elif transition.name == "extend":
            obj.extend(days=EXTEND_DAYS)
            self.log_change(request, obj, f"Extended by {EXTEND_DAYS} days.")
            self.message_user(
                request, f"“{obj.title}” now runs until {obj.valid_through:%d %b %Y}."
            )
        elif transition.name == "duplicate":
            copy = obj.duplicate(by=request.user)
            self.log_addition(request, copy, f"Duplicated from #{obj.pk}.")
            self.message_user(request, f"A draft copy of “{obj.title}” was created.")
            return copy
        return None

    def publish_one(self, request, obj: Listing) -> bool:
        try:
            listing_publish(listing=obj, by=request.user)
        except PermissionDenied as exc:
            self.message_user(request, f"“{obj.title}”: {exc}", messages.ERROR)
            return False
        except ValidationError as exc:
            obj.refresh_from_db()
            self.message_user(
                request,
                f"“{obj.title}” was not published. {' '.join(exc.messages)}",
                messages.ERROR,
            )
            return False
        self.log_change(request, obj, "Published.")
        self.message_user(
            request,
            f"“{obj.title}” is published, live until {obj.valid_through:%d %b %Y}.",
            messages.SUCCESS,
        )
        return True

    # ------------------------------------------------------------------ actions

    def _run_action(self, request, queryset: QuerySet, name: str):
        transition = TRANSITIONS_BY_NAME[name]
        copies = []
        for obj in queryset.select_related("company", "company__industry"):
            # the queryset is already row-filtered; checked again per object on purpose
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
            result = self.apply_transition(request, transition, obj)
            if isinstance(result, Listing):
                copies.append(result)
        if len(copies) == 1:
            return HttpResponseRedirect(self.change_url(copies[0]))
        return None

    @admin.action(description="Submit selected postings for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        return self._run_action(request, queryset, "submit")

    @admin.action(description="Publish selected postings", permissions=["change"])
    def publish_selected(self, request, queryset):
        return self._run_action(request, queryset, "publish")

    @admin.action(description="Close selected postings", permissions=["change"])
    def close_selected(self, request, queryset):
        return self._run_action(request, queryset, "close")

    @admin.action(
        description=f"Extend selected postings by {EXTEND_DAYS} days", permissions=["change"]
    )
    def extend_selected(self, request, queryset):
        return self._run_action(request, queryset, "extend")

    @admin.action(description="Duplicate selected postings as drafts", permissions=["add"])
    def duplicate_selected(self, request, queryset):
        return self._run_action(request, queryset, "duplicate")


# --------------------------------------------------------------------------- companies


@admin.register(Company)
class CompanyAdmin(access.CompanyRows, admin.ModelAdmin):
    """Operators manage every company; a recruiter may only view their own."""

    formfield_overrides = URL_FIELDS
    list_display = ["name", "industry", "size", "headquarters", "live_postings"]
    list_select_related = ["industry"]
    list_filter = ["industry", "size", "trusted"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    show_full_result_count = False
    fields = [
        "name",
        "slug",
        "industry",
        "size",
        "headquarters",
        "website",
        "logo_url",
        "description",
        "trusted",
        "public_page",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_recruiter(request.user).with_live_count()

    def get_readonly_fields(self, request, obj=None):
        # slugs are stable: they are in every public URL and in the sitemap
        fields = ["slug", "public_page"] if obj is not None else ["public_page"]
        # whether a company publishes without review is the operators' call
        return fields if access.is_operator(request.user) else [*fields, "trusted"]

    def company_id_of(self, obj: Company) -> int | None:
        return obj.pk

    def has_add_permission(self, request):
        return access.is_operator(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return access.is_operator(request.user) and super().has_delete_permission(request, obj)

    @admin.display(description="live postings", ordering="live_count")
    def live_postings(self, obj: Company) -> int:
        return obj.live_count

    @admin.display(description="public page")
    def public_page(self, obj: Company) -> str:
        if obj.pk is None:
            return "-"
        try:
            url = obj.get_absolute_url()
        except NoReverseMatch:
            return "-"
        return format_html('<a href="{}">{}</a>', url, url)


# --------------------------------------------------------------------------- operators only


@admin.register(Recruiter)
class RecruiterAdmin(RecruiterTeamActions, access.OperatorsOnly, admin.ModelAdmin):
    """Link a user to the company they post for; they become staff in the Recruiters group."""

    list_display = ["user", "email", "company", "is_lead", "created_at"]
    list_select_related = ["user", "company"]
    search_fields = ["user__username", "user__email", "company__name"]
    autocomplete_fields = ["user", "company"]
    ordering = ["company__name", "user__username"]

    @admin.display(description="email", ordering="user__email")
    def email(self, obj: Recruiter) -> str:
        return obj.user.email

    def save_model(self, request, obj, form, change):
        recruiter_link(user=obj.user, company=obj.company, recruiter=obj)


@admin.register(Industry)
class IndustryAdmin(access.OperatorsOnly, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


# --------------------------------------------------------------------------- moderation


@admin.register(Report)
class ReportAdmin(access.OperatorsOnly, admin.ModelAdmin):
    """The operators' queue of visitors' reports, with how many each posting has open."""

    list_display = [
        "listing_link",
        "reason",
        "short_note",
        "created_at",
        "status",
        "on_posting",
        "act",
    ]
    list_filter = ["status", "reason"]
    list_select_related = ["listing", "listing__company"]
    search_fields = ["listing__title", "listing__company__name", "note"]
    ordering = ["-created_at", "-id"]
    readonly_fields = [
        "listing",
        "reason",
        "note",
        "created_at",
        "status",
        "handled_by",
        "handled_at",
    ]
    actions = ["dismiss_selected"]

    def has_add_permission(self, request):
        return False  # reports come from visitors

    def get_queryset(self, request):
        return super().get_queryset(request).with_open_on_posting()

    def changelist_view(self, request, extra_context=None):
        # The queue: open reports unless another status is chosen.
        if "status__exact" not in request.GET and not request.GET.get("_changelist_filters"):
            query = request.GET.copy()
            query["status__exact"] = ReportStatus.OPEN
            request.GET = query
            request.META["QUERY_STRING"] = query.urlencode()
        return super().changelist_view(request, extra_context)

    @admin.display(description="posting", ordering="listing__title")
    def listing_link(self, obj: Report) -> str:
        url = reverse("admin:listings_listing_change", args=[obj.listing_id])
        return format_html('<a href="{}">{}</a> ({})', url, obj.listing.title, obj.listing.company)

    @admin.display(description="note")
    def short_note(self, obj: Report) -> str:
        return obj.note if len(obj.note) <= 80 else obj.note[:79] + "…"

    @admin.display(description="open on this posting", ordering="open_on_posting")
    def on_posting(self, obj: Report) -> int:
        return obj.open_on_posting

    @admin.display(description="")
    def act(self, obj: Report) -> str:
        if obj.status != ReportStatus.OPEN or obj.listing.status != Status.PUBLISHED:
            return ""
        url = reverse("admin:listings_listing_moderate", args=[obj.listing_id, "unpublish"])
        return format_html('<a href="{}">Unpublish with a reason…</a>', url)

    @admin.action(description="Dismiss all open reports on these reports' postings")
    def dismiss_selected(self, request, queryset):
        listings = Listing.objects.filter(
            pk__in=queryset.filter(status=ReportStatus.OPEN).values("listing")
        )
        closed = sum(reports_dismiss(listing=listing, by=request.user) for listing in listings)
        self.message_user(request, f"{closed} open report(s) dismissed.")


@admin.register(ModerationEvent)
class ModerationEventAdmin(access.ReadOnly, access.OperatorsOnly, admin.ModelAdmin):
    """Every moderation step, who took it and when: a record, never edited."""

    list_display = ["at", "action", "listing", "actor", "reason"]
    list_filter = ["action"]
    list_select_related = ["listing", "listing__company", "actor"]
    search_fields = ["listing__title", "reason", "actor__username"]
    ordering = ["-at", "-id"]

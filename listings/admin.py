"""The admin for recruiters (their own company's postings) and operators (everything).

Row-level rules: a recruiter is a staff user linked by `Recruiter` to one company.
Every queryset here goes through `for_recruiter(user)`, every object permission
checks the company, and the posting form only offers (and only accepts) the
recruiter's company. Status changes go through actions and buttons that call the
model's state methods (or services), never through a free status dropdown.
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
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from listings.choices import Status
from listings.forms import ListingAdminForm
from listings.models import Company, Industry, Listing, Recruiter
from listings.services import listing_publish, recruiter_link

admin.site.site_header = "CX Leaders admin"
admin.site.site_title = "CX Leaders admin"
admin.site.index_title = "Postings and companies"

EXPIRING_SOON_DAYS = 7
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
EXTEND_DAYS = 30


def recruiter_company(request: HttpRequest) -> Company | None:
    """The company the signed-in recruiter posts for (None for operators and strangers)."""
    if not hasattr(request, "_recruiter_company"):
        user = request.user
        company = None
        if user.is_active and user.is_staff and not user.is_superuser:
            recruiter = (
                Recruiter.objects.select_related("company", "company__industry")
                .filter(user=user)
                .first()
            )
            company = recruiter.company if recruiter else None
        request._recruiter_company = company
    return request._recruiter_company


def is_operator(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_superuser


def owns(request: HttpRequest, company_id: int | None) -> bool:
    """May this staff user act on objects of `company_id`?"""
    if is_operator(request):
        return True
    company = recruiter_company(request)
    return company is not None and company_id is not None and company.pk == company_id


# --------------------------------------------------------------------------- filters


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
    """One lifecycle step offered as an admin action and as a button on the form."""

    name: str
    label: str
    applies: Callable[[Listing], bool]
    needs_add: bool = False


TRANSITIONS = [
    Transition("submit", "Submit for review", lambda obj: obj.status == Status.DRAFT),
    Transition(
        "publish",
        "Publish",
        lambda obj: obj.status != Status.PUBLISHED or obj.is_expired,
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
class ListingAdmin(admin.ModelAdmin):
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
    readonly_fields = ["status_summary", "date_posted", "created_by"]
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
            {"fields": ["status_summary", "date_posted", "valid_through", "created_by"]},
        ),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    # ------------------------------------------------------------------ rows

    def get_queryset(self, request):
        return super().get_queryset(request).for_recruiter(request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or owns(request, obj.company_id))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or owns(request, obj.company_id))

    def has_add_permission(self, request):
        allowed = super().has_add_permission(request)
        return allowed and (is_operator(request) or recruiter_company(request) is not None)

    def has_delete_permission(self, request, obj=None):
        # recruiters close postings; only operators delete them
        return is_operator(request) and super().has_delete_permission(request, obj)

    def get_list_display(self, request):
        # a recruiter's postings are all their own company's: no column needed
        if is_operator(request):
            return self.list_display
        return [name for name in self.list_display if name != "company"]

    def get_list_filter(self, request):
        filters = ["status", "level"]
        if is_operator(request):
            filters.append(("company", admin.RelatedOnlyFieldListFilter))
        return [*filters, "workplace", ExpiryFilter]

    def get_autocomplete_fields(self, request):
        return ["company"] if is_operator(request) else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # a fresh class per request (modelform_factory), so these never leak across users
        form.allowed_company = recruiter_company(request)
        form.is_operator = is_operator(request)
        return form

    def save_model(self, request, obj, form, change):
        if not is_operator(request):
            company = recruiter_company(request)
            if company is None or obj.company_id != company.pk:
                raise PermissionDenied("You can only post for your own company.")
        if not change:
            obj.created_by = request.user
        if change and "valid_through" in form.changed_data:
            # a new expiry date deserves a new reminder
            obj.expiry_reminder_sent_at = None
        super().save_model(request, obj, form, change)

    # ------------------------------------------------------------------ display

    @admin.display(description="status", ordering="status")
    def status_label(self, obj: Listing) -> str:
        if obj.is_expired:
            return "Expired"
        return obj.get_status_display()

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
            return "In review: not public yet."
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
                    "url": reverse("admin:listings_listing_transition", args=[obj.pk, t.name]),
                }
                for t in TRANSITIONS
                if can_change
                and t.applies(obj)
                and (not t.needs_add or self.has_add_permission(request))
            ]
            extra_context["listing_public_url"] = self.public_url(obj)
            extra_context["listing_is_live"] = obj.is_live
            extra_context["listing_status_summary"] = self.status_summary(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["show_save_and_publish"] = context.get("has_change_permission", True) and (
            obj is None or TRANSITIONS_BY_NAME["publish"].applies(obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_saveandpublish" in request.POST:
            self.publish_one(request, obj)
            return HttpResponseRedirect(self.change_url(obj))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_saveandpublish" in request.POST:
            self.publish_one(request, obj)
            return HttpResponseRedirect(self.change_url(obj))
        return super().response_change(request, obj)

    def change_url(self, obj: Listing) -> str:
        return reverse("admin:listings_listing_change", args=[obj.pk])

    def get_urls(self):
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="listings_listing_transition",
            ),
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
        result = self.apply_transition(request, transition, obj)
        target = result if isinstance(result, Listing) else obj
        return HttpResponseRedirect(self.change_url(target))

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
        if transition.name == "publish":
            return self.publish_one(request, obj)
        if transition.name == "submit":
            obj.submit_for_review(by=request.user)
            self.log_change(request, obj, "Submitted for review.")
            self.message_user(request, f"“{obj.title}” was submitted for review.")
        elif transition.name == "close":
            obj.close(by=request.user)
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
class CompanyAdmin(admin.ModelAdmin):
    """Operators manage every company; a recruiter may only view their own."""

    formfield_overrides = URL_FIELDS
    list_display = ["name", "industry", "size", "headquarters", "live_postings"]
    list_select_related = ["industry"]
    list_filter = ["industry", "size"]
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
        "public_page",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_recruiter(request.user).with_live_count()

    def get_readonly_fields(self, request, obj=None):
        # slugs are stable: they are in every public URL and in the sitemap
        return ["slug", "public_page"] if obj is not None else ["public_page"]

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or owns(request, obj.pk))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or owns(request, obj.pk))

    def has_add_permission(self, request):
        return is_operator(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return is_operator(request) and super().has_delete_permission(request, obj)

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


class OperatorOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return is_operator(request)

    def has_view_permission(self, request, obj=None):
        return is_operator(request)

    def has_add_permission(self, request):
        return is_operator(request)

    def has_change_permission(self, request, obj=None):
        return is_operator(request)

    def has_delete_permission(self, request, obj=None):
        return is_operator(request)


@admin.register(Recruiter)
class RecruiterAdmin(OperatorOnlyAdmin):
    """Link a user to the company they post for; they become staff in the Recruiters group."""

    list_display = ["user", "email", "company", "created_at"]
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
class IndustryAdmin(OperatorOnlyAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

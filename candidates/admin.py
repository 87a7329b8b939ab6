"""Recruiters read applications to their own company's postings and move their status;
operators see everything. Résumé links go through the permission-checked views."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from candidates.models import Application, Profile, SavedPosting
from listings.access import ReadOnly, is_operator
from listings.models import Listing


class OwnListingFilter(admin.SimpleListFilter):
    """Filter by posting, offering only the postings the user may manage."""

    title = "posting"
    parameter_name = "listing"

    def lookups(self, request, model_admin):
        listings = (
            Listing.objects.for_recruiter(request.user)
            .filter(applications__isnull=False)
            .distinct()
            .order_by("title")
        )
        return [(str(listing.pk), listing.title) for listing in listings[:200]]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(listing_id=int(value))
        return queryset


def _resume_link(url: str) -> str:
    return format_html('<a href="{}">Download résumé</a>', url)


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["candidate_name", "listing_title", "company", "status", "created_at"]
    list_filter = ["status", OwnListingFilter]
    search_fields = ["candidate_name", "candidate_email", "listing__title"]
    date_hierarchy = "created_at"
    view_on_site = False  # the candidate's own page; recruiters read it here
    list_select_related = ["listing", "listing__company"]
    fields = [
        "status",
        "candidate_name",
        "candidate_email",
        "listing_link",
        "created_at",
        "status_changed_at",
        "resume_link",
        "cover_note",
        "profile_summary",
    ]
    readonly_fields = [
        "candidate_name",
        "candidate_email",
        "listing_link",
        "created_at",
        "status_changed_at",
        "resume_link",
        "cover_note",
        "profile_summary",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_recruiter(request.user)

    def has_add_permission(self, request):
        return False  # applications come from candidates

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user)

    @admin.display(description="posting", ordering="listing__title")
    def listing_title(self, obj):
        return obj.listing.title

    @admin.display(description="company", ordering="listing__company__name")
    def company(self, obj):
        return obj.listing.company.name

    @admin.display(description="posting")
    def listing_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:listings_listing_change", args=[obj.listing_id]),
            obj.listing,
        )

    @admin.display(description="résumé")
    def resume_link(self, obj):
        if not obj.resume:
            if obj.candidate_id is None:
                return "Deleted with the candidate's account."
            return "No résumé was attached."
        return _resume_link(reverse("candidates:application_resume", args=[obj.pk]))

    @admin.display(description="profile as sent")
    def profile_summary(self, obj):
        snap = obj.profile_snapshot or {}
        rows = [
            ("Headline", snap.get("headline")),
            (
                "Current role",
                " · ".join(filter(None, [snap.get("current_title"), snap.get("current_level")])),
            ),
            ("Years of leadership", snap.get("leadership_years")),
            ("Largest team", snap.get("largest_team")),
            (
                "Largest budget",
                f"{snap.get('budget_currency', '')} {snap['largest_budget']:,}"
                if snap.get("largest_budget")
                else "",
            ),
            (
                "KPIs moved",
                "; ".join(
                    f"{k.get('label')} {k.get('before', '')} → {k.get('after', '')}".strip()
                    if k.get("before") or k.get("after")
                    else k.get("label", "")
                    for k in snap.get("kpis_moved", [])
                ),
            ),
            ("Technologies", ", ".join(snap.get("technologies", []))),
            ("Summary", snap.get("summary")),
        ]
        shown = [(label, value) for label, value in rows if value not in (None, "", [])]
        if not shown:
            return "—"
        return format_html(
            '<dl class="application-profile">{}</dl>',
            format_html_join("", "<dt>{}</dt><dd>{}</dd>", shown),
        )

    def save_model(self, request, obj, form, change):
        # Only the status is editable; record when it moved so the candidate sees it.
        if change and "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial.get("status", obj.status)
            obj.set_status(new_status)
            return
        super().save_model(request, obj, form, change)


@admin.register(Profile)
class ProfileAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only for everyone (candidates edit their own under /me/, and delete their
    own accounts from /me/account/). Recruiters see the profiles visible to recruiters
    and those of people who applied to their company."""

    list_display = ["display_name", "headline", "current_level", "leadership_years", "updated_at"]
    list_filter = ["current_level", "visibility"]
    search_fields = ["full_name", "headline", "current_title"]
    fields = [
        "full_name",
        "headline",
        "current_title",
        "current_level",
        "leadership_years",
        "largest_team",
        "budget_display",
        "kpis_display",
        "industries_display",
        "skills_display",
        "technologies_display",
        "levels_display",
        "salary_display",
        "workplaces_display",
        "countries_display",
        "summary",
        "visibility",
        "resume_link",
        "updated_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        readable = Profile.objects.resume_readable_by(request.user).filter(pk=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .visible_to_recruiter(request.user)
            .annotate(resume_shared=Exists(readable))
        )

    @admin.display(description="largest budget owned")
    def budget_display(self, obj):
        return f"{obj.budget_currency} {obj.largest_budget:,}" if obj.largest_budget else "—"

    @admin.display(description="KPIs moved")
    def kpis_display(self, obj):
        return (
            "; ".join(
                f"{k['label']} {k['before']} → {k['after']}"
                if k["before"] or k["after"]
                else k["label"]
                for k in obj.kpi_rows
            )
            or "—"
        )

    @admin.display(description="industries")
    def industries_display(self, obj):
        return ", ".join(obj.get_industries_display()) or "—"

    @admin.display(description="skills")
    def skills_display(self, obj):
        return ", ".join(obj.get_skills_display()) or "—"

    @admin.display(description="technologies")
    def technologies_display(self, obj):
        return ", ".join(obj.technologies) or "—"

    @admin.display(description="levels wanted")
    def levels_display(self, obj):
        return ", ".join(obj.get_desired_levels_display()) or "—"

    @admin.display(description="minimum salary")
    def salary_display(self, obj):
        if obj.desired_salary_min is None:
            return "—"
        return f"{obj.desired_currency} {obj.desired_salary_min:,} a year"

    @admin.display(description="workplaces accepted")
    def workplaces_display(self, obj):
        return ", ".join(obj.get_workplaces_display()) or "—"

    @admin.display(description="countries")
    def countries_display(self, obj):
        return ", ".join(obj.get_countries_display()) or "—"

    @admin.display(description="résumé")
    def resume_link(self, obj):
        if not obj.resume:
            return "—"
        if not getattr(obj, "resume_shared", False):
            return "Shared only with companies the candidate applies to."
        return _resume_link(reverse("candidates:profile_resume", args=[obj.pk]))


@admin.register(SavedPosting)
class SavedPostingAdmin(admin.ModelAdmin):
    list_display = ["user", "listing", "created_at"]
    raw_id_fields = ["user", "listing"]

    def has_module_permission(self, request):
        return is_operator(request.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if is_operator(request.user) else qs.none()

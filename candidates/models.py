"""Candidates: an executive profile, a private résumé, saved postings and applications.

Profile fields other apps may rely on (alerts "roles that match my profile", the
match score, search) are documented on the model; codes are those of
listings.choices so a profile and a posting compare without translation.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from candidates.choices import (
    RESUME_CONTENT_TYPES,
    ApplicationStatus,
    CurrentLevel,
    ResumeKind,
    Visibility,
)
from candidates.querysets import ApplicationQuerySet, ProfileQuerySet, SavedPostingQuerySet
from candidates.storage import private_storage
from listings.choices import KPI, Level, Skill, Workplace
from listings.models import MAX_TEAM, Industry, Listing, country_codes
from money.currencies import MAX_AMOUNT, Currency

MAX_BUDGET = 100_000_000_000
MAX_YEARS = 50
# The least annual salary we believe is meant as a yearly figure (not "180" for 180k).
MIN_SALARY = 1_000


def _labels(codes, choices) -> list[str]:
    labels = dict(choices)
    return [str(labels.get(code, code)) for code in codes]


class Profile(models.Model):
    """A candidate's executive profile; one per user, private unless they choose otherwise.

    For matching and alerts:
      desired_levels    listings.choices.Level codes the candidate wants (empty: not said)
      leadership_years  years leading customer-service teams (null: not said)
      kpis_moved        [{"code": KPI code, "before": str, "after": str}], e.g. NPS 31 → 58
      industries        Industry slugs (same values as Listing.industries)
      skills            listings.choices.Skill codes
      technologies      free names, e.g. "Zendesk" (suggestions in TECHNOLOGY_SUGGESTIONS)
      desired_salary_min + desired_currency
                        the lowest *annual* salary accepted, in that currency (null: not said)
      countries         ISO 3166-1 alpha-2 codes where they would work or live for remote roles
      workplaces        listings.choices.Workplace codes accepted
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate_profile"
    )
    full_name = models.CharField(max_length=120, blank=True)
    headline = models.CharField(
        max_length=160,
        blank=True,
        help_text="One line a recruiter reads first, e.g. “VP Customer Experience, B2B SaaS”.",
    )
    current_title = models.CharField(max_length=150, blank=True)
    current_level = models.CharField(max_length=20, choices=CurrentLevel.choices, blank=True)
    leadership_years = models.PositiveSmallIntegerField(
        "years of customer-service leadership",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_YEARS)],
    )
    largest_team = models.PositiveIntegerField(
        "largest team led (people)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TEAM)],
    )
    largest_budget = models.PositiveBigIntegerField(
        "largest annual budget owned",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_BUDGET)],
    )
    budget_currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    kpis_moved = models.JSONField("KPIs moved", default=list, blank=True)
    industries = ArrayField(models.SlugField(max_length=60), default=list, blank=True)
    skills = ArrayField(
        models.CharField(max_length=32, choices=Skill.choices), default=list, blank=True
    )
    technologies = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    desired_levels = ArrayField(
        models.CharField(max_length=20, choices=Level.choices), default=list, blank=True
    )
    desired_salary_min = models.PositiveIntegerField(
        "desired minimum salary (annual)",
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_SALARY), MaxValueValidator(MAX_AMOUNT)],
    )
    desired_currency = models.CharField(
        max_length=3, choices=Currency.choices, default=Currency.USD
    )
    countries = ArrayField(
        models.CharField(max_length=2, choices=country_codes()), default=list, blank=True
    )
    workplaces = ArrayField(
        models.CharField(max_length=8, choices=Workplace.choices), default=list, blank=True
    )
    summary = models.TextField(max_length=3000, blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # the current résumé; never served by URL, only through candidates.views
    resume = models.FileField(storage=private_storage, max_length=200, blank=True, editable=False)
    resume_kind = models.CharField(
        max_length=4, choices=ResumeKind.choices, blank=True, editable=False
    )
    resume_original_name = models.CharField(max_length=150, blank=True, editable=False)
    resume_uploaded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfileQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["visibility"], name="profile_visibility")]
        constraints = [
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="profile_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(desired_salary_min__isnull=True)
                | Q(desired_salary_min__gte=MIN_SALARY, desired_salary_min__lte=MAX_AMOUNT),
                name="profile_desired_salary_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.full_name:
            return self.full_name
        return self.user.email if self.user_id else "(new profile)"

    @property
    def kpi_codes(self) -> list[str]:
        return [k["code"] for k in self.kpis_moved]

    @property
    def kpi_rows(self) -> list[dict]:
        labels = dict(KPI.choices)
        return [
            {
                "code": k["code"],
                "label": labels.get(k["code"], k["code"]),
                "before": k.get("before", ""),
                "after": k.get("after", ""),
            }
            for k in self.kpis_moved
        ]

    def get_desired_levels_display(self) -> list[str]:
        return _labels(self.desired_levels, Level.choices)

    def get_workplaces_display(self) -> list[str]:
        return _labels(self.workplaces, Workplace.choices)

    def get_skills_display(self) -> list[str]:
        return _labels(self.skills, Skill.choices)

    def get_countries_display(self) -> list[str]:
        return [countries.name(code) or code for code in self.countries]

    def get_industries_display(self) -> list[str]:
        names = dict(Industry.objects.filter(slug__in=self.industries).values_list("slug", "name"))
        return [names.get(slug, slug) for slug in self.industries]

    @property
    def has_resume(self) -> bool:
        return bool(self.resume)

    @property
    def resume_content_type(self) -> str:
        return RESUME_CONTENT_TYPES.get(self.resume_kind, "application/octet-stream")

    def missing_for_application(self) -> list[str]:
        """What the candidate must add before applying with this profile."""
        missing = []
        if not self.full_name.strip():
            missing.append("your name")
        if not self.headline.strip():
            missing.append("a headline")
        if not self.has_resume:
            missing.append("a résumé")
        return missing

    def completeness(self) -> list[tuple[str, bool]]:
        """The parts of a complete profile, each with whether it is filled in."""
        return [
            ("Name and headline", bool(self.full_name and self.headline)),
            ("Current role and level", bool(self.current_title and self.current_level)),
            ("Years of leadership", self.leadership_years is not None),
            ("Scope: team and budget", bool(self.largest_team or self.largest_budget)),
            ("KPIs you have moved", bool(self.kpis_moved)),
            ("Industries", bool(self.industries)),
            ("Levels you want", bool(self.desired_levels)),
            ("Minimum salary", self.desired_salary_min is not None),
            ("Countries and workplaces", bool(self.countries and self.workplaces)),
            ("Résumé", self.has_resume),
        ]


class SavedPosting(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_postings"
    )
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="saves")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SavedPostingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "listing"], name="saved_posting_once")
        ]
        # the daily posting figures (candidates.stats) count one day's saves
        indexes = [models.Index(fields=["created_at"], name="saved_posting_created")]

    def __str__(self) -> str:
        return f"{self.user} saved {self.listing_id}"


class Application(models.Model):
    """One candidate's application to one in-app posting, as it was sent.

    Name, email, profile summary and a copy of the résumé are taken at the moment of
    applying, so the recruiter keeps what was sent when the candidate later edits the
    profile; if the candidate deletes the account, `candidate` becomes null, the résumé
    copy is deleted and the rest stays with the recruiter.
    """

    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    listing = models.ForeignKey(Listing, on_delete=models.PROTECT, related_name="applications")
    candidate_name = models.CharField(max_length=120)
    candidate_email = models.EmailField()
    cover_note = models.TextField(max_length=3000, blank=True)
    profile_snapshot = models.JSONField(default=dict, blank=True)
    resume = models.FileField(storage=private_storage, max_length=200, blank=True)
    resume_kind = models.CharField(max_length=4, choices=ResumeKind.choices, blank=True)
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.NEW
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # when the recruiters' email was put in the outbox (candidates.services)
    recruiters_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "listing"], name="application_once_per_posting"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="application_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["listing", "status"], name="application_listing_status"),
            # the daily posting figures (candidates.stats) count one day's applications
            models.Index(fields=["created_at"], name="application_created"),
            models.Index(
                fields=["created_at"],
                name="application_unnotified",
                condition=Q(recruiters_notified_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_name} → {self.listing}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:application_detail", kwargs={"pk": self.pk})

    @property
    def resume_content_type(self) -> str:
        return RESUME_CONTENT_TYPES.get(self.resume_kind, "application/octet-stream")

    def set_status(self, status: str) -> bool:
        """Move the application to `status`; True if it changed."""
        if status not in ApplicationStatus.values:
            raise ValueError(f"unknown application status {status!r}")
        if status == self.status:
            return False
        self.status = status
        self.status_changed_at = timezone.now()
        self.save(update_fields=["status", "status_changed_at"])
        return True

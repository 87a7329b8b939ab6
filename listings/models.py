"""Companies, recruiters and the executive role postings they publish."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django_countries import countries
from django_countries.fields import CountryField

from listings import lifecycle
from listings.choices import (
    ANNUAL_FACTOR,
    KPI,
    ApplyMethod,
    Channel,
    CompanySize,
    EmploymentType,
    Function,
    GeographicScope,
    Level,
    ModerationAction,
    PostedBy,
    ReportReason,
    ReportStatus,
    SalaryPeriod,
    Skill,
    Status,
    Workplace,
)
from listings.pay import annual_pay_expression, pay_of
from listings.querysets import (
    CompanyQuerySet,
    ListingQuerySet,
    ReportQuerySet,
    SearchEntryQuerySet,
)
from listings.search_codes import MAX_INDUSTRY_BIT
from money.currencies import MAX_AMOUNT, Currency, amount_problem

MAX_TEAM = 1_000_000
DEFAULT_VALIDITY = timedelta(days=60)


class Industry(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    # Its bit in SearchEntry.industry_bits: given by the database on insert (the
    # smallest free one, migration 0005), never reused while the industry exists.
    bit = models.PositiveSmallIntegerField(unique=True, null=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "industries"
        constraints = [
            models.CheckConstraint(
                condition=Q(bit__isnull=True) | Q(bit__lte=MAX_INDUSTRY_BIT),
                name="industry_bit_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.bit is None:  # given by the database trigger on insert
            self.bit = Industry.objects.values_list("bit", flat=True).get(pk=self.pk)


class Company(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=160, unique=True)
    website = models.URLField(blank=True)
    logo_url = models.URLField("logo URL", blank=True, help_text="A square logo, https.")
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="companies")
    size = models.CharField(max_length=12, choices=CompanySize.choices, blank=True)
    headquarters = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    # Operators vouch for the company: its recruiters publish without review.
    trusted = models.BooleanField(
        "publishes without review",
        default=False,
        help_text="Its recruiters may publish straight away; other postings wait for review.",
    )
    # Made by `seed_demo`: its --reset refuses a database holding other companies or
    # postings unless told --reset-everything.
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Company, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("listings:company", kwargs={"slug": self.slug})


class Recruiter(models.Model):
    """A staff user who posts for one company."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recruiter_profile"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="recruiters")
    # A lead recruiter invites and removes the company's other recruiters.
    is_lead = models.BooleanField("lead recruiter", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} ({self.company})"


def unique_slug(model, text: str, max_length: int = 150) -> str:
    base = slugify(text)[:max_length].strip("-") or "item"
    slug = base
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def country_codes() -> list[tuple[str, str]]:
    return list(countries)


class Listing(models.Model):
    # role
    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=180, unique=True, editable=False)
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="listings")
    # who posts it: the employer itself, or a search firm (the company) for a client
    posted_by = models.CharField(
        "posted by", max_length=12, choices=PostedBy.choices, default=PostedBy.EMPLOYER
    )
    client_name = models.CharField(
        "client's name", max_length=150, blank=True, help_text="Search firms: the employer."
    )
    client_website = models.URLField("client's website", blank=True)
    client_logo_url = models.URLField("client's logo URL", blank=True)
    confidential = models.BooleanField(
        "confidential search",
        default=False,
        help_text="The client's name, logo and website never appear on the public pages, "
        "feeds, emails or structured data; the descriptor stands in for them.",
    )
    client_descriptor = models.CharField(
        "client descriptor",
        max_length=120,
        blank=True,
        help_text="What candidates see instead of the client's name, e.g. "
        "“Series C fintech, 2,000 employees”.",
    )
    hiring_contact_name = models.CharField("hiring contact's name", max_length=120, blank=True)
    hiring_contact_title = models.CharField("hiring contact's title", max_length=120, blank=True)
    level = models.CharField(max_length=20, choices=Level.choices)
    function = models.CharField(max_length=24, choices=Function.choices)
    employment_type = models.CharField(
        max_length=12, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    # location
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True, help_text="State, province or county.")
    country = CountryField(
        blank=True, help_text="Where the role is based (blank for fully remote)."
    )
    workplace = models.CharField(max_length=8, choices=Workplace.choices)
    applicant_countries = ArrayField(
        models.CharField(max_length=2, choices=country_codes()),
        default=list,
        blank=True,
        help_text="Remote roles: the countries applicants may live in.",
    )
    # compensation, in the posting's currency and period
    salary_min = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_AMOUNT)]
    )
    salary_max = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_AMOUNT)]
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    salary_period = models.CharField(
        max_length=6, choices=SalaryPeriod.choices, default=SalaryPeriod.YEAR
    )
    # The annual pay range in the posting's currency (listings.pay: one stated bound
    # stands for both); money_to_reference() of these is the comparable pay.
    pay_min_annual = models.GeneratedField(
        expression=annual_pay_expression("salary_min", "salary_max"),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
    )
    pay_max_annual = models.GeneratedField(
        expression=annual_pay_expression("salary_max", "salary_min"),
        output_field=models.BigIntegerField(null=True),
        db_persist=True,
    )
    bonus = models.CharField("bonus", max_length=200, blank=True)
    equity = models.CharField("equity", max_length=200, blank=True)
    # scope
    team_size = models.PositiveIntegerField(
        "people led", null=True, blank=True, validators=[MaxValueValidator(MAX_TEAM)]
    )
    managers_reporting = models.PositiveIntegerField(
        "managers reporting in", null=True, blank=True, validators=[MaxValueValidator(10_000)]
    )
    budget = models.PositiveBigIntegerField(
        "annual budget owned",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000_000_000)],
        help_text="In the posting's currency.",
    )
    geographic_scope = models.CharField(max_length=16, choices=GeographicScope.choices, blank=True)
    channels = ArrayField(
        models.CharField(max_length=16, choices=Channel.choices), default=list, blank=True
    )
    # KPIs owned: [{"code": "csat", "target": "≥ 90%"}, ...]; codes from choices.KPI
    kpis = models.JSONField(default=list, blank=True)
    # The codes alone, kept from `kpis` by the database trigger (migration 0003):
    # a plain text[] is what filters, facets and alert matching test against.
    kpi_codes = ArrayField(models.CharField(max_length=24), default=list, editable=False)
    # responsibilities and requirements
    responsibilities = ArrayField(models.TextField(), default=list, blank=True)
    requirements = ArrayField(models.TextField(), default=list, blank=True)
    min_leadership_years = models.PositiveSmallIntegerField(
        "minimum years of leadership",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
    )
    skills = ArrayField(
        models.CharField(max_length=32, choices=Skill.choices), default=list, blank=True
    )
    technologies = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    industries = ArrayField(
        models.SlugField(max_length=60),
        default=list,
        blank=True,
        help_text="Industries of the role; the company's own is added automatically.",
    )
    description = models.TextField(help_text="Markdown. Rendered and sanitised on the page.")
    # application
    apply_method = models.CharField(
        max_length=8, choices=ApplyMethod.choices, default=ApplyMethod.IN_APP
    )
    apply_url = models.URLField("application URL", blank=True)
    apply_email = models.EmailField("application email", blank=True)
    # lifecycle
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    date_posted = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Set once, on first publication."
    )
    valid_through = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    expiry_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The latest return or unpublishing by an operator, shown to the recruiter until
    # the posting is submitted again (the whole history is in ModerationEvent).
    moderation_action = models.CharField(
        max_length=16, choices=ModerationAction.choices, blank=True, editable=False
    )
    moderation_reason = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # kept by a database trigger (migrations 0002-0003), so bulk writes stay searchable:
    # search_vector holds every field, weighted A-D; head_vector only the A/B fields
    # (title, company, KPIs, skills, technologies), small enough to rank 100,000 rows fast
    search_vector = SearchVectorField(null=True, editable=False)
    head_vector = SearchVectorField(null=True, editable=False)

    objects = ListingQuerySet.as_manager()

    # where the posting stands: what publishing writes, and what a workflow re-reads
    # under its row lock (listings.services._lock)
    LIFECYCLE_FIELDS = (
        "status",
        "date_posted",
        "valid_through",
        "closed_at",
        "moderation_action",
        "moderation_reason",
    )

    class Meta:
        ordering = ["-date_posted", "-id"]
        indexes = [
            GinIndex(fields=["search_vector"], name="listing_search_gin"),
            GinIndex(fields=["kpi_codes"], name="listing_kpi_codes_gin"),
            GinIndex(fields=["industries"], name="listing_industries_gin"),
            GinIndex(fields=["applicant_countries"], name="listing_applicants_gin"),
            models.Index(
                fields=["-date_posted", "-id"],
                name="listing_live_newest",
                condition=Q(status="published"),
            ),
            models.Index(
                fields=["status", "valid_through", "date_posted"], name="listing_status_valid"
            ),
            # the sitemap's "last modified": the latest edit of a live posting
            models.Index(
                fields=["-updated_at"],
                name="listing_live_updated",
                condition=Q(status="published"),
            ),
            models.Index(fields=["company", "status"], name="listing_company_status"),
            models.Index(fields=["level"], name="listing_level"),
            models.Index(fields=["country"], name="listing_country"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=models.F("salary_max")),
                name="listing_salary_min_lte_max",
            ),
            models.CheckConstraint(
                condition=Q(valid_through__isnull=True)
                | Q(date_posted__isnull=True)
                | Q(valid_through__gt=models.F("date_posted")),
                name="listing_valid_after_posted",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | (Q(date_posted__isnull=False) & Q(valid_through__isnull=False)),
                name="listing_published_has_dates",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="listing_status_valid_choice"
            ),
            # A confidential posting is a search firm's, and says what stands in for the name.
            models.CheckConstraint(
                condition=Q(confidential=False)
                | (Q(posted_by=PostedBy.SEARCH_FIRM) & ~Q(client_descriptor="")),
                name="listing_confidential_has_descriptor",
            ),
            models.CheckConstraint(
                condition=Q(posted_by=PostedBy.EMPLOYER) | ~Q(client_name=""),
                name="listing_search_firm_names_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} at {self.company}" if self.company_id else self.title

    # ------------------------------------------------------------------ derived

    def get_absolute_url(self) -> str:
        return reverse("listings:detail", kwargs={"slug": self.slug})

    @property
    def is_live(self) -> bool:
        return lifecycle.is_live(self)

    @property
    def has_public_page(self) -> bool:
        return lifecycle.has_public_page(self)

    @property
    def is_expired(self) -> bool:
        return (
            self.status == Status.PUBLISHED
            and self.valid_through is not None
            and self.valid_through <= timezone.now()
        )

    @property
    def kpi_rows(self) -> list[dict]:
        labels = dict(KPI.choices)
        return [
            {
                "code": k["code"],
                "label": labels.get(k["code"], k["code"]),
                "target": k.get("target"),
            }
            for k in self.kpis
        ]

    @property
    def location_display(self) -> str:
        place = ", ".join(p for p in [self.city, self.region, self.country.name] if p)
        if self.workplace == Workplace.REMOTE:
            where = ", ".join(countries.name(c) for c in self.applicant_countries[:4])
            more = len(self.applicant_countries) - 4
            if more > 0:
                where += f" +{more}"
            return f"Remote ({where})" if where else "Remote"
        label = self.get_workplace_display()
        return f"{place} · {label}" if place else label

    @property
    def salary_display(self) -> str:
        if not self.salary_min and not self.salary_max:
            return ""

        def fmt(v: int) -> str:
            return f"{v:,}"

        if self.salary_min and self.salary_max:
            amount = f"{fmt(self.salary_min)}–{fmt(self.salary_max)}"
        else:
            amount = (
                f"from {fmt(self.salary_min)}"
                if self.salary_min
                else f"up to {fmt(self.salary_max)}"
            )
        return f"{self.currency} {amount} {self.get_salary_period_display()}"

    @cached_property
    def pay(self):
        """Its pay as stated and as it compares (listings.pay), read once per instance."""
        return pay_of(self)

    @property
    def requires_in_app_apply(self) -> bool:
        return self.apply_method == ApplyMethod.IN_APP

    @property
    def by_search_firm(self) -> bool:
        return self.posted_by == PostedBy.SEARCH_FIRM

    @cached_property
    def hirer(self) -> Hirer:
        """Who the public sees as hiring: every public surface reads this, never the
        client fields, so a confidential client's name cannot reach one by accident."""
        company = self.company
        if not self.by_search_firm:
            return Hirer(company.name, company.website, company.logo_url, False, None)
        if self.confidential:
            return Hirer(self.client_descriptor, "", "", True, company)
        return Hirer(self.client_name, self.client_website, self.client_logo_url, False, company)

    @property
    def returned_reason(self) -> str:
        """The operator's reason while a returned or unpublished posting waits on its recruiter."""
        if self.status == Status.DRAFT and self.moderation_action in (
            ModerationAction.RETURNED,
            ModerationAction.UNPUBLISHED,
        ):
            return self.moderation_reason
        return ""

    # ------------------------------------------------------------------ validation

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        if self.salary_min and self.salary_max and self.salary_min > self.salary_max:
            add("salary_max", "The maximum salary must be at least the minimum.")
        per_year = ANNUAL_FACTOR.get(self.salary_period, 1)
        for name in ("salary_min", "salary_max"):
            if problem := amount_problem(getattr(self, name), self.currency, per_year):
                add(name, problem)
        if self.valid_through and self.date_posted and self.valid_through <= self.date_posted:
            add("valid_through", "“Valid through” must be after the date the role was posted.")
        if self.workplace == Workplace.REMOTE and not self.applicant_countries:
            add(
                "applicant_countries",
                "A remote role must say which countries applicants may live in.",
            )
        if self.workplace in (Workplace.ONSITE, Workplace.HYBRID) and not self.country:
            add("country", "An on-site or hybrid role needs the country it is based in.")
        unknown = [k.get("code") for k in self.kpis if k.get("code") not in KPI.values]
        if unknown:
            add("kpis", f"Unknown KPI: {', '.join(unknown)}.")
        if self.apply_method == ApplyMethod.URL and not self.apply_url:
            add("apply_url", "Give the URL of the application page.")
        if self.apply_method == ApplyMethod.EMAIL and not self.apply_email:
            add("apply_email", "Give the email address applications go to.")
        for field, message in self.client_problems():
            add(field, message)
        if errors:
            raise ValidationError(errors)

    CLIENT_FIELDS = ("client_name", "client_website", "client_logo_url", "client_descriptor")
    # Where a confidential client's name must not be written: every field shown publicly.
    PUBLIC_TEXT_FIELDS = (
        "title",
        "client_descriptor",
        "description",
        "responsibilities",
        "requirements",
        "bonus",
        "equity",
        "hiring_contact_name",
        "hiring_contact_title",
        "technologies",
        "kpis",  # their targets
        "city",
        "region",
    )

    def client_problems(self) -> list[tuple[str, str]]:
        """(field, message) for a search-firm posting that is incomplete, or a confidential
        one that would give its client away."""
        problems = []
        if not self.by_search_firm:
            if self.confidential:
                problems.append(
                    ("confidential", "Only a search firm's posting can be confidential.")
                )
            for name in self.CLIENT_FIELDS:
                if getattr(self, name):
                    problems.append((name, "Only a search firm's posting names a client."))
            return problems
        if not self.client_name.strip():
            problems.append(("client_name", "Name the client the search is for."))
        if not self.confidential:
            return problems
        if not self.client_descriptor.strip():
            problems.append(
                (
                    "client_descriptor",
                    "Describe the client for candidates (e.g. “Series C fintech, "
                    "2,000 employees”): a confidential posting shows this instead of its name.",
                )
            )
        name = self.client_name.strip()
        domain = _domain(self.client_website)
        # the client's web address gives it away as surely as its name
        giveaways = [(name, f"This names the client (“{name}”)")] if len(name) >= 2 else []
        if domain:
            giveaways.append((domain, f"This gives the client's web address (“{domain}”)"))
        for word, said in giveaways:
            pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
            for field in self.PUBLIC_TEXT_FIELDS:
                if pattern.search(self._public_text(field)):
                    problems.append((field, f"{said}: the search is confidential."))
        # The page shows where to apply: not on the client's domain (or a subdomain), nor
        # naming it run together or hyphenated ("…/jobs/quillfeather-bank-vp").
        squeezed = _squeezed(name)
        mail_host = self.apply_email.rpartition("@")[2].lower()
        for field, host, said in (
            ("apply_url", _domain(self.apply_url), "This is the client's site"),
            ("apply_email", mail_host, "This is the client's address"),
        ):
            if domain and _on_domain(host, domain):
                problems.append((field, f"{said}: the search is confidential."))
            elif len(squeezed) >= 5 and squeezed in _squeezed(getattr(self, field)):
                said = f"This names the client (“{name}”)"
                problems.append((field, f"{said}: the search is confidential."))
        return problems

    def _public_text(self, field: str) -> str:
        value = getattr(self, field)
        if field == "kpis":
            return " ".join(str(k.get("target") or "") for k in value if isinstance(k, dict))
        return " ".join(map(str, value)) if isinstance(value, list) else str(value or "")

    def publication_problems(self) -> list[str]:
        """What a posting still lacks before it may be published (Google's required fields too)."""
        problems = []
        if not self.title.strip():
            problems.append("a title")
        if not self.description.strip():
            problems.append("a description")
        if not self.responsibilities:
            problems.append("at least one responsibility")
        if self.workplace != Workplace.REMOTE and not (self.city or self.region) and self.country:
            problems.append("a city or region for the job location")
        if self.valid_through and self.valid_through <= timezone.now():
            problems.append("a “valid through” date in the future")
        try:
            self.clean()
        except ValidationError as exc:
            problems.extend(m for msgs in exc.message_dict.values() for m in msgs)
        return problems

    def save(self, *args, **kwargs):
        if not self.slug or self._slug_names_client():
            # From the title and the owner's name (a search firm's, never its client's).
            # Fixed at creation, except that a search made confidential after its slug
            # was made from a title naming the client gets a new one: the old address
            # would give the client away (so it goes, and answers 404).
            company = self.company.name if self.company_id else ""
            title = self.title
            if self.confidential and self.client_name.strip():
                title = re.sub(re.escape(self.client_name.strip()), " ", title, flags=re.I)
            self.slug = unique_slug(Listing, f"{title} {company}", max_length=160)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "slug"}
        self.kpi_codes = [k["code"] for k in self.kpis if isinstance(k, dict) and "code" in k]
        # a search firm's own industry is not the role's: its recruiter names the client's
        company_industry = (
            self.company.industry.slug if self.company_id and not self.by_search_firm else None
        )
        if company_industry and company_industry not in self.industries:
            self.industries = [company_industry, *self.industries]
        super().save(*args, **kwargs)

    def _slug_names_client(self) -> bool:
        if not (self.slug and self.confidential and self.by_search_firm):
            return False
        client = slugify(self.client_name)
        return bool(client) and f"-{client}-" in f"-{self.slug}-"

    # ------------------------------------------------------------------ state changes

    def submit_for_review(self) -> None:
        if self.status != Status.DRAFT:
            raise ValidationError("Only a draft can be submitted for review.")
        self.status = Status.REVIEW
        self.moderation_action = ""
        self.moderation_reason = ""
        self.save(update_fields=["status", "moderation_action", "moderation_reason", "updated_at"])

    def back_to_review(self) -> None:
        """A published or in-review posting changed by a recruiter who may not publish:
        it waits for an operator again (off the public pages meanwhile)."""
        if self.status not in (Status.PUBLISHED, Status.REVIEW):
            raise ValidationError("Only a published posting or one in review goes back to review.")
        self.status = Status.REVIEW
        self.save(update_fields=["status", "updated_at"])

    def return_to_recruiter(self, *, reason: str) -> None:
        """Send a posting in review back to its recruiter as a draft, with the reason."""
        if self.status != Status.REVIEW:
            raise ValidationError("Only a posting in review can be returned.")
        self._back_to_draft(ModerationAction.RETURNED, reason)

    def unpublish(self, *, reason: str) -> None:
        """Take a published posting off every public page; its recruiter sees why."""
        if self.status != Status.PUBLISHED:
            raise ValidationError("Only a published posting can be unpublished.")
        self._back_to_draft(ModerationAction.UNPUBLISHED, reason)

    def _back_to_draft(self, action: str, reason: str) -> None:
        reason = reason.strip()
        if not reason:
            raise ValidationError("Give the recruiter a reason.")
        self.status = Status.DRAFT
        self.moderation_action = action
        self.moderation_reason = reason
        self.save(update_fields=["status", "moderation_action", "moderation_reason", "updated_at"])

    def _publish(self, *, now=None) -> None:
        """Make the posting live. The first publication fixes date_posted for good.

        Private: postings go live through listings.services.listing_publish, which checks
        who may publish, records it and tells the other apps (alerts)."""
        now = now or timezone.now()
        if self.status == Status.PUBLISHED and not self.is_expired:
            return
        if self.date_posted is None:
            self.date_posted = now
        if self.valid_through is None or self.valid_through <= now:
            self.valid_through = now + DEFAULT_VALIDITY
        problems = self.publication_problems()
        if problems:
            raise ValidationError("Before publishing, add " + "; ".join(problems) + ".")
        self.status = Status.PUBLISHED
        self.closed_at = None
        self.moderation_action = ""  # an operator's earlier reason is answered
        self.moderation_reason = ""
        self.save(update_fields=[*self.LIFECYCLE_FIELDS, "updated_at"])

    def close(self) -> None:
        if self.status == Status.CLOSED:
            return
        self.status = Status.CLOSED
        self.closed_at = timezone.now()
        self.save(update_fields=["status", "closed_at", "updated_at"])

    def extend(self, *, days: int = 30) -> None:
        """Push valid_through `days` further (from now if it has already passed)."""
        base = max(self.valid_through or timezone.now(), timezone.now())
        self.valid_through = base + timedelta(days=days)
        self.expiry_reminder_sent_at = None
        self.save(update_fields=["valid_through", "expiry_reminder_sent_at", "updated_at"])

    def duplicate(self, *, by=None) -> Listing:
        """A new draft with the same content, for a similar role."""
        fields = {
            f.name: getattr(self, f.name)
            for f in self._meta.concrete_fields
            if f.editable and f.name not in {"id", "status", "valid_through"}
        }
        fields["title"] = self.title
        copy = Listing(**fields, status=Status.DRAFT, created_by=by)
        copy.save()
        return copy


@dataclass(frozen=True)
class Hirer:
    """The employer as the public sees it (Listing.hirer)."""

    name: str
    website: str
    logo_url: str
    confidential: bool
    # the search firm posting for the client, or None when the employer posts itself
    search_firm: Company | None

    @property
    def byline(self) -> str:
        """The hirer in one line of text (feeds, emails): for a search, the firm too."""
        if self.search_firm is None:
            return self.name
        how = "confidential search by" if self.confidential else "via"
        return f"{self.name} ({how} {self.search_firm.name})"


def _domain(url: str) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    return host.lower().removeprefix("www.")


def _squeezed(text: str) -> str:
    """Letters and digits only, lower case: "Quillfeather Bank" and "quillfeather-bank"
    alike become "quillfeatherbank"."""
    return re.sub(r"[\W_]+", "", text.lower())


def _on_domain(host: str, domain: str) -> bool:
    """Is `host` the domain itself or one of its subdomains (careers.client.com)?"""
    return bool(host) and (host == domain or host.endswith("." + domain))


class ModerationEvent(models.Model):
    """One moderation step on a posting: who did what, when, and why."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="moderation")
    action = models.CharField(max_length=16, choices=ModerationAction.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["listing", "-at"], name="moderation_listing_at")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: posting {self.listing_id}"


class Report(models.Model):
    """A visitor's report that a live posting is wrong (no account, no address kept)."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=16, choices=ReportReason.choices)
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["listing", "created_at"],
                name="report_open",
                condition=Q(status="open"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.get_status_display()})"


class Invitation(models.Model):
    """A lead recruiter's invitation for a colleague to join the company's recruiters.

    The emailed link is signed and carries `nonce`; it works once (accepted_at) and
    until `expires_at`, and not after it is revoked.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    nonce = models.CharField(max_length=64, default=secrets.token_urlsafe, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class PostingDay(models.Model):
    """What one posting achieved on one day (UTC), folded from Redis and the tables of
    the apps above by `listings.fold_posting_stats` (listings.stats): absolute figures,
    so a fold run again writes the same row."""

    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    visitors = models.IntegerField(default=0)
    views = models.IntegerField(default=0)
    impressions = models.IntegerField(default=0)
    apply_clicks = models.IntegerField(default=0)
    applications = models.IntegerField(default=0)
    saves = models.IntegerField(default=0)
    alert_emails = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["listing", "day"], name="postingday_once")]
        indexes = [models.Index(fields=["day"], name="postingday_day")]

    def __str__(self) -> str:
        return f"posting {self.listing_id} on {self.day}"


class SearchEntry(models.Model):
    """The narrow, hot copy of a published posting that search reads (never written here).

    Kept by statement-level triggers on listings_listing (migration 0005), so every
    write, bulk ones included, keeps it right: a row per published posting that has
    not expired, with the filter columns under the same names as on Listing (so the
    one FilterSet runs on either), KPIs and industries as bit sets, the title vector
    for the relevance tier and the match vector (the full vector and phrase lexemes)
    under a GIN index. Expired rows leave it hourly (`prune_search_entries`); until
    then `live()` filters them by the clock.
    """

    listing = models.OneToOneField(
        Listing,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_entry",
    )
    # Fixed-width, never-null columns first: the counting pass reads these, and
    # PostgreSQL finds them at fixed offsets without walking the row.
    industry_bits = models.BigIntegerField()
    company_id = models.BigIntegerField()
    date_posted = models.DateTimeField()
    valid_through = models.DateTimeField()
    updated_at = models.DateTimeField()
    kpi_bits = models.IntegerField()
    # level, function and workplace in one small number (listings.search_codes.facet_code)
    facet_code = models.SmallIntegerField()
    title_vector = SearchVectorField()
    # comparable pay (listings.pay): the annual range in the posting's currency and in
    # the reference currency, the latter repriced when exchange rates change
    pay_min = models.BigIntegerField(null=True)
    pay_max = models.BigIntegerField(null=True)
    pay_min_annual = models.BigIntegerField(null=True)
    pay_max_annual = models.BigIntegerField(null=True)
    currency = models.CharField(max_length=3, default="USD")
    team_size = models.IntegerField(null=True)
    min_leadership_years = models.SmallIntegerField(null=True)
    level = models.CharField(max_length=20)
    function = models.CharField(max_length=24)
    workplace = models.CharField(max_length=8)
    country = models.CharField(max_length=2)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100)
    applicant_countries = ArrayField(models.CharField(max_length=2))
    match_vector = SearchVectorField()

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        managed = True
        indexes = [
            GinIndex(fields=["match_vector"], name="searchentry_match_gin"),
            models.Index(fields=["-date_posted", "-listing"], name="searchentry_newest"),
            models.Index(
                models.F("pay_max").desc(nulls_last=True),
                models.F("date_posted").desc(),
                models.F("listing").desc(),
                name="searchentry_salary",
            ),
            models.Index(fields=["company_id", "-date_posted"], name="searchentry_company"),
            models.Index(fields=["company_id", "-updated_at"], name="searchentry_company_updated"),
            models.Index(fields=["valid_through"], name="searchentry_valid"),
        ]

    def __str__(self) -> str:
        return f"search entry of posting {self.listing_id}"


class PayCells(models.Model):
    """A pay count's cell: postings of one level-function-workplace code (-1: any) in one
    place ("": everywhere) whose comparable midpoint falls in one 2 % bucket, and the
    sum of their (comparable min + max), so a bucket's mean midpoint is span / 2n.
    Delta rows: writers only insert, `compact_pay_counts` folds them."""

    facet_code = models.SmallIntegerField()
    country = models.CharField(max_length=2)
    bucket = models.SmallIntegerField()
    n = models.BigIntegerField()
    span = models.BigIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.facet_code}/{self.country or '*'}/{self.bucket}: {self.n:+d}"


class LivePayCount(PayCells):
    """How many live postings pay about each amount, per slice, for /salaries/ (0008).

    Kept by a trigger on the projection. A posting counts once in country "" and once
    in each country it is in (based there, or remote and open to applicants there),
    each time under its facet code and under -1, in the bucket of its comparable
    midpoint (listings.insights).
    """

    class Meta:
        indexes = [
            models.Index(fields=["country", "facet_code", "bucket"], name="livepaycount_cell"),
            # the country breakdown: the chosen codes (or -1, any) across every country
            models.Index(fields=["facet_code", "country", "bucket"], name="livepaycount_code"),
        ]


class MonthPayCount(PayCells):
    """The same counts for every posting advertised (published, now or since closed),
    by the month it was first posted (0008).

    Kept by a trigger on listings_listing; rebuilt when exchange rates change.
    `month` is year * 12 + month - 1 of date_posted (UTC).
    """

    month = models.SmallIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["month", "country", "facet_code"], name="monthpaycount_cell")
        ]

    def __str__(self) -> str:
        return f"{self.month}:{super().__str__()}"


class YearPayCount(PayCells):
    """MonthPayCount summed over the months of the last year (the first month in
    listings_paywindow), so /salaries/ reads one row per cell: kept by the same trigger,
    rebuilt with it, and rolled on as months leave the window (listings.insights)."""

    class Meta:
        indexes = [
            models.Index(fields=["country", "facet_code", "bucket"], name="yearpaycount_cell"),
            models.Index(fields=["facet_code", "country", "bucket"], name="yearpaycount_code"),
        ]


class SearchCount(models.Model):
    """Live-posting counts per facet option, kept by a trigger on the projection (0006).

    Rows are deltas (+n / -n) that writers only ever insert, so concurrent writers
    never wait on one another; readers sum them, and `compact_search_counts` folds
    them into one row per option from time to time. kind: "f" facet code (level,
    function, workplace), "k" KPI bit, "i" industry bit, "t" total.
    """

    kind = models.CharField(max_length=1)
    key = models.SmallIntegerField()
    n = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.kind}{self.key}: {self.n:+d}"

"""Job alerts: a saved search with a schedule, and the outbox of what it has to send.

A Subscription keeps its criteria in plain columns (arrays for the multi-valued
parameters, integers for thresholds, the keywords with their tsquery) so that the
database can test every subscription against a posting in one set-based query
(reverse matching, alerts/matching.py; the criteria themselves: alerts/criteria.py).
A Delivery is one (subscription, posting) pair, written before any email is composed
and unique, so a posting reaches an alert at most once and a crash never loses it;
the email itself goes through the outbox (outbox.models.Email) like every other
email. A MatchJob records that a posting went live and its instant alerts still
have to be found (a transactional outbox: it is written in the publishing
transaction, so a broker outage cannot lose it).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Now
from django.urls import reverse
from django.utils import timezone

from alerts.choices import (
    ANY_BITS,
    FUNCTION_BITS,
    KPI_BITS,
    LEVEL_BITS,
    WORKPLACE_BITS,
    Frequency,
    Kind,
    Status,
)
from alerts.criteria import columns_for, criteria_of
from alerts.querysets import DeliveryQuerySet, MatchJobQuerySet, SubscriptionQuerySet
from listings.choices import KPI, Function, Level, Workplace
from listings.labels import criteria_query_string
from listings.models import Listing, country_codes
from listings.querysets import SEARCH_CONFIG
from money.currencies import Currency


def _bits_of(field: str, bits: dict[str, int], *, empty_means_any: bool = True):
    """The bit set of an array column, computed by the database (a generated column)."""
    combined = functools.reduce(
        lambda a, b: a.bitor(b),
        [
            models.Case(
                models.When(**{f"{field}__contains": [value]}, then=models.Value(bit)),
                default=models.Value(0),
            )
            for value, bit in bits.items()
        ],
    )
    if not empty_means_any:
        return combined
    return models.Case(
        models.When(**{field: []}, then=models.Value(ANY_BITS)),
        default=combined,
        output_field=models.IntegerField(),
    )


def _generated_int(expression):
    return models.GeneratedField(
        expression=expression, output_field=models.IntegerField(), db_persist=True
    )


class Subscription(models.Model):
    """One alert: who gets it, how often, and the search it stands for.

    The criteria columns mirror the parameters of listings.filters.ListingFilter
    (without sort, page and posted). An empty array, empty text or null threshold
    means "any". `location_countries` caches the countries whose name matches
    `location`, exactly as ListingFilter.filter_location computes them.
    """

    email = models.EmailField(max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SEARCH)
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.DAILY)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)

    # criteria (reverse matching tests these columns against a posting)
    q = models.CharField("keywords", max_length=200, blank=True)
    q_query = models.GeneratedField(
        expression=models.Case(
            models.When(q="", then=None),
            default=SearchQuery(models.F("q"), search_type="websearch", config=SEARCH_CONFIG),
            output_field=SearchQueryField(),
        ),
        output_field=SearchQueryField(null=True),
        db_persist=True,
    )
    levels = ArrayField(
        models.CharField(max_length=20, choices=Level.choices), default=list, blank=True
    )
    functions = ArrayField(
        models.CharField(max_length=24, choices=Function.choices), default=list, blank=True
    )
    workplaces = ArrayField(
        models.CharField(max_length=8, choices=Workplace.choices), default=list, blank=True
    )
    location = models.CharField(max_length=100, blank=True)
    location_countries = ArrayField(
        models.CharField(max_length=2), default=list, blank=True, editable=False
    )
    countries = ArrayField(
        models.CharField(max_length=2, choices=country_codes()), default=list, blank=True
    )
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    kpis = ArrayField(
        models.CharField(max_length=16, choices=KPI.choices), default=list, blank=True
    )
    industries = ArrayField(models.SlugField(max_length=60), default=list, blank=True)
    team_size_min = models.PositiveIntegerField(null=True, blank=True)
    experience = models.PositiveSmallIntegerField(null=True, blank=True)

    # the same criteria as the matcher reads them (generated from the columns above):
    # bit sets for the enumerations, and thresholds where "none" passes every posting
    level_bits = _generated_int(_bits_of("levels", LEVEL_BITS))
    function_bits = _generated_int(_bits_of("functions", FUNCTION_BITS))
    workplace_bits = _generated_int(_bits_of("workplaces", WORKPLACE_BITS))
    kpi_bits = _generated_int(_bits_of("kpis", KPI_BITS, empty_means_any=False))
    # salary_min in the reference currency (listings.pay), -1 for none: kept by a trigger
    # (migration 0004) on every write here and whenever exchange rates change
    salary_floor = models.BigIntegerField(default=-1, editable=False)
    team_floor = _generated_int(Coalesce(models.F("team_size_min"), models.Value(-1)))
    experience_cap = _generated_int(Coalesce(models.F("experience"), models.Value(32767)))

    # schedule: postings that went live after the watermark are new to this alert
    watermark = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    unsubscribed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["frequency", "watermark"],
                name="alert_sub_active_frequency",
                condition=Q(status="active"),
            ),
            models.Index(fields=["email"], name="alert_sub_email"),
            models.Index(
                fields=["created_at"],
                name="alert_sub_pending",
                condition=Q(status="pending"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="alert_sub_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="alert_sub_frequency_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="alert_sub_kind_valid"),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind="profile"),
                name="alert_one_profile_alert_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.email})"

    # ------------------------------------------------------------------ criteria

    def set_criteria(self, criteria: dict) -> None:
        """Fill the criteria columns from a criteria dict (alerts.criteria.criteria_from)."""
        for column, value in columns_for(criteria).items():
            setattr(self, column, value)

    @property
    def criteria(self) -> dict:
        """The criteria as ListingFilter parameters (only those in use)."""
        return criteria_of(self)

    @property
    def query_string(self) -> str:
        """The criteria as a /jobs/ query string, e.g. level=vp&workplace=remote."""
        return criteria_query_string(self.criteria)

    @property
    def search_url(self) -> str:
        query = self.query_string
        return reverse("listings:search") + (f"?{query}" if query else "")

    # ------------------------------------------------------------------ state

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    def confirm(self, *, now=None) -> bool:
        """Activate a pending subscription; True if this call activated it."""
        if self.status != Status.PENDING:
            return False
        now = now or timezone.now()
        self.status = Status.ACTIVE
        self.confirmed_at = now
        self.watermark = now
        self.save(update_fields=["status", "confirmed_at", "watermark", "updated_at"])
        return True

    def pause(self) -> bool:
        if self.status != Status.ACTIVE:
            return False
        self.status = Status.PAUSED
        self.save(update_fields=["status", "updated_at"])
        return True

    def resume(self, *, now=None) -> bool:
        """Start again from now: what was posted while paused is not sent."""
        if self.status != Status.PAUSED:
            return False
        self.status = Status.ACTIVE
        self.watermark = now or timezone.now()
        self.save(update_fields=["status", "watermark", "updated_at"])
        return True

    def unsubscribe(self, *, now=None) -> bool:
        if self.status == Status.UNSUBSCRIBED:
            return False
        self.status = Status.UNSUBSCRIBED
        self.unsubscribed_at = now or timezone.now()
        self.save(update_fields=["status", "unsubscribed_at", "updated_at"])
        return True


class MatchJob(models.Model):
    """A posting that went live: its instant alerts are still to be found while done_at is null."""

    listing = models.OneToOneField(Listing, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(db_default=Now())
    done_at = models.DateTimeField(null=True, blank=True)
    matched = models.PositiveIntegerField(default=0)

    objects = MatchJobQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], name="alert_matchjob_open", condition=Q(done_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"match posting {self.listing_id}"


class Delivery(models.Model):
    """One posting due to one alert, unique per (subscription, listing).

    Composing takes a subscription's pending rows (row locks, one transaction), renders
    one email for them and puts it in the outbox (outbox.Email) in that same
    transaction, linking the rows to it; the outbox sends it and sets sent_at here. A
    row whose posting left the site, or whose alert stopped, before it was composed
    is skipped (skipped_at, skip_reason) rather than sent. `next_attempt_at` tells the
    sweeper when it may enqueue a pending row's composing again.
    """

    class Skip(models.TextChoices):
        NOT_LIVE = "not_live", "Posting no longer open"
        STOPPED = "stopped", "Alert paused or unsubscribed"
        REFUSED = "refused", "Address refused by the mail server"
        GIVEN_UP = "given_up", "Mail server unavailable for days"

    # no index of its own: the unique (subscription, listing) index serves it
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(db_default=Now())
    next_attempt_at = models.DateTimeField(db_default=Now())
    email = models.ForeignKey(
        "outbox.Email", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)
    skip_reason = models.CharField(
        max_length=10, choices=Skip.choices, db_default="", default="", blank=True
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["subscription", "listing"], name="alert_delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="alert_delivery_pending",
                condition=Q(email=None, skipped_at=None),
            ),
        ]

    def __str__(self) -> str:
        return f"posting {self.listing_id} → alert {self.subscription_id}"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.skipped_at:
            return "skipped"
        if self.email_id:
            return "queued"
        return "pending"

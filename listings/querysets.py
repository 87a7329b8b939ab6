"""Reads on postings and companies: each word ("live", "expiring") is defined here once
(what "live" means is listings.lifecycle's)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.postgres.search import SearchQuery
from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from listings.access import is_active_staff, is_operator
from listings.choices import ReportStatus, Status
from listings.lifecycle import current_q, live_q
from listings.pay import ToReference
from listings.search_codes import KPI_BIT
from listings.tsquery import SEARCH_CONFIG, compile_query

# Where the words of a query match decides its relevance tier (README, "Search"):
# tier 1 when the title and company name alone satisfy the whole query.
_TITLE_MATCH_SQL = "ts_filter(head_vector, '{a}') @@ websearch_to_tsquery(%s::regconfig, %s)"
_INDUSTRY_MASK_SQL = (
    "(SELECT coalesce(bit_or(1::bigint << i.bit), 0) FROM listings_industry i "
    "WHERE i.slug = ANY(%s::varchar[]) AND i.bit IS NOT NULL)"
)


def kpi_mask(codes) -> int:
    """The bit set of KPI codes (unknown codes make a bit no posting has)."""
    mask = 0
    for code in codes:
        mask |= KPI_BIT.get(code, 1 << 30)
    return mask


def search_query(text: str) -> SearchQuery:
    """The user's words as a PostgreSQL websearch query ("quotes", -exclude, or)."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def _open_report_count(report, outer: str):
    """How many open reports the posting `outer` names has (0 when none), as a subquery."""
    counted = (
        report.objects.filter(listing=models.OuterRef(outer), status=ReportStatus.OPEN)
        .order_by()
        .values("listing")
        .annotate(n=models.Count("*"))
        .values("n")
    )
    return Coalesce(models.Subquery(counted), 0)


class ListingQuerySet(models.QuerySet):
    def live(self) -> ListingQuerySet:
        """Published, already posted and not past valid_through: what the public may see."""
        return self.filter(live_q())

    def expired(self) -> ListingQuerySet:
        """Published but past valid_through: left every public surface by itself."""
        return self.filter(status=Status.PUBLISHED, valid_through__lte=timezone.now())

    def expiring_within(self, days: int) -> ListingQuerySet:
        """Live postings whose valid_through falls within the next `days` days."""
        return self.live().filter(valid_through__lte=timezone.now() + timedelta(days=days))

    def for_recruiter(self, user) -> ListingQuerySet:
        """Postings a staff user may manage (listings.access): all for operators, their
        company's for recruiters, none for anyone else (inactive accounts included)."""
        if is_operator(user):
            return self
        if not is_active_staff(user):
            return self.none()
        return self.filter(company__recruiters__user=user)

    def with_open_reports(self) -> ListingQuerySet:
        """Annotate `open_reports`: how many visitors' reports on each posting are open."""
        from django.apps import apps

        report = apps.get_model("listings", "Report")
        return self.annotate(open_reports=_open_report_count(report, "pk"))

    def with_company(self) -> ListingQuerySet:
        """Join the company (and its industry) for list rendering without extra queries."""
        return self.select_related("company", "company__industry")

    def search(self, text: str) -> ListingQuerySet:
        """Full-text match on every field, annotated with `title_match` (the relevance tier).

        The plain reference for the search projection's fast path
        (SearchEntryQuerySet.search), which tests prove gives the same rows.
        """
        return self.filter(search_vector=search_query(text)).annotate(
            # constant SQL; the words are a parameter
            title_match=RawSQL(  # noqa: S611
                _TITLE_MATCH_SQL, [SEARCH_CONFIG, text], output_field=models.BooleanField()
            )
        )

    def owning_kpis(self, codes: list[str]) -> ListingQuerySet:
        """Postings that own every one of the KPIs."""
        return self.filter(kpi_codes__contains=list(codes))

    def in_industries(self, slugs: list[str]) -> ListingQuerySet:
        """Postings in any of the industries."""
        return self.filter(industries__overlap=list(slugs))

    def newest_first(self) -> ListingQuerySet:
        """Newest posting first; id breaks ties so pages are stable."""
        return self.order_by("-date_posted", "-id")

    def with_comparable_pay(self) -> ListingQuerySet:
        """Annotate `pay_min` and `pay_max`: the annual range in the reference currency."""
        return self.annotate(
            pay_min=ToReference(models.F("pay_min_annual"), models.F("currency")),
            pay_max=ToReference(models.F("pay_max_annual"), models.F("currency")),
        )

    def paying_at_least(self, amount: int, currency: str) -> ListingQuerySet:
        """Postings whose comparable pay reaches `amount` a year in `currency` (listings.pay)."""
        return self.with_comparable_pay().filter(pay_max__gte=ToReference(amount, currency))

    def highest_paid_first(self) -> ListingQuerySet:
        """Comparable maximum first (unstated pay last), then newest."""
        return self.with_comparable_pay().order_by(
            models.F("pay_max").desc(nulls_last=True), "-date_posted", "-id"
        )


class CompanyQuerySet(models.QuerySet):
    def for_recruiter(self, user) -> CompanyQuerySet:
        """Companies a staff user may act for (listings.access): all for operators, their
        own for recruiters, none for anyone else (inactive accounts included)."""
        if is_operator(user):
            return self
        if not is_active_staff(user):
            return self.none()
        return self.filter(recruiters__user=user)

    def with_live_count(self) -> CompanyQuerySet:
        """Annotate each company with its number of live postings (`live_count`)."""
        return self.annotate(live_count=models.Count("listings", filter=live_q("listings__")))


class SearchEntryQuerySet(models.QuerySet):
    """Reads on the search projection; the same words as ListingQuerySet, on narrow rows."""

    def live(self) -> SearchEntryQuerySet:
        """Already posted and not past valid_through (every entry is of a published posting)."""
        return self.filter(current_q())

    def paying_at_least(self, amount: int, currency: str) -> SearchEntryQuerySet:
        """Entries whose comparable pay reaches `amount` a year in `currency` (listings.pay)."""
        return self.filter(pay_max__gte=ToReference(amount, currency))

    def highest_paid_first(self) -> SearchEntryQuerySet:
        """Comparable maximum first (unstated pay last), then newest: the salary index."""
        return self.order_by(models.F("pay_max").desc(nulls_last=True), "-date_posted", "-pk")

    def search(self, text: str) -> SearchEntryQuerySet:
        """Full-text match through the match vector's GIN index, annotated with `title_match`.

        Known phrases become single lexemes the index answers alone (listings.tsquery).
        """
        compiled = compile_query(text)
        if compiled.empty:  # only stop words: PostgreSQL matches nothing
            return self.none().annotate(title_match=models.Value(False))
        qs = self.filter(
            RawSQL(
                "match_vector @@ %s::tsquery",
                [compiled.candidate],
                output_field=models.BooleanField(),
            )
        )
        return qs.annotate(
            title_match=RawSQL(
                "title_vector @@ %s::tsquery",
                [compiled.original],
                output_field=models.BooleanField(),
            )
        )

    def owning_kpis(self, codes: list[str]) -> SearchEntryQuerySet:
        """Postings that own every one of the KPIs."""
        mask = kpi_mask(codes)
        return self.filter(
            RawSQL(
                "(kpi_bits & %s) = %s",
                [mask, mask],
                output_field=models.BooleanField(),
            )
        )

    def in_industries(self, slugs: list[str]) -> SearchEntryQuerySet:
        """Postings in any of the industries."""
        return self.filter(
            RawSQL(  # noqa: S611 - constant SQL; the slugs are a parameter
                f"(industry_bits & {_INDUSTRY_MASK_SQL}) <> 0",
                [list(slugs)],
                output_field=models.BooleanField(),
            )
        )

    def listing_ids(self):
        """The postings' ids, for a Listing query (`pk__in=`)."""
        return self.values("listing_id")


class ReportQuerySet(models.QuerySet):
    def with_open_on_posting(self) -> ReportQuerySet:
        """Annotate `open_on_posting`: the open reports on each report's posting."""
        return self.annotate(open_on_posting=_open_report_count(self.model, "listing_id"))

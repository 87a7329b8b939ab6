"""Pay insights (/salaries/): the distribution of advertised pay per slice.

The numbers come from maintained counts, not from reading postings: LivePayCount
(live postings, kept from the search projection) and MonthPayCount (every posting
advertised, by month first posted), both per (level-function-workplace code, place,
pay bucket), with the sum of each bucket's midpoints (migration 0008). A page reads a
few thousand small rows whatever the number of postings, and every figure is
recomputed from them on each request.

Statistics are PostgreSQL's `percentile_cont` over the postings' comparable midpoints
((min + max) / 2 in the reference currency, listings.pay), with each posting's
midpoint taken as the mean of its bucket's: buckets are 2 % wide, so a figure is
within 1 % of the exact one, and exact wherever the postings of a bucket state the
same midpoint. Slices of fewer than SMALL_SLICE postings show no statistics.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.db import connection
from django.utils import timezone

from listings.search_codes import FUNCTION_ORDER, LEVEL_ORDER, WORKPLACE_ORDER, facet_parts
from money.currencies import REFERENCE
from money.rates import Rates, current_rates

BUCKET_RATIO = 1.02  # migration 0008, listings_pay_bucket
SMALL_SLICE = 5  # fewer postings than this: no statistics, just the count
QUARTILES = (0.25, 0.5, 0.75)


class Period:
    LIVE = "live"
    YEAR = "12m"
    CHOICES = [(LIVE, "Live postings"), (YEAR, "Last 12 months")]


@dataclass(frozen=True)
class PaySlice:
    """Which postings: empty tuples mean every level, function or workplace."""

    levels: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    workplaces: tuple[str, ...] = ()
    country: str = ""  # "" everywhere; else based there or remote and open to it
    period: str = Period.LIVE


@dataclass(frozen=True)
class Stats:
    """Count and quartiles of a slice's comparable midpoints (None when too small)."""

    count: int
    q1: int | None = None
    median: int | None = None
    q3: int | None = None

    @property
    def small(self) -> bool:
        return self.count < SMALL_SLICE

    def converted(self, rates: Rates, currency: str) -> Stats:
        """The same statistics in `currency` (shown, never compared)."""
        if currency == REFERENCE or self.median is None:
            return self
        return Stats(
            count=self.count,
            q1=rates.from_reference(self.q1, currency),
            median=rates.from_reference(self.median, currency),
            q3=rates.from_reference(self.q3, currency),
        )


@dataclass
class Group:
    key: str
    stats: Stats
    selected: bool = False


@dataclass
class Insights:
    slice: PaySlice
    currency: str
    overall: Stats
    by_level: list[Group] = field(default_factory=list)
    by_function: list[Group] = field(default_factory=list)
    by_workplace: list[Group] = field(default_factory=list)
    by_country: list[Group] = field(default_factory=list)
    # (level, function) -> statistics, within the chosen workplaces and place
    level_function: dict[tuple[str, str], Stats] = field(default_factory=dict)


class _Histogram:
    """Postings per pay bucket: count and sum of (min + max)."""

    __slots__ = ("buckets",)

    def __init__(self) -> None:
        self.buckets: dict[int, list[int]] = {}

    def add(self, bucket: int, n: int, span: int) -> None:
        cell = self.buckets.get(bucket)
        if cell is None:
            self.buckets[bucket] = [n, span]
        else:
            cell[0] += n
            cell[1] += span

    def stats(self) -> Stats:
        cells = sorted((b, n, span) for b, (n, span) in self.buckets.items() if n > 0)
        total = sum(n for _, n, _ in cells)
        if total < SMALL_SLICE:
            return Stats(count=total)
        # the k-th smallest midpoint (0-based) is its bucket's mean midpoint
        bounds, means, seen = [], [], 0
        for _bucket, n, span in cells:
            seen += n
            bounds.append(seen)
            means.append(span / (2 * n))

        def order_statistic(k: int) -> float:
            for bound, mean in zip(bounds, means, strict=True):
                if k < bound:
                    return mean
            return means[-1]

        figures = []
        for q in QUARTILES:  # percentile_cont: linear between the two nearest ranks
            h = q * (total - 1)
            low = int(h)
            value = order_statistic(low)
            if h > low:
                value += (h - low) * (order_statistic(low + 1) - value)
            figures.append(round(value))
        return Stats(count=total, q1=figures[0], median=figures[1], q3=figures[2])


# The maintained counts, less the entries the clock has made stale since the last prune
# (as listings.search.live_counts does for the facet counts).
_LIVE_SQL = """
SELECT facet_code, country, bucket, sum(n), sum(span) FROM (
  SELECT facet_code, country, bucket, n, span FROM listings_livepaycount
  UNION ALL
  SELECT e.facet_code, p.place, listings_pay_bucket(e.pay_min + e.pay_max), -1,
         -(e.pay_min + e.pay_max)
    FROM listings_searchentry e,
         LATERAL listings_pay_places(e.country, e.workplace, e.applicant_countries::text[]) p
   WHERE (e.valid_through <= %s OR e.date_posted > %s)
     AND e.pay_min IS NOT NULL AND e.pay_max IS NOT NULL
) AS d GROUP BY 1, 2, 3 HAVING sum(n) <> 0
"""
_YEAR_SQL = """
SELECT facet_code, country, bucket, sum(n), sum(span) FROM listings_monthpaycount
 WHERE month >= %s GROUP BY 1, 2, 3 HAVING sum(n) <> 0
"""


def month_number(when) -> int:
    """year * 12 + month - 1 (UTC), as MonthPayCount.month."""
    when = when.astimezone(UTC)
    return when.year * 12 + when.month - 1


def _cells(period: str, places: Iterable[str] | None = None) -> list[tuple]:
    """(facet_code, place, bucket, n, span) rows of the period's counts."""
    now = timezone.now()
    place_filter, params = "", []
    if places is not None:
        place_filter = " WHERE country = ANY(%s)"
        params = [list(places)]
    with connection.cursor() as cursor:
        if period == Period.YEAR:
            sql = _YEAR_SQL
            args = [month_number(now) - 11]
        else:
            sql = _LIVE_SQL
            args = [now, now]
        cursor.execute(
            f"SELECT * FROM ({sql}) AS c{place_filter}",  # noqa: S608 - constant SQL
            [*args, *params],
        )
        return cursor.fetchall()


def pay_insights(
    pay_slice: PaySlice, *, currency: str = REFERENCE, rates: Rates | None = None
) -> Insights:
    """Statistics of the slice, and of each level, function, workplace and country
    next to it (each breakdown keeps the other choices and lets its own vary, as the
    facets of /jobs/ do). Figures are in the reference currency until `converted`."""
    levels, functions, workplaces = (
        set(pay_slice.levels),
        set(pay_slice.functions),
        set(pay_slice.workplaces),
    )
    place = pay_slice.country
    overall = _Histogram()
    by_level = {k: _Histogram() for k in LEVEL_ORDER}
    by_function = {k: _Histogram() for k in FUNCTION_ORDER}
    by_workplace = {k: _Histogram() for k in WORKPLACE_ORDER}
    by_country: dict[str, _Histogram] = {}
    level_function = {(lv, fn): _Histogram() for lv in LEVEL_ORDER for fn in FUNCTION_ORDER}
    parts = {}
    for code, country, bucket, n, span in _cells(pay_slice.period):
        n, span = int(n), int(span)
        if code not in parts:
            parts[code] = facet_parts(code)
        level, function, workplace = parts[code]
        ok_level = not levels or level in levels
        ok_function = not functions or function in functions
        ok_workplace = not workplaces or workplace in workplaces
        if country == place:
            if ok_function and ok_workplace:
                by_level[level].add(bucket, n, span)
            if ok_level and ok_workplace:
                by_function[function].add(bucket, n, span)
            if ok_level and ok_function:
                by_workplace[workplace].add(bucket, n, span)
                if ok_workplace:
                    overall.add(bucket, n, span)
            if ok_workplace:
                level_function[(level, function)].add(bucket, n, span)
        if country and ok_level and ok_function and ok_workplace:
            by_country.setdefault(country, _Histogram()).add(bucket, n, span)
    countries = sorted(
        ((code, h.stats()) for code, h in by_country.items()),
        key=lambda item: (-item[1].count, item[0]),
    )
    insights = Insights(
        slice=pay_slice,
        currency=currency,
        overall=overall.stats(),
        by_level=[Group(k, h.stats(), k in levels) for k, h in by_level.items()],
        by_function=[Group(k, h.stats(), k in functions) for k, h in by_function.items()],
        by_workplace=[Group(k, h.stats(), k in workplaces) for k, h in by_workplace.items()],
        by_country=[Group(code, stats, code == place) for code, stats in countries],
        level_function={key: h.stats() for key, h in level_function.items()},
    )
    return _converted(insights, currency, rates)


def _converted(insights: Insights, currency: str, rates: Rates | None) -> Insights:
    if currency == REFERENCE:
        return insights
    rates = rates or current_rates()

    def groups(items: list[Group]) -> list[Group]:
        return [Group(g.key, g.stats.converted(rates, currency), g.selected) for g in items]

    return Insights(
        slice=insights.slice,
        currency=currency,
        overall=insights.overall.converted(rates, currency),
        by_level=groups(insights.by_level),
        by_function=groups(insights.by_function),
        by_workplace=groups(insights.by_workplace),
        by_country=groups(insights.by_country),
        level_function={
            k: s.converted(rates, currency) for k, s in insights.level_function.items()
        },
    )


@dataclass(frozen=True)
class Position:
    """Where a posting's range sits against the median of its slice."""

    relation: str  # "above", "below" or "around"
    median: int  # in the posting's currency
    currency: str
    slice_words: str  # "Senior Director roles in the United Kingdom"
    slice_query: str  # the /salaries/ query string of that slice


def pay_position(listing, *, rates: Rates | None = None) -> Position | None:
    """The posting's range against its level's median where it is based (or, for a
    remote role, among remote roles): None when its pay is not stated or the slice
    holds fewer than SMALL_SLICE live postings."""
    from django.utils.http import urlencode
    from django_countries import countries

    rates = rates or current_rates()
    pay = listing.pay
    if not pay.known:
        return None
    remote = not listing.country
    place = "" if remote else listing.country.code
    histogram = _Histogram()
    for code, _country, bucket, n, span in _cells(Period.LIVE, places=[place]):
        level, _function, workplace = facet_parts(code)
        if level == listing.level and (not remote or workplace == "remote"):
            histogram.add(bucket, int(n), int(span))
    stats = histogram.stats()
    if stats.median is None:
        return None
    if pay.reference_min > stats.median:
        relation = "above"
    elif pay.reference_max < stats.median:
        relation = "below"
    else:
        relation = "around"
    level_words = listing.get_level_display()
    if remote:
        words = f"remote {level_words} roles"
        query = {"level": listing.level, "workplace": "remote"}
    else:
        words = f"{level_words} roles in {countries.name(place)}"
        query = {"level": listing.level, "country": place}
    query["salary_currency"] = listing.currency
    return Position(
        relation=relation,
        median=rates.from_reference(stats.median, listing.currency),
        currency=listing.currency,
        slice_words=words,
        slice_query=urlencode(query),
    )


def compact_pay_counts() -> int:
    """Fold the delta rows of both pay count tables; returns rows left. Month rows
    older than the window are dropped (the page never reads them)."""
    oldest = month_number(timezone.now() - timedelta(days=400))
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH d AS (DELETE FROM listings_livepaycount RETURNING *) "
            "INSERT INTO listings_livepaycount (facet_code, country, bucket, n, span) "
            "SELECT facet_code, country, bucket, sum(n), sum(span) FROM d "
            "GROUP BY 1, 2, 3 HAVING sum(n) <> 0 OR sum(span) <> 0"
        )
        live = cursor.rowcount
        cursor.execute(
            "WITH d AS (DELETE FROM listings_monthpaycount RETURNING *) "
            "INSERT INTO listings_monthpaycount (month, facet_code, country, bucket, n, span) "
            "SELECT month, facet_code, country, bucket, sum(n), sum(span) FROM d "
            "WHERE month >= %s GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 OR sum(span) <> 0",
            [oldest],
        )
        return live + cursor.rowcount

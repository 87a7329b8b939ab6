"""Pay insights (/salaries/): the distribution of advertised pay per slice.

The numbers come from maintained counts, not from reading postings: LivePayCount
(live postings, kept from the search projection) and YearPayCount (every posting
advertised in the last 12 months: MonthPayCount summed over the window, rolled on as
months pass), both per (level-function-workplace code or -1 for any, place, pay
bucket), with the sum of each bucket's midpoints (migration 0008). A page reads a few
thousand small rows whatever the number of postings, folded by the database in one
statement, and every figure is recomputed from them on each request.

Statistics are PostgreSQL's `percentile_cont` over the postings' comparable midpoints
((min + max) / 2 in the reference currency, listings.pay), with each posting's
midpoint taken as the mean of its bucket's: buckets are 2 % wide, so a figure is
within 1 % of the exact one, and exact wherever the postings of a bucket state the
same midpoint. Slices of fewer than SMALL_SLICE postings show no statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.db import connection, transaction
from django.utils import timezone

from listings.search_codes import FUNCTION_ORDER, LEVEL_ORDER, WORKPLACE_ORDER, facet_code
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


def _quartiles(counts: list[int], spans: list[float]) -> Stats:
    """percentile_cont of the midpoints, given per bucket (in bucket order) their count
    and the sum of their (min + max): a bucket's midpoints are taken as their mean."""
    bounds, means, seen = [], [], 0
    for n, span in zip(counts, spans, strict=True):
        if n > 0:
            seen += n
            bounds.append(seen)
            means.append(span / (2 * n))
    total = seen
    if total < SMALL_SLICE:
        return Stats(count=total)
    figures = []
    position = 0
    for q in QUARTILES:  # linear between the two nearest ranks, as percentile_cont
        h = q * (total - 1)
        low = int(h)
        while bounds[position] <= low:
            position += 1
        value = means[position]
        if h > low:
            upper = position if low + 1 < bounds[position] else position + 1
            value += (h - low) * (means[upper] - value)
        figures.append(round(value))
    return Stats(count=total, q1=figures[0], median=figures[1], q3=figures[2])


# The period's cells: the maintained counts (for live postings less the entries the
# clock has made stale since the last prune, as listings.search.live_counts does for
# the facet counts), in two parts: "h", each code's histogram in the chosen place; "c",
# each country's histogram over the chosen codes (-1: any code), for the breakdown.
_STALE = """
  SELECT p.code AS facet_code, p.place AS country,
         listings_pay_bucket(e.pay_min + e.pay_max) AS bucket, -1 AS n,
         -(e.pay_min + e.pay_max) AS span
    FROM listings_searchentry e,
         LATERAL listings_pay_cells(
           e.facet_code, e.country, e.workplace, e.applicant_countries::text[]) p
   WHERE (e.valid_through <= %(now)s OR e.date_posted > %(now)s)
     AND e.pay_min IS NOT NULL AND e.pay_max IS NOT NULL
"""
# Each code's histogram in the chosen place ("here"), folded into one histogram per
# level ("l"), function ("f"), workplace ("w") and level x function ("x"), each with the
# other choices applied; then each country's histogram over the chosen codes ("c").
_FOLD = """
SELECT CASE WHEN grouping(lk) = 0 THEN 'l' WHEN grouping(fk) = 0 THEN 'f'
            WHEN grouping(wk) = 0 THEN 'w' WHEN grouping(xk) = 0 THEN 'x' ELSE 'o' END,
       coalesce(lk, fk, wk, xk, ok), '', bucket, sum(n), sum(s)
  FROM (
    SELECT bucket, n, s,
           CASE WHEN f_ok AND w_ok THEN l END AS lk,
           CASE WHEN l_ok AND w_ok THEN f END AS fk,
           CASE WHEN l_ok AND f_ok THEN w END AS wk,
           CASE WHEN w_ok THEN l * 4 + f END AS xk,
           CASE WHEN l_ok AND f_ok AND w_ok THEN 0 END AS ok
      FROM (SELECT *, %(l)s::int[] IS NULL OR l = ANY(%(l)s) AS l_ok,
                   %(f)s::int[] IS NULL OR f = ANY(%(f)s) AS f_ok,
                   %(w)s::int[] IS NULL OR w = ANY(%(w)s) AS w_ok FROM here) AS k
  ) AS keyed
 GROUP BY GROUPING SETS ((lk, bucket), (fk, bucket), (wk, bucket), (xk, bucket), (ok, bucket))
HAVING coalesce(lk, fk, wk, xk, ok) IS NOT NULL AND sum(n) <> 0
"""
_HERE = """
  SELECT facet_code / 16 AS l, facet_code / 4 %% 4 AS f, facet_code %% 4 AS w, bucket,
         sum(n::int)::int AS n, sum(span::float8) AS s
"""
# Months the year counts still hold though they left the window (the roll, every few
# minutes, has not run yet since the month changed): taken off at read time.
_LATE = """
  SELECT facet_code, country, bucket, -n AS n, -span AS span FROM listings_monthpaycount
   WHERE month >= (SELECT first_month FROM listings_paywindow) AND month < %(month)s
"""


def _counts_sql(table: str, correction: str) -> str:
    return f"""
WITH fix AS MATERIALIZED ({correction}),
here AS MATERIALIZED ({_HERE} FROM (
  SELECT facet_code, bucket, n, span FROM {table}
   WHERE country = %(place)s AND facet_code >= 0
  UNION ALL SELECT facet_code, bucket, n, span FROM fix
   WHERE country = %(place)s AND facet_code >= 0
) AS cells GROUP BY facet_code, bucket)
{_FOLD}
UNION ALL
SELECT 'c', 0, country, bucket, sum(n::int), sum(span::float8) FROM (
  SELECT country, bucket, n, span FROM {table}
   WHERE %(countries)s AND country <> '' AND facet_code = ANY(%(codes)s)
  UNION ALL SELECT country, bucket, n, span FROM fix
   WHERE %(countries)s AND country <> '' AND facet_code = ANY(%(codes)s)
) AS c GROUP BY 3, 4 HAVING sum(n) <> 0
"""  # noqa: S608 - constant SQL


_LIVE_SQL = _counts_sql("listings_livepaycount", _STALE)
_YEAR_SQL = _counts_sql("listings_yearpaycount", _LATE)


def month_number(when) -> int:
    """year * 12 + month - 1 (UTC), as MonthPayCount.month."""
    when = when.astimezone(UTC)
    return when.year * 12 + when.month - 1


def _positions(values, order: tuple[str, ...]) -> list[int] | None:
    return [order.index(v) for v in values if v in order] or None


def _chosen_codes(pay_slice: PaySlice) -> list[int]:
    """The facet codes the slice's levels, functions and workplaces allow ([-1]: any)."""
    if not (pay_slice.levels or pay_slice.functions or pay_slice.workplaces):
        return [-1]
    return [
        facet_code(level, function, workplace)
        for level in LEVEL_ORDER
        if not pay_slice.levels or level in pay_slice.levels
        for function in FUNCTION_ORDER
        if not pay_slice.functions or function in pay_slice.functions
        for workplace in WORKPLACE_ORDER
        if not pay_slice.workplaces or workplace in pay_slice.workplaces
    ]


def _stats(pay_slice: PaySlice, *, countries: bool = True) -> dict[tuple, Stats]:
    """{(kind, key, country): Stats} of every group of the page, from one statement:
    "o" the slice, "l"/"f"/"w" per level/function/workplace position, "x" per
    level * 4 + function, "c" per country (key 0)."""
    now = timezone.now()
    params = {
        "now": now,
        "month": month_number(now) - 11,  # the year window's first month
        "place": pay_slice.country,
        "countries": countries,
        "codes": _chosen_codes(pay_slice),
        "l": _positions(pay_slice.levels, LEVEL_ORDER),
        "f": _positions(pay_slice.functions, FUNCTION_ORDER),
        "w": _positions(pay_slice.workplaces, WORKPLACE_ORDER),
    }
    sql = _YEAR_SQL if pay_slice.period == Period.YEAR else _LIVE_SQL
    groups: dict[tuple, list] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, key, country, bucket, n, span in cursor.fetchall():
            group = groups.get((kind, key, country))
            if group is None:
                group = groups[(kind, key, country)] = []
            group.append((bucket, n, span))
    stats = {}
    for name, cells in groups.items():
        cells.sort()  # by bucket (each bucket once per group)
        stats[name] = _quartiles([n for _, n, _ in cells], [span for _, _, span in cells])
    return stats


def pay_insights(
    pay_slice: PaySlice, *, currency: str = REFERENCE, rates: Rates | None = None
) -> Insights:
    """Statistics of the slice, and of each level, function, workplace and country
    next to it (each breakdown keeps the other choices and lets its own vary, as the
    facets of /jobs/ do), converted to `currency` for showing."""
    found = _stats(pay_slice)
    none = Stats(count=0)

    def of(kind: str, key: int, country: str = "") -> Stats:
        return found.get((kind, key, country), none)

    countries = sorted(
        ((country, st) for (kind, _key, country), st in found.items() if kind == "c"),
        key=lambda item: (-item[1].count, item[0]),
    )
    sl = pay_slice
    insights = Insights(
        slice=sl,
        currency=currency,
        overall=of("o", 0),
        by_level=[Group(k, of("l", i), k in sl.levels) for i, k in enumerate(LEVEL_ORDER)],
        by_function=[Group(k, of("f", i), k in sl.functions) for i, k in enumerate(FUNCTION_ORDER)],
        by_workplace=[
            Group(k, of("w", i), k in sl.workplaces) for i, k in enumerate(WORKPLACE_ORDER)
        ],
        by_country=[Group(code, st, code == sl.country) for code, st in countries],
        level_function={
            (lv, fn): of("x", li * 4 + fi)
            for li, lv in enumerate(LEVEL_ORDER)
            for fi, fn in enumerate(FUNCTION_ORDER)
        },
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
    here = PaySlice(
        levels=(listing.level,), workplaces=("remote",) if remote else (), country=place
    )
    stats = _stats(here, countries=False).get(
        ("l", LEVEL_ORDER.index(listing.level), ""), Stats(count=0)
    )
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


def roll_pay_year(now=None) -> int:
    """Move the year counts' window on to the 11 months before this one; returns how
    many months left it (0 when it is current)."""
    target = month_number(now or timezone.now()) - 11
    with connection.cursor() as cursor:
        cursor.execute("SELECT listings_pay_year_roll(%s::smallint)", [target])
        return cursor.fetchone()[0]


# Fold a count table's delta rows into one row per cell (the month counts add month).
_FOLD_CELLS = """
WITH d AS (DELETE FROM {table} RETURNING *)
INSERT INTO {table} ({extra}facet_code, country, bucket, n, span)
SELECT {extra}facet_code, country, bucket, sum(n), sum(span) FROM d {where}
GROUP BY {extra}facet_code, country, bucket HAVING sum(n) <> 0 OR sum(span) <> 0
"""


def compact_pay_counts() -> int:
    """Fold the delta rows of the three pay count tables; returns rows left. Month rows
    older than the window are dropped (the page never reads them)."""
    oldest = month_number(timezone.now() - timedelta(days=400))
    left = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_FOLD_CELLS.format(table="listings_livepaycount", extra="", where=""))
        left += cursor.rowcount
        # the month counts' rebuild (new rates) and the year's roll take the same lock:
        # see migration 0008
        cursor.execute("LOCK TABLE listings_monthpaycount IN EXCLUSIVE MODE")
        cursor.execute(_FOLD_CELLS.format(table="listings_yearpaycount", extra="", where=""))
        left += cursor.rowcount
        cursor.execute(
            _FOLD_CELLS.format(
                table="listings_monthpaycount", extra="month, ", where="WHERE month >= %s"
            ),
            [oldest],
        )
        return left + cursor.rowcount

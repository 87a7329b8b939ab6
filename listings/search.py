"""Running a search on the search projection (listings_searchentry, README "Search"):
one exact pass for the count and every facet, the ids of one page by a plan chosen
from those counts, the page's postings, and (for keyword searches) highlighted
snippets on just the rows shown.

The number of SQL queries is fixed, whatever the page size or the filters.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from listings.choices import KPI, Function, Level, Workplace
from listings.filters import ListingFilter, Sort, industry_choices, industry_rows
from listings.models import Listing, SearchEntry
from listings.querysets import kpi_mask, search_query
from listings.search_codes import KPI_ORDER, facet_parts

logger = logging.getLogger(__name__)

PER_PAGE = 20
MAX_PAGE = 500  # deep pages are for crawlers, not people; refine the search instead


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    filterset: ListingFilter
    page: Page
    total: int
    facets: dict[str, list[FacetOption]] = field(default_factory=dict)
    headlines: dict[int, str] = field(default_factory=dict)


# Facet groups combine with OR inside the group, except KPIs (all-of): an OR option's
# count applies every other group's selection but not its own; a KPI's applies all.
FACET_GROUPS = ("level", "function", "workplace", "kpi", "industry")
# A part of the results (a relevance tier, or all of them) that is at least this share
# of the live postings is read by walking the order's index (about 1/share rows per
# row shown); a smaller one through a bitmap of its matches, then sorted.
WALK_SHARE = 0.02


@dataclass
class Counts:
    """The exact counts of one search: total, tier 1 (title matches) and facet options."""

    total: int
    title_total: int
    facets: dict[str, dict[str, int]]


# Which scans a statement may use (transaction-local settings, sent in the same round
# trip as the statement they steer, so the plan never depends on the planner's guess).
PLAN_GIN = {"enable_seqscan": "off", "enable_indexscan": "off"}  # bitmap of matches
PLAN_WALK = {"enable_seqscan": "off", "enable_bitmapscan": "off"}  # follow the order's index
PLAN_SCAN = {"enable_indexscan": "off"}  # read the narrow rows, then sort
# The counting pass reads every matching row: on a multi-core server it splits them
# between the backend and two parallel workers (the server's default is no workers).
PARALLEL = {
    "max_parallel_workers_per_gather": "2",
    "parallel_setup_cost": "100",
    "parallel_tuple_cost": "0.01",
}


def _steered(cursor, sql: str, params: list, plan: dict[str, str] | None) -> list[tuple]:
    """Run one statement under `plan`; the caller holds a transaction (atomic)."""
    if plan:
        settings = ", ".join("set_config(%s, %s, true)" for _ in plan)
        values = [v for item in plan.items() for v in item]
        cursor.execute(f"SELECT {settings}; {sql}", [*values, *params])
    else:
        cursor.execute(sql, params)
    return cursor.fetchall()


def _count_sql(filterset: ListingFilter, industries) -> tuple[str, list, list[int]]:
    """One pass over the narrow rows matched by the non-facet criteria, grouped by
    (level-function-workplace code, KPIs ok, industries ok) with per-bit sums, from which
    every facet number follows (see `_fold`)."""
    base = filterset.base_without_facets().order_by()
    columns = ["facet_code", "kpi_bits", "industry_bits"]
    has_q = bool(filterset.query_text)
    if has_q:
        columns.append("title_match")
    base_sql, base_params = base.values(*columns).query.sql_with_params()
    cleaned = filterset.cleaned
    kmask = kpi_mask(cleaned.get("kpi", []))
    chosen = set(cleaned.get("industry", []))
    imask = 0
    for slug, _name, bit in industries:
        if slug in chosen and bit is not None:
            imask |= 1 << bit
    bits = sorted({bit for _slug, _name, bit in industries if bit is not None})
    kpi_sums = ", ".join(f"sum((kpi_bits >> {i}) & 1) AS k{i}" for i in range(len(KPI_ORDER)))
    title = "count(*) FILTER (WHERE title_match)" if has_q else "0"
    # Two levels: the rows are grouped with their industry set as well (a few thousand
    # groups at most), and the per-industry sums run over those groups, not the rows:
    # a per-row sum for each industry would cost more than the whole scan.
    # Without a KPI or industry choice the tests are constant: no work per row.
    k_ok, k_params = ("(kpi_bits & %s) = %s", [kmask, kmask]) if kmask else ("true", [])
    i_ok, i_params = ("(industry_bits & %s) <> 0", [imask]) if imask else ("true", [])
    inner = (
        f"SELECT facet_code, {k_ok} AS k_ok, {i_ok} AS i_ok, "  # noqa: S608
        f"industry_bits, count(*) AS n, "
        f"{title} AS title_n, {kpi_sums} FROM ({base_sql}) AS base GROUP BY 1, 2, 3, 4"
    )
    outer = [f"sum(k{i})" for i in range(len(KPI_ORDER))]
    outer += [f"sum(n) FILTER (WHERE (industry_bits >> {b}) & 1 = 1)" for b in bits]
    # Only integers and constant column names are formatted in; values are parameters.
    sql = (
        f"SELECT facet_code, k_ok, i_ok, sum(n), sum(title_n), {', '.join(outer)} "  # noqa: S608
        f"FROM ({inner}) AS g GROUP BY 1, 2, 3"
    )
    return sql, [*k_params, *i_params, *base_params], bits


def _fold(rows, filterset: ListingFilter, bits: list[int], industries) -> Counts:
    cleaned = filterset.cleaned
    chosen = {g: set(cleaned.get(g, [])) for g in ("level", "function", "workplace")}
    kpi_count = len(KPI_ORDER)
    slug_of_bit = {bit: slug for slug, _name, bit in industries if bit is not None}
    facets: dict[str, dict[str, int]] = {g: {} for g in FACET_GROUPS}
    total = title_total = 0
    for code, k_ok, i_ok, n, title_n, *raw in rows:
        n, title_n = int(n), int(title_n or 0)
        sums = [int(x or 0) for x in raw]  # numeric sums, NULL for an empty FILTER
        level, function, workplace = facet_parts(code)
        ok = {
            "level": not chosen["level"] or level in chosen["level"],
            "function": not chosen["function"] or function in chosen["function"],
            "workplace": not chosen["workplace"] or workplace in chosen["workplace"],
        }
        others_ok = k_ok and i_ok
        if ok["function"] and ok["workplace"] and others_ok:
            facets["level"][level] = facets["level"].get(level, 0) + n
        if ok["level"] and ok["workplace"] and others_ok:
            facets["function"][function] = facets["function"].get(function, 0) + n
        if ok["level"] and ok["function"] and others_ok:
            facets["workplace"][workplace] = facets["workplace"].get(workplace, 0) + n
        if not (ok["level"] and ok["function"] and ok["workplace"] and k_ok):
            continue
        for position, bit in enumerate(bits):
            slug = slug_of_bit[bit]
            facets["industry"][slug] = facets["industry"].get(slug, 0) + sums[kpi_count + position]
        if not i_ok:
            continue
        total += n
        title_total += title_n
        for i, code in enumerate(KPI_ORDER):
            facets["kpi"][code] = facets["kpi"].get(code, 0) + sums[i]
    return Counts(total=total, title_total=title_total, facets=facets)


def _has_criteria(filterset: ListingFilter) -> bool:
    """Whether anything but the order narrows the search (else: the maintained counts)."""
    return bool(set(filterset.cleaned) - {"sort", "salary_currency"})


def _count_plan(filterset: ListingFilter) -> dict[str, str]:
    # Words are matched through the GIN bitmap, never by reading each row's vector
    # (the plan the planner picks for common words, at 20x the cost). Without words
    # the pass reads every match, so never row by row through an index (salary_min's
    # index scan of 70,000 entries took 150 ms where the parallel scan takes 35).
    return {**PLAN_GIN, **PARALLEL} if filterset.query_text else {**PLAN_SCAN, **PARALLEL}


def count_search(filterset: ListingFilter, industries=None) -> Counts:
    """The exact total, tier-1 count and facet numbers of a search, in one statement.

    For OR groups (level, function, workplace, industry) an option's count applies
    every other group's selection but not its own, so a second level shows what it
    would add; for the AND group (KPIs) it applies everything, so it shows what
    would remain. Never cached: what is live changes with the clock and with writes
    no Python code sees (QuerySet.update(), raw SQL, COPY), and only the database
    knows both, so every page counts what is live at that moment.
    """
    industries = industry_rows() if industries is None else industries
    if not _has_criteria(filterset):
        return live_counts(industries)
    try:
        sql, params, bits = _count_sql(filterset, industries)
    except EmptyResultSet:  # a query of stop words only: nothing matches
        return Counts(total=0, title_total=0, facets={g: {} for g in FACET_GROUPS})
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        rows = _steered(cursor, sql, params, _count_plan(filterset))
    return _fold(rows, filterset, bits, industries)


# The maintained sums, less what each entry the clock has made stale contributed (the
# options of an entry are the same SQL function the counting trigger uses, migration 0006).
_LIVE_COUNTS_SQL = """
WITH stale AS (
  SELECT facet_code, kpi_bits, industry_bits FROM listings_searchentry
   WHERE valid_through <= %s OR date_posted > %s)
SELECT kind, key, sum(n) FROM (
  SELECT kind, key, n FROM listings_searchcount
  UNION ALL SELECT o.kind, o.key, -1 FROM stale,
    LATERAL listings_searchentry_options(stale.facet_code, stale.kpi_bits, stale.industry_bits) o
) AS d GROUP BY 1, 2
"""


def live_counts(industries=None) -> Counts:
    """Counts of every live posting, from the maintained per-option counts (SearchCount).

    Exact without a scan: the sums cover every entry of the projection, and the few
    entries the clock has made stale since the last prune (`maintain_search`) are
    taken off one by one.
    """
    industries = industry_rows() if industries is None else industries
    slug_of_bit = {bit: slug for slug, _name, bit in industries if bit is not None}
    kpi_of_bit = dict(enumerate(KPI_ORDER))
    sums: dict[tuple[str, int], int] = {}
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_LIVE_COUNTS_SQL, [now, now])
        for kind, key, n in cursor.fetchall():
            sums[(kind, key)] = int(n)
    facets: dict[str, dict[str, int]] = {g: {} for g in FACET_GROUPS}
    for (kind, key), n in sums.items():
        if not n:  # an option no live posting has (shown as 0 all the same)
            continue
        if kind == "f":
            parts = zip(("level", "function", "workplace"), facet_parts(key), strict=True)
            for group, value in parts:
                facets[group][value] = facets[group].get(value, 0) + n
        elif kind == "k" and key in kpi_of_bit:
            facets["kpi"][kpi_of_bit[key]] = n
        elif kind == "i" and key in slug_of_bit:
            facets["industry"][slug_of_bit[key]] = n
    return Counts(total=sums.get(("t", 0), 0), title_total=0, facets=facets)


def compact_search_counts() -> int:
    """Fold the delta rows of SearchCount into one row per option; returns rows left."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH d AS (DELETE FROM listings_searchcount RETURNING kind, key, n) "
            "INSERT INTO listings_searchcount (kind, key, n) "
            "SELECT kind, key, sum(n) FROM d GROUP BY 1, 2 HAVING sum(n) <> 0"
        )
        return cursor.rowcount


def prune_search_entries() -> int:
    """Remove expired postings from the projection (live() already ignores them)."""
    return SearchEntry.objects.filter(valid_through__lte=timezone.now()).delete()[0]


def count_results(filterset: ListingFilter) -> int:
    """The exact number of live postings a projection FilterSet matches (no facets)."""
    if not _has_criteria(filterset):
        return live_counts().total
    try:
        sql, params = filterset.qs.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a query of stop words only: nothing matches
        return 0
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        count_sql = f"SELECT count(*) FROM ({sql}) AS r"  # noqa: S608 - SQL from the ORM
        return _steered(cursor, count_sql, list(params), _count_plan(filterset))[0][0]


def newest_ids(filterset: ListingFilter, limit: int) -> list[int]:
    """The ids of the newest `limit` live postings a projection FilterSet matches."""
    newest = filterset.qs.order_by("-date_posted", "-pk")
    if not filterset.query_text:
        return list(newest.values_list("pk", flat=True)[:limit])
    total = count_results(filterset)
    return _part_ids(newest, 0, limit, size=total, live=_live_estimate(), q=True)


def _facet_options(filterset, counts: Counts, industries) -> dict[str, list[FacetOption]]:
    cleaned = filterset.cleaned
    labels = {
        "level": list(Level.choices),
        "function": list(Function.choices),
        "workplace": list(Workplace.choices),
        "kpi": list(KPI.choices),
        "industry": [(slug, name) for slug, name, _bit in industries],
    }
    return {
        group: [
            FacetOption(
                value=value,
                label=label,
                count=counts.facets.get(group, {}).get(value, 0),
                selected=value in cleaned.get(group, []),
            )
            for value, label in options
        ]
        for group, options in labels.items()
    }


_LIVE_ESTIMATE: list = [0.0, 1]  # (when read, value): planner statistics, re-read each minute


def _live_estimate() -> int:
    """About how many live postings there are (planner statistics: no scan)."""
    read_at, value = _LIVE_ESTIMATE
    if time.monotonic() - read_at > 60:
        with connection.cursor() as cursor:
            # Never analysed yet (reltuples -1): a new, small table; count it.
            cursor.execute(
                "SELECT greatest(CASE WHEN reltuples < 0 THEN "
                "(SELECT count(*) FROM listings_searchentry) ELSE reltuples END, 1)::bigint "
                "FROM pg_class WHERE oid = 'listings_searchentry'::regclass"
            )
            value = cursor.fetchone()[0]
        _LIVE_ESTIMATE[:] = [time.monotonic(), value]
    return value


def _part_ids(ordered: QuerySet, start: int, stop: int, *, size: int, live: int, q: bool):
    """Ids of rows [start, stop) of one ordered part of the results, by a plan fit for
    the part's share of the live postings (WALK_SHARE)."""
    if stop <= start:
        return []
    plan = PLAN_WALK if size >= WALK_SHARE * live else PLAN_GIN if q else PLAN_SCAN
    try:
        sql, params = ordered.values_list("pk", flat=True)[start:stop].query.sql_with_params()
    except EmptyResultSet:
        return []
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        return [row[0] for row in _steered(cursor, sql, list(params), plan)]


def _page_ids(filterset: ListingFilter, counts: Counts, start: int, stop: int) -> list[int]:
    """The listing ids of results [start, stop) in the documented order."""
    live = _live_estimate()
    q = bool(filterset.query_text)
    if filterset.sort_order != Sort.RELEVANCE:
        return _part_ids(filterset.ordered(), start, stop, size=counts.total, live=live, q=q)
    # Relevance: tier 1 (title and company satisfy the query), then tier 2, each newest first.
    tier1, tier2 = counts.title_total, counts.total - counts.title_total
    newest = filterset.qs.order_by("-date_posted", "-pk")
    ids = _part_ids(
        newest.filter(title_match=True), start, min(stop, tier1), size=tier1, live=live, q=q
    )
    ids += _part_ids(
        newest.filter(title_match=False),
        max(start - tier1, 0),
        stop - tier1,
        size=tier2,
        live=live,
        q=q,
    )
    return ids


class CountedPaginator(Paginator):
    """A paginator that trusts a count we already have instead of running COUNT(*)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def _page_number(paginator: Paginator, number) -> int:
    try:
        return paginator.validate_number(number)
    except PageNotAnInteger:
        return 1
    except EmptyPage:
        return paginator.num_pages


def run_search(
    filterset: ListingFilter,
    page_number,
    *,
    per_page: int = PER_PAGE,
    decorate: Callable[[QuerySet], QuerySet] | None = None,
    ordered: QuerySet | None = None,
) -> SearchResults:
    """Count, facet, order and paginate the filterset's results (a fixed number of queries).

    The filterset runs on the search projection (SearchEntry.objects.live()). `decorate`
    adds to the Listing rows of the page (e.g. match scores); `ordered`, a Listing
    queryset already in order, replaces the projection's order (sort=match).
    """
    industries = industry_rows()
    with transaction.atomic():  # one transaction for the steered statements
        counts = count_search(filterset, industries)
        paginator = CountedPaginator([], per_page, count=min(counts.total, per_page * MAX_PAGE))
        number = _page_number(paginator, page_number)
        start = (number - 1) * per_page
        stop = min(start + per_page, paginator.count)
        if ordered is not None:
            ids = list(ordered.values_list("pk", flat=True)[start:stop]) if stop > start else []
        else:
            ids = _page_ids(filterset, counts, start, stop) if stop > start else []
    facets = _facet_options(filterset, counts, industries)
    rows = Listing.objects.with_company()
    if decorate is not None:
        rows = decorate(rows)
    page = Page(in_order(rows, ids), number, paginator)
    headlines = {}
    if filterset.query_text and page.object_list:
        headlines = _headlines(filterset.query_text, [listing.pk for listing in page.object_list])
    return SearchResults(filterset, page, counts.total, facets, headlines)


def in_order(queryset: QuerySet, ids: list[int]) -> list:
    """The rows of `queryset` with these ids, in the order of the ids (one query)."""
    if not ids:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


def _headlines(text: str, ids: list[int]) -> dict[int, str]:
    """Highlighted snippets for the rows shown (never for the whole result set)."""
    query = search_query(text)
    rows = (
        Listing.objects.filter(pk__in=ids)
        .annotate(
            snippet=SearchHeadline(
                "description",
                query,
                config="english",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=28,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .values_list("pk", "snippet")
    )
    return {pk: _safe_snippet(snippet) for pk, snippet in rows}


# Control characters as match markers: the description is untrusted text, so the
# snippet is escaped first and only our markers become <mark> tags.
_START, _STOP = "\x02", "\x03"
_MARKDOWN_NOISE = re.compile(r"\]\([^)]*\)|[*_#>`\[\]]+")


def _safe_snippet(snippet: str) -> str:
    text = escape(_MARKDOWN_NOISE.sub("", snippet))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308


def search_filterset(data, *, request=None) -> ListingFilter:
    """The /jobs/ FilterSet over the live rows of the search projection."""
    return ListingFilter(data, queryset=SearchEntry.objects.live(), request=request)


__all__ = [
    "PER_PAGE",
    "CountedPaginator",
    "SearchResults",
    "Sort",
    "count_results",
    "count_search",
    "in_order",
    "industry_choices",
    "newest_ids",
    "run_search",
    "search_filterset",
]

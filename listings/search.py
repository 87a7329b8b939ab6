"""Running a search: one aggregate for the count and every facet, one page of rows,
and (for keyword searches) highlighted snippets on just the rows shown.

The number of SQL queries is fixed, whatever the page size or the filters.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import mark_safe

from listings.choices import KPI, Function, Level, Workplace
from listings.filters import ListingFilter, Sort, industry_choices
from listings.models import Listing
from listings.querysets import search_query

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


FACET_COLUMNS = {
    "level": ("level", "= ANY(%s::varchar[])"),
    "function": ("function", "= ANY(%s::varchar[])"),
    "workplace": ("workplace", "= ANY(%s::varchar[])"),
    "kpi": ("kpi_codes", "@> %s::varchar[]"),
    "industry": ("industries", "&& %s::varchar[]"),
}
# KPIs combine with AND, so an option's count narrows the current results; the
# other groups combine with OR inside the group, so their own selection is left out.
CONJUNCTIVE_FACETS = {"kpi"}
FACET_CACHE_SECONDS = 60
GENERATION_KEY = "listings:generation"


def _facet_labels(filterset: ListingFilter) -> dict[str, list[tuple[str, str]]]:
    return {
        "level": list(Level.choices),
        "function": list(Function.choices),
        "workplace": list(Workplace.choices),
        "kpi": list(KPI.choices),
        "industry": [(str(k), str(v)) for k, v in filterset.filters["industry"].field.choices],
    }


def _where(selected: dict[str, list[str]], groups) -> tuple[str, list]:
    parts, params = [], []
    for group in groups:
        if selected.get(group):
            column, test = FACET_COLUMNS[group]
            parts.append(f"{column} {test}")
            params.append(list(selected[group]))
    return (" AND ".join(parts) or "TRUE"), params


def _facet_sql(filterset: ListingFilter) -> tuple[str, list]:
    """One statement: the rows matched by the non-facet filters, scanned once into a
    materialised CTE, then grouped per facet with each group's own condition."""
    base = filterset.base_without_facets().order_by()
    base_sql, base_params = base.values(
        "level", "function", "workplace", "kpi_codes", "industries"
    ).query.sql_with_params()
    selected = {g: filterset.cleaned.get(g, []) for g in FACET_COLUMNS}
    parts, params = [], list(base_params)
    where_all, p_all = _where(selected, FACET_COLUMNS)
    # Only constant column names and tests are formatted in; every value is a parameter.
    parts.append(f"SELECT 'total', '', count(*) FROM base WHERE {where_all}")  # noqa: S608
    params += p_all
    for group, (column, _test) in FACET_COLUMNS.items():
        groups = [g for g in FACET_COLUMNS if g != group or group in CONJUNCTIVE_FACETS]
        where, p = _where(selected, groups)
        if column in ("kpi_codes", "industries"):
            parts.append(
                f"SELECT '{group}', v::text, count(*) FROM base, unnest(base.{column}) AS v "  # noqa: S608
                f"WHERE {where} GROUP BY v"
            )
        else:
            parts.append(
                f"SELECT '{group}', {column}::text, count(*) "  # noqa: S608
                f"FROM base WHERE {where} GROUP BY {column}"
            )
        params += p
    sql = f"WITH base AS MATERIALIZED ({base_sql}) " + " UNION ALL ".join(parts)
    return sql, params


def _criteria_key(filterset: ListingFilter) -> str:
    criteria = sorted(
        (k, sorted(map(str, v)) if isinstance(v, list) else str(v))
        for k, v in filterset.cleaned.items()
        if k not in ("sort",)
    )
    return hashlib.sha256(repr(criteria).encode()).hexdigest()[:32]


def bump_generation() -> None:
    """Postings changed: cached counts from before are no longer used."""
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.set(GENERATION_KEY, 1, timeout=None)
    except Exception:
        logger.warning("could not bump the search cache generation", exc_info=True)


def _cache_get(key: str, default=None):
    try:
        return cache.get(key, default)
    except Exception:
        logger.warning("search cache unavailable", exc_info=True)
        return default


def _cache_set(key: str, value) -> None:
    try:
        cache.set(key, value, timeout=FACET_CACHE_SECONDS)
    except Exception:
        logger.warning("search cache unavailable", exc_info=True)


def facet_counts(filterset: ListingFilter) -> tuple[int, dict[str, list[FacetOption]]]:
    """Total results and, per facet option, how many results choosing it would give.

    For OR groups (level, function, workplace, industry) an option's count applies
    every other group's selection but not its own, so a second level shows what it
    would add; for the AND group (KPIs) it applies everything, so it shows what
    would remain. Computed in one statement, and kept in the cache for a minute
    (and until any posting changes), so popular searches do not recount.
    """
    generation = _cache_get(GENERATION_KEY, 0)
    key = f"facets:{generation}:{_criteria_key(filterset)}"
    counts = _cache_get(key)
    if counts is None:
        sql, params = _facet_sql(filterset)
        counts = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for group, value, n in cursor.fetchall():
                counts.setdefault(group, {})[value] = n
        _cache_set(key, counts)
    cleaned = filterset.cleaned
    facets = {
        group: [
            FacetOption(
                value=value,
                label=label,
                count=counts.get(group, {}).get(value, 0),
                selected=value in cleaned.get(group, []),
            )
            for value, label in options
        ]
        for group, options in _facet_labels(filterset).items()
    }
    return counts.get("total", {}).get("", 0), facets


class _CountedPaginator(Paginator):
    """A paginator that trusts a count we already have instead of running COUNT(*)."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def run_search(
    filterset: ListingFilter,
    page_number,
    *,
    per_page: int = PER_PAGE,
    ordered: QuerySet | None = None,
) -> SearchResults:
    """Count, facet, order and paginate the filterset's results."""
    total, facets = facet_counts(filterset)
    results = ordered if ordered is not None else filterset.ordered()
    results = results.with_company()
    paginator = _CountedPaginator(results, per_page, count=min(total, per_page * MAX_PAGE))
    page = paginator.get_page(page_number)
    # Order and slice on ids alone (narrow rows sort fast), then load the page's rows.
    ids = list(page.object_list.values_list("pk", flat=True))
    rows = {row.pk: row for row in results.filter(pk__in=ids)} if ids else {}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    headlines = {}
    if filterset.query_text and page.object_list:
        headlines = _headlines(filterset.query_text, [listing.pk for listing in page.object_list])
    return SearchResults(filterset, page, total, facets, headlines)


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


__all__ = ["PER_PAGE", "SearchResults", "Sort", "facet_counts", "industry_choices", "run_search"]

"""Running a search: one aggregate for the count and every facet, one page of rows,
and (for keyword searches) highlighted snippets on just the rows shown.

The number of SQL queries is fixed, whatever the page size or the filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import reduce
from operator import and_

from django.contrib.postgres.search import SearchHeadline
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import mark_safe

from listings.choices import KPI, Function, Level, Workplace
from listings.filters import ListingFilter, Sort, industry_choices
from listings.models import Listing
from listings.querysets import search_query

PER_PAGE = 20
CONJUNCTIVE_FACETS = {"kpi"}
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


def _facet_options(filterset: ListingFilter) -> dict[str, list[tuple[str, str, Q]]]:
    return {
        "level": [(v, label, Q(level=v)) for v, label in Level.choices],
        "function": [(v, label, Q(function=v)) for v, label in Function.choices],
        "workplace": [(v, label, Q(workplace=v)) for v, label in Workplace.choices],
        "kpi": [(v, label, Q(kpis__contains=[{"code": v}])) for v, label in KPI.choices],
        "industry": [
            (slug, name, Q(industries__contains=[slug]))
            for slug, name in filterset.filters["industry"].field.choices
        ],
    }


def facet_counts(filterset: ListingFilter) -> tuple[int, dict[str, list[FacetOption]]]:
    """Total results and, per facet option, how many results choosing it would give.

    For OR groups (level, function, workplace, industry) an option's count applies
    every other group's selection but not its own, so a second level shows what it
    would add; for the AND group (KPIs) it applies everything, so it shows what
    would remain. All of it is one aggregate query over the rows matched by the
    non-facet filters.
    """
    base = filterset.base_without_facets()
    conditions = filterset.facet_conditions()
    everything = reduce(and_, conditions.values(), Q())
    aggregates = {"total": Count("id", filter=everything) if conditions else Count("id")}
    options = _facet_options(filterset)
    for group, group_options in options.items():
        # KPIs combine with AND, so an option's count narrows the current results;
        # the other groups combine with OR inside the group, so their own selection is left out.
        own_group_applies = group in CONJUNCTIVE_FACETS
        others = reduce(
            and_, [c for g, c in conditions.items() if own_group_applies or g != group], Q()
        )
        for i, (_value, _label, condition) in enumerate(group_options):
            aggregates[f"{group}__{i}"] = Count("id", filter=condition & others)
    row = base.order_by().aggregate(**aggregates)
    cleaned = filterset.cleaned
    facets = {
        group: [
            FacetOption(
                value=value,
                label=label,
                count=row[f"{group}__{i}"],
                selected=value in cleaned.get(group, []),
            )
            for i, (value, label, _c) in enumerate(group_options)
        ]
        for group, group_options in options.items()
    }
    return row["total"], facets


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
    page.object_list = list(page.object_list)
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

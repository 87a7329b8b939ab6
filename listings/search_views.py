"""/jobs/: server-rendered search results with filters, facets and chips."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

from listings.filters import ListingFilter, Sort
from listings.labels import criteria_pairs, criteria_query_string, criterion_label
from listings.models import Listing
from listings.search import run_search, search_filterset
from listings.stats import record_impressions
from listings.viewer import viewer_for
from money.currencies import Currency

SLICE = ("level", "function", "workplace", "country")  # the criteria /salaries/ shares


def search(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    data = with_currency(request.GET, viewer.currency if viewer else None)
    filterset = search_filterset(data, request=request)
    decorate = ordered = None
    if viewer is not None:
        # Signed-in candidates see how each role fits; sort=match orders by it.
        decorate = viewer.annotate_match
        if filterset.sort_order == Sort.MATCH:
            matching = Listing.objects.filter(pk__in=filterset.qs.listing_ids())
            ordered = viewer.annotate_match(matching).order_by(
                "-match_score", "-date_posted", "-id"
            )
    elif filterset.sort_order == Sort.MATCH:
        filterset.notices.append("Sign in with a profile to sort roles by how well they match it.")
    results = run_search(filterset, request.GET.get("page"), decorate=decorate, ordered=ordered)
    record_impressions(request, results.page.object_list)  # Redis only, never fails the page
    criteria = filterset.cleaned
    context = {
        "filterset": filterset,
        "results": results,
        "page_obj": results.page,
        "chips": active_chips(filterset),
        "query_string": criteria_query_string(criteria, drop={"page"}),
        "sort_links": sort_links(filterset, can_match=viewer is not None),
        "has_profile": viewer is not None,
        "country_options": country_options(filterset),
        "feed_query": criteria_query_string(criteria, drop={"page", "sort"}),
        # /salaries/ reads the same names for the slice it shows
        "salaries_query": criteria_query_string(
            {**{k: criteria.get(k) for k in SLICE}, "salary_currency": filterset.pay_currency}
        ),
        "pay_currency": filterset.pay_currency,
        "currency_choices": Currency.choices,
    }
    return render(request, "listings/search.html", context)


def with_currency(data: QueryDict, currency: str | None) -> QueryDict:
    """The query, with the visitor's salary currency when it names none."""
    if not currency or data.get("salary_currency"):
        return data
    data = data.copy()
    data["salary_currency"] = currency
    return data


def active_chips(filterset: ListingFilter) -> list[dict[str, str]]:
    """One removable chip per active criterion: its label and the URL without it.

    The salary currency is part of the salary chip, not a criterion of its own.
    """
    pairs = criteria_pairs(filterset.cleaned, drop={"sort", "page"})
    chips = []
    for index, (name, value) in enumerate(pairs):
        if name == "salary_currency":
            continue
        rest = pairs[:index] + pairs[index + 1 :]
        label = criterion_label(name, value)
        if name == "salary_min":
            label = f"{label} {filterset.pay_currency}"
            rest = [(k, v) for k, v in rest if k != "salary_currency"]
        chips.append({"label": label, "url": "?" + urlencode(rest) if rest else "?"})
    return chips


def country_options(filterset: ListingFilter) -> SafeString:
    """The <option>s of the /jobs/ country list, its chosen countries selected."""
    return country_option_tags(set(filterset.cleaned.get("country", [])))


def country_option_tags(chosen: set[str]) -> SafeString:
    """The <option>s of a country list, built without a template loop (250 of them)."""
    return mark_safe(  # noqa: S308 - codes and names are escaped once, in _country_option_html
        "".join(
            html.replace(">", " selected>", 1) if code in chosen else html
            for code, html in _country_option_html()
        )
    )


@lru_cache(maxsize=1)
def _country_option_html() -> tuple[tuple[str, str], ...]:
    return tuple(
        (code, format_html('<option value="{}">{}</option>', code, name))
        for code, name in countries
    )


def sort_links(filterset: ListingFilter, *, can_match: bool = False) -> list[dict]:
    available = [Sort.RELEVANCE] if filterset.query_text else []
    available += [Sort.NEWEST, Sort.SALARY]
    if can_match:
        available.append(Sort.MATCH)
    labels = dict(Sort.CHOICES)
    current = filterset.sort_order
    criteria, keep_out = filterset.cleaned, {"sort", "page"}
    return [
        {
            "value": value,
            "label": labels[value],
            "url": "?" + criteria_query_string(criteria, drop=keep_out, extra=[("sort", value)]),
            "current": value == current,
        }
        for value in available
    ]

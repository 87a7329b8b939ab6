"""/jobs/: server-rendered search results with filters, facets and chips."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

from candidates.matching import annotate_match_score
from listings.filters import MULTI_VALUED, POSTED_CHOICES, ListingFilter, Sort
from listings.models import Listing
from listings.search import run_search, search_filterset
from listings.stats import record_impressions
from money.currencies import Currency


def search(request: HttpRequest) -> HttpResponse:
    profile = candidate_profile(request)
    filterset = search_filterset(with_profile_currency(request.GET, profile), request=request)
    decorate = ordered = None
    if profile is not None:
        # Signed-in candidates see how each role fits; sort=match orders by it.
        def decorate(rows):
            return annotate_match_score(rows, profile)

        if filterset.sort_order == Sort.MATCH:
            matching = Listing.objects.filter(pk__in=filterset.qs.listing_ids())
            ordered = annotate_match_score(matching, profile).order_by(
                "-match_score", "-date_posted", "-id"
            )
    elif filterset.sort_order == Sort.MATCH:
        filterset.notices.append("Sign in with a profile to sort roles by how well they match it.")
    results = run_search(filterset, request.GET.get("page"), decorate=decorate, ordered=ordered)
    record_impressions(request, results.page.object_list)  # Redis only, never fails the page
    context = {
        "filterset": filterset,
        "results": results,
        "page_obj": results.page,
        "chips": active_chips(filterset),
        "query_string": query_string(filterset, drop={"page"}),
        "sort_links": sort_links(filterset, can_match=profile is not None),
        "has_profile": profile is not None,
        "country_options": country_options(filterset),
        "feed_query": query_string(filterset, drop={"page", "sort"}),
        "pay_currency": filterset.pay_currency,
        "currency_choices": Currency.choices,
    }
    return render(request, "listings/search.html", context)


def with_profile_currency(data: QueryDict, profile) -> QueryDict:
    """The query, with a signed-in candidate's salary currency when it names none."""
    if profile is None or data.get("salary_currency"):
        return data
    data = data.copy()
    data["salary_currency"] = profile.desired_currency
    return data


def _pairs(filterset: ListingFilter) -> list[tuple[str, str]]:
    """The valid criteria as (parameter, value) pairs, in a stable order."""
    pairs: list[tuple[str, str]] = []
    for name, value in filterset.cleaned.items():
        if isinstance(value, list):
            pairs.extend((name, str(v)) for v in value)
        else:
            pairs.append((name, _plain(value)))
    return pairs


def _plain(value) -> str:
    text = str(value)
    return text[:-2] if text.endswith(".0") else text


def query_string(filterset: ListingFilter, *, drop: set[str] = frozenset(), extra=()) -> str:
    pairs = [(k, v) for k, v in _pairs(filterset) if k not in drop]
    pairs.extend(extra)
    return urlencode(pairs)


def active_chips(filterset: ListingFilter) -> list[dict[str, str]]:
    """One removable chip per active criterion: its label and the URL without it.

    The salary currency is part of the salary chip, not a criterion of its own.
    """
    pairs = [(k, v) for k, v in _pairs(filterset) if k not in {"sort", "page"}]
    chips = []
    for index, (name, value) in enumerate(pairs):
        if name == "salary_currency":
            continue
        rest = pairs[:index] + pairs[index + 1 :]
        label = chip_label(filterset, name, value)
        if name == "salary_min":
            label = f"{label} {filterset.pay_currency}"
            rest = [(k, v) for k, v in rest if k != "salary_currency"]
        chips.append({"label": label, "url": "?" + urlencode(rest) if rest else "?"})
    return chips


def chip_label(filterset: ListingFilter, name: str, value: str) -> str:
    if name in MULTI_VALUED:
        choices = {str(k): str(v) for k, v in filterset.filters[name].field.choices}
        return choices.get(value, value)
    if name == "q":
        return f"“{value}”"
    if name == "location":
        return f"Near {value}"
    if name == "posted":
        return dict(POSTED_CHOICES).get(value, value)
    if name == "salary_currency":
        return value
    number = int(float(value))
    if name == "salary_min":
        return f"Salary ≥ {number:,}"
    if name == "team_size_min":
        return f"Leads ≥ {number:,} people"
    if name == "experience":
        return f"Asks ≤ {number} years"
    return f"{name}: {value}"


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


def candidate_profile(request: HttpRequest):
    """The signed-in candidate's profile, or None."""
    if not request.user.is_authenticated:
        return None
    from candidates.models import Profile

    return Profile.objects.filter(user=request.user).first()


def sort_links(filterset: ListingFilter, *, can_match: bool = False) -> list[dict]:
    available = [Sort.RELEVANCE] if filterset.query_text else []
    available += [Sort.NEWEST, Sort.SALARY]
    if can_match:
        available.append(Sort.MATCH)
    labels = dict(Sort.CHOICES)
    current = filterset.sort_order
    return [
        {
            "value": value,
            "label": labels[value],
            "url": "?" + query_string(filterset, drop={"sort", "page"}, extra=[("sort", value)]),
            "current": value == current,
        }
        for value in available
    ]

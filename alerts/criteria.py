"""What an alert's criteria are: which search parameters it keeps, how they are stored
in a Subscription's columns, and how they are put back into a search or into words.

An alert is a saved /jobs/ search: the criteria are ListingFilter's own parameters,
validated by the same FilterSet (`alert_filterset`), turned into query strings and
labels by listings.labels like the search page's chips.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import QueryDict

from listings.filters import ListingFilter, country_codes_matching
from listings.labels import criteria_pairs, criterion_label
from money.currencies import REFERENCE

# ListingFilter parameters an alert keeps (sort, page and posted make no sense for one),
# in the order they are put into words.
CRITERIA = (
    "q",
    "level",
    "function",
    "workplace",
    "location",
    "country",
    "kpi",
    "industry",
    "salary_min",
    "salary_currency",
    "team_size_min",
    "experience",
)
MULTI = {
    "level": "levels",
    "function": "functions",
    "workplace": "workplaces",
    "country": "countries",
    "kpi": "kpis",
    "industry": "industries",
}
NUMBERS = ("salary_min", "team_size_min", "experience")
# Parameters that only qualify another one (salary_currency: the currency of salary_min).
QUALIFIERS = {"salary_currency": "salary_min"}


def alert_filterset(data: Mapping | QueryDict | None, queryset=None) -> ListingFilter:
    """The search FilterSet on alert parameters only (sort, page, posted dropped)."""
    clean = QueryDict(mutable=True)
    if data is not None:
        for key in CRITERIA:
            if hasattr(data, "getlist"):
                values = data.getlist(key)
            else:
                value = data.get(key)
                values = value if isinstance(value, list) else [] if value is None else [value]
            if values:
                clean.setlist(key, [str(v) for v in values])
    return ListingFilter(clean, queryset=queryset)


def criteria_from(filterset: ListingFilter) -> dict:
    """The valid alert criteria of a bound FilterSet, as plain JSON-able values."""
    criteria: dict = {}
    cleaned = filterset.cleaned
    for key, value in cleaned.items():
        if key not in CRITERIA or (key in QUALIFIERS and QUALIFIERS[key] not in cleaned):
            continue
        if key in NUMBERS:
            criteria[key] = int(value)
        elif key in MULTI:
            criteria[key] = [str(v) for v in value]
        else:
            criteria[key] = str(value).strip()
    if "salary_min" in criteria:  # a minimum is always said with its currency
        criteria["salary_currency"] = filterset.pay_currency
    return {k: v for k, v in criteria.items() if v not in ("", [], None)}


def columns_for(criteria: Mapping) -> dict:
    """Subscription column values for a criteria dict (missing criteria mean "any")."""
    location = (criteria.get("location") or "").strip()
    columns: dict = {
        "q": (criteria.get("q") or "").strip(),
        "location": location,
        "location_countries": country_codes_matching(location) if location else [],
    }
    for param, column in MULTI.items():
        columns[column] = list(criteria.get(param) or [])
    for param in NUMBERS:
        value = criteria.get(param)
        columns[param] = None if value is None else int(value)
    columns["salary_currency"] = criteria.get("salary_currency") or REFERENCE
    return columns


def criteria_of(subscription) -> dict:
    """A subscription's criteria as ListingFilter parameters, in the FilterSet's order."""
    criteria: dict = {}
    for param in CRITERIA:
        if param in MULTI:
            value = list(getattr(subscription, MULTI[param]) or [])
        else:
            value = getattr(subscription, param)
        if param in QUALIFIERS and QUALIFIERS[param] not in criteria:
            continue
        if value not in (None, "", []):
            criteria[param] = value
    return criteria


def querydict(criteria: Mapping) -> QueryDict:
    """Criteria as the QueryDict a search request would carry."""
    data = QueryDict(mutable=True)
    for key, value in criteria_pairs(criteria):
        data.appendlist(key, value)
    return data


def criteria_words(criteria: Mapping) -> list[str]:
    """One phrase per criterion, e.g. ["Senior Director or VP / Head of", "Remote", "NPS"].

    Values of one multi-valued parameter are alternatives ("or"); different
    parameters all apply. KPIs are the exception: a posting must own all of them.
    """
    parts: list[str] = []
    for param in CRITERIA:
        value = criteria.get(param)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            labels = [criterion_label(param, v) for v in value]
            parts.append((" and " if param == "kpi" else " or ").join(labels))
        elif param in QUALIFIERS:
            continue  # said with the parameter it qualifies
        elif param == "salary_min":
            currency = criteria.get("salary_currency") or REFERENCE
            parts.append(f"{criterion_label(param, value)} {currency}")
        else:
            parts.append(criterion_label(param, value))
    return parts


def criteria_summary(criteria: Mapping) -> str:
    """The criteria in one line: "Senior Director or VP · Remote · NPS · Salary ≥ 180,000"."""
    return " · ".join(criteria_words(criteria)) or "All new roles"


def default_name(criteria: Mapping) -> str:
    summary = criteria_summary(criteria)
    return summary if len(summary) <= 120 else summary[:119].rstrip() + "…"

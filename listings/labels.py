"""Search criteria in words and as query strings, for pages, alerts and emails alike.

The search page's chips, an alert's summary and its emails all put a criterion the
same way ("Senior Director", "Near Austin", "Salary ≥ 180,000"), and all turn
criteria back into a /jobs/ query string the same way: both are defined here once.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django_countries import countries

from listings.choices import KPI, Function, Level, Workplace
from listings.filters import POSTED_CHOICES, ListingFilter, industry_choices

_CHOICES = {
    "level": Level.choices,
    "function": Function.choices,
    "workplace": Workplace.choices,
    "kpi": KPI.choices,
    "posted": POSTED_CHOICES,
}
# The parameters of ListingFilter in the order the FilterSet declares them: query
# strings list criteria in this order, whoever builds them.
PARAMETERS = tuple(ListingFilter.base_filters)
INDUSTRY_NAMES_SECONDS = 300  # an alert email is rendered thousands of times a minute

_industry_names: dict = {"until": 0.0, "names": {}}


def _industry_name(slug: str) -> str:
    now = time.monotonic()
    if now > _industry_names["until"]:
        _industry_names["names"] = dict(industry_choices())
        _industry_names["until"] = now + INDUSTRY_NAMES_SECONDS
    return _industry_names["names"].get(slug, slug)


def forget_industry_names() -> None:
    """Industries changed (in this process): read their names again next time."""
    _industry_names["until"] = 0.0


@lru_cache(maxsize=8192)
def _fixed_label(name: str, value: str) -> str:
    if name in _CHOICES:
        return {str(k): str(v) for k, v in _CHOICES[name]}.get(value, value)
    if name == "country":
        return str(countries.name(value)) or value
    if name == "q":
        return f"“{value}”"
    if name == "location":
        return f"Near {value}"
    if name == "salary_currency":
        return value
    try:
        number = int(float(value))
    except ValueError:
        return f"{name}: {value}"
    if name == "salary_min":
        return f"Salary ≥ {number:,}"
    if name == "team_size_min":
        return f"Leads ≥ {number:,} people"
    if name == "experience":
        return f"Asks ≤ {number} years"
    return f"{name}: {value}"


def criterion_label(name: str, value) -> str:
    """One search criterion in words, e.g. ("level", "vp") -> "VP / Head of".

    Industry names come from the database and are kept for five minutes (until an
    industry changes, in the process that changed it); the other labels are fixed
    (choices, or the value itself put in words).
    """
    if name == "industry":
        return _industry_name(str(value))
    return _fixed_label(name, plain(value))


def plain(value) -> str:
    """A criterion's value as it appears in a query string: a whole number without its
    decimals (180000, not 180000.0 or 1.8E+5); any other value as it is."""
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return str(int(value))
    elif isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def criteria_pairs(criteria: Mapping, *, drop=frozenset()) -> list[tuple[str, str]]:
    """Criteria (a FilterSet's `cleaned`, or an alert's criteria) as (parameter, value)
    pairs in the FilterSet's order; empty values left out."""
    pairs: list[tuple[str, str]] = []
    for name in PARAMETERS:
        value = criteria.get(name)
        if name in drop or value in (None, "", []):
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((name, plain(v)) for v in value)
        else:
            pairs.append((name, plain(value)))
    return pairs


def criteria_query_string(criteria: Mapping, *, drop=frozenset(), extra=()) -> str:
    """The /jobs/ query string of criteria, e.g. "level=vp&workplace=remote"."""
    return urlencode([*criteria_pairs(criteria, drop=drop), *extra])

"""/salaries/: advertised pay by level, function, workplace and place (listings.insights).

Takes the parameters of /jobs/ that make sense for pay (level, function, workplace,
country, salary_currency) plus `period`. A malformed value never fails the page: an
unknown value is dropped with a notice and the rest applies, as on /jobs/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django_countries import countries

from listings.charts import Chart, Row, pay_chart
from listings.choices import Function, Level, Workplace
from listings.filters import MAX_VALUES_PER_PARAM
from listings.insights import (
    SMALL_SLICE,
    Group,
    Insights,
    PaySlice,
    Period,
    Stats,
    pay_insights,
)
from listings.labels import criteria_query_string, criterion_label
from listings.pay import round_figure
from listings.search_views import country_option_tags, with_currency
from listings.viewer import viewer_for
from money.currencies import REFERENCE, Currency
from money.rates import current_rates

TOP_COUNTRIES = 12
MULTI = ("level", "function", "workplace")
# Parameters of /jobs/ that narrow postings by something pay insights do not count by.
NOT_APPLICABLE = {
    "q": "keywords",
    "location": "location text",
    "salary_min": "minimum salary",
    "kpi": "KPIs owned",
    "industry": "industry",
    "team_size_min": "team size",
    "experience": "years of leadership",
    "posted": "date posted",
    "sort": "sort order",
    "page": "page",
}
LEVELS = dict(Level.choices)
FUNCTIONS = dict(Function.choices)
WORKPLACES = dict(Workplace.choices)


class PaySliceForm(forms.Form):
    """The slice's fields, bound to values already sorted into known and unknown."""

    level = forms.MultipleChoiceField(
        choices=Level.choices, required=False, widget=forms.CheckboxSelectMultiple, label="Level"
    )
    function = forms.MultipleChoiceField(
        choices=Function.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Function",
    )
    workplace = forms.MultipleChoiceField(
        choices=Workplace.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Workplace",
    )
    country = forms.ChoiceField(
        choices=lambda: [("", "Everywhere"), *countries], required=False, label="Country"
    )
    salary_currency = forms.ChoiceField(choices=Currency.choices, required=False, label="Currency")
    period = forms.ChoiceField(choices=Period.CHOICES, required=False, label="Postings")


@dataclass
class SliceRequest:
    """What the query asked for, once read: the slice, the currency, what was dropped."""

    pay_slice: PaySlice
    currency: str
    form: PaySliceForm
    notices: list[str] = field(default_factory=list)


def read_slice(data: QueryDict) -> SliceRequest:
    """The slice of a query string. Unknown values are noted and dropped, never fatal."""
    notices: list[str] = []
    clean = QueryDict(mutable=True)
    labels = {"level": LEVELS, "function": FUNCTIONS, "workplace": WORKPLACES}
    for name in MULTI:
        kept: list[str] = []
        values = data.getlist(name)
        for raw in values[:MAX_VALUES_PER_PARAM]:
            value = str(raw).strip().lower()
            if value in labels[name]:
                if value not in kept:
                    kept.append(value)
            elif value:
                notices.append(f"“{_shown(value)}” is not a known {name} value, so it was ignored.")
        if len(values) > MAX_VALUES_PER_PARAM:
            notices.append(f"Only the first {MAX_VALUES_PER_PARAM} {name} values were used.")
        clean.setlist(name, kept)

    places: list[str] = []
    for raw in data.getlist("country")[:MAX_VALUES_PER_PARAM]:
        code = str(raw).strip().upper()
        if code in _country_codes():
            if code not in places:
                places.append(code)
        elif code:
            notices.append(f"“{_shown(code)}” is not a known country code, so it was ignored.")
    if len(places) > 1:
        left_out = ", ".join(countries.name(code) for code in places[1:])
        notices.append(
            f"Pay is compared one place at a time: this shows {countries.name(places[0])} "
            f"and leaves out {left_out}."
        )
    clean["country"] = places[0] if places else ""

    currency = str(data.get("salary_currency", "")).strip().upper()
    if currency and currency not in Currency.values:
        notices.append(
            f"“{_shown(currency)}” is not a currency this board knows, so figures are in "
            f"{REFERENCE}."
        )
        currency = ""
    clean["salary_currency"] = currency or REFERENCE

    period = str(data.get("period", "")).strip().lower()
    if period and period not in (Period.LIVE, Period.YEAR):
        notices.append(
            f"“{_shown(period)}” is not a period this page knows, so it shows live postings."
        )
        period = ""
    clean["period"] = period or Period.LIVE

    unused = [label for name, label in NOT_APPLICABLE.items() if _given(data, name)]
    if unused:
        notices.append(
            f"Pay figures are not narrowed by {_and_list(unused)}, so "
            f"{'that was' if len(unused) == 1 else 'those were'} left out; the rest applies."
        )

    form = PaySliceForm(clean)
    if not form.is_valid():  # cannot happen with the values kept above; never a 500 if it does
        notices.extend(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        form = PaySliceForm({"salary_currency": REFERENCE, "period": Period.LIVE})
        form.is_valid()
    cleaned = form.cleaned_data
    return SliceRequest(
        pay_slice=PaySlice(
            levels=tuple(cleaned["level"]),
            functions=tuple(cleaned["function"]),
            workplaces=tuple(cleaned["workplace"]),
            country=cleaned["country"],
            period=cleaned["period"] or Period.LIVE,
        ),
        currency=cleaned["salary_currency"] or REFERENCE,
        form=form,
        notices=notices,
    )


def salaries(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request)
    asked = read_slice(with_currency(request.GET, viewer.currency if viewer else None))
    rates = current_rates()
    currency = asked.currency
    if currency not in rates.in_reference:
        if currency != REFERENCE:
            asked.notices.append(f"There are no exchange rates yet, so figures are in {REFERENCE}.")
        currency = REFERENCE
    insights = pay_insights(asked.pay_slice, currency=currency, rates=rates)
    # str() makes django-csp generate the nonce (and put it in the header); a lazy
    # object's truth value would not
    nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
    context = {
        "form": asked.form,
        "notices": asked.notices,
        "slice": asked.pay_slice,
        "slice_words": slice_words(asked.pay_slice),
        "currency": currency,
        "currency_choices": Currency.choices,
        "country_options": country_option_tags({asked.pay_slice.country}),
        "period_links": period_links(asked.pay_slice, currency),
        "is_year": asked.pay_slice.period == Period.YEAR,
        "overall": figures(insights.overall, currency),
        "breakdowns": breakdowns(insights, nonce),
        "grid": level_function_grid(insights),
        "rate_date": rates.rate_date,
        "jobs_query": jobs_query(asked.pay_slice, currency),
        "small_slice": SMALL_SLICE,
    }
    return render(request, "listings/salaries.html", context)


# --------------------------------------------------------------------------- presenting


def money(amount: int | None, currency: str) -> str:
    """ "USD 188,000": three significant figures, as precise as the figures are (1 %)."""
    return "" if amount is None else f"{currency} {round_figure(amount):,}"


def figures(stats: Stats, currency: str) -> dict:
    """A Stats as the template shows it (no figure at all for a small slice)."""
    small = stats.small or stats.median is None
    return {
        "count": stats.count,
        "small": small,
        "q1": money(stats.q1, currency),
        "median": money(stats.median, currency),
        "q3": money(stats.q3, currency),
        "iqr": "" if small else f"{money(stats.q1, currency)} – {round_figure(stats.q3):,}",
    }


@dataclass(frozen=True)
class Breakdown:
    key: str  # level, function, workplace, country
    heading: str
    rows: list[dict]
    chart: Chart | None
    svgs: list[dict]


def breakdowns(insights: Insights, nonce: str) -> list[Breakdown]:
    currency = insights.currency
    pay_slice = insights.slice
    countries_shown = insights.by_country[:TOP_COUNTRIES]
    chosen = [g for g in insights.by_country[TOP_COUNTRIES:] if g.selected]
    specs = [
        ("level", "By level", insights.by_level, LEVELS.get),
        ("function", "By function", insights.by_function, FUNCTIONS.get),
        ("workplace", "By workplace", insights.by_workplace, WORKPLACES.get),
        ("country", "By country", countries_shown + chosen, countries.name),
    ]
    result = []
    for key, heading, groups, label_of in specs:
        labelled = [(group, str(label_of(group.key) or group.key)) for group in groups]
        rows = [
            {
                **figures(group.stats, currency),
                "label": label,
                "selected": group.selected,
                "url": "?" + slice_query(pay_slice, currency, only={key: group.key}),
            }
            for group, label in labelled
        ]
        chart = pay_chart(
            chart_id=f"pay-{key}",
            title=f"Advertised pay {heading.lower()}, in {currency} a year",
            rows=[_chart_row(group, label) for group, label in labelled],
            currency=currency,
            selected=[i for i, (group, _) in enumerate(labelled) if group.selected],
        )
        result.append(
            Breakdown(
                key=key,
                heading=heading,
                rows=rows,
                chart=chart,
                svgs=chart.svgs(nonce) if chart else [],
            )
        )
    return result


def _chart_row(group: Group, label: str) -> Row:
    """The group as drawn: the figures of its table row (rounded as shown)."""
    stats = group.stats
    if stats.small or stats.median is None:
        return Row(label, stats.count)
    q1, median, q3 = (round_figure(v) for v in (stats.q1, stats.median, stats.q3))
    return Row(label, stats.count, q1, median, q3)


def level_function_grid(insights: Insights) -> dict:
    """Median per level (rows) and function (columns)."""
    currency = insights.currency
    chosen_levels = set(insights.slice.levels)
    chosen_functions = set(insights.slice.functions)
    none = Stats(count=0)
    return {
        "functions": [
            {"label": label, "selected": key in chosen_functions} for key, label in Function.choices
        ],
        "rows": [
            {
                "label": level_label,
                "selected": level in chosen_levels,
                "cells": [
                    {
                        **figures(insights.level_function.get((level, function), none), currency),
                        "function": function_label,
                    }
                    for function, function_label in Function.choices
                ],
            }
            for level, level_label in Level.choices
        ],
    }


def slice_words(pay_slice: PaySlice) -> str:
    """ "VP / Head of · Customer experience · Remote · Germany", or "All roles"."""
    parts = [
        " or ".join(criterion_label(name, k) for k in values)
        for name, values in (
            ("level", pay_slice.levels),
            ("function", pay_slice.functions),
            ("workplace", pay_slice.workplaces),
            ("country", [pay_slice.country] if pay_slice.country else []),
        )
    ]
    return " · ".join(p for p in parts if p) or "All roles"


def _slice_pairs(pay_slice: PaySlice, currency: str, *, period: bool = True) -> list:
    pairs = [("level", k) for k in pay_slice.levels]
    pairs += [("function", k) for k in pay_slice.functions]
    pairs += [("workplace", k) for k in pay_slice.workplaces]
    if pay_slice.country:
        pairs.append(("country", pay_slice.country))
    pairs.append(("salary_currency", currency))
    if period and pay_slice.period != Period.LIVE:
        pairs.append(("period", pay_slice.period))
    return pairs


def slice_query(pay_slice: PaySlice, currency: str, *, only: dict[str, str] | None = None) -> str:
    """The /salaries/ query of the slice; `only` narrows one dimension to one value."""
    pairs = _slice_pairs(pay_slice, currency)
    for name, value in (only or {}).items():
        pairs = [(k, v) for k, v in pairs if k != name]
        pairs.insert(0, (name, value))
    return urlencode(pairs)


def jobs_query(pay_slice: PaySlice, currency: str) -> str:
    """The /jobs/ query of the same slice (live roles; /jobs/ has no period)."""
    return criteria_query_string(
        {
            "level": pay_slice.levels,
            "function": pay_slice.functions,
            "workplace": pay_slice.workplaces,
            "country": [pay_slice.country] if pay_slice.country else [],
            "salary_currency": currency,
        }
    )


def period_links(pay_slice: PaySlice, currency: str) -> list[dict]:
    links = []
    for value, label in Period.CHOICES:
        pairs = [(k, v) for k, v in _slice_pairs(pay_slice, currency) if k != "period"]
        if value != Period.LIVE:
            pairs.append(("period", value))
        links.append(
            {"label": label, "url": "?" + urlencode(pairs), "current": value == pay_slice.period}
        )
    return links


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    return frozenset(code for code, _ in countries)


def _given(data: QueryDict, name: str) -> bool:
    return any(str(v).strip() for v in data.getlist(name))


def _shown(value: str) -> str:
    return value if len(value) <= 40 else value[:40] + "…"


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]

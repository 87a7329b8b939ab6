"""The one FilterSet behind /jobs/, /jobs/feed/ and alert criteria.

A malformed value never empties the results: unknown choices are dropped with a
notice, and a field whose value does not validate is shown with its error and
left out, while every other filter still applies.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django_countries import countries

from listings.choices import KPI, Function, Level, Workplace
from listings.models import MAX_TEAM, Industry, Listing
from listings.tsquery import compile_query
from money.currencies import MAX_AMOUNT, REFERENCE, Currency, amount_problem

MULTI_VALUED = ("level", "function", "workplace", "country", "kpi", "industry")
FACETED = ("level", "function", "workplace", "kpi", "industry")
MAX_VALUES_PER_PARAM = 30
MAX_QUERY_LENGTH = 200


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    SALARY = "salary"
    MATCH = "match"
    CHOICES = [
        (RELEVANCE, "Relevance"),
        (NEWEST, "Newest"),
        (SALARY, "Highest salary"),
        (MATCH, "Best match for my profile"),
    ]


POSTED_CHOICES = [("1", "Last 24 hours"), ("7", "Last 7 days"), ("30", "Last 30 days")]


INDUSTRIES_CACHE_KEY = "listings:industries"


def industry_rows() -> list[tuple[str, str, int | None]]:
    """(slug, name, bit) of every industry, by name; cached until an industry changes."""
    try:
        rows = cache.get(INDUSTRIES_CACHE_KEY)
    except Exception:  # the cache (Redis) is down: read the table
        rows = None
    if rows is None:
        rows = [
            tuple(r) for r in Industry.objects.order_by("name").values_list("slug", "name", "bit")
        ]
        # a cache outage only costs this query again
        with contextlib.suppress(Exception):
            cache.set(INDUSTRIES_CACHE_KEY, rows, timeout=3600)
    return rows


def forget_industries() -> None:
    """Industries changed: the next read loads them again."""
    with contextlib.suppress(Exception):  # the entry expires within the hour anyway
        cache.delete(INDUSTRIES_CACHE_KEY)


def industry_choices() -> list[tuple[str, str]]:
    return [(slug, name) for slug, name, _bit in industry_rows()]


def _normalise(name: str, value: str) -> str:
    value = value.strip()
    return value.upper() if name == "country" else value.lower()


NO_WORDS = (
    "“{text}” has no words to search for (very common words such as “the” are left out): "
    "try words a posting would use, such as NPS or contact centre."
)


class ListingFilterForm(forms.Form):
    def clean_q(self) -> str:
        # Keywords with nothing searchable (punctuation, stop words, "-") would match no
        # posting at all: say so and search without them, like any other invalid field.
        text = (self.cleaned_data.get("q") or "").strip()
        if text and compile_query(text).empty:
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise forms.ValidationError(NO_WORDS.format(text=shown), code="no_words")
        return text

    def clean(self):
        cleaned = super().clean()
        # A sane salary depends on its currency (JPY 20,000,000 is one, USD is not).
        currency = cleaned.get("salary_currency") or REFERENCE
        if problem := amount_problem(cleaned.get("salary_min"), currency):
            self.add_error("salary_min", problem)
        return cleaned


class ListingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label="Keywords",
        max_length=MAX_QUERY_LENGTH,
        help_text='Words, "exact phrase", -exclude, or',
    )
    level = django_filters.MultipleChoiceFilter(
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Level",
        distinct=False,  # a column of the row itself: no join, nothing to de-duplicate
    )
    function = django_filters.MultipleChoiceFilter(
        choices=Function.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Function",
        distinct=False,  # a column of the row itself: no join, nothing to de-duplicate
    )
    workplace = django_filters.MultipleChoiceFilter(
        choices=Workplace.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Workplace",
        distinct=False,  # a column of the row itself: no join, nothing to de-duplicate
    )
    location = django_filters.CharFilter(
        method="filter_location",
        label="Location",
        max_length=100,
        help_text="City, region or country",
    )
    country = django_filters.MultipleChoiceFilter(
        method="filter_country", choices=lambda: list(countries), label="Country", distinct=False
    )
    salary_min = django_filters.NumberFilter(
        method="filter_salary_min",
        label="Minimum salary (per year)",
        min_value=0,
        max_value=MAX_AMOUNT,
        decimal_places=0,
    )
    # The currency of salary_min (read by filter_salary_min; default USD, or the
    # signed-in candidate's profile currency, see search_filterset).
    salary_currency = django_filters.ChoiceFilter(
        method="filter_nothing",
        choices=Currency.choices,
        label="Currency",
        empty_label=None,
    )
    kpi = django_filters.MultipleChoiceFilter(
        method="filter_kpi",
        distinct=False,
        choices=KPI.choices,
        widget=forms.CheckboxSelectMultiple,
        label="KPIs owned",
    )
    industry = django_filters.MultipleChoiceFilter(
        method="filter_industry",
        distinct=False,
        choices=industry_choices,
        widget=forms.CheckboxSelectMultiple,
        label="Industry",
    )
    team_size_min = django_filters.NumberFilter(
        field_name="team_size",
        lookup_expr="gte",
        label="Leads at least (people)",
        min_value=0,
        max_value=MAX_TEAM,
        decimal_places=0,
    )
    experience = django_filters.NumberFilter(
        method="filter_experience",
        label="My years of leadership",
        min_value=0,
        max_value=60,
        decimal_places=0,
    )
    posted = django_filters.ChoiceFilter(
        method="filter_posted", choices=POSTED_CHOICES, label="Posted", empty_label="Any time"
    )
    sort = django_filters.ChoiceFilter(
        method="filter_nothing", choices=Sort.CHOICES, label="Sort by", empty_label=None
    )

    class Meta:
        model = Listing
        fields: list[str] = []
        form = ListingFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        self.notices: list[str] = []
        if queryset is None:
            queryset = Listing.objects.live()
        super().__init__(data, queryset, request=request, prefix=prefix)
        if self.is_bound:
            self.data = self._drop_unknown_choices(self.data)

    # ------------------------------------------------------------------ input hygiene

    def _drop_unknown_choices(self, data) -> QueryDict:
        """Keep the known values of multi-valued parameters; note the others."""
        clean = QueryDict(mutable=True)
        for key in data:
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            if key not in MULTI_VALUED:
                clean.setlist(key, values)
                continue
            known = {str(k) for k, _ in self.filters[key].field.choices}
            kept: list[str] = []
            for raw in values[:MAX_VALUES_PER_PARAM]:
                value = _normalise(key, str(raw))
                if value in known:
                    if value not in kept:
                        kept.append(value)
                elif value:
                    shown = value if len(value) <= 40 else value[:40] + "…"
                    label = self.filters[key].label.lower()
                    self.notices.append(
                        f"“{shown}” is not a known {label} value, so it was ignored."
                    )
            if len(values) > MAX_VALUES_PER_PARAM:
                self.notices.append(
                    f"Only the first {MAX_VALUES_PER_PARAM} {key} values were used."
                )
            clean.setlist(key, kept)
        return clean

    # ------------------------------------------------------------------ filters

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        return queryset.search(value) if value else queryset

    def filter_location(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return queryset
        matches = Q(city__icontains=value) | Q(region__icontains=value)
        codes = country_codes_matching(value)
        if codes:
            matches |= Q(country__in=codes)
        return queryset.filter(matches)

    def filter_country(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        # A remote role open to applicants in a country counts as being in it.
        return queryset.filter(
            Q(country__in=value) | Q(workplace=Workplace.REMOTE, applicant_countries__overlap=value)
        )

    def filter_salary_min(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.paying_at_least(int(value), self.pay_currency)

    @property
    def pay_currency(self) -> str:
        """The currency salary_min is in (the valid one given, else USD)."""
        return self.cleaned.get("salary_currency") or REFERENCE

    def filter_kpi(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        if not value:
            return queryset
        return queryset.owning_kpis(value)

    def filter_industry(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.in_industries(value) if value else queryset

    def filter_experience(self, queryset: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(
            Q(min_leadership_years__isnull=True) | Q(min_leadership_years__lte=int(value))
        )

    def filter_posted(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(date_posted__gte=timezone.now() - timedelta(days=int(value)))

    def filter_nothing(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    # ------------------------------------------------------------------ results

    @property
    def cleaned(self) -> dict:
        """The valid, non-empty criteria (after dropping unknown values and invalid fields)."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018 - runs validation
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "", [])}

    @property
    def query_text(self) -> str:
        return (self.cleaned.get("q") or "").strip()

    @property
    def sort_order(self) -> str:
        """The order in force: the valid requested one, else relevance for keywords, else newest."""
        chosen = self.cleaned.get("sort")
        if chosen == Sort.RELEVANCE and not self.query_text:
            return Sort.NEWEST
        if chosen:
            return chosen
        return Sort.RELEVANCE if self.query_text else Sort.NEWEST

    def ordered(self, queryset: QuerySet | None = None) -> QuerySet:
        """The filtered results in the requested order (match order is the view's job)."""
        qs = self.qs if queryset is None else queryset
        sort = self.sort_order
        if sort == Sort.RELEVANCE:
            return qs.order_by(F("title_match").desc(), "-date_posted", "-pk")
        if sort == Sort.SALARY:
            return qs.highest_paid_first()
        return qs.order_by("-date_posted", "-pk")

    def base_without_facets(self) -> QuerySet:
        """Results filtered by everything except the faceted parameters."""
        qs = self.queryset.all()
        if not self.is_bound:
            return qs
        for name, value in self.cleaned.items():
            if name not in FACETED:
                qs = self.filters[name].filter(qs, value)
        return qs


def country_codes_matching(text: str) -> list[str]:
    """ISO codes whose code or English name matches the free text (e.g. "germany", "UK")."""
    needle = text.strip().lower()
    if not needle:
        return []
    aliases = {"uk": "GB", "usa": "US", "united states of america": "US", "america": "US"}
    codes = {aliases[needle]} if needle in aliases else set()
    for code, name in countries:
        if needle == code.lower() or (len(needle) >= 3 and needle in name.lower()):
            codes.add(code)
    return sorted(codes)

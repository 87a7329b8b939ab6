"""The fast path (the search projection, listings/search.py) gives what the rule says.

The reference is a plain ORM query on Listing written straight from the documented
rules (README, "Search"): the FilterSet's meaning on Listing.objects.live(), ordered
by tier (title and company satisfy the query first), then newest, then id; each
facet option's count is the number of results of the search with that option
chosen (OR groups: instead of the group's own choice; KPIs: in addition to it).
Hypothesis draws the criteria; the postings are drawn once per test from a seeded
generator, so that they vary in every field the criteria test.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listings.choices import ANNUAL_FACTOR, KPI, Function, Level, SalaryPeriod, Status, Workplace
from listings.filters import ListingFilter, Sort
from listings.models import Company, Industry, Listing, SearchEntry
from listings.search import (
    count_results,
    newest_ids,
    prune_search_entries,
    run_search,
    search_filterset,
)
from money.currencies import Currency
from money.models import ExchangeRate
from tests.factories import CompanyFactory, ListingFactory

pytestmark = pytest.mark.django_db

WORDS = [
    "customer",
    "experience",
    "service",
    "support",
    "director",
    "vp",
    "nps",
    "zendesk",
    "genesys",
    "retail",
    "escalation",
    "berlin",
    "onboarding",
]
TITLES = [
    "Director of Customer Service",
    "VP Customer Experience",
    "Senior Director, Support Operations",
    "Head of Customer Success",
    "Director, Contact Center Operations",
    "VP Global Support",
    "Director of Customer Experience and Retail Care",
]
PHRASES = ['"customer experience"', '"customer service"', '"experience director"']
CITIES = [("Austin", "TX", "US"), ("Berlin", "Berlin", "DE"), ("London", "England", "GB")]
PER_PAGE = 4


def _pay(i: int, rng: random.Random, in_reference: dict[str, Decimal]) -> dict:
    """Pay in every shape (none, a minimum only, a maximum only, both), in every currency
    and period in turn: round yearly figures in USD, stated in the posting's own."""
    currency = Currency.values[i % len(Currency.values)]
    period = SalaryPeriod.values[i % len(SalaryPeriod.values)]
    shape = ["none", "min", "max", "both"][i % 4]
    low, high = sorted(rng.sample([90_000, 150_000, 200_000, 210_000, 300_000], k=2))

    def stated(usd: int) -> int:
        return int(Decimal(usd) / in_reference[currency] / ANNUAL_FACTOR[period])

    return {
        "currency": currency,
        "salary_period": period,
        "salary_min": stated(low) if shape in ("min", "both") else None,
        "salary_max": stated(high) if shape in ("max", "both") else None,
    }


def _description(rng: random.Random) -> str:
    words = rng.sample(WORDS, k=rng.randint(2, 6))
    extra = rng.choice(["", "We value customer experience.", "Experience with customer tools."])
    return f"Lead {' and '.join(words)} at scale. {extra}"


@pytest.fixture
def postings(db):
    """Forty postings drawn from a seeded generator, plus a few not live."""
    rng = random.Random(20261201)
    slugs = list(Industry.objects.values_list("slug", flat=True)[:5])
    companies = [
        CompanyFactory(name=name, industry=Industry.objects.get(slug=slugs[i % len(slugs)]))
        for i, name in enumerate(["Zendesk Partners", "Retail Care Co", "Berlin Support"])
    ]
    in_reference = dict(ExchangeRate.objects.values_list("currency", "in_reference"))
    now = timezone.now()
    for i in range(40):
        workplace = rng.choice(list(Workplace.values))
        city, region, country = rng.choice(CITIES)
        remote = workplace == Workplace.REMOTE
        kpis = [{"code": c} for c in rng.sample(KPI.values, k=rng.randint(0, 4))]
        ListingFactory(
            title=rng.choice(TITLES),
            company=rng.choice(companies),
            level=rng.choice(list(Level.values)),
            function=rng.choice(list(Function.values)),
            workplace=workplace,
            city="" if remote else city,
            region="" if remote else region,
            country="" if remote else country,
            applicant_countries=rng.sample(["US", "CA", "DE", "GB"], k=2) if remote else [],
            **_pay(i, rng, in_reference),
            team_size=rng.choice([None, 20, 120, 800]),
            min_leadership_years=rng.choice([None, 5, 10, 15]),
            kpis=kpis,
            industries=rng.sample(slugs, k=rng.randint(0, 2)),
            description=_description(rng),
            status=Status.PUBLISHED,
            # ties in date_posted on purpose: the id must break them the same way
            date_posted=now - timedelta(days=rng.choice([0.5, 2, 2, 10, 40])),
            valid_through=now + timedelta(days=30),
        )
    ListingFactory(title="Director of Customer Service", status=Status.DRAFT)
    ListingFactory(
        title="VP Customer Experience",
        status=Status.PUBLISHED,
        date_posted=now - timedelta(days=70),
        valid_through=now - timedelta(days=1),
    )
    return Listing.objects.live().count()


criteria = st.fixed_dictionaries(
    {},
    optional={
        "q": st.one_of(
            st.sampled_from(WORDS + PHRASES),
            st.lists(st.sampled_from(WORDS), min_size=2, max_size=3).map(" ".join),
            st.tuples(st.sampled_from(WORDS), st.sampled_from(WORDS)).map(
                lambda t: f"{t[0]} -{t[1]}"
            ),
            st.tuples(st.sampled_from(WORDS), st.sampled_from(WORDS)).map(
                lambda t: f"{t[0]} or {t[1]}"
            ),
        ),
        "level": st.lists(st.sampled_from(Level.values), max_size=2, unique=True),
        "function": st.lists(st.sampled_from(Function.values), max_size=2, unique=True),
        "workplace": st.lists(st.sampled_from(Workplace.values), max_size=2, unique=True),
        "kpi": st.lists(st.sampled_from(KPI.values), max_size=2, unique=True),
        "industry": st.lists(
            st.sampled_from(["software-saas", "financial-services", "insurance", "healthcare"]),
            max_size=2,
            unique=True,
        ),
        "salary_min": st.sampled_from(["100000", "200000"]),
        "salary_currency": st.sampled_from(["USD", "EUR", "JPY", "INR"]),
        "team_size_min": st.sampled_from(["50", "500"]),
        "experience": st.sampled_from(["6", "12"]),
        "posted": st.sampled_from(["1", "7", "30"]),
        "location": st.sampled_from(["berlin", "UK", "tx", "germany"]),
        "country": st.lists(st.sampled_from(["US", "DE", "CA"]), max_size=2, unique=True),
        "sort": st.sampled_from([Sort.RELEVANCE, Sort.NEWEST, Sort.SALARY]),
    },
)


def _querydict(values: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in values.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def reference(values: dict) -> tuple[list[int], int]:
    """Ids in the documented order and the count, by the plain ORM on Listing."""
    filterset = ListingFilter(_querydict(values), queryset=Listing.objects.live())
    qs = filterset.qs
    sort = filterset.sort_order
    if sort == Sort.RELEVANCE:
        qs = qs.order_by(F("title_match").desc(), "-date_posted", "-id")
    elif sort == Sort.SALARY:
        qs = qs.highest_paid_first()
    else:
        qs = qs.order_by("-date_posted", "-id")
    return list(qs.values_list("id", flat=True)), qs.count()


def reference_facets(values: dict) -> dict[str, dict[str, int]]:
    groups = {
        "level": Level.values,
        "function": Function.values,
        "workplace": Workplace.values,
        "kpi": KPI.values,
        "industry": list(Industry.objects.values_list("slug", flat=True)),
    }
    counts: dict[str, dict[str, int]] = {}
    for group, options in groups.items():
        counts[group] = {}
        for option in options:
            chosen = dict(values)
            if group == "kpi":
                chosen["kpi"] = sorted({*values.get("kpi", []), option})
            else:
                chosen[group] = [option]
            counts[group][option] = reference(chosen)[1]
    return counts


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=criteria, page=st.integers(min_value=1, max_value=4))
def test_fast_search_gives_the_reference_rows_in_the_reference_order(postings, values, page):
    assert postings == 40
    expected_ids, expected_total = reference(values)
    results = run_search(search_filterset(_querydict(values)), page, per_page=PER_PAGE)
    assert results.total == expected_total
    start = (results.page.number - 1) * PER_PAGE
    assert [listing.pk for listing in results.page.object_list] == expected_ids[
        start : start + PER_PAGE
    ]
    if expected_total:
        assert results.page.object_list, "a page with results must not come back empty"


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=criteria)
def test_every_facet_number_is_the_count_its_option_would_give(postings, values):
    results = run_search(search_filterset(_querydict(values)), 1, per_page=PER_PAGE)
    fast = {
        group: {option.value: option.count for option in options}
        for group, options in results.facets.items()
    }
    assert fast == reference_facets(values)


def test_counts_without_criteria_come_from_maintained_counts_and_stay_exact(postings):
    """No criteria: totals and facets from SearchCount, minus what the clock expired."""
    before = run_search(search_filterset(QueryDict()), 1, per_page=PER_PAGE)
    assert before.total == 40 == reference({})[1]
    fast = {g: {o.value: o.count for o in options} for g, options in before.facets.items()}
    assert fast == reference_facets({})
    # One posting expires by the clock an hour from now; nothing is written when it does.
    victim = Listing.objects.live().order_by("id").first()
    Listing.objects.filter(pk=victim.pk).update(valid_through=timezone.now() + timedelta(hours=1))
    assert SearchEntry.objects.filter(pk=victim.pk).exists()
    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        after = run_search(search_filterset(QueryDict()), 1, per_page=PER_PAGE)
        assert after.total == 39 == reference({})[1]
        fast = {g: {o.value: o.count for o in options} for g, options in after.facets.items()}
        assert fast == reference_facets({})
        assert victim.pk not in [x.pk for x in after.page.object_list]
        # the hourly prune removes it for good; the counts stay right
        assert prune_search_entries() == 1
        again = run_search(search_filterset(QueryDict()), 1, per_page=PER_PAGE)
        assert again.total == 39


def test_counting_and_newest_ids_helpers_agree_with_the_reference(postings):
    for values in [{}, {"q": "customer"}, {"q": '"customer experience"', "level": ["vp"]}]:
        filterset = search_filterset(_querydict(values))
        ids, total = reference({**values, "sort": Sort.NEWEST})
        assert count_results(filterset) == total
        assert newest_ids(search_filterset(_querydict(values)), 7) == ids[:7]


def test_a_company_rename_moves_its_postings_between_tiers(postings):
    company = Company.objects.get(name="Zendesk Partners")
    before = reference({"q": "zendesk"})[0]
    fast_before = run_search(search_filterset(_querydict({"q": "zendesk"})), 1, per_page=50)
    assert [x.pk for x in fast_before.page.object_list] == before
    company.name = "Calm Partners"
    company.save()
    after = reference({"q": "zendesk"})[0]
    fast_after = run_search(search_filterset(_querydict({"q": "zendesk"})), 1, per_page=50)
    assert [x.pk for x in fast_after.page.object_list] == after
    assert after != before

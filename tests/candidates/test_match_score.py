"""The match score: transparent rules in Python, the same number in SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from candidates.matching import WEIGHTS, annotate_match_score, match_for
from candidates.models import Profile
from listings.choices import KPI, Level, SalaryPeriod, Workplace
from listings.models import Listing
from money.currencies import Currency
from money.services import rates_store
from tests.candidates.factories import ProfileFactory
from tests.factories import CompanyFactory, IndustryFactory, LiveListingFactory

COUNTRIES = ["US", "CA", "GB", "DE", "FR", "IN"]
INDUSTRIES = ["software-saas", "retail-ecommerce", "financial-services", "healthcare"]
CURRENCIES = Currency.values  # every currency a posting or a profile may state


def reason(match, key):
    return next(r for r in match.reasons if r.key == key)


# ------------------------------------------------------------------ the rules, one by one


@pytest.mark.django_db
def test_a_role_that_fits_on_every_count_scores_100():
    profile = ProfileFactory.build()
    listing = LiveListingFactory(
        level="senior_director",
        min_leadership_years=10,
        kpis=[{"code": "nps", "target": "60"}, {"code": "csat", "target": "90%"}],
        salary_min=160_000,
        salary_max=200_000,
        currency="USD",
        workplace="hybrid",
        country="US",
    )
    match = match_for(profile, listing)
    assert match.score == 100
    assert all(r.points == r.max_points for r in match.reasons)
    assert match.label == "Strong match"
    assert [r.key for r in match.reasons] == list(WEIGHTS)


@pytest.mark.django_db
def test_each_reason_says_why_points_were_lost():
    profile = ProfileFactory.build(
        desired_levels=["vp"],
        leadership_years=6,
        kpis_moved=[{"code": "nps", "before": "31", "after": "58"}],
        industries=["healthcare"],
        desired_salary_min=250_000,
        workplaces=["remote"],
        countries=["GB"],
    )
    listing = LiveListingFactory(
        level="director",
        min_leadership_years=8,
        kpis=[{"code": "nps"}, {"code": "csat"}, {"code": "fcr"}],
        salary_max=190_000,
        workplace="hybrid",
        country="US",
    )
    match = match_for(profile, listing)
    assert reason(match, "level").points == 0
    assert "you want VP / Head of" in reason(match, "level").detail
    assert reason(match, "experience").points == 7  # two years short: close
    assert "you have 6" in reason(match, "experience").detail
    assert reason(match, "kpis").points == 20 * 1 // 3
    assert "1 of its 3" in reason(match, "kpis").detail
    assert reason(match, "industry").points == 0
    assert reason(match, "salary").points == 0
    assert "USD 190,000" in reason(match, "salary").detail
    assert reason(match, "workplace").points == 0
    assert reason(match, "location").points == 0
    assert "United States" in reason(match, "location").detail
    assert match.score == sum(r.points for r in match.reasons) == 13


@pytest.mark.django_db
def test_an_empty_profile_scores_only_what_the_posting_does_not_require():
    profile = Profile()
    listing = LiveListingFactory(
        min_leadership_years=None, kpis=[], salary_min=None, salary_max=None
    )
    match = match_for(profile, listing)
    assert reason(match, "experience").points == WEIGHTS["experience"]
    assert reason(match, "kpis").points == WEIGHTS["kpis"]
    assert reason(match, "salary").points == 7  # not published: half, either way
    assert reason(match, "level").outcome == "missing"
    assert "Add the levels you want" in reason(match, "level").detail


# every other board currency at a round rate (per euro): only USD and EUR matter here
OTHER_RATES = {c: Decimal("2") for c in Currency.values if c not in ("USD", "EUR")}


@pytest.mark.django_db
def test_salary_is_compared_per_year_and_across_currencies():
    rates_store(
        per_eur={"USD": Decimal("1.10"), **OTHER_RATES}, rate_date=date(2026, 11, 30), source="t"
    )
    profile = ProfileFactory.build(desired_salary_min=200_000, desired_currency="USD")
    monthly = LiveListingFactory(salary_min=15_000, salary_max=18_000, salary_period="month")
    assert reason(match_for(profile, monthly), "salary").points == WEIGHTS["salary"]  # 216k
    # EUR 190,000 is USD 209,000: it reaches 200,000; EUR 180,000 (USD 198,000) does not
    euros = LiveListingFactory(salary_min=150_000, salary_max=190_000, currency="EUR")
    salary = reason(match_for(profile, euros), "salary")
    assert salary.points == WEIGHTS["salary"] and salary.outcome == "met"
    assert "EUR 190,000" in salary.detail and "≈ 209,000 USD" in salary.detail
    short = LiveListingFactory(salary_min=150_000, salary_max=180_000, currency="EUR")
    assert reason(match_for(profile, short), "salary").points == 0


@pytest.mark.django_db
def test_remote_roles_match_on_the_countries_applicants_may_live_in():
    profile = ProfileFactory.build(countries=["CA"], workplaces=["remote"])
    open_to_canada = LiveListingFactory(
        workplace="remote", country="", applicant_countries=["US", "CA"]
    )
    us_only = LiveListingFactory(workplace="remote", country="", applicant_countries=["US"])
    assert reason(match_for(profile, open_to_canada), "location").points == 10
    assert reason(match_for(profile, us_only), "location").points == 0


# ------------------------------------------------------------------ SQL agrees, in one query


@pytest.mark.django_db
def test_scores_for_a_page_of_results_take_one_query_whatever_its_size(
    django_assert_num_queries,
):
    profile = ProfileFactory()
    LiveListingFactory.create_batch(3)
    with django_assert_num_queries(1):
        small = list(annotate_match_score(Listing.objects.all(), profile))
    LiveListingFactory.create_batch(27)
    with django_assert_num_queries(1):
        large = list(annotate_match_score(Listing.objects.all(), profile))
    assert len(small) == 3 and len(large) == 30
    assert all(0 <= listing.match_score <= 100 for listing in large)


@pytest.mark.django_db
def test_results_can_be_ordered_by_match():
    profile = ProfileFactory.build(desired_levels=["vp"])
    director = LiveListingFactory(level="director")
    vp = LiveListingFactory(level="vp")
    ordered = list(
        annotate_match_score(Listing.objects.all(), profile).order_by("-match_score", "-id")
    )
    assert ordered[0] == vp and ordered[-1] == director


@pytest.mark.django_db
def test_without_a_profile_every_score_is_none():
    LiveListingFactory()
    assert [x.match_score for x in annotate_match_score(Listing.objects.all(), None)] == [None]


kpi_lists = st.lists(st.sampled_from(KPI.values), max_size=5)
# Coarse grids make ties and near misses (the edges of each rule) common.
salaries = st.integers(0, 40).map(lambda n: n * 10_000) | st.integers(0, 10_000_000)
# A posting's salary × 220 days must fit the listings table's integer generated column.
posting_salaries = st.integers(0, 40).map(lambda n: n * 10_000) | st.integers(0, 9_000_000)


@st.composite
def profiles(draw) -> Profile:
    return Profile(
        desired_levels=draw(st.lists(st.sampled_from(Level.values), unique=True, max_size=3)),
        leadership_years=draw(st.none() | st.integers(0, 16)),
        kpis_moved=[{"code": c, "before": "", "after": ""} for c in draw(kpi_lists)],
        industries=draw(st.lists(st.sampled_from(INDUSTRIES), unique=True, max_size=3)),
        desired_salary_min=draw(st.none() | salaries.filter(lambda v: v >= 1_000)),
        desired_currency=draw(st.sampled_from(CURRENCIES)),
        countries=draw(st.lists(st.sampled_from(COUNTRIES), unique=True, max_size=3)),
        workplaces=draw(st.lists(st.sampled_from(Workplace.values), unique=True, max_size=3)),
    )


@st.composite
def listing_fields(draw) -> dict:
    workplace = draw(st.sampled_from(Workplace.values))
    # every shape a posting's pay takes: none, a minimum only, a maximum only, both
    shape = draw(st.sampled_from(["none", "min", "max", "both", "equal"]))
    low = draw(posting_salaries) if shape in ("min", "both", "equal") else None
    high = draw(posting_salaries) if shape in ("max", "both") else None
    if shape == "equal":
        high = low
    if low is not None and high is not None and low > high:
        low, high = high, low
    return {
        "level": draw(st.sampled_from(Level.values)),
        "min_leadership_years": draw(st.none() | st.integers(0, 16)),
        "kpis": [{"code": c, "target": ""} for c in draw(kpi_lists)],
        "industries": draw(st.lists(st.sampled_from(INDUSTRIES), unique=True, max_size=3)),
        "salary_min": low,
        "salary_max": high,
        "salary_period": draw(st.sampled_from(SalaryPeriod.values)),
        "currency": draw(st.sampled_from(CURRENCIES)),
        "workplace": workplace,
        "country": "" if workplace == "remote" else draw(st.sampled_from(COUNTRIES)),
        "applicant_countries": (
            draw(st.lists(st.sampled_from(COUNTRIES), unique=True, max_size=3))
            if workplace == "remote"
            else []
        ),
    }


class PythonAndSqlAgree(TestCase):
    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(profile=profiles(), postings=st.lists(listing_fields(), min_size=1, max_size=4))
    def test_match_for_and_annotate_match_score_give_the_same_score(self, profile, postings):
        industry = IndustryFactory()
        company = CompanyFactory(industry=industry)
        created = []
        for fields in postings:
            listing = LiveListingFactory(company=company, **fields)
            # the company's industry is added on save; keep the drawn list exactly
            Listing.objects.filter(pk=listing.pk).update(industries=fields["industries"])
            created.append(listing.pk)
        rows = annotate_match_score(Listing.objects.filter(pk__in=created).with_company(), profile)
        for listing in rows:
            expected = match_for(profile, listing)
            assert listing.match_score == expected.score, (
                f"SQL {listing.match_score} != Python {expected.score}: {expected.reasons}"
            )
            assert 0 <= expected.score <= 100

"""Reverse matching (one SQL statement over all alerts) means what the search means.

For random postings and random saved searches, the alerts that the reverse
matcher finds for a posting are exactly those whose own search on /jobs/
(ListingFilter) would list that posting.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts import matching
from alerts.criteria import alert_filterset, criteria_from
from alerts.models import Delivery, Frequency, Status, Subscription
from listings.choices import KPI, Function, Level, SalaryPeriod, Workplace
from listings.models import Industry, Listing
from money.currencies import Currency
from tests.factories import CompanyFactory, IndustryFactory

WORDS = [
    "support",
    "nps",
    "zendesk",
    "global",
    "contact",
    "centre",
    "center",
    "retail",
    "the",
    "bpo",
]
CITIES = ["Austin", "Berlin", "Dublin", "New York", "São Paulo", "Grand_Rapids", "100% Remote", ""]
REGIONS = ["TX", "Bavaria", "Leinster", "NY", "", "Île-de-France"]
COUNTRIES = ["US", "DE", "IE", "GB", "BR", "FR", "CA"]
INDUSTRIES = ["software-saas", "retail", "banking"]
LOCATIONS = [
    "tx",
    "bavaria",
    "leinster",
    "île",
    "ny",
    "rapids",
    "paulo",
    "york",
    "100%",
    "aus",
    "AUSTIN",
    "germany",
    "uk",
    "usa",
    "Dub",
    "%",
    "_",
    "new york",
    "ireland",
    "br",
    "ão",
    "de",
    "states",
    "land",
    "  tx ",
    "france",
    "x" * 101,
]


def _subset(values):
    return st.lists(st.sampled_from(values), max_size=len(values), unique=True)


# (low, high) in every shape a posting's pay takes: none, a minimum only, a maximum only,
# both (in either order: make_posting sorts them; equal bounds are drawn too)
_amounts = st.one_of(st.integers(0, 400_000), st.sampled_from([0, 1, 15_000, 180_000]))
SALARY_SHAPES = st.one_of(
    st.none(),
    st.tuples(_amounts, st.none()),
    st.tuples(st.none(), _amounts),
    st.tuples(_amounts, _amounts),
    _amounts.map(lambda amount: (amount, amount)),
)


postings = st.fixed_dictionaries(
    {
        "level": st.sampled_from(Level.values),
        "function": st.sampled_from(Function.values),
        "workplace": st.sampled_from(Workplace.values),
        "city": st.sampled_from(CITIES),
        "region": st.sampled_from(REGIONS),
        "country": st.sampled_from(["", *COUNTRIES]),
        "applicant_countries": _subset(COUNTRIES),
        "salary": SALARY_SHAPES,
        "salary_period": st.sampled_from(SalaryPeriod.values),
        "currency": st.sampled_from(Currency.values),
        "kpis": _subset(KPI.values),
        "industries": _subset(INDUSTRIES),
        "team_size": st.one_of(st.none(), st.integers(0, 3000)),
        "min_leadership_years": st.one_of(st.none(), st.integers(0, 25)),
        "title_words": st.lists(st.sampled_from(WORDS), max_size=4),
        "state": st.sampled_from(["live"] * 6 + ["draft", "closed", "expired"]),
    }
)

query_text = st.one_of(
    st.just(""),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
    st.sampled_from(['"contact center"', "support -bpo", "nps or zendesk", "the", "-", '"', "or"]),
    st.text(max_size=12),
)
numbers = st.one_of(
    st.none(),
    st.integers(0, 400_000).map(str),
    st.sampled_from(["-5", "abc", "1e3", "12.5", "", " 90000 ", "99999999999"]),
)


def maybe(strategy, empty):
    """Mostly absent: a saved search uses a few criteria, so that matches are common."""
    return st.one_of(st.just(empty), st.just(empty), strategy)


searches = st.fixed_dictionaries(
    {
        "q": maybe(query_text, ""),
        "level": maybe(_subset([*Level.values, "ceo"]), []),
        "function": maybe(_subset(Function.values), []),
        "workplace": maybe(_subset(Workplace.values), []),
        "location": maybe(
            st.one_of(st.sampled_from(LOCATIONS), st.sampled_from(LOCATIONS), st.text(max_size=8)),
            "",
        ),
        "country": maybe(_subset([*COUNTRIES, "zz", "us"]), []),
        "salary_min": maybe(numbers, None),
        "salary_currency": maybe(st.sampled_from([*Currency.values, "xx"]), None),
        "kpi": maybe(st.lists(st.sampled_from(KPI.values), max_size=3, unique=True), []),
        "industry": maybe(_subset([*INDUSTRIES, "unknown-industry"]), []),
        "team_size_min": maybe(st.integers(0, 3000).map(str), None),
        "experience": maybe(st.one_of(st.integers(0, 30).map(str), st.just("x")), None),
    }
)


def as_querydict(search: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in search.items():
        if value in (None, ""):
            continue
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def make_posting(company, spec: dict, now) -> Listing:
    low, high = (None, None)
    if spec["salary"] is not None:
        a, b = spec["salary"]
        if a is not None and b is not None:
            a, b = min(a, b), max(a, b)
        low, high = a, b
    state = spec["state"]
    dates = {
        "live": ("published", now - timedelta(days=1), now + timedelta(days=20)),
        "draft": ("draft", None, None),
        "closed": ("closed", now - timedelta(days=3), now + timedelta(days=20)),
        "expired": ("published", now - timedelta(days=70), now - timedelta(days=1)),
    }[state]
    return Listing.objects.create(
        title=" ".join(["Director", *spec["title_words"]]),
        company=company,
        level=spec["level"],
        function=spec["function"],
        workplace=spec["workplace"],
        city=spec["city"],
        region=spec["region"],
        country=spec["country"],
        applicant_countries=spec["applicant_countries"],
        salary_min=low,
        salary_max=high,
        salary_period=spec["salary_period"],
        currency=spec.get("currency", "USD"),
        kpis=[{"code": code, "target": "90%"} for code in spec["kpis"]],
        industries=spec["industries"],
        team_size=spec["team_size"],
        min_leadership_years=spec["min_leadership_years"],
        description="Lead " + " ".join(spec["title_words"]),
        responsibilities=["Run the " + " ".join(spec["title_words"]) + " team."],
        status=dates[0],
        date_posted=dates[1],
        valid_through=dates[2],
    )


@pytest.fixture
def company(db):
    for slug in INDUSTRIES:
        IndustryFactory(slug=slug, name=slug.title())
    return CompanyFactory(industry=Industry.objects.get(slug="banking"), name="Acme Support")


@pytest.mark.django_db
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(postings, min_size=1, max_size=6),
    search_list=st.lists(searches, min_size=1, max_size=16),
)
def test_reverse_matching_finds_exactly_the_alerts_whose_search_lists_the_posting(
    company, specs, search_list
):
    now = timezone.now()
    with transaction.atomic():
        listings = [make_posting(company, spec, now) for spec in specs]
        listing_ids = [listing.pk for listing in listings]
        live = Listing.objects.live().filter(pk__in=listing_ids)
        subscriptions = []
        forward: dict[int, set[int]] = {pk: set() for pk in listing_ids}
        for search in search_list:
            # the search as typed on /jobs/ (one FilterSet: its criteria and its results)
            filterset = alert_filterset(as_querydict(search), queryset=live)
            criteria = criteria_from(filterset)
            subscription = Subscription(
                email="a@example.com",
                name="x",
                frequency=Frequency.INSTANT,
                status=Status.ACTIVE,
            )
            subscription.set_criteria(criteria)
            subscription.save()
            subscription.refresh_from_db()
            # the columns give back exactly the criteria they were made from
            assert subscription.criteria == criteria
            subscriptions.append(subscription)
            for pk in filterset.qs.values_list("pk", flat=True):
                forward[pk].add(subscription.pk)
        ids = [s.pk for s in subscriptions]
        # reverse: one statement over the alerts, per posting
        for listing in listings:
            reverse = set(
                matching.matching_subscription_ids(listing.pk, now=now, subscription_ids=ids)
            )
            assert reverse == forward[listing.pk], {
                "posting": {
                    f: getattr(listing, f)
                    for f in (
                        "level",
                        "workplace",
                        "city",
                        "region",
                        "country",
                        "applicant_countries",
                        "salary_min",
                        "salary_max",
                        "salary_period",
                        "pay_max_annual",
                        "currency",
                        "kpis",
                        "industries",
                        "team_size",
                        "min_leadership_years",
                        "title",
                        "status",
                    )
                },
                "only_reverse": [
                    s.criteria for s, _ in subscriptions if s.pk in reverse - forward[listing.pk]
                ],
                "only_forward": [
                    s.criteria for s, _ in subscriptions if s.pk in forward[listing.pk] - reverse
                ],
            }
        # the digest collects the same pairs, in its own formulation (grouped postings)
        Subscription.objects.filter(pk__in=ids).update(
            frequency=Frequency.DAILY, watermark=now - timedelta(days=2)
        )
        Delivery.objects.filter(subscription_id__in=ids).delete()
        matching.record_digest_matches(
            frequency=Frequency.DAILY,
            now=now,
            due_before=now,
            overlap_seconds=600,
            next_attempt_at=now,
            id_from=min(ids),
            id_to=max(ids) + 1,
        )
        collected = set(
            Delivery.objects.filter(subscription_id__in=ids).values_list(
                "listing_id", "subscription_id"
            )
        )
        assert collected == {(pk, sub) for pk, subs in forward.items() for sub in subs}
        transaction.set_rollback(True)


# Hand-picked cases: each line of the matching SQL decides at least one of them.
KNOWN = [
    # (posting fields, search, matches)
    ({"city": "Berlin", "country": "DE"}, {"location": "germany"}, True),
    ({"city": "Berlin", "country": "DE"}, {"location": "GERMANY "}, True),
    ({"city": "London", "country": "GB"}, {"location": "uk"}, True),
    ({"city": "Austin", "region": "TX", "country": "US"}, {"location": "usa"}, True),
    ({"city": "Austin", "region": "TX", "country": "US"}, {"location": "tx"}, True),
    ({"city": "Grand_Rapids", "region": "MI", "country": "US"}, {"location": "d_r"}, True),
    ({"city": "Grand Rapids", "region": "MI", "country": "US"}, {"location": "d_r"}, False),
    ({"city": "100% Remote", "country": "US"}, {"location": "0%"}, True),
    ({"city": "Austin", "country": "US"}, {"location": "%"}, False),
    ({"city": "São Paulo", "country": "BR"}, {"location": "SÃO"}, True),
    ({"city": "Dublin", "country": "IE"}, {"location": "france"}, False),
    (
        {"workplace": "remote", "city": "", "country": "", "applicant_countries": ["CA"]},
        {"country": ["CA"]},
        True,
    ),
    (
        {"workplace": "hybrid", "city": "Austin", "country": "US", "applicant_countries": ["CA"]},
        {"country": ["CA"]},
        False,
    ),
    ({"min_leadership_years": None}, {"experience": "3"}, True),
    ({"min_leadership_years": 8}, {"experience": "8"}, True),
    ({"min_leadership_years": 9}, {"experience": "8"}, False),
    ({"team_size": None}, {"team_size_min": "0"}, False),
    ({"team_size": 50}, {"team_size_min": "50"}, True),
    ({"salary": (100, 15_000), "salary_period": "month"}, {"salary_min": "180000"}, True),
    ({"salary": (100_000, 170_000), "salary_period": "year"}, {"salary_min": "180000"}, False),
    ({"kpis": ["nps", "csat"]}, {"kpi": ["csat", "nps"]}, True),
    ({"kpis": ["nps"]}, {"kpi": ["csat", "nps"]}, False),
    ({"industries": ["retail"]}, {"industry": ["retail", "banking"]}, True),
    ({"industries": ["retail"]}, {"industry": ["retail", "software-saas"]}, True),
    ({"industries": []}, {"industry": ["retail"]}, False),
    ({"title_words": ["zendesk"]}, {"q": "zendesk -bpo"}, True),
    ({"title_words": ["zendesk", "bpo"]}, {"q": "zendesk -bpo"}, False),
    # keywords with no searchable word are refused by the form: neither side applies them
    ({"title_words": ["support"]}, {"q": "the"}, True),
    ({"level": "vp"}, {"level": ["vp", "ceo"]}, True),
    ({"level": "director"}, {"level": ["vp"]}, False),
    ({"state": "closed"}, {}, False),
    ({"state": "expired"}, {}, False),
    ({}, {}, True),
]
BASE_POSTING = {
    "level": "director",
    "function": "customer_service",
    "workplace": "onsite",
    "city": "Austin",
    "region": "",
    "country": "US",
    "applicant_countries": [],
    "salary": None,
    "salary_period": "year",
    "kpis": [],
    "industries": [],
    "team_size": 10,
    "min_leadership_years": None,
    "title_words": ["support"],
    "state": "live",
}


@pytest.mark.parametrize(("posting", "search", "expected"), KNOWN)
def test_known_cases_match_as_the_search_does(company, posting, search, expected):
    now = timezone.now()
    listing = make_posting(company, {**BASE_POSTING, **posting}, now)
    filterset = alert_filterset(
        as_querydict(search), queryset=Listing.objects.live().filter(pk=listing.pk)
    )
    subscription = Subscription(
        email="a@example.com", name="x", status=Status.ACTIVE, frequency=Frequency.INSTANT
    )
    subscription.set_criteria(criteria_from(filterset))
    subscription.save()
    assert filterset.qs.exists() is expected
    found = matching.matching_subscription_ids(listing.pk, now=now) == [subscription.pk]
    assert found is expected

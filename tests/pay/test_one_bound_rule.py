"""Search, alerts and the match score agree on "the posting reaches the minimum".

The rule (listings/pay.py): a posting's annual range is its stated bounds times the
period's factor (a month 12, a day 220), a single stated bound being both bounds;
it reaches a seeker's minimum when that range's maximum, converted to USD, is at
least the minimum converted the same way. Three implementations must all say what
the rule says, for any posting and any seeker:

    (a) /jobs/          ListingFilter on the search projection (search_filterset)
    (b) alerts          reverse matching, one SQL statement over the subscriptions
    (c) match score     match_for's salary reason is "met", and annotate_match_score
                        (SQL) gives the score match_for (Python) gives

The expected answer is computed here from the rule itself (tests/pay/conftest.to_usd
on the rates in the table), so a mistake shared by all three still fails.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from alerts.matching import matching_subscription_ids, record_digest_matches
from alerts.models import Delivery, Frequency, Subscription
from candidates.matching import annotate_match_score, match_for
from candidates.models import Profile
from listings.models import Listing
from listings.search import search_filterset
from money.currencies import ANNUAL_MAX
from tests.alerts.factories import SubscriptionFactory
from tests.factories import CompanyFactory, LiveListingFactory
from tests.pay.conftest import table_in_reference, to_usd
from tests.pay.pages import titles

pytestmark = pytest.mark.django_db

CURRENCIES = ["USD", "USD", "EUR", "GBP", "INR", "JPY", "SEK"]
FACTOR = {"year": 1, "month": 12, "day": 220}

postings = st.fixed_dictionaries(
    {
        "currency": st.sampled_from(CURRENCIES),
        "period": st.sampled_from(list(FACTOR)),
        "bounds": st.sampled_from(["both", "min", "max", "none"]),
        # what the bounds are worth in a year, in USD (turned into the posting's
        # currency and period below, so every currency gets realistic figures)
        "usd_low": st.integers(20_000, 500_000),
        "usd_spread": st.integers(0, 200_000),
    }
)
# A seeker's minimum: any amount, or one a unit or two around a posting's maximum
# (so that "exactly reaches" and "just misses" are drawn often).
seekers = st.tuples(
    st.sampled_from(CURRENCIES),
    st.one_of(
        st.tuples(st.just("any"), st.integers(1_000, 700_000), st.just(0)),
        st.tuples(st.just("near"), st.integers(0, 9), st.integers(-2, 2)),
    ),
)


def local(usd: int, currency: str, period: str, values: dict[str, Decimal]) -> int:
    return max(int(Decimal(usd) / values[currency] / FACTOR[period]), 0)


def posting_fields(spec: dict, values: dict[str, Decimal]) -> dict:
    low = local(spec["usd_low"], spec["currency"], spec["period"], values)
    high = local(spec["usd_low"] + spec["usd_spread"], spec["currency"], spec["period"], values)
    low, high = min(low, high), max(low, high)
    salary_min, salary_max = {
        "both": (low, high),
        "min": (low, None),
        "max": (None, high),
        "none": (None, None),
    }[spec["bounds"]]
    return {
        "currency": spec["currency"],
        "salary_period": spec["period"],
        "salary_min": salary_min,
        "salary_max": salary_max,
    }


def annual_max(fields: dict) -> int | None:
    """The rule: the maximum (or the only bound) times the period's factor."""
    stated = fields["salary_max"] if fields["salary_max"] is not None else fields["salary_min"]
    return None if stated is None else stated * FACTOR[fields["salary_period"]]


def seeker_amount(seeker, fields_list: list[dict], values: dict[str, Decimal]) -> int:
    currency, (kind, number, delta) = seeker
    if kind == "any":
        return max(int(Decimal(number) / values[currency]), 0)
    fields = fields_list[number % len(fields_list)]
    top = annual_max(fields)
    if top is None:
        return max(int(Decimal(150_000) / values[currency]), 0)
    if fields["currency"] == currency:
        return max(top + delta, 0)
    in_usd = to_usd(top, fields["currency"], values)
    return max(int((Decimal(in_usd) / values[currency]).to_integral_value()) + delta, 0)


def reaches(fields: dict, amount: int, currency: str, values: dict[str, Decimal]) -> bool:
    top = annual_max(fields)
    if top is None:
        return False
    return to_usd(top, fields["currency"], values) >= to_usd(amount, currency, values)


def found_by_search(amount: int, currency: str) -> set[int]:
    filterset = search_filterset(
        QueryDict(f"salary_min={amount}&salary_currency={currency}", mutable=False)
    )
    assert not filterset.errors, filterset.errors
    return set(filterset.qs.values_list("listing_id", flat=True))


def salary_reason(profile: Profile, listing: Listing):
    return next(r for r in match_for(profile, listing).reasons if r.key == "salary")


@pytest.fixture
def company(rates):
    return CompanyFactory(name="Acme Support")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(postings, min_size=1, max_size=5),
    seeker_list=st.lists(seekers, min_size=1, max_size=4),
)
@example(
    # a minimum only, and a maximum only, against a USD seeker exactly at one of them
    specs=[
        {"currency": "USD", "period": "year", "bounds": "min", "usd_low": 200_000, "usd_spread": 0},
        {"currency": "USD", "period": "year", "bounds": "max", "usd_low": 150_000, "usd_spread": 0},
    ],
    seeker_list=[("USD", ("near", 0, 0)), ("USD", ("near", 1, 1)), ("EUR", ("near", 0, 0))],
)
def test_search_alerts_and_match_score_agree_on_reaching_the_minimum(company, specs, seeker_list):
    values = table_in_reference()
    now = timezone.now()
    with transaction.atomic():
        fields_list = [posting_fields(spec, values) for spec in specs]
        listings = [
            LiveListingFactory(company=company, title=f"Posting {i}", **fields)
            for i, fields in enumerate(fields_list)
        ]
        ids = [listing.pk for listing in listings]
        rows = {row.pk: row for row in Listing.objects.filter(pk__in=ids).with_company()}
        pairs: set[tuple[int, int]] = set()  # (posting, subscription) that should match
        subscription_ids = []
        for seeker in seeker_list:
            currency = seeker[0]
            amount = seeker_amount(seeker, fields_list, values)
            assert amount <= ANNUAL_MAX[currency]  # a sane minimum: the search applies it
            expected = {
                listing.pk
                for listing, fields in zip(listings, fields_list, strict=True)
                if reaches(fields, amount, currency, values)
            }
            context = {"seeker": (amount, currency), "postings": fields_list}

            # (a) the /jobs/ search on the projection
            assert found_by_search(amount, currency) & set(ids) == expected, context

            # (b) alert reverse matching, for a subscription with this minimum
            subscription = SubscriptionFactory(
                criteria={"salary_min": amount, "salary_currency": currency}
            )
            subscription_ids.append(subscription.pk)
            pairs |= {(pk, subscription.pk) for pk in expected}
            matched = {
                pk
                for pk in ids
                if matching_subscription_ids(pk, now=now, subscription_ids=[subscription.pk])
            }
            assert matched == expected, context

            # (c) the match score: the salary reason, and SQL's score equal to Python's
            profile = Profile(desired_salary_min=amount, desired_currency=currency)
            met = {pk for pk, row in rows.items() if salary_reason(profile, row).outcome == "met"}
            assert met == expected, context
            scored = annotate_match_score(
                Listing.objects.filter(pk__in=ids).with_company(), profile
            )
            for row in scored:
                assert row.match_score == match_for(profile, row).score, (row.pk, context)

        # (b, digest) the daily digest collects the same pairs in its own statement
        Subscription.objects.filter(pk__in=subscription_ids).update(
            frequency=Frequency.DAILY, watermark=now - timedelta(days=2)
        )
        record_digest_matches(
            frequency=Frequency.DAILY,
            now=now,
            due_before=now,
            overlap_seconds=600,
            next_attempt_at=now,
            id_from=min(subscription_ids),
            id_to=max(subscription_ids) + 1,
        )
        collected = set(
            Delivery.objects.filter(subscription_id__in=subscription_ids).values_list(
                "listing_id", "subscription_id"
            )
        )
        assert collected == pairs
        transaction.set_rollback(True)


# --------------------------------------------------------------------------- by hand


@pytest.fixture
def one_bound_postings(company):
    only_min = LiveListingFactory(
        company=company, title="From 200k", salary_min=200_000, salary_max=None
    )
    only_max = LiveListingFactory(
        company=company, title="Up to 150k", salary_min=None, salary_max=150_000
    )
    return only_min, only_max


def test_a_posting_stating_only_a_minimum_pays_at_least_that(client, one_bound_postings):
    only_min, only_max = one_bound_postings
    # "from 200,000" is 200,000 to 200,000: it reaches a 180,000 minimum
    assert only_min.salary_display == "USD from 200,000 per year"
    assert titles(client.get("/jobs/?salary_min=180000", secure=True)) == ["From 200k"]
    assert found_by_search(180_000, "USD") == {only_min.pk}  # not only_max
    subscription = SubscriptionFactory(criteria={"salary_min": 180_000, "salary_currency": "USD"})
    now = timezone.now()
    assert matching_subscription_ids(only_min.pk, now=now) == [subscription.pk]
    assert matching_subscription_ids(only_max.pk, now=now) == []
    profile = Profile(desired_salary_min=180_000, desired_currency="USD")
    listing = Listing.objects.with_company().get(pk=only_min.pk)
    reason = salary_reason(profile, listing)
    assert (reason.outcome, reason.points) == ("met", 15)
    assert "USD 200,000" in reason.detail
    # …and it does not pay more than it states
    assert found_by_search(200_001, "USD") == set()


def test_a_posting_stating_only_a_maximum_pays_at_most_that(client, one_bound_postings):
    only_min, only_max = one_bound_postings
    assert only_max.salary_display == "USD up to 150,000 per year"
    assert only_max.pk not in found_by_search(180_000, "USD")
    subscription = SubscriptionFactory(criteria={"salary_min": 180_000, "salary_currency": "USD"})
    now = timezone.now()
    assert matching_subscription_ids(only_max.pk, now=now, subscription_ids=[subscription.pk]) == []
    profile = Profile(desired_salary_min=180_000, desired_currency="USD")
    listing = Listing.objects.with_company().get(pk=only_max.pk)
    reason = salary_reason(profile, listing)
    assert (reason.outcome, reason.points) == ("unmet", 0)
    scored = annotate_match_score(Listing.objects.filter(pk=only_max.pk).with_company(), profile)
    assert scored.get().match_score == match_for(profile, listing).score
    # 150,000 exactly is reached
    assert found_by_search(150_000, "USD") == {only_min.pk, only_max.pk}


def test_a_period_multiplies_the_single_bound_too(client, company):
    # from 900 a day: 900 × 220 = 198,000 a year; up to 16,000 a month: 192,000
    daily = LiveListingFactory(
        company=company, title="Day rate", salary_min=900, salary_max=None, salary_period="day"
    )
    monthly = LiveListingFactory(
        company=company,
        title="Month rate",
        salary_min=None,
        salary_max=16_000,
        salary_period="month",
    )
    assert (daily.pay_min_annual, daily.pay_max_annual) == (198_000, 198_000)
    assert (monthly.pay_min_annual, monthly.pay_max_annual) == (192_000, 192_000)
    assert found_by_search(195_000, "USD") == {daily.pk}
    assert sorted(titles(client.get("/jobs/?salary_min=192000", secure=True))) == [
        "Day rate",
        "Month rate",
    ]
    # in euros, 180,000 × 1.1 = 198,000: only the day rate, exactly
    assert found_by_search(180_000, "EUR") == {daily.pk}

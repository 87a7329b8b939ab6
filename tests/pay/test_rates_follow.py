"""New exchange rates move every comparable figure at once, and so does any write.

Storing rates (money.services.rates_store, or one rate edited by hand) reprices the
search projection, the alerts' salary floors and the month pay counts in the same
transaction, by triggers; the live pay counts follow the projection. Bulk writes to
postings (QuerySet.update, raw SQL, bulk_create, delete) keep every one of them
right too, since no Python code runs for them. After each change the maintained
numbers are compared with a recount from scratch (tests/pay/counts.py).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from alerts.matching import matching_subscription_ids
from alerts.models import Subscription
from listings.insights import PaySlice, pay_insights
from listings.models import Listing, SearchEntry
from money.services import rate_change
from tests.alerts.factories import SubscriptionFactory
from tests.factories import (
    ClosedListingFactory,
    ExpiredListingFactory,
    ListingFactory,
    LiveListingFactory,
    RemoteListingFactory,
)
from tests.pay.conftest import KNOWN_PER_EUR, store_rates
from tests.pay.counts import (
    maintained_live,
    maintained_month,
    projection_pay_is_current,
    recount_live,
    recount_month,
)
from tests.pay.pages import result_cards, titles

pytestmark = pytest.mark.django_db

# The dollar at 1.25 per euro (was 1.10), the krona at 14 (was 11.5): in USD a euro
# is now worth 1.25, a krona 1.25 / 14 = 0.089285714286, a pound 1.25 / 0.85 =
# 1.470588235294.
NEW_PER_EUR = {**KNOWN_PER_EUR, "USD": Decimal("1.25"), "SEK": Decimal("14")}


def everything_agrees() -> None:
    assert projection_pay_is_current() == []
    assert maintained_live() == recount_live()
    assert maintained_month() == recount_month()


@pytest.fixture
def board(rates):
    now = timezone.now()
    postings = {
        # EUR 152,000–172,000: USD 167,200–189,200 now, 190,000–215,000 at the new rates
        "eur": LiveListingFactory(
            title="Berlin EUR role",
            currency="EUR",
            salary_min=152_000,
            salary_max=172_000,
            city="Berlin",
            region="",
            country="DE",
        ),
        # SEK 2,000,000: USD 191,304 now (× 0.095652173913), 178,571 later (× 0.089285714286)
        "sek": LiveListingFactory(
            title="Stockholm SEK role",
            currency="SEK",
            salary_min=None,
            salary_max=2_000_000,
            city="Stockholm",
            region="",
            country="SE",
        ),
        # GBP 150,000: USD 194,118 now, 220,588 later
        "gbp": LiveListingFactory(
            title="London GBP role",
            currency="GBP",
            salary_min=150_000,
            salary_max=None,
            city="London",
            region="",
            country="GB",
        ),
        "usd": LiveListingFactory(title="Austin USD role", salary_min=170_000, salary_max=200_000),
        "remote": RemoteListingFactory(
            title="Remote EUR role",
            currency="EUR",
            salary_min=9_000,
            salary_max=11_000,
            salary_period="month",
            level="vp",
            applicant_countries=["DE", "FR"],
        ),
        "closed": ClosedListingFactory(
            title="Closed EUR role",
            currency="EUR",
            salary_min=120_000,
            salary_max=140_000,
            date_posted=now - timedelta(days=75),
        ),
        "expired": ExpiredListingFactory(
            title="Expired SEK role", currency="SEK", salary_min=900_000, salary_max=1_200_000
        ),
        "draft": ListingFactory(title="Draft EUR role", currency="EUR", salary_max=300_000),
    }
    subscriptions = {
        # EUR 150,000: floor USD 165,000 now, 187,500 later
        "eur": SubscriptionFactory(criteria={"salary_min": 150_000, "salary_currency": "EUR"}),
        # EUR 180,000: floor 198,000 now (the USD 200,000 role reaches it), 225,000 later
        "eur_high": SubscriptionFactory(criteria={"salary_min": 180_000, "salary_currency": "EUR"}),
        "usd": SubscriptionFactory(criteria={"salary_min": 190_000, "salary_currency": "USD"}),
        # SEK 1,000,000: 95,652 now, 89,286 later
        "sek": SubscriptionFactory(criteria={"salary_min": 1_000_000, "salary_currency": "SEK"}),
        "none": SubscriptionFactory(criteria={"level": ["vp"]}),
    }
    return postings, subscriptions


def floors(subscriptions) -> dict[str, int]:
    by_pk = dict(Subscription.objects.values_list("pk", "salary_floor"))
    return {key: by_pk[s.pk] for key, s in subscriptions.items()}


def pay_max(postings) -> dict[str, int | None]:
    by_pk = dict(SearchEntry.objects.values_list("listing_id", "pay_max"))
    return {key: by_pk.get(p.pk) for key, p in postings.items()}


def test_new_rates_move_search_entries_alert_floors_and_counts_at_once(client, board):
    postings, subscriptions = board
    search = "/jobs/?salary_min=190000&salary_currency=USD"
    before = titles(client.get(search, secure=True))
    assert sorted(before) == ["Austin USD role", "London GBP role", "Stockholm SEK role"]
    cards = {c.title: c for c in result_cards(client.get("/jobs/", secure=True))}
    assert cards["Berlin EUR role"].approx == "(≈ 167,000–189,000 USD a year)"
    assert pay_max(postings) == {
        "eur": 189_200,
        "sek": 191_304,
        "gbp": 194_118,
        "usd": 200_000,
        "remote": 145_200,  # 11,000 × 12 × 1.1
        "closed": None,  # not live: not in the projection
        "expired": None,
        "draft": None,
    }
    assert floors(subscriptions) == {
        "eur": 165_000,
        "eur_high": 198_000,
        "usd": 190_000,
        "sek": 95_652,
        "none": -1,
    }
    now = timezone.now()
    eur_high = [subscriptions["eur_high"].pk]
    assert matching_subscription_ids(postings["usd"].pk, now=now, subscription_ids=eur_high)
    everything_agrees()
    month_before = maintained_month()

    store_rates(NEW_PER_EUR)

    # the EUR role now reaches USD 190,000 and the SEK role no longer does
    after = titles(client.get(search, secure=True))
    assert sorted(after) == ["Austin USD role", "Berlin EUR role", "London GBP role"]
    cards = {c.title: c for c in result_cards(client.get("/jobs/", secure=True))}
    assert cards["Berlin EUR role"].approx == "(≈ 190,000–215,000 USD a year)"
    assert pay_max(postings) == {
        "eur": 215_000,
        "sek": 178_571,
        "gbp": 220_588,
        "usd": 200_000,
        "remote": 165_000,  # 132,000 × 1.25
        "closed": None,
        "expired": None,
        "draft": None,
    }
    assert floors(subscriptions) == {
        "eur": 187_500,
        "eur_high": 225_000,
        "usd": 190_000,
        "sek": 89_286,
        "none": -1,
    }
    assert not matching_subscription_ids(postings["usd"].pk, now=now, subscription_ids=eur_high)
    # the month counts were rebuilt at the new rates (the closed and expired roles too)
    month_after = maintained_month()
    assert month_after != month_before
    everything_agrees()


def test_new_rates_move_the_salary_figures(board):
    # The five live roles with a stated pay, by comparable midpoint (USD):
    #   remote (9,000–11,000 a month): (118,800 + 145,200) / 2 = 132,000
    #   EUR (167,200 + 189,200) / 2 = 178,200     USD (170,000 + 200,000) / 2 = 185,000
    #   SEK 191,304 and GBP 194,118 share a 2 % bucket: both count as its mean,
    #   (382,608 + 388,236) / 4 = 192,711
    # quartiles at ranks 1, 2, 3 of 0..4 (no interpolation with five)
    before = pay_insights(PaySlice()).overall
    assert (before.count, before.q1, before.median, before.q3) == (5, 178_200, 185_000, 192_711)
    store_rates(NEW_PER_EUR)
    # remote (135,000 + 165,000) / 2 = 150,000; SEK 178,571; USD 185,000;
    # EUR (190,000 + 215,000) / 2 = 202,500; GBP 220,588
    after = pay_insights(PaySlice()).overall
    assert (after.count, after.q1, after.median, after.q3) == (5, 178_571, 185_000, 202_500)
    everything_agrees()


def test_one_rate_edited_by_hand_reprices_as_a_whole_set_would(client, board):
    postings, subscriptions = board
    # the krona alone: 11.5 → 14 per euro; the dollar stays at 1.10, so a krona is
    # worth 1.10 / 14 = 0.078571428571: SEK 2,000,000 → 157,143
    rate_change(currency="SEK", per_eur=Decimal("14"), by="ops")
    assert pay_max(postings)["sek"] == 157_143
    assert pay_max(postings)["eur"] == 189_200
    assert floors(subscriptions)["sek"] == 78_571
    assert "Stockholm SEK role" not in titles(client.get("/jobs/?salary_min=190000", secure=True))
    everything_agrees()


def test_bulk_writes_to_subscriptions_keep_their_floor(board):
    _, subscriptions = board
    pks = [subscriptions["usd"].pk, subscriptions["none"].pk]
    # USD 190,000 → GBP 190,000: 190,000 × 1.294117647059 = 245,882.35
    Subscription.objects.filter(pk=pks[0]).update(salary_currency="GBP")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE alerts_subscription SET salary_min = 100000, salary_currency = 'INR' "
            "WHERE id = %s",
            [pks[1]],
        )
    # INR 100,000 × 0.011956521739 = 1,195.65
    assert floors(subscriptions)["usd"] == 245_882
    assert floors(subscriptions)["none"] == 1_196
    Subscription.objects.filter(pk=pks[1]).update(salary_min=None)
    assert floors(subscriptions)["none"] == -1


def test_storing_the_same_rates_again_changes_nothing(board):
    postings, subscriptions = board
    live, month = maintained_live(), maintained_month()
    entries, subs = pay_max(postings), floors(subscriptions)
    store_rates(KNOWN_PER_EUR)
    assert (maintained_live(), maintained_month()) == (live, month)
    assert (pay_max(postings), floors(subscriptions)) == (entries, subs)


# --------------------------------------------------------------------------- bulk writes


def test_queryset_update_keeps_pay_columns_and_counts_right(client, board):
    postings, _ = board
    eur = postings["eur"]
    Listing.objects.filter(pk=eur.pk).update(salary_max=200_000)
    entry = SearchEntry.objects.get(pk=eur.pk)
    # 152,000–200,000 EUR: 167,200–220,000 USD
    assert (entry.pay_min_annual, entry.pay_max_annual) == (152_000, 200_000)
    assert (entry.pay_min, entry.pay_max) == (167_200, 220_000)
    assert "Berlin EUR role" in titles(client.get("/jobs/?salary_min=190000", secure=True))
    everything_agrees()
    # a monthly figure: 20,000 a month is 240,000 a year (264,000 USD)
    Listing.objects.filter(pk=eur.pk).update(
        salary_min=None, salary_max=20_000, salary_period="month"
    )
    entry.refresh_from_db()
    assert (entry.pay_min_annual, entry.pay_max_annual) == (240_000, 240_000)
    assert (entry.pay_min, entry.pay_max) == (264_000, 264_000)
    everything_agrees()
    # every stated figure removed: out of the counts, last in the salary order
    Listing.objects.filter(pk=eur.pk).update(salary_min=None, salary_max=None)
    entry.refresh_from_db()
    assert (entry.pay_min, entry.pay_max, entry.pay_max_annual) == (None, None, None)
    assert titles(client.get("/jobs/?sort=salary", secure=True))[-1] == "Berlin EUR role"
    everything_agrees()


def test_raw_sql_updates_keep_pay_columns_and_counts_right(client, board):
    postings, _ = board
    with connection.cursor() as cursor:
        # the EUR role is paid in pounds now, from 150,000: 194,118 USD
        cursor.execute(
            "UPDATE listings_listing SET currency = 'GBP', salary_max = NULL WHERE id = %s",
            [postings["eur"].pk],
        )
        # every role in the USD slice moves at once
        cursor.execute(
            "UPDATE listings_listing SET salary_min = salary_min + 1 WHERE currency = 'USD'"
        )
    entry = SearchEntry.objects.get(pk=postings["eur"].pk)
    assert (entry.currency, entry.pay_min_annual, entry.pay_max_annual) == ("GBP", 152_000, 152_000)
    assert entry.pay_max == 196_706  # 152,000 × 1.294117647059 = 196,705.88
    assert SearchEntry.objects.get(pk=postings["usd"].pk).pay_min == 170_001
    everything_agrees()
    with connection.cursor() as cursor:
        # closed by hand, expired by hand, published by hand
        cursor.execute(
            "UPDATE listings_listing SET status = 'closed' WHERE id = %s", [postings["gbp"].pk]
        )
        cursor.execute(
            "UPDATE listings_listing SET valid_through = now() - interval '1 minute' WHERE id = %s",
            [postings["sek"].pk],
        )
        cursor.execute(
            "UPDATE listings_listing SET status = 'published', date_posted = now() - "
            "interval '1 hour', valid_through = now() + interval '10 days' WHERE id = %s",
            [postings["draft"].pk],
        )
    live = set(SearchEntry.objects.values_list("listing_id", flat=True))
    assert postings["gbp"].pk not in live and postings["sek"].pk not in live
    assert SearchEntry.objects.get(pk=postings["draft"].pk).pay_max == 330_000  # EUR 300,000
    everything_agrees()


def test_bulk_create_and_delete_keep_pay_columns_and_counts_right(client, board, rates):
    postings, _ = board
    now = timezone.now()
    company = postings["usd"].company
    built = [
        LiveListingFactory.build(
            title="Bulk INR role",
            slug="bulk-inr-role",
            company=company,
            currency="INR",
            salary_min=18_000_000,
            salary_max=20_000_000,
            city="Pune",
            region="MH",
            country="IN",
        ),
        LiveListingFactory.build(
            title="Bulk JPY day rate",
            slug="bulk-jpy-day-rate",
            company=company,
            currency="JPY",
            salary_min=None,
            salary_max=150_000,
            salary_period="day",
            city="Tokyo",
            region="",
            country="JP",
        ),
        ClosedListingFactory.build(
            title="Bulk closed GBP role",
            slug="bulk-closed-gbp-role",
            company=company,
            currency="GBP",
            salary_min=90_000,
            salary_max=110_000,
            date_posted=now - timedelta(days=40),
        ),
    ]
    created = Listing.objects.bulk_create(built)
    created_ids = [c.pk for c in created]
    by_title = {e.listing.title: e for e in SearchEntry.objects.filter(pk__in=created_ids)}
    assert set(by_title) == {"Bulk INR role", "Bulk JPY day rate"}
    inr, jpy = by_title["Bulk INR role"], by_title["Bulk JPY day rate"]
    # 18,000,000 × 0.011956521739 = 215,217.4; 20,000,000 × … = 239,130.4
    assert (inr.pay_min, inr.pay_max) == (215_217, 239_130)
    # 150,000 × 220 = 33,000,000 yen a year, × 0.006875 = 226,875
    assert (jpy.pay_min_annual, jpy.pay_max_annual, jpy.pay_max) == (
        33_000_000,
        33_000_000,
        226_875,
    )
    shown = titles(client.get("/jobs/?salary_min=220000&sort=salary", secure=True))
    assert shown == ["Bulk INR role", "Bulk JPY day rate"]
    everything_agrees()
    Listing.objects.filter(title__startswith="Bulk").delete()
    Listing.objects.filter(pk=postings["remote"].pk).delete()
    assert not SearchEntry.objects.filter(pk__in=[*created_ids, postings["remote"].pk]).exists()
    everything_agrees()
    # and rates stored after bulk writes reprice what they wrote
    store_rates(NEW_PER_EUR)
    everything_agrees()

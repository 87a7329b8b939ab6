"""sort=salary orders by comparable pay: the maximum in USD, whatever the currency.

A big number in a small currency is not a big salary; a posting that states no pay
comes after every posting that does (then newest first, as the documented order
says). The /jobs/ page (on the search projection) and the Listing queryset agree.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from listings.models import Listing, SearchEntry
from tests.factories import LiveListingFactory
from tests.pay.pages import titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(rates):
    now = timezone.now()

    def post(title: str, days_ago: float, **pay):
        pay.setdefault("salary_min", None)
        pay.setdefault("salary_max", None)
        return LiveListingFactory(title=title, date_posted=now - timedelta(days=days_ago), **pay)

    # the unstated ones are the newest: "newest first" would put them on top
    post("Unstated, newest", 0.1)
    post("Unstated, older", 0.5)
    # INR 9,000,000 × 0.011956521739 = 107,608.7 → 107,609: the largest figure, not the pay
    post("INR nine million", 3, currency="INR", salary_max=9_000_000)
    # JPY 30,000,000 × 0.006875 = 206,250
    post("JPY thirty million", 3, currency="JPY", salary_max=30_000_000)
    # SEK 2,000,000 × 0.095652173913 = 191,304.3 → 191,304
    post("SEK two million", 3, currency="SEK", salary_max=2_000_000)
    post("USD 250k", 4, salary_min=200_000, salary_max=250_000)
    # 20,000 a month × 12 = 240,000
    post("USD 20k a month", 4, salary_min=15_000, salary_max=20_000, salary_period="month")
    # GBP 180,000 × 1.294117647059 = 232,941.2 → 232,941
    post("GBP 180k", 5, currency="GBP", salary_max=180_000)
    # one bound: "from 230,000" pays 230,000 at most
    post("USD from 230k", 5, salary_min=230_000)
    # EUR 200,000 × 1.1 = 220,000
    post("EUR 200k", 6, currency="EUR", salary_min=150_000, salary_max=200_000)
    # the same 220,000 in USD, newer: equal pay, so newest first
    post("USD 220k, newer", 2, salary_min=220_000, salary_max=220_000)


EXPECTED = [
    "USD 250k",  # 250,000
    "USD 20k a month",  # 240,000
    "GBP 180k",  # 232,941
    "USD from 230k",  # 230,000
    "USD 220k, newer",  # 220,000, posted 2 days ago
    "EUR 200k",  # 220,000, posted 6 days ago
    "JPY thirty million",  # 206,250
    "SEK two million",  # 191,304
    "INR nine million",  # 107,609
    "Unstated, newest",
    "Unstated, older",
]


def test_jobs_sorted_by_salary_compares_pay_across_currencies(client, board):
    response = client.get("/jobs/?sort=salary", secure=True)
    assert titles(response) == EXPECTED


def test_the_projection_order_agrees_with_the_listing_queryset(client, board):
    page = titles(client.get("/jobs/?sort=salary", secure=True))
    ordered = [listing.title for listing in Listing.objects.live().highest_paid_first()]
    assert ordered == EXPECTED == page
    projection = (
        SearchEntry.objects.live().highest_paid_first().values_list("listing_id", flat=True)
    )
    assert [Listing.objects.get(pk=pk).title for pk in projection] == EXPECTED


def test_salary_order_within_a_minimum_keeps_the_same_order(client, board):
    # a USD 200,000 floor keeps the first seven, in the same order
    response = client.get("/jobs/?sort=salary&salary_min=200000", secure=True)
    assert titles(response) == EXPECTED[:7]
    # in euros (floor 200,000 × 1.1 = 220,000): the first six
    response = client.get("/jobs/?sort=salary&salary_min=200000&salary_currency=EUR", secure=True)
    assert titles(response) == EXPECTED[:6]


def test_the_order_spans_pages_in_the_same_sequence(client, rates):
    now = timezone.now()
    # 25 postings (two pages of 20): alternating currencies, pay rising with the index
    for i in range(25):
        if i % 2:
            LiveListingFactory(
                title=f"EUR {i}",
                currency="EUR",
                salary_min=None,
                # i × 10,000 + 100,000, in EUR: × 1.1 in USD
                salary_max=100_000 + i * 10_000,
                date_posted=now - timedelta(hours=i),
            )
        else:
            LiveListingFactory(
                title=f"USD {i}",
                salary_min=None,
                salary_max=round((100_000 + i * 10_000) * 1.1),
                date_posted=now - timedelta(hours=i, minutes=30),
            )
    first = titles(client.get("/jobs/?sort=salary", secure=True))
    second = titles(client.get("/jobs/?sort=salary&page=2", secure=True))
    assert len(first) == 20 and len(second) == 5
    # each index pays 1.1 × (100,000 + i × 10,000) USD: the highest index first
    assert first + second == [f"{'EUR' if i % 2 else 'USD'} {i}" for i in range(24, -1, -1)]

"""The last 12 months on /salaries/: YearPayCount is MonthPayCount over the window, and
the window moves on as months pass (rolled by maintain_search; read right before)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from listings.insights import PaySlice, Period, month_number, pay_insights, roll_pay_year
from listings.tasks import maintain_search
from tests.factories import ClosedListingFactory, LiveListingFactory
from tests.pay.counts import maintained_month

pytestmark = pytest.mark.django_db


def first_month() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_month FROM listings_paywindow")
        return cursor.fetchone()[0]


def maintained_year() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT facet_code, country, bucket, sum(n), sum(span) FROM listings_yearpaycount "
            "GROUP BY 1, 2, 3 HAVING sum(n) <> 0 OR sum(span) <> 0"
        )
        return {(c, p, b): (int(n), int(s)) for c, p, b, n, s in cursor.fetchall()}


def month_sums_from(first: int) -> dict:
    """MonthPayCount summed over the months from `first` on (any-code cells included)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT facet_code, country, bucket, sum(n), sum(span) FROM listings_monthpaycount "
            "WHERE month >= %s GROUP BY 1, 2, 3 HAVING sum(n) <> 0 OR sum(span) <> 0",
            [first],
        )
        return {(c, p, b): (int(n), int(s)) for c, p, b, n, s in cursor.fetchall()}


def year_count(**slice_fields) -> int:
    return pay_insights(PaySlice(period=Period.YEAR, **slice_fields)).overall.count


@pytest.fixture
def postings(rates):
    now = timezone.now()
    roll_pay_year(now)  # the window as of today, whatever the migration's day was
    oldest = now.replace(day=1, hour=12) - timedelta(days=1)  # last day of the month before
    for _ in range(10):  # back to the first month of the window: 11 months before this one
        oldest = oldest.replace(day=1) - timedelta(days=1)
    oldest = oldest.replace(day=15)
    assert month_number(oldest) == first_month() == month_number(now) - 11
    early = [
        ClosedListingFactory(
            salary_min=150_000,
            salary_max=150_000,
            date_posted=oldest,
            valid_through=oldest + timedelta(days=30),
            closed_at=oldest + timedelta(days=20),
        )
        for _ in range(5)
    ]
    recent = LiveListingFactory.create_batch(5, salary_min=200_000, salary_max=200_000)
    return {"now": now, "oldest": oldest, "early": early, "recent": recent}


def test_the_year_counts_are_the_month_counts_of_the_window(postings):
    assert maintained_year() == month_sums_from(first_month())
    assert year_count() == 10
    assert pay_insights(PaySlice(period=Period.YEAR)).overall.median == 175_000


def test_a_month_leaves_the_last_12_months_when_it_is_over(postings):
    next_month = (postings["now"].replace(day=1) + timedelta(days=32)).replace(day=3)
    with mock.patch("django.utils.timezone.now", return_value=next_month):
        # before the roll: the month that left is taken off at read time
        assert year_count() == 5
        assert pay_insights(PaySlice(period=Period.YEAR)).overall.median == 200_000
        assert maintain_search()["months_rolled"] == 1
        assert first_month() == month_number(next_month) - 11
        # after it: the counts themselves no longer hold it, and say the same
        assert year_count() == 5
        assert maintained_year() == month_sums_from(first_month())
        assert roll_pay_year() == 0  # a second roll has nothing to do
    # the month counts keep every month: only the window moved
    months = {key[0] for key in maintained_month()}
    assert month_number(postings["oldest"]) in months


def test_postings_written_after_the_roll_count_only_inside_the_window(postings):
    next_month = (postings["now"].replace(day=1) + timedelta(days=32)).replace(day=3)
    roll_pay_year(next_month)
    # an edit to a posting of the month that left moves its month's counts, not the year's
    for listing in postings["early"]:
        listing.salary_max = 160_000
        listing.save()
    with mock.patch("django.utils.timezone.now", return_value=next_month):
        assert year_count() == 5
    assert maintained_year() == month_sums_from(first_month())

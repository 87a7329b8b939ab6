"""The pay insights (/salaries/ figures) are the numbers a person computes by hand.

A board small enough to compute on paper: five live Director roles paid in USD with
comparable midpoints 100k, 150k, 200k, 250k and 300k, and roles in other slices and
currencies around them. Quartiles are PostgreSQL's percentile_cont: the value at
rank h = q × (n − 1) (0-based) of the sorted midpoints, interpolated linearly
between the two nearest ranks when h is not a whole number. Each midpoint here is
alone in its 2 % bucket, so the figures are exact.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listings.insights import (
    PaySlice,
    Period,
    Stats,
    compact_pay_counts,
    month_number,
    pay_insights,
)
from listings.models import LivePayCount, MonthPayCount, SearchEntry, YearPayCount
from tests.factories import (
    ClosedListingFactory,
    ExpiredListingFactory,
    ListingFactory,
    LiveListingFactory,
)
from tests.pay.conftest import table_in_reference, to_usd
from tests.pay.counts import (
    bucket,
    maintained_live,
    maintained_month,
    places,
    recount_live,
    recount_month,
)

pytestmark = pytest.mark.django_db

DIRECTORS = PaySlice(levels=("director",))


def director(title: str, low: int | None, high: int | None, **fields):
    fields.setdefault("function", "customer_service")
    return LiveListingFactory(
        title=title, level="director", salary_min=low, salary_max=high, **fields
    )


@pytest.fixture
def board(rates):
    now = timezone.now()
    # Five live Director roles in USD; a single stated bound is both ends (listings.pay)
    director("D100", 100_000, 100_000, workplace="onsite")  # US, mid 100,000
    director("D150", 120_000, 180_000, workplace="hybrid", function="customer_experience")
    director(
        "D200",  # "from 200,000": 200,000–200,000; remote, open to the US and Canada
        200_000,
        None,
        workplace="remote",
        function="customer_success",
        city="",
        region="",
        country="",
        applicant_countries=["US", "CA"],
    )
    director("D250", 250_000, 250_000, workplace="onsite", city="Berlin", region="", country="DE")
    director(
        "D300",
        280_000,
        320_000,
        workplace="hybrid",
        function="contact_center",
        city="London",
        region="",
        country="GB",
    )
    # Not in the Director figures: no stated pay, a draft
    director("D unstated", None, None)
    ListingFactory(title="D draft", level="director", salary_min=500_000, salary_max=500_000)
    # Advertised in the last 12 months, not live: an expired role (70 days ago), a role
    # closed 3 months after posting… and one closed 14 months ago (outside the window)
    ExpiredListingFactory(
        title="D350 expired", level="director", salary_min=350_000, salary_max=None
    )
    ClosedListingFactory(
        title="D400 closed",
        level="director",
        salary_min=400_000,
        salary_max=400_000,
        date_posted=now - timedelta(days=90),
    )
    ClosedListingFactory(
        title="D900 long closed",
        level="director",
        salary_min=900_000,
        salary_max=900_000,
        date_posted=now - timedelta(days=425),
        valid_through=now - timedelta(days=395),
        closed_at=now - timedelta(days=400),
    )
    # Other slices and currencies
    LiveListingFactory(  # EUR 200,000 × 1.1 = USD 220,000
        title="SD EUR",
        level="senior_director",
        currency="EUR",
        salary_min=200_000,
        salary_max=200_000,
        workplace="onsite",
    )
    LiveListingFactory(  # GBP 100,000 × 1.294117647059 = 129,412
        title="SD GBP",
        level="senior_director",
        currency="GBP",
        salary_min=100_000,
        salary_max=None,
        workplace="hybrid",
        city="London",
        region="",
        country="GB",
    )
    LiveListingFactory(  # INR 30,000,000 × 0.011956521739 = 358,696
        title="VP INR",
        level="vp",
        currency="INR",
        salary_min=None,
        salary_max=30_000_000,
        workplace="onsite",
        city="Pune",
        region="MH",
        country="IN",
    )


def figures(stats: Stats) -> tuple:
    return (stats.count, stats.q1, stats.median, stats.q3)


def groups(items) -> dict[str, int]:
    return {group.key: group.stats.count for group in items}


def test_quartiles_of_five_directors_are_the_middle_values(board):
    insights = pay_insights(DIRECTORS)
    # n = 5: q1 at h = 0.25 × 4 = 1 → 150,000; median at h = 2 → 200,000;
    # q3 at h = 3 → 250,000 (whole ranks: no interpolation)
    assert figures(insights.overall) == (5, 150_000, 200_000, 250_000)
    assert not insights.overall.small
    # PostgreSQL's percentile_cont over the exact midpoints says the same
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP "
            "(ORDER BY (pay_min + pay_max) / 2.0) FROM listings_searchentry "
            "WHERE level = 'director' AND pay_max IS NOT NULL"
        )
        assert [round(v) for v in cursor.fetchone()[0]] == [150_000, 200_000, 250_000]


def test_an_even_count_interpolates_between_ranks(board):
    director("D350", 340_000, 360_000, workplace="onsite")
    # n = 6: q1 at h = 0.25 × 5 = 1.25 → 150,000 + 0.25 × 50,000 = 162,500
    #        median at h = 2.5 → 200,000 + 0.5 × 50,000 = 225,000
    #        q3 at h = 3.75 → 250,000 + 0.75 × 50,000 = 287,500
    assert figures(pay_insights(DIRECTORS).overall) == (6, 162_500, 225_000, 287_500)


def test_breakdowns_keep_the_other_choices_and_let_their_own_vary(board):
    insights = pay_insights(DIRECTORS)
    # level varies (function and workplace: any): 5 Directors, 2 Senior Directors, 1 VP
    assert groups(insights.by_level) == {"director": 5, "senior_director": 2, "vp": 1}
    assert [g.key for g in insights.by_level if g.selected] == ["director"]
    by_level = {g.key: g.stats for g in insights.by_level}
    assert figures(by_level["director"]) == figures(insights.overall)
    assert by_level["senior_director"].small and by_level["senior_director"].median is None
    # among Directors: function and workplace vary
    assert groups(insights.by_function) == {
        "customer_service": 2,  # D100, D250
        "customer_experience": 1,
        "customer_success": 1,
        "contact_center": 1,
    }
    assert groups(insights.by_workplace) == {"onsite": 2, "hybrid": 2, "remote": 1}
    # countries: a remote role counts in each country it is open to; sorted by count
    assert [(g.key, g.stats.count) for g in insights.by_country] == [
        ("US", 3),  # D100, D150, D200 (remote, open to the US)
        ("CA", 1),  # D200
        ("DE", 1),
        ("GB", 1),
    ]
    # a workplace chosen: the overall narrows, by_workplace still shows every workplace,
    # and by_level shows every level on site
    onsite = pay_insights(PaySlice(levels=("director",), workplaces=("onsite",)))
    assert onsite.overall.count == 2
    assert groups(onsite.by_workplace) == {"onsite": 2, "hybrid": 2, "remote": 1}
    assert [g.key for g in onsite.by_workplace if g.selected] == ["onsite"]
    assert groups(onsite.by_level) == {"director": 2, "senior_director": 1, "vp": 1}
    # a country chosen: the slice is the Directors in (or open to) the US
    in_us = pay_insights(PaySlice(levels=("director",), country="US"))
    assert in_us.overall.count == 3
    assert groups(in_us.by_level) == {"director": 3, "senior_director": 1, "vp": 0}
    assert groups(in_us.by_country) == {"US": 3, "CA": 1, "DE": 1, "GB": 1}
    assert [g.key for g in in_us.by_country if g.selected] == ["US"]
    level_function = pay_insights(PaySlice()).level_function
    assert level_function[("director", "customer_service")].count == 2
    assert level_function[("senior_director", "customer_service")].count == 2
    assert level_function[("vp", "customer_service")].count == 1


def test_a_slice_of_four_is_too_small_for_statistics(board):
    four = pay_insights(PaySlice(levels=("director",), workplaces=("onsite", "hybrid")))
    assert four.overall == Stats(count=4)
    assert four.overall.small
    assert (four.overall.q1, four.overall.median, four.overall.q3) == (None, None, None)


def test_another_currency_divides_by_its_rate(board):
    in_euros = pay_insights(DIRECTORS, currency="EUR")
    # a euro is worth 1.1 USD: 150,000 / 1.1 = 136,363.6; 200,000 / 1.1 = 181,818.2;
    # 250,000 / 1.1 = 227,272.7
    assert figures(in_euros.overall) == (5, 136_364, 181_818, 227_273)
    assert in_euros.currency == "EUR"
    assert figures({g.key: g.stats for g in in_euros.by_level}["director"]) == figures(
        in_euros.overall
    )
    # a rupee is worth 0.011956521739 USD: 200,000 / 0.011956521739 = 16,727,272.7
    assert pay_insights(DIRECTORS, currency="INR").overall.median == 16_727_273
    # counts do not change with the currency
    assert in_euros.overall.count == pay_insights(DIRECTORS).overall.count


def test_an_expired_entry_not_yet_pruned_is_not_counted(board):
    # a sixth Director, expiring within the hour: with it, the even case
    director("D350 expiring", 350_000, 350_000, valid_through=timezone.now() + timedelta(hours=1))
    assert figures(pay_insights(DIRECTORS).overall) == (6, 162_500, 225_000, 287_500)
    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        # its entry is still in the projection (the hourly prune has not run)…
        assert SearchEntry.objects.filter(listing__title="D350 expiring").exists()
        # …but the clock has passed valid_through: back to the five
        assert figures(pay_insights(DIRECTORS).overall) == (5, 150_000, 200_000, 250_000)


def test_the_last_12_months_count_closed_roles_posted_in_the_window(board):
    year = pay_insights(PaySlice(levels=("director",), period=Period.YEAR))
    # the five live roles, the expired one (350,000, 70 days ago) and the one closed
    # after 3 months (400,000); not the one of 14 months ago nor the draft:
    # n = 7: q1 at h = 1.5 → 150,000 + 0.5 × 50,000 = 175,000; median at h = 3 →
    # 250,000; q3 at h = 4.5 → 300,000 + 0.5 × 50,000 = 325,000
    assert figures(year.overall) == (7, 175_000, 250_000, 325_000)
    # the live figures count none of them
    assert pay_insights(DIRECTORS).overall.count == 5


def test_compacting_the_counts_keeps_every_figure(board):
    slices = [
        DIRECTORS,
        PaySlice(),
        PaySlice(levels=("director",), country="US"),
        PaySlice(levels=("director",), workplaces=("onsite",)),
        PaySlice(levels=("director",), period=Period.YEAR),
        PaySlice(period=Period.YEAR, country="GB"),
    ]
    before = [pay_insights(s) for s in slices]
    euros = pay_insights(DIRECTORS, currency="EUR")

    def stored() -> int:
        return sum(m.objects.count() for m in (LivePayCount, MonthPayCount, YearPayCount))

    rows = stored()
    live, month = maintained_live(), maintained_month()

    left = compact_pay_counts()

    assert left == stored()
    assert left <= rows
    assert [pay_insights(s) for s in slices] == before
    assert pay_insights(DIRECTORS, currency="EUR") == euros
    assert maintained_live() == live == recount_live()
    # the window's months are kept as they were; only months older than it may go
    after = maintained_month()
    assert after.items() <= month.items()
    window = month_number(timezone.now()) - 11
    assert all(key[0] < window for key in set(month) - set(after))
    assert {k: v for k, v in recount_month().items() if k[0] >= window} == {
        k: v for k, v in after.items() if k[0] >= window
    }
    # and writes after compacting still add up
    director("D after", 210_000, 230_000, workplace="onsite")
    assert pay_insights(DIRECTORS).overall.count == 6
    assert maintained_live() == recount_live()


# --------------------------------------------------------------------------- any board


def percentile_cont(values: list[float], q: float) -> float:
    ordered = sorted(values)
    h = q * (len(ordered) - 1)
    low = int(h)
    if low + 1 < len(ordered):
        return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])
    return ordered[low]


def expected_stats(rows: list[tuple[int, int]]) -> tuple:
    """(count, q1, median, q3) of (bucket, span) rows, each midpoint its bucket's mean."""
    if len(rows) < 5:
        return (len(rows), None, None, None)
    by_bucket: dict[int, list[int]] = {}
    for b, span in rows:
        by_bucket.setdefault(b, []).append(span)
    midpoints = [sum(spans) / (2 * len(spans)) for spans in by_bucket.values() for _ in spans]
    return (
        len(rows),
        *(round(percentile_cont(midpoints, q)) for q in (0.25, 0.5, 0.75)),
    )


random_postings = st.lists(
    st.fixed_dictionaries(
        {
            "level": st.sampled_from(["director", "senior_director", "vp"]),
            "function": st.sampled_from(["customer_service", "customer_success"]),
            "workplace": st.sampled_from(["onsite", "hybrid", "remote"]),
            "country": st.sampled_from(["US", "DE", "GB"]),
            "applicants": st.lists(st.sampled_from(["US", "CA", "DE"]), unique=True, min_size=1),
            "currency": st.sampled_from(["USD", "EUR", "GBP", "INR"]),
            "usd_mid": st.integers(60, 400).map(lambda k: k * 1_000),
            "spread": st.sampled_from([0, 10_000, 40_000]),
            "state": st.sampled_from(["live", "live", "live", "closed", "old", "draft"]),
        }
    ),
    min_size=0,
    max_size=14,
)
random_slices = st.builds(
    PaySlice,
    levels=st.lists(st.sampled_from(["director", "senior_director", "vp"]), unique=True).map(tuple),
    functions=st.lists(st.sampled_from(["customer_service", "customer_success"]), unique=True).map(
        tuple
    ),
    workplaces=st.lists(st.sampled_from(["onsite", "hybrid", "remote"]), unique=True).map(tuple),
    country=st.sampled_from(["", "", "US", "CA", "DE"]),
    period=st.sampled_from([Period.LIVE, Period.YEAR]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=random_postings, slices=st.lists(random_slices, min_size=1, max_size=4))
def test_every_figure_and_breakdown_follows_the_documented_rule(rates, specs, slices):
    values = table_in_reference()
    now = timezone.now()
    with transaction.atomic():
        facts = []  # (level, function, workplace, places, live, in 12 months, bucket, span)
        for i, spec in enumerate(specs):
            remote = spec["workplace"] == "remote"
            unit = values[spec["currency"]]
            low = int(Decimal(spec["usd_mid"] - spec["spread"]) / unit)
            high = int(Decimal(spec["usd_mid"] + spec["spread"]) / unit)
            posted = {
                "live": now - timedelta(days=2),
                "closed": now - timedelta(days=60),
                "old": now - timedelta(days=500),
                "draft": None,
            }[spec["state"]]
            LiveListingFactory(
                title=f"Role {i}",
                level=spec["level"],
                function=spec["function"],
                workplace=spec["workplace"],
                city="" if remote else "Somewhere",
                region="",
                country="" if remote else spec["country"],
                applicant_countries=spec["applicants"] if remote else [],
                currency=spec["currency"],
                salary_min=low,
                salary_max=high,
                status={"live": "published", "draft": "draft"}.get(spec["state"], "closed"),
                date_posted=posted,
                valid_through=now + timedelta(days=20) if posted else None,
            )
            span = to_usd(low, spec["currency"], values) + to_usd(high, spec["currency"], values)
            where = places("" if remote else spec["country"], spec["workplace"], spec["applicants"])
            facts.append(
                (
                    spec["level"],
                    spec["function"],
                    spec["workplace"],
                    where,
                    spec["state"] == "live",
                    spec["state"] in ("live", "closed"),
                    bucket(span),
                    span,
                )
            )

        def rows(pay_slice, place, *, level=None, function=None, workplace=None):
            chosen_levels = (level,) if level else pay_slice.levels
            chosen_functions = (function,) if function else pay_slice.functions
            chosen_workplaces = (workplace,) if workplace else pay_slice.workplaces
            found = []
            for lv, fn, wp, where, live, recent, b, span in facts:
                counted = live if pay_slice.period == Period.LIVE else recent
                if (
                    counted
                    and place in where
                    and (not chosen_levels or lv in chosen_levels)
                    and (not chosen_functions or fn in chosen_functions)
                    and (not chosen_workplaces or wp in chosen_workplaces)
                ):
                    found.append((b, span))
            return found

        for pay_slice in slices:
            insights = pay_insights(pay_slice)
            place = pay_slice.country
            assert figures(insights.overall) == expected_stats(rows(pay_slice, place)), pay_slice
            for g in insights.by_level:
                assert figures(g.stats) == expected_stats(rows(pay_slice, place, level=g.key))
            for g in insights.by_function:
                assert figures(g.stats) == expected_stats(rows(pay_slice, place, function=g.key))
            for g in insights.by_workplace:
                assert figures(g.stats) == expected_stats(rows(pay_slice, place, workplace=g.key))
            countries = {c for fact in facts for c in fact[3] if c}
            expected_countries = {
                c: expected_stats(rows(pay_slice, c)) for c in countries if rows(pay_slice, c)
            }
            assert {g.key: figures(g.stats) for g in insights.by_country} == expected_countries
            counts = [g.stats.count for g in insights.by_country]
            assert counts == sorted(counts, reverse=True)
        transaction.set_rollback(True)

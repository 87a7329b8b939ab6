"""A posting's page says where its range sits against the median of its slice."""

from __future__ import annotations

import logging
import re

import pytest

from tests.factories import LiveListingFactory

pytestmark = pytest.mark.django_db

SENTENCE = re.compile(r'<p class="pay-position[^"]*"><a href="([^"]+)">(.*?)</a>\.</p>', re.S)


def london(pay_min: int, pay_max: int, **extra):
    return LiveListingFactory(
        level="senior_director",
        city="London",
        region="",
        country="GB",
        currency="GBP",
        salary_min=pay_min,
        salary_max=pay_max,
        **extra,
    )


@pytest.fixture
def london_roles(known_rates):
    # midpoints GBP 100,000 … 140,000, a pay bucket each
    return [london(pay, pay) for pay in (100_000, 110_000, 120_000, 130_000, 140_000)]


def sentence(client, listing):
    response = client.get(listing.get_absolute_url(), secure=True)
    assert response.status_code == 200
    return SENTENCE.search(response.content.decode())


def test_a_range_above_the_median_says_so(client, london_roles):
    posting = london(200_000, 220_000, title="Senior Director, Global Care")
    found = sentence(client, posting)
    # six midpoints: 100 110 120 130 140 210 thousand: the median is 125,000
    assert found.group(2) == (
        "This range is above the median (GBP 125,000) for Senior Director roles in United Kingdom"
    )
    assert found.group(1) == (
        "/salaries/?level=senior_director&amp;country=GB&amp;salary_currency=GBP"
    )
    # and the page it links to shows that slice, in pounds
    slice_page = client.get(found.group(1).replace("&amp;", "&"), secure=True).content.decode()
    assert 'data-figure="median">GBP 125,000<' in slice_page


def test_a_range_below_the_median_says_so(client, london_roles):
    posting = london(60_000, 80_000)
    found = sentence(client, posting)
    # 70 100 110 120 130 140: the median is 115,000
    assert found.group(2).startswith("This range is below the median (GBP 115,000)")


def test_a_range_spanning_the_median_is_around_it(client, london_roles):
    posting = london(110_000, 150_000)
    assert sentence(client, posting).group(2).startswith("This range is around the median")


def test_no_sentence_when_the_slice_is_small(client, known_rates):
    london(100_000, 100_000)
    posting = london(200_000, 220_000)
    assert sentence(client, posting) is None


def test_no_sentence_when_the_posting_states_no_pay(client, london_roles):
    posting = london(None, None)
    assert sentence(client, posting) is None


def test_a_failure_of_insights_never_breaks_the_posting_page(
    client, london_roles, monkeypatch, caplog
):
    import listings.views

    def broken(listing, **kwargs):
        from django.db import connection

        with connection.cursor() as cursor:  # a failed statement, as a real fault would be
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(listings.views, "pay_position", broken)
    posting = london(200_000, 220_000, title="Senior Director, Resilient Page")
    with caplog.at_level(logging.ERROR, logger="listings.views"):
        response = client.get(posting.get_absolute_url(), secure=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Senior Director, Resilient Page" in html
    assert "pay-position" not in html
    assert "could not be computed" in caplog.text

"""A posting's page shows its pay as stated, and in US dollars when it is paid in another
currency (the same comparable pay search uses)."""

from __future__ import annotations

import pytest

from tests.factories import LiveListingFactory

pytestmark = pytest.mark.django_db


def salary_line(client, listing) -> str:
    page = client.get(listing.get_absolute_url(), secure=True).content.decode()
    start = page.index("<dt>Salary</dt>")
    return page[start : page.index("</dd>", start)]


def test_a_posting_in_euros_also_shows_its_pay_in_dollars(client, rates):
    # EUR 150,000–190,000 at 1.10 USD per EUR: USD 165,000–209,000
    euros = LiveListingFactory(salary_min=150_000, salary_max=190_000, currency="EUR")
    line = salary_line(client, euros)
    assert "EUR 150,000–190,000 per year" in line
    assert "≈ 165,000–209,000 USD a year" in line


def test_a_posting_in_dollars_shows_no_approximation(client, rates):
    dollars = LiveListingFactory(salary_min=150_000, salary_max=190_000, currency="USD")
    line = salary_line(client, dollars)
    assert "USD 150,000–190,000 per year" in line and "≈" not in line

"""Fixtures for comparable pay: exchange rates set to round, known values.

Every figure the tests of this package compute by hand follows from KNOWN_PER_EUR
(units of each currency for one euro, as the ECB publishes them). The UAE dirham is
left out on purpose: it is pegged to the US dollar (money.currencies.PEGGED), so
rates_store derives it.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

KNOWN_PER_EUR: dict[str, Decimal] = {
    code: Decimal(value)
    for code, value in {
        "USD": "1.10",
        "GBP": "0.85",
        "INR": "92",
        "SEK": "11.5",
        "JPY": "160",
        "CAD": "1.50",
        "AUD": "1.65",
        "NZD": "1.80",
        "CHF": "0.95",
        "NOK": "11.75",
        "DKK": "7.46",
        "PLN": "4.30",
        "SGD": "1.45",
        "PHP": "62",
        "MXN": "20",
        "BRL": "6",
        "ZAR": "20.5",
    }.items()
}
RATE_DATE = date(2026, 11, 30)
SOURCE = "tests/pay: known rates"


def store_rates(per_eur: dict[str, Decimal], rate_date: date = RATE_DATE) -> None:
    from money.services import rates_store

    rates_store(per_eur=per_eur, rate_date=rate_date, source=SOURCE)


def table_in_reference() -> dict[str, Decimal]:
    """What one unit of each currency is worth in USD, as the table holds it now."""
    from money.models import ExchangeRate

    return dict(ExchangeRate.objects.values_list("currency", "in_reference"))


def to_usd(amount: int | None, currency: str, in_reference: dict[str, Decimal]) -> int | None:
    """The documented conversion, spelled independently: round half up, to the unit."""
    if amount is None:
        return None
    exact = Decimal(amount) * in_reference[currency]
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.fixture
def rates(db):
    """The table holds KNOWN_PER_EUR (stored through rates_store, as every write is)."""
    from money.rates import current_rates, forget_rates

    store_rates(KNOWN_PER_EUR)
    yield current_rates(fresh=True)
    # The test's transaction is rolled back, so rates_store's on_commit never runs:
    # forget what this process may have cached of rates that no longer exist.
    forget_rates()

"""Known exchange rates and postings with known pay, so every figure can be checked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

RATE_DATE = date(2026, 10, 30)


@pytest.fixture
def known_rates(db):
    """ECB-style rates (units per euro) with round values for the currencies tested:
    1 EUR = 1.25 USD = 0.80 GBP, so USD 200,000 is EUR 160,000 and GBP 128,000."""
    from money.rates import bundled_rates, forget_rates
    from money.services import rates_store

    _, per_eur = bundled_rates()
    per_eur = dict(per_eur)
    per_eur.update(USD=Decimal("1.25"), GBP=Decimal("0.8"), JPY=Decimal("150"))
    rates_store(per_eur=per_eur, rate_date=RATE_DATE, source="test rates")
    yield per_eur
    forget_rates()  # the table goes back with the transaction; so must the process cache


@pytest.fixture(autouse=True)
def _fresh_chart_cache():
    from listings.charts import clear_render_cache

    clear_render_cache()
    yield

"""The currencies roles are paid in, and what a year's pay in each can sanely be.

Imports nothing of this app's models: choices and limits are read by every layer.
"""

from decimal import Decimal

from django.db import models

# Comparable pay is stated in this currency (README, "Pay you can compare").
REFERENCE = "USD"


class Currency(models.TextChoices):
    USD = "USD", "USD – US dollar"
    EUR = "EUR", "EUR – euro"
    GBP = "GBP", "GBP – pound sterling"
    CAD = "CAD", "CAD – Canadian dollar"
    AUD = "AUD", "AUD – Australian dollar"
    NZD = "NZD", "NZD – New Zealand dollar"
    CHF = "CHF", "CHF – Swiss franc"
    SEK = "SEK", "SEK – Swedish krona"
    NOK = "NOK", "NOK – Norwegian krone"
    DKK = "DKK", "DKK – Danish krone"
    PLN = "PLN", "PLN – Polish złoty"
    SGD = "SGD", "SGD – Singapore dollar"
    INR = "INR", "INR – Indian rupee"
    JPY = "JPY", "JPY – Japanese yen"
    PHP = "PHP", "PHP – Philippine peso"
    MXN = "MXN", "MXN – Mexican peso"
    BRL = "BRL", "BRL – Brazilian real"
    ZAR = "ZAR", "ZAR – South African rand"
    AED = "AED", "AED – UAE dirham"


# The most a year's pay can be in each currency before it is a typo rather than a
# salary: about ten million US dollars, as a round figure in the currency (so a yen
# or rupee executive salary is valid, and an extra three zeros is not).
ANNUAL_MAX: dict[str, int] = {
    "USD": 10_000_000,
    "EUR": 10_000_000,
    "GBP": 10_000_000,
    "CHF": 10_000_000,
    "CAD": 15_000_000,
    "AUD": 15_000_000,
    "NZD": 20_000_000,
    "SGD": 15_000_000,
    "SEK": 100_000_000,
    "NOK": 100_000_000,
    "DKK": 70_000_000,
    "PLN": 40_000_000,
    "INR": 1_000_000_000,
    "JPY": 1_500_000_000,
    "PHP": 600_000_000,
    "MXN": 200_000_000,
    "BRL": 60_000_000,
    "ZAR": 200_000_000,
    "AED": 40_000_000,
}
assert set(ANNUAL_MAX) == set(Currency.values)

# The largest amount a stored figure may hold (a PostgreSQL integer, with room).
MAX_AMOUNT = 2_000_000_000

# Currencies the European Central Bank does not quote, pegged by their central bank
# to one it does: units of the currency per unit of the anchor.
PEGGED: dict[str, tuple[str, Decimal]] = {"AED": ("USD", Decimal("3.6725"))}


def annual_max(currency: str) -> int:
    """The largest sane year's pay in `currency` (the USD limit for an unknown code)."""
    return ANNUAL_MAX.get(currency, ANNUAL_MAX[REFERENCE])


def amount_problem(amount: int | None, currency: str, per_year: int = 1) -> str:
    """Why `amount` (paid `per_year` times a year) is no sane salary, or ""."""
    if amount is None:
        return ""
    limit = annual_max(currency)
    if amount > MAX_AMOUNT or amount * per_year > limit:
        return (
            f"That comes to more than {currency} {limit:,} a year, more than any "
            "executive role pays; check the figure."
        )
    return ""

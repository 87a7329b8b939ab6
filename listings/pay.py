"""Comparable pay: one definition of what a posting pays in a year, in one currency.

    annual range   salary_min and salary_max times the period's factor
                   (listings.choices.ANNUAL_FACTOR: a month 12, a day 220); a posting
                   that states one bound only pays that: "from 180,000" is 180,000 to
                   180,000, "up to 200,000" is 200,000 to 200,000
    comparable     the annual range in the reference currency (USD), converted by the
                   reference exchange rates (money): round(amount * in_reference)
    reaches        a seeker's minimum is met when the comparable maximum is at least
                   that minimum converted the same way

The database keeps the annual range (generated columns on Listing) and the comparable
range (trigger-kept columns of the search projection, repriced when rates change,
migration 0008); search, sort, facets, alerts and the match score read those, and
Python reads the same columns and converts with the same integer arithmetic
(money.rates.Rates) where it shows a figure. Imports no model of this app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Case, F, Func, Value, When
from django.db.models.functions import Cast, Coalesce

from listings.choices import ANNUAL_FACTOR
from money.rates import Rates, current_rates


def annual_pay_expression(first: str, second: str) -> Case:
    """SQL: `first` (else `second`) times the period's factor, as a bigint (or NULL)."""
    amount = Cast(Coalesce(F(first), F(second)), models.BigIntegerField())
    return Case(
        *[
            # bigint before multiplying: a day rate times 220 overflows integer
            When(salary_period=period, then=amount * factor)
            for period, factor in ANNUAL_FACTOR.items()
        ],
        output_field=models.BigIntegerField(),
    )


class ToReference(Func):
    """SQL money_to_reference(amount, currency): the amount in the reference currency."""

    function = "money_to_reference"
    output_field = models.BigIntegerField()

    def __init__(self, amount, currency, **extra):
        amount = Value(amount) if isinstance(amount, int) else amount
        currency = Value(currency) if isinstance(currency, str) else currency
        super().__init__(Cast(amount, models.BigIntegerField()), currency, **extra)


@dataclass(frozen=True)
class Pay:
    """What a posting pays, as it states it and as it compares."""

    currency: str
    annual_min: int | None
    annual_max: int | None
    reference_min: int | None  # in money.currencies.REFERENCE (USD)
    reference_max: int | None

    @property
    def known(self) -> bool:
        return self.reference_max is not None

    def reaches(self, floor_reference: int | None) -> bool:
        """Whether the range reaches a minimum already in the reference currency."""
        return (
            self.reference_max is not None
            and floor_reference is not None
            and self.reference_max >= floor_reference
        )

    def approx_in(self, currency: str, rates: Rates | None = None) -> str:
        """ "≈ 123,000 USD a year" in `currency`, or "" where it is the posting's own."""
        if currency == self.currency or not self.known:
            return ""
        rates = rates or current_rates()
        low = rates.from_reference(self.reference_min, currency)
        high = rates.from_reference(self.reference_max, currency)
        if low is None or high is None:
            return ""
        if round_figure(low) == round_figure(high):
            amount = f"{round_figure(high):,}"
        else:
            amount = f"{round_figure(low):,}–{round_figure(high):,}"
        return f"≈ {amount} {currency} a year"


def round_figure(amount: int) -> int:
    """Three significant figures: an approximation should not look exact."""
    if amount < 1000:
        return amount
    digits = len(str(amount)) - 3
    return int(round(amount, -digits))


def pay_of(listing, rates: Rates | None = None) -> Pay:
    """The posting's pay: annual range from its columns, converted as SQL converts it."""
    rates = rates or current_rates()
    low, high = listing.pay_min_annual, listing.pay_max_annual
    return Pay(
        currency=listing.currency,
        annual_min=low,
        annual_max=high,
        reference_min=rates.to_reference(low, listing.currency),
        reference_max=rates.to_reference(high, listing.currency),
    )


def floor_reference(amount: int | None, currency: str, rates: Rates | None = None) -> int | None:
    """A seeker's minimum (a year's pay in `currency`) in the reference currency."""
    return (rates or current_rates()).to_reference(amount, currency)


__all__ = [
    "Pay",
    "ToReference",
    "annual_pay_expression",
    "floor_reference",
    "pay_of",
    "round_figure",
]

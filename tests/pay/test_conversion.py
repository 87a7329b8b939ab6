"""A seeker's minimum is compared with every posting's pay converted to one currency.

With the rates of conftest.KNOWN_PER_EUR (USD 1.10, GBP 0.85, INR 92, SEK 11.5 per
euro), one unit is worth, in US dollars: EUR 1.1, GBP 1.294117647059,
INR 0.011956521739, SEK 0.095652173913 (1.10 / rate, to 12 places). /jobs/ shows
exactly the postings whose comparable maximum reaches the minimum, and SQL's
money_to_reference() converts to the unit as money.rates.Rates does.
"""

from __future__ import annotations

from decimal import Decimal
from math import gcd

import pytest
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from money.currencies import Currency
from money.models import ExchangeRate
from money.rates import IN_REFERENCE_PLACES
from tests.candidates.factories import ProfileFactory
from tests.factories import LiveListingFactory
from tests.pay.conftest import table_in_reference, to_usd
from tests.pay.pages import result_cards, titles

pytestmark = pytest.mark.django_db

SCALE = 10**IN_REFERENCE_PLACES


def jobs(client, query: str):
    return client.get("/jobs/?" + query, secure=True)


@pytest.fixture
def board(rates):
    """Postings in five currencies around a USD 180,000 floor (comparable max in USD)."""
    LiveListingFactory(
        # 5,000,000 × 0.011956521739 = 59,782.6 → 59,783; 6,150,000 × … = 73,532.6 → 73,533
        title="Bengaluru INR role",
        currency="INR",
        salary_min=5_000_000,
        salary_max=6_150_000,
        city="Bengaluru",
        region="KA",
        country="IN",
    )
    LiveListingFactory(
        # 1,000,000 × 0.095652173913 = 95,652.17 → 95,652
        title="Stockholm SEK role",
        currency="SEK",
        salary_min=1_000_000,
        salary_max=1_000_000,
        city="Stockholm",
        region="",
        country="SE",
    )
    LiveListingFactory(
        # 160,000 × 1.1 = 176,000; 190,000 × 1.1 = 209,000
        title="Berlin EUR role",
        currency="EUR",
        salary_min=160_000,
        salary_max=190_000,
        city="Berlin",
        region="",
        country="DE",
    )
    LiveListingFactory(
        # 160,000 × 1.294117647059 = 207,058.82 → 207,059 (one bound: 160,000 to 160,000)
        title="London GBP role",
        currency="GBP",
        salary_min=160_000,
        salary_max=None,
        city="London",
        region="",
        country="GB",
    )
    LiveListingFactory(title="Austin USD at the floor", salary_min=150_000, salary_max=180_000)
    LiveListingFactory(title="Denver USD just below", salary_min=150_000, salary_max=179_999)
    LiveListingFactory(title="Unstated pay", salary_min=None, salary_max=None)


EVERY_TITLE = {
    "Bengaluru INR role",
    "Stockholm SEK role",
    "Berlin EUR role",
    "London GBP role",
    "Austin USD at the floor",
    "Denver USD just below",
    "Unstated pay",
}


def test_known_rates_give_the_values_the_figures_are_computed_from(rates):
    values = table_in_reference()
    assert values["USD"] == Decimal("1")
    assert values["EUR"] == Decimal("1.1")
    assert values["GBP"] == Decimal("1.294117647059")
    assert values["INR"] == Decimal("0.011956521739")
    assert values["SEK"] == Decimal("0.095652173913")
    assert values["JPY"] == Decimal("0.006875")
    # pegged to the dollar, so derived from USD: 1.10 × 3.6725 = 4.03975 per euro
    aed = ExchangeRate.objects.get(currency="AED")
    assert aed.per_eur == Decimal("4.03975")
    assert aed.in_reference == Decimal("0.272294077604")  # 1 / 3.6725
    assert rates.in_reference == values


@pytest.mark.parametrize("currency_param", ["&salary_currency=USD", ""])
def test_a_usd_minimum_shows_exactly_the_postings_whose_converted_maximum_reaches_it(
    client, board, currency_param
):
    response = jobs(client, "salary_min=180000" + currency_param)
    shown = titles(response)
    assert response.context["results"].total == 3  # the count says the same
    # INR tops out at 73,533, SEK at 95,652, "just below" at 179,999, unstated is unknown
    assert sorted(shown) == sorted(
        ["Berlin EUR role", "London GBP role", "Austin USD at the floor"]
    )


def test_the_same_minimum_in_euros_is_a_higher_floor(client, board):
    # EUR 180,000 × 1.1 = USD 198,000: the USD 180,000 posting no longer reaches it,
    # EUR 190,000 (209,000) and GBP 160,000 (207,059) still do
    shown = titles(jobs(client, "salary_min=180000&salary_currency=EUR"))
    assert sorted(shown) == ["Berlin EUR role", "London GBP role"]
    # EUR 190,000 is exactly the posting's own maximum: reached
    shown = titles(jobs(client, "salary_min=190000&salary_currency=EUR"))
    assert shown == ["Berlin EUR role"]
    shown = titles(jobs(client, "salary_min=190001&salary_currency=EUR"))
    assert shown == []


def test_without_a_minimum_every_live_posting_is_listed(client, board):
    assert set(titles(jobs(client, ""))) == EVERY_TITLE
    assert len(titles(jobs(client, ""))) == len(EVERY_TITLE)


def test_pay_in_another_currency_shows_its_approximation_in_the_seekers(client, board):
    cards = {card.title: card for card in result_cards(jobs(client, ""))}
    # 176,000–209,000 USD, three significant figures
    assert cards["Berlin EUR role"].approx == "(≈ 176,000–209,000 USD a year)"
    assert cards["Berlin EUR role"].salary.startswith("EUR 160,000–190,000 per year")
    # 59,783 → 59,800 and 73,533 → 73,500
    assert cards["Bengaluru INR role"].approx == "(≈ 59,800–73,500 USD a year)"
    # one bound: 207,059 → 207,000 at both ends, shown once
    assert cards["London GBP role"].approx == "(≈ 207,000 USD a year)"
    # 95,652 → 95,700
    assert cards["Stockholm SEK role"].approx == "(≈ 95,700 USD a year)"
    for title in ("Austin USD at the floor", "Denver USD just below"):
        assert cards[title].salary.startswith("USD 150,000")
        assert cards[title].approx == ""
        assert "≈" not in cards[title].salary
    assert cards["Unstated pay"].salary == ""


def test_a_euro_seeker_sees_dollar_postings_approximated_in_euros(client, board):
    cards = {card.title: card for card in result_cards(jobs(client, "salary_currency=EUR"))}
    assert set(cards) == EVERY_TITLE  # a currency alone narrows nothing
    assert cards["Berlin EUR role"].approx == ""
    # 150,000 / 1.1 = 136,363.6 → 136,364 → 136,000; 180,000 / 1.1 = 163,636.4 → 164,000
    assert cards["Austin USD at the floor"].approx == "(≈ 136,000–164,000 EUR a year)"


def test_a_signed_in_candidate_searches_in_the_currency_of_their_profile(client, board):
    profile = ProfileFactory(desired_currency="EUR", desired_salary_min=180_000)
    client.force_login(profile.user)
    # no salary_currency given: the profile's EUR applies (floor USD 198,000)
    response = jobs(client, "salary_min=180000")
    assert sorted(titles(response)) == ["Berlin EUR role", "London GBP role"]
    cards = {card.title: card for card in result_cards(response)}
    assert cards["London GBP role"].approx == "(≈ 188,000 EUR a year)"  # 207,059 / 1.1
    # an explicit currency wins over the profile's
    shown = titles(jobs(client, "salary_min=180000&salary_currency=USD"))
    assert sorted(shown) == sorted(
        ["Berlin EUR role", "London GBP role", "Austin USD at the floor"]
    )


# --------------------------------------------------------------------------- SQL = Python


def _sql_to_reference(pairs: list[tuple[int | None, str]]) -> list[int | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT money_to_reference(a, c) FROM unnest(%s::bigint[], %s::text[])"
            " WITH ORDINALITY AS t(a, c, i) ORDER BY i",
            [[a for a, _ in pairs], [c for _, c in pairs]],
        )
        return [row[0] for row in cursor.fetchall()]


def _half_unit_amount(value: Decimal) -> int | None:
    """The smallest amount whose exact value in USD ends in .5 (None if none does)."""
    scaled = int(value.scaleb(IN_REFERENCE_PLACES))
    g = gcd(scaled, SCALE)
    half = SCALE // 2
    if half % g:
        return None
    modulus = SCALE // g
    return (half // g) * pow(scaled // g, -1, modulus) % modulus


def test_half_a_unit_rounds_up_in_sql_and_in_python_alike(rates):
    values = table_in_reference()
    pairs: list[tuple[int | None, str]] = [
        # EUR 1.1: 5 → 5.5, 15 → 16.5, 25 → 27.5; half-up gives 6, 17, 28 (half-even 6, 16, 28)
        (5, "EUR"),
        (15, "EUR"),
        (25, "EUR"),
        # JPY 0.006875: 80 → 0.55, 400 → 2.75, 16 → 0.11, 1200 → 8.25
        (80, "JPY"),
        (400, "JPY"),
        (16, "JPY"),
        (1200, "JPY"),
        (None, "USD"),
    ]
    for code in Currency.values:
        amount = _half_unit_amount(values[code])
        if amount is not None:
            pairs += [(amount, code), (amount + SCALE, code), (amount + 1, code)]
    sql = _sql_to_reference(pairs)
    python = [rates.to_reference(a, c) for a, c in pairs]
    assert sql == python
    assert sql[:8] == [6, 17, 28, 1, 3, 0, 8, None]
    for (amount, code), converted in zip(pairs, sql, strict=True):
        assert converted == to_usd(amount, code, values), (amount, code)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pairs=st.lists(
        st.tuples(
            st.one_of(
                st.integers(0, 10_000_000),
                st.integers(0, 2_000_000_000 * 220),  # a day rate's year, at the largest
                st.integers(0, 400).map(lambda n: n * 500),  # round figures: ties
            ),
            st.sampled_from(Currency.values),
        ),
        min_size=1,
        max_size=40,
    )
)
@example(pairs=[(2_000_000_000 * 220, "USD"), (0, "INR"), (1, "JPY"), (1, "AED")])
def test_money_to_reference_in_sql_equals_rates_to_reference(rates, pairs):
    values = table_in_reference()
    sql = _sql_to_reference(pairs)
    assert sql == [rates.to_reference(a, c) for a, c in pairs]
    assert sql == [to_usd(a, c, values) for a, c in pairs]


def test_an_unknown_currency_converts_to_nothing_on_both_sides(rates):
    assert _sql_to_reference([(100_000, "XXX")]) == [None]
    assert rates.to_reference(100_000, "XXX") is None

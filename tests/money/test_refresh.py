"""Refreshing the rates from an ECB-format URL: a real HTTP server, the real table."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from money.currencies import PEGGED, REFERENCE, Currency
from money.models import ExchangeRate
from money.rates import current_rates, reference_values, with_pegs
from money.services import rates_refresh
from tests.money import ecb_files
from tests.money.conftest import table


def convert_in_sql(amount: int, currency: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT money_to_reference(%s, %s)", [amount, currency])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("/eurofxref-daily.xml", ecb_files.xml),
        ("/eurofxref.csv", ecb_files.csv),
        ("/eurofxref.zip", lambda days: ecb_files.zipped("eurofxref.csv", ecb_files.csv(days))),
    ],
)
def test_new_rates_from_the_url_replace_the_table(
    rates_server, newer_rates, settings, name, encode
):
    rate_date, per_eur = newer_rates
    settings.FX_RATES_URL = rates_server.serve(name, encode({rate_date: per_eur}))
    old_rates = current_rates(fresh=True)

    result = rates_refresh()

    assert result.stored and not result.error
    assert result.rate_date == rate_date
    source = f"ECB format from {settings.FX_RATES_URL}"
    assert result.source == source
    rows = {row.currency: row for row in ExchangeRate.objects.all()}
    assert set(rows) == set(Currency.values)
    expected = reference_values(per_eur)
    for code in Currency.values:
        assert rows[code].rate_date == rate_date
        assert rows[code].source == source
        assert rows[code].per_eur == with_pegs(per_eur)[code]
        assert rows[code].in_reference == expected[code]
    assert rows["EUR"].in_reference == Decimal("1.2345")  # one euro is worth USD 1.2345
    assert rows["AED"].per_eur == Decimal("1.2345") * PEGGED["AED"][1]
    assert rows[REFERENCE].in_reference == 1

    rates = current_rates(fresh=True)
    assert rates.rate_date == rate_date
    assert rates.in_reference == expected
    assert rates.in_reference != old_rates.in_reference
    # SQL and Python convert alike, to the unit
    assert convert_in_sql(100000, "EUR") == 123450 == rates.to_reference(100000, "EUR")
    for code in Currency.values:
        for amount in (1, 999, 87_654, 123_456_789):
            assert convert_in_sql(amount, code) == rates.to_reference(amount, code), (code, amount)


def test_the_history_xml_gives_the_newest_day(rates_server, newer_rates, settings, bundled):
    rate_date, per_eur = newer_rates
    old_date, old_rates = bundled
    days = {rate_date: per_eur, old_date: old_rates}
    url = rates_server.serve("/eurofxref-hist.xml", ecb_files.xml(days))

    result = rates_refresh(url=url)

    assert result.stored
    assert set(ExchangeRate.objects.values_list("rate_date", flat=True)) == {rate_date}
    assert ExchangeRate.objects.get(currency="JPY").per_eur == Decimal("181.07")


def test_the_same_rates_again_are_not_written_again(rates_server, newer_rates, settings):
    rate_date, per_eur = newer_rates
    url = rates_server.serve("/daily.xml", ecb_files.xml({rate_date: per_eur}))
    assert rates_refresh(url=url).stored
    before = table()

    again = rates_refresh(url=url)

    assert not again.stored and not again.error
    assert again.note == "Already up to date."
    assert table() == before
    assert rates_server.requests == ["/daily.xml", "/daily.xml"]


def test_credentials_and_query_of_the_url_stay_out_of_the_table(
    rates_server, newer_rates, settings
):
    rate_date, per_eur = newer_rates
    rates_server.serve("/rates.xml?key=s3cret", ecb_files.xml({rate_date: per_eur}))
    port = rates_server.httpd.server_address[1]

    result = rates_refresh(url=f"http://user:hunter2@127.0.0.1:{port}/rates.xml?key=s3cret")

    assert result.stored
    assert ExchangeRate.objects.get(currency="USD").source == (
        f"ECB format from http://127.0.0.1:{port}/rates.xml"
    )
    # the credentials went to the server, as HTTP Basic
    assert rates_server.headers[0]["Authorization"] == "Basic dXNlcjpodW50ZXIy"


def test_without_a_url_nothing_happens(bundled, rates_server, settings):
    settings.FX_RATES_URL = ""
    before = table()

    result = rates_refresh()

    assert not result.stored and not result.error
    assert "FX_RATES_URL is not set" in result.note
    assert table() == before
    assert rates_server.requests == []


def test_the_task_refreshes_the_rates(rates_server, newer_rates, settings, eager_celery):
    from money.tasks import refresh_rates

    rate_date, per_eur = newer_rates
    settings.FX_RATES_URL = rates_server.serve("/daily.xml", ecb_files.xml({rate_date: per_eur}))

    report = refresh_rates.delay().get()

    assert report["stored"] is True
    assert report["rate_date"] == rate_date.isoformat()
    assert ExchangeRate.objects.get(currency="USD").rate_date == rate_date


def test_beat_runs_the_task_daily_after_the_ecb_publishes(settings):
    from jobboard.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["money-refresh-rates"]
    assert entry["task"] == "money.refresh_rates" and entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert schedule.hour == {16} and schedule.minute == {30}
    assert schedule.day_of_week == set(range(7))

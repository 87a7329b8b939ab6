"""A refresh that fails keeps the last good rates, whatever went wrong, and says why."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest

from money.currencies import Currency
from money.rates import current_rates
from money.services import rates_refresh
from tests.money import ecb_files
from tests.money.conftest import table
from tests.support.smtp import free_port


@pytest.fixture
def kept(bundled, caplog):
    """Asserts, after the test, that not one row changed and a warning was logged."""
    before = table()
    rates_before = current_rates(fresh=True)
    caplog.set_level(logging.WARNING, logger="money.services")
    yield
    assert table() == before
    assert current_rates(fresh=True) == rates_before
    assert any("the stored ones stay" in r.getMessage() for r in caplog.get_records("call"))


def test_a_server_error_keeps_the_rates(kept, rates_server, newer_rates, settings):
    settings.FX_RATES_URL = rates_server.serve("/daily.xml", b"Oops", status=500)

    result = rates_refresh()

    assert not result.stored
    assert "HTTP 500" in result.error
    assert result.retry  # a server error may pass


def test_a_missing_file_keeps_the_rates(kept, rates_server, settings):
    settings.FX_RATES_URL = rates_server.url("/no-such-file.xml")

    result = rates_refresh()

    assert not result.stored
    assert "HTTP 404" in result.error
    assert not result.retry  # it will still be missing in a minute
    assert rates_server.requests == ["/no-such-file.xml"]


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"<html><body>Service temporarily unavailable</body></html>", "text/html", "HTML"),
        (b"\x00\x01\x02 garbage \xff", "application/octet-stream", "neither ECB CSV nor XML"),
        (b"", "text/xml", "empty"),
        (b"<gesmes:Envelope><Cube><Cube time='2026-1", "text/xml", "not well-formed"),
    ],
)
def test_garbage_keeps_the_rates(kept, rates_server, settings, body, content_type, message):
    settings.FX_RATES_URL = rates_server.serve("/daily.xml", body, content_type=content_type)

    result = rates_refresh()

    assert not result.stored and not result.retry
    assert message in result.error


def test_rates_missing_a_board_currency_keep_the_rates(kept, rates_server, newer_rates, settings):
    rate_date, per_eur = newer_rates
    del per_eur["ZAR"]
    settings.FX_RATES_URL = rates_server.serve("/daily.xml", ecb_files.xml({rate_date: per_eur}))

    result = rates_refresh()

    assert not result.stored
    assert result.error == "No rate for ZAR."


def test_an_absurd_rate_keeps_the_rates(kept, rates_server, newer_rates, settings):
    rate_date, per_eur = newer_rates
    per_eur["JPY"] = per_eur["JPY"] * 10**10  # more than the column holds
    settings.FX_RATES_URL = rates_server.serve("/daily.xml", ecb_files.xml({rate_date: per_eur}))

    result = rates_refresh()

    assert not result.stored
    assert "JPY is too large" in result.error


def test_older_rates_than_the_stored_ones_are_refused(kept, rates_server, bundled, settings):
    rate_date, per_eur = bundled
    older = {code: value * 2 for code, value in per_eur.items()}
    day_before = rate_date - timedelta(days=1)
    settings.FX_RATES_URL = rates_server.serve("/daily.xml", ecb_files.xml({day_before: older}))

    result = rates_refresh()

    assert not result.stored and not result.retry
    assert f"of {day_before}, older than the stored ones of {rate_date}" in result.error


def test_a_server_that_is_down_keeps_the_rates(kept, settings):
    settings.FX_RATES_URL = f"http://127.0.0.1:{free_port()}/eurofxref-daily.xml"

    result = rates_refresh()

    assert not result.stored and result.retry
    assert "could not be reached" in result.error


def test_a_server_that_does_not_answer_in_time_keeps_the_rates(kept, rates_server, settings):
    settings.FX_RATES_URL = rates_server.hang("/daily.xml")
    settings.FX_RATES_TIMEOUT_SECONDS = 0.3
    started = time.monotonic()

    result = rates_refresh()

    assert time.monotonic() - started < 5  # the timeout, not the server, ended the wait
    assert not result.stored and result.retry
    assert "did not answer within 0.3 s" in result.error
    assert rates_server.requests == ["/daily.xml"]


def test_a_url_that_is_not_http_is_refused(kept, tmp_path, settings):
    rates_file = tmp_path / "eurofxref.csv"
    rates_file.write_bytes(b"Date, USD\n30 October 2099, 2\n")
    settings.FX_RATES_URL = rates_file.as_uri()

    result = rates_refresh()

    assert not result.stored
    assert "must start with http:// or https://" in result.error


def test_a_file_too_big_to_be_rates_is_not_read(kept, rates_server, settings, monkeypatch):
    from money import services

    monkeypatch.setattr(services, "MAX_DOWNLOAD_BYTES", 1000)
    settings.FX_RATES_URL = rates_server.serve("/hist.csv", b"Date, USD\n" + b"x" * 5000)

    result = rates_refresh()

    assert not result.stored and not result.retry
    assert "too many for rates" in result.error


def test_a_failing_server_makes_the_task_retry_then_report(kept, rates_server, settings):
    from money.tasks import refresh_rates

    settings.FX_RATES_URL = rates_server.serve("/daily.xml", b"busy", status=503)

    # from the last retry but two (eager: each retry runs at once, without its countdown)
    report = refresh_rates.apply(retries=refresh_rates.max_retries - 2, throw=False).get()

    assert rates_server.requests == ["/daily.xml"] * 3
    # after the last retry, the failure is the task's result: nothing raises
    assert report["stored"] is False and report["retry"] is True
    assert "HTTP 503" in report["error"]


def test_a_server_that_is_down_makes_the_task_retry(kept, settings, eager_celery):
    from celery.exceptions import Retry

    from money.tasks import RatesUnavailable, refresh_rates

    settings.FX_RATES_URL = f"http://127.0.0.1:{free_port()}/eurofxref-daily.xml"

    with pytest.raises(Retry) as retry:
        refresh_rates.apply(throw=True).get()
    assert isinstance(retry.value.exc, RatesUnavailable)
    assert "could not be reached" in str(retry.value.exc)


def test_a_bad_file_does_not_make_the_task_retry(kept, rates_server, settings, eager_celery):
    from money.tasks import refresh_rates

    settings.FX_RATES_URL = rates_server.serve("/daily.xml", b"<html>maintenance</html>")

    report = refresh_rates.apply(throw=True).get()

    assert report["stored"] is False and report["retry"] is False
    assert "HTML" in report["error"]
    assert rates_server.requests == ["/daily.xml"]  # asked once, not retried
    assert set(Currency.values) == {row[0] for row in table()}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:99999/eurofxref-daily.xml", "not a valid URL"),
        ("http://127.0.0.1:1/euro fxref daily.xml", "cannot be fetched"),
    ],
)
def test_a_broken_url_keeps_the_rates(kept, settings, url, message):
    settings.FX_RATES_URL = url

    result = rates_refresh()

    assert not result.stored and not result.retry
    assert message in result.error

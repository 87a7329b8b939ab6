"""The pay counts recomputed from scratch, to compare with the maintained ones.

LivePayCount and MonthPayCount are delta rows kept by triggers (migration 0008): what
they sum to per (level-function-workplace code, place, bucket) must equal a plain
recount, from the search projection (live) and from the postings themselves (by month
first posted).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import connection

from listings.insights import month_number
from listings.models import Listing, SearchEntry
from listings.search_codes import facet_code
from tests.pay.conftest import table_in_reference, to_usd


def places(country: str, workplace: str, applicant_countries) -> set[str]:
    """Everywhere, the country it is based in, and for a remote role each country open."""
    found = {""}
    if country:
        found.add(str(country))
    if workplace == "remote":
        found.update(applicant_countries or [])
    return found


def bucket(span: int) -> int:
    """The 2 % bucket of a span (min + max), by the database's own function."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT listings_pay_bucket(%s)", [span])
        return cursor.fetchone()[0]


def _folded(cells: dict) -> dict:
    return {key: tuple(value) for key, value in cells.items() if value != [0, 0]}


def _by_code(rows: dict, code_at: int) -> dict:
    """The cells of the level-function-workplace codes. Cells under code -1 ("any
    code"), where the table keeps them, must be the sum of those over every code."""
    real = {key: value for key, value in rows.items() if key[code_at] >= 0}
    any_code = {key: value for key, value in rows.items() if key[code_at] == -1}
    assert set(rows) == set(real) | set(any_code), "a code that is neither -1 nor a slice"
    if any_code:
        summed: dict = defaultdict(lambda: [0, 0])
        for key, (n, span) in real.items():
            cell = summed[(*key[:code_at], -1, *key[code_at + 1 :])]
            cell[0] += n
            cell[1] += span
        assert any_code == _folded(summed), "the any-code cells are not the sum of the codes"
    return real


def maintained_live() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT facet_code, country, bucket, sum(n), sum(span) FROM listings_livepaycount "
            "GROUP BY 1, 2, 3 HAVING sum(n) <> 0 OR sum(span) <> 0"
        )
        rows = {(c, p, b): (int(n), int(s)) for c, p, b, n, s in cursor.fetchall()}
    return _by_code(rows, 0)


def maintained_month() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT month, facet_code, country, bucket, sum(n), sum(span) "
            "FROM listings_monthpaycount "
            "GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0 OR sum(span) <> 0"
        )
        rows = {(m, c, p, b): (int(n), int(s)) for m, c, p, b, n, s in cursor.fetchall()}
    return _by_code(rows, 1)


def recount_live() -> dict:
    """Every entry of the projection with a comparable range, as it stands."""
    cells: dict = defaultdict(lambda: [0, 0])
    for entry in SearchEntry.objects.exclude(pay_min=None).exclude(pay_max=None):
        span = entry.pay_min + entry.pay_max
        for place in places(entry.country, entry.workplace, entry.applicant_countries):
            cell = cells[(entry.facet_code, place, bucket(span))]
            cell[0] += 1
            cell[1] += span
    return _folded(cells)


def recount_month(values: dict[str, Decimal] | None = None) -> dict:
    """Every posting ever advertised (published or closed) with a stated pay, converted
    at the rates in the table now."""
    values = values or table_in_reference()
    cells: dict = defaultdict(lambda: [0, 0])
    advertised = Listing.objects.filter(status__in=["published", "closed"]).exclude(
        date_posted=None
    )
    for listing in advertised.exclude(pay_max_annual=None):
        low = to_usd(listing.pay_min_annual, listing.currency, values)
        high = to_usd(listing.pay_max_annual, listing.currency, values)
        span = low + high
        code = facet_code(listing.level, listing.function, listing.workplace)
        month = month_number(listing.date_posted)
        for place in places(listing.country.code, listing.workplace, listing.applicant_countries):
            cell = cells[(month, code, place, bucket(span))]
            cell[0] += 1
            cell[1] += span
    return _folded(cells)


def projection_pay_is_current(values: dict[str, Decimal] | None = None) -> list[str]:
    """Problems with the projection's pay columns: each must follow from its posting."""
    values = values or table_in_reference()
    problems = []
    for entry in SearchEntry.objects.select_related("listing"):
        listing = entry.listing
        want = (
            listing.currency,
            listing.pay_min_annual,
            listing.pay_max_annual,
            to_usd(listing.pay_min_annual, listing.currency, values),
            to_usd(listing.pay_max_annual, listing.currency, values),
        )
        have = (entry.currency, entry.pay_min_annual, entry.pay_max_annual)
        have += (entry.pay_min, entry.pay_max)
        if have != want:
            problems.append(f"{listing.title}: {have} != {want}")
    return problems

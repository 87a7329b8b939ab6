"""What "live" means, said once.

A posting is live when it is published, already posted and not past valid_through.
The ORM condition (`live_q`, behind `Listing.objects.live()`), the SQL fragment of
the alert matcher (`live_sql`) and the Python check (`is_live`, behind
`Listing.is_live`) are all read off LIVE below, so they cannot drift apart;
tests/listings/test_live_is_one_word.py checks that they agree on every shape of
posting. A posting's public page is a wider word (`has_public_page`): it stays up
once posted, expired or closed, unless an operator took it down.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from listings.choices import ModerationAction, Status

NOW = "now"  # a term's value: the clock at the moment of asking


@dataclass(frozen=True)
class Term:
    """One condition on a column: `field <op> value`, where value may be NOW."""

    field: str
    op: str  # "=", "<=" or ">"
    value: object

    _LOOKUPS = {"=": "exact", "<=": "lte", ">": "gt"}
    _CHECKS = {"=": operator.eq, "<=": operator.le, ">": operator.gt}


# Published, already posted, not yet expired.
PUBLISHED = Term("status", "=", Status.PUBLISHED.value)
POSTED = Term("date_posted", "<=", NOW)
NOT_EXPIRED = Term("valid_through", ">", NOW)
LIVE = (PUBLISHED, POSTED, NOT_EXPIRED)
# The clock's part of it (every search-projection row is of a published posting).
CURRENT = (POSTED, NOT_EXPIRED)


def _q(terms, prefix: str, now: datetime) -> Q:
    condition = Q()
    for term in terms:
        value = now if term.value == NOW else term.value
        condition &= Q(**{f"{prefix}{term.field}__{Term._LOOKUPS[term.op]}": value})
    return condition


def live_q(prefix: str = "", *, now: datetime | None = None) -> Q:
    """The condition "live", optionally through a relation (`prefix="listings__"`)."""
    return _q(LIVE, prefix, now or timezone.now())


def current_q(prefix: str = "", *, now: datetime | None = None) -> Q:
    """The clock's part of "live": already posted and not past valid_through."""
    return _q(CURRENT, prefix, now or timezone.now())


def live_sql(alias: str = "", now: str = "%(now)s") -> str:
    """The condition "live" in SQL, e.g. for `alias="l."`; `now` is the placeholder of
    the clock's parameter. Only constants of LIVE are written into it."""
    parts = []
    for term in LIVE:
        if term.value == NOW:
            value = now
        else:
            text = str(term.value)
            assert text.isidentifier(), text  # a choice code, never user input
            value = f"'{text}'"
        parts.append(f"{alias}{term.field} {term.op} {value}")
    return " AND ".join(parts)


def _holds(term: Term, listing, now: datetime) -> bool:
    actual = getattr(listing, term.field)
    expected = now if term.value == NOW else term.value
    # a missing value never holds, as NULL never compares true in SQL
    return actual is not None and Term._CHECKS[term.op](actual, expected)


def is_live(listing, *, now: datetime | None = None) -> bool:
    """The Python check of "live" on a loaded posting."""
    now = now or timezone.now()
    return all(_holds(term, listing, now) for term in LIVE)


def has_public_page(listing, *, now: datetime | None = None) -> bool:
    """Once posted, a posting's page stays reachable (live, expired or closed), unless
    an operator took it down (and it has not been published again since)."""
    posted = _holds(POSTED, listing, now or timezone.now())
    taken_down = listing.moderation_action == ModerationAction.UNPUBLISHED
    return posted and not taken_down and listing.status in (Status.PUBLISHED, Status.CLOSED)

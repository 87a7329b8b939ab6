"""What each posting achieves, counted without slowing a page (the daily figures in PostingDay).

Pages count into Redis only: a view (and its visitor), each appearance in /jobs/
results, each click through the counting redirect to the external apply page or
email. Nothing a page does here touches PostgreSQL, and nothing here can fail a page:
every counting function swallows errors, and after one Redis error counting is skipped
for `BREAKER_SECONDS` in this process, so a Redis that is down or hung costs a page one
short timeout at most, then nothing.

Visitors are counted without cookies and without keeping addresses: the visitor id is
sha256(the day's random salt + client address + user agent), added to a HyperLogLog
(which keeps no member at all). The salt lives in Redis only, for 48 hours; once it is
gone nothing can link a visitor id to an address. Bots (by user agent, an empty one
included), HEAD requests, browser prefetches and the posting's own company's staff
(and operators) are not counted.

Beat runs `listings.fold_posting_stats` (tasks.py) every 15 minutes: `stats_fold`
writes each posting's absolute figures for the day, from Redis and from the tables of
the apps above (applications, saves, alert emails) that register a source with
`register_daily_source` in their AppConfig.ready(). A fold run twice writes the same
rows.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import redis
from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from redis.backoff import NoBackoff
from redis.retry import Retry

from listings.access import for_request, is_operator
from listings.visitors import client_address

logger = logging.getLogger(__name__)

KEY_PREFIX = "pstats"
KEY_TTL_SECONDS = 8 * 86400  # stats_fold(day=...) of the past week can still read Redis
SALT_TTL_SECONDS = 48 * 3600  # the day itself, and the fold of it the next day
# One attempt, short waits: a page never waits on Redis for long.
SOCKET_TIMEOUT_SECONDS = 0.1
BREAKER_SECONDS = 30.0
FOLD_SOCKET_TIMEOUT_SECONDS = 5.0

# Counted in Redis by the pages, in PostingDay's columns of the same name.
REDIS_FIELDS = ("views", "impressions", "apply_clicks")
VISITORS = "visitors"
# Counted by the apps above from their own tables (register_daily_source).
DB_FIELDS = ("applications", "saves", "alert_emails")

DailySource = Callable[[date], dict[int, int]]
_sources: dict[str, DailySource] = {}


def register_daily_source(field: str, fn: DailySource) -> None:
    """Let an app above fill one PostingDay column: fn(day) -> {listing_id: figure}."""
    if field not in DB_FIELDS:
        raise ValueError(f"{field!r} is not a PostingDay figure an app can provide")
    _sources[field] = fn


def daily_sources() -> dict[str, DailySource]:
    return dict(_sources)


# --------------------------------------------------------------------------- redis


@lru_cache(maxsize=4)
def _client(url: str, timeout: float) -> redis.Redis:
    # redis-py retries ten times with backoff by default: one attempt here
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=0,
    )


def page_client() -> redis.Redis:
    """The client the pages count with (short timeouts, one attempt)."""
    return _client(settings.REDIS_URL, SOCKET_TIMEOUT_SECONDS)


def fold_client() -> redis.Redis:
    """The client the fold reads with: it may wait longer than a page."""
    return _client(settings.REDIS_URL, FOLD_SOCKET_TIMEOUT_SECONDS)


class _Breaker:
    """Process-local: after a Redis error, skip counting for BREAKER_SECONDS."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._open_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    def allows(self) -> bool:
        return self.clock() >= self._open_until

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self._open_until = self.clock() + BREAKER_SECONDS
            first = not self._down
            self._down = True
        if first:  # once per outage, not once per request
            logger.warning(
                "Posting figures: Redis unavailable (%s); not counting for %ss at a time",
                exc,
                BREAKER_SECONDS,
            )

    def succeeded(self) -> None:
        if self._down:
            with self._lock:
                self._down = False
            logger.info("Posting figures: Redis is back; counting again")

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0
            self._down = False

    @property
    def is_open(self) -> bool:
        return not self.allows()


breaker = _Breaker()


def _run(build: Callable[[redis.client.Pipeline], None]) -> bool:
    """Run one pipeline of counting commands; False (and the breaker opened) on any error."""
    if not breaker.allows():
        return False
    try:
        pipe = page_client().pipeline(transaction=False)
        build(pipe)
        pipe.execute()
    except Exception as exc:  # never into a view: a page does not depend on its figures
        breaker.failed(exc)
        return False
    breaker.succeeded()
    return True


def utc_today() -> date:
    return datetime.now(UTC).date()


def utc_day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of `day` in UTC, the day every posting figure is counted on."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    return start, start + timedelta(days=1)


def _key(day: date, name: str) -> str:
    return f"{KEY_PREFIX}:{day.isoformat()}:{name}"


def visitors_key(day: date, listing_id: int) -> str:
    return _key(day, f"{VISITORS}:{listing_id}")


def salt_key(day: date) -> str:
    return _key(day, "salt")


# --------------------------------------------------------------------------- who counts

_crawlers = CrawlerDetect()


def is_bot(user_agent: str) -> bool:
    """A crawler, a script, or no user agent at all."""
    user_agent = (user_agent or "").strip()
    if not user_agent:
        return True
    try:
        return _crawlers.is_crawler(user_agent[:1000])
    except Exception:  # a pattern library must not fail a page either
        return True


def _is_prefetch(request: HttpRequest) -> bool:
    purpose = request.META.get("HTTP_SEC_PURPOSE", "") + request.META.get("HTTP_PURPOSE", "")
    return "prefetch" in purpose.lower() or "prerender" in purpose.lower()


def _viewer(request: HttpRequest) -> tuple[bool, int | None]:
    """(whether the request counts at all, the company whose postings it must not count);
    (False, None) if that cannot be told."""
    try:
        return _who(request)
    except Exception:  # not Redis's fault: no pause, but never into the view either
        logger.exception("Posting figures: could not tell who is asking")
        return False, None


def _who(request: HttpRequest) -> tuple[bool, int | None]:
    if request.method != "GET" or _is_prefetch(request):
        return False, None
    if is_bot(request.META.get("HTTP_USER_AGENT", "")):
        return False, None
    user = getattr(request, "user", None)
    if is_operator(user):  # operators look at everything; they are not the audience
        return False, None
    company = for_request(request).company  # None for everyone but an active recruiter
    return True, company.pk if company else None


def _visitor_id(request: HttpRequest, day: date, salt: bytes) -> str:
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    raw = b"\x00".join([salt, client_address(request).encode(), user_agent.encode()])
    return hashlib.sha256(raw).hexdigest()


_salts: dict[date, bytes] = {}


def _salt(day: date) -> bytes:
    """The day's salt, shared by every process through Redis (SET NX, 48 h), and kept
    in this process until the day is over."""
    salt = _salts.get(day)
    if salt is not None:
        return salt
    client = page_client()
    key = salt_key(day)
    client.set(key, secrets.token_hex(32), nx=True, ex=SALT_TTL_SECONDS)
    salt = client.get(key)
    if not salt:
        raise RuntimeError("the day's salt could not be read back")
    for old in [d for d in _salts if d != day]:
        del _salts[old]
    _salts[day] = salt
    return salt


def forget_salts() -> None:
    _salts.clear()


# --------------------------------------------------------------------------- counting


def record_view(request: HttpRequest, listing) -> bool:
    """Count one view of a live posting's page, and its visitor. True if it was counted."""
    counts, own_company = _viewer(request)
    if not counts or own_company == listing.company_id or not breaker.allows():
        return False
    day = utc_today()
    try:
        visitor = _visitor_id(request, day, _salt(day))
    except Exception as exc:
        breaker.failed(exc)
        return False

    def build(pipe) -> None:
        views, visitors = _key(day, "views"), visitors_key(day, listing.pk)
        pipe.hincrby(views, str(listing.pk), 1)
        pipe.expire(views, KEY_TTL_SECONDS)
        pipe.pfadd(visitors, visitor)
        pipe.expire(visitors, KEY_TTL_SECONDS)

    return _run(build)


def record_impressions(request: HttpRequest, listings: Iterable) -> bool:
    """Count one appearance of each posting on a results page (one round trip)."""
    counts, own_company = _viewer(request)
    ids = [item.pk for item in listings if item.company_id != own_company] if counts else []
    if not ids:
        return False
    day = utc_today()

    def build(pipe) -> None:
        key = _key(day, "impressions")
        for pk in ids:
            pipe.hincrby(key, str(pk), 1)
        pipe.expire(key, KEY_TTL_SECONDS)

    return _run(build)


def record_apply_click(request: HttpRequest, listing) -> bool:
    """Count one click on a posting's external apply link or email address."""
    counts, own_company = _viewer(request)
    if not counts or own_company == listing.company_id:
        return False
    day = utc_today()

    def build(pipe) -> None:
        key = _key(day, "apply_clicks")
        pipe.hincrby(key, str(listing.pk), 1)
        pipe.expire(key, KEY_TTL_SECONDS)

    return _run(build)


# --------------------------------------------------------------------------- fold


def redis_figures(day: date, client: redis.Redis | None = None) -> dict[str, dict[int, int]]:
    """{field: {listing_id: figure}} for the day, from Redis (raises if it is unreachable)."""
    client = client or fold_client()
    pipe = client.pipeline(transaction=False)
    for field in REDIS_FIELDS:
        pipe.hgetall(_key(day, field))
    hashes = pipe.execute()
    figures = {
        field: {int(pk): int(value) for pk, value in values.items()}
        for field, values in zip(REDIS_FIELDS, hashes, strict=True)
    }
    viewed = sorted(figures["views"])
    counts = []
    if viewed:
        pipe = client.pipeline(transaction=False)
        for pk in viewed:
            pipe.pfcount(visitors_key(day, pk))
        counts = pipe.execute()
    figures[VISITORS] = dict(zip(viewed, (int(c) for c in counts), strict=True))
    return figures


ALL_FIELDS = (VISITORS, *REDIS_FIELDS, *DB_FIELDS)
_GROWING = frozenset((VISITORS, *REDIS_FIELDS))


def stats_fold(*, day: date) -> int:
    """Write each posting's figures for `day` into PostingDay; the number of rows written.

    Figures are absolute, so a second run writes the same rows. The database sources
    are authoritative for every posting (one they no longer name gets 0 that day).
    Redis figures only grow during a day, so they never lower a stored figure: a Redis
    that restarted empty, or whose keys expired, leaves the columns as they are, and
    so does a Redis that cannot be reached (the database sources are folded all the
    same). Rows are written only for postings that exist.
    """
    try:
        from_redis = redis_figures(day)
    except Exception:
        logger.warning("Posting figures: Redis unreachable; folding %s without it", day)
        from_redis = {}
    from_db = {
        field: {int(pk): int(n) for pk, n in source(day).items() if n}
        for field, source in daily_sources().items()
    }
    figures = {**from_db, **from_redis}
    ids = sorted({pk for values in figures.values() for pk in values})
    with transaction.atomic(), connection.cursor() as cursor:
        if from_db:
            cursor.execute(
                "UPDATE listings_postingday SET "  # noqa: S608 - PostingDay's own column names
                + ", ".join(f"{field} = 0" for field in from_db)
                + " WHERE day = %s AND NOT (listing_id = ANY(%s))",
                [day, ids],
            )
        if not ids:
            return 0
        folded = list(figures)
        arrays = [[figures[field].get(pk, 0) for pk in ids] for field in folded]
        # a new row takes 0 for what was not folded; an existing row keeps it
        values = ", ".join(f"f.{f}" if f in figures else "0" for f in ALL_FIELDS)
        updates = ", ".join(
            f"{f} = GREATEST(listings_postingday.{f}, EXCLUDED.{f})"
            if f in _GROWING
            else f"{f} = EXCLUDED.{f}"
            for f in folded
        )
        cursor.execute(
            f"""
            INSERT INTO listings_postingday (listing_id, day, {", ".join(ALL_FIELDS)})
            SELECT f.listing_id, %s, {values}
              FROM unnest(%s::bigint[], {", ".join("%s::int[]" for _ in folded)})
                   AS f(listing_id, {", ".join(folded)})
              JOIN listings_listing l ON l.id = f.listing_id
            ON CONFLICT (listing_id, day) DO UPDATE SET {updates}
            """,  # noqa: S608 - PostingDay's own column names, never input
            [day, ids, *arrays],
        )
        return cursor.rowcount


def fold_days(*, today: date | None = None) -> dict[str, int]:
    """Fold yesterday (so its last minutes land) and today."""
    today = today or utc_today()
    return {day.isoformat(): stats_fold(day=day) for day in (today - timedelta(days=1), today)}

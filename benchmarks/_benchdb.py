"""The benchmarks' own database and cache: never the development or a production one.

Which database, in this order:

    BENCH_DATABASE_URL   that database (created if missing)
    DATABASE_URL         the same server, database `<name>_bench` (created if missing)
    neither              the embedded PostgreSQL in DATA_DIR (default .data), database
                         `jobboard_bench`

A database named like the development one (DATABASE_URL's, or the embedded `jobboard`)
is refused. The cache gets a Redis logical database of its own on the same server
(BENCH_REDIS_URL overrides), so benchmark counts never show on development pages and
the benchmark's cache-generation bumps never make the development cache cold.

`configure()` must run before `django.setup()`: it puts the chosen URLs into
os.environ (DATABASE_URL, REDIS_URL), where the settings and any child process (the
gunicorn of benchmarks/load.py) read them. `prepare()` then migrates the database and
seeds it with `seed_demo` when it holds too few postings. This module imports no
Django at import time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
SUFFIX = "_bench"
EMBEDDED_DEVELOPMENT_NAME = "jobboard"  # jobboard.embedded.DATABASE_NAME
EMBEDDED_BENCH_NAME = EMBEDDED_DEVELOPMENT_NAME + SUFFIX
SEED = 42
TOLERANCE = 0.05  # postings expire by themselves: reseed only when counts drift further


class BenchDatabaseError(RuntimeError):
    pass


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    name: str
    where: str  # for the output: which server, and why this database
    redis_url: str


# --------------------------------------------------------------------------- naming


def database_name(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def with_database(url: str, name: str) -> str:
    """`url` with its database name replaced (host, socket option and credentials kept)."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    # Rebuilt by hand: urlunsplit() drops the empty host of postgresql:///name?host=/dir.
    return f"{parts.scheme}://{parts.netloc}/{quote(name)}{query}"


def development_names(environ: Mapping[str, str]) -> set[str]:
    names = {EMBEDDED_DEVELOPMENT_NAME}
    if environ.get("DATABASE_URL"):
        names.add(database_name(environ["DATABASE_URL"]))
    return names


def bench_url(environ: Mapping[str, str]) -> str | None:
    """The bench database URL the environment names, or None for the embedded server's
    `jobboard_bench`. Never the development database's name."""
    bench, development = environ.get("BENCH_DATABASE_URL", ""), environ.get("DATABASE_URL", "")
    if bench:
        url = bench
    elif development:
        url = with_database(development, database_name(development) + SUFFIX)
    else:
        return None
    name = database_name(url)
    if not name:
        raise BenchDatabaseError(f"The bench database URL names no database: {url!r}")
    if name in development_names(environ):
        raise BenchDatabaseError(
            f"Refusing to benchmark on database {name!r}: it is the development database. "
            f"Point BENCH_DATABASE_URL at a database of its own (e.g. {name}{SUFFIX})."
        )
    return url


def ensure_database(url: str) -> bool:
    """Create the database of `url` on its server if it is missing; True if created."""
    import psycopg2
    from psycopg2 import sql

    name = database_name(url)
    last_error: Exception | None = None
    for maintenance in ("postgres", "template1"):
        try:
            conn = psycopg2.connect(url, dbname=maintenance)
        except psycopg2.OperationalError as exc:
            last_error = exc
            continue
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cur.fetchone() is not None:
                    return False
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                return True
        finally:
            conn.close()
    raise BenchDatabaseError(
        f"Cannot reach the server of {name!r} to create it: {last_error}"
    ) from last_error


# --------------------------------------------------------------------------- redis


def redis_db(url: str) -> int:
    parts = urlsplit(url)
    if parts.scheme in ("unix", "redis+socket"):
        raw = dict(parse_qsl(parts.query)).get("db", "0")
    else:
        raw = parts.path.strip("/") or "0"
    return int(raw) if raw.isdigit() else 0


def with_redis_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    if parts.scheme in ("unix", "redis+socket"):
        # Rebuilt by hand: urlunsplit() drops the empty host of unix:///path.
        base, _, query = url.partition("?")
        pairs = [(k, v) for k, v in parse_qsl(query) if k != "db"] + [("db", str(db))]
        return f"{base}?{urlencode(pairs)}"
    return parts._replace(path=f"/{db}").geturl()


def bench_redis(development_url: str) -> str:
    """The same Redis server, another logical database than the development one."""
    return with_redis_db(development_url, 2 if redis_db(development_url) == 1 else 1)


# --------------------------------------------------------------------------- setup

_configured: BenchDatabase | None = None


def configure() -> BenchDatabase:
    """Choose (and create) the bench database and cache; export them for Django.

    Idempotent within a process: the first call rewrites DATABASE_URL, so a second
    one must not derive `<name>_bench_bench` from it.
    """
    global _configured
    if _configured is not None:
        return _configured
    environ = os.environ
    data_dir = Path(environ.get("DATA_DIR") or BASE_DIR / ".data").resolve()
    url = bench_url(environ)
    if url is None:
        from jobboard import embedded

        url = embedded.ensure_postgres(data_dir, EMBEDDED_BENCH_NAME).url
        where = f"embedded PostgreSQL in {data_dir / 'postgres'}"
    else:
        ensure_database(url)
        origin = "BENCH_DATABASE_URL" if environ.get("BENCH_DATABASE_URL") else "DATABASE_URL"
        host = urlsplit(url).hostname or dict(parse_qsl(urlsplit(url).query)).get("host", "")
        where = f"server of {origin} ({host or 'local socket'})"
    redis_url = environ.get("BENCH_REDIS_URL", "")
    if not redis_url:
        development_redis = environ.get("REDIS_URL", "")
        if not development_redis:
            from jobboard import embedded

            development_redis = embedded.ensure_redis(data_dir).url
        redis_url = bench_redis(development_redis)
    environ["DATABASE_URL"] = url
    environ["REDIS_URL"] = redis_url
    environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    # Measure the production configuration: no debug cursors, no HTTPS redirect.
    environ["DEBUG"] = "false"
    environ.setdefault("HTTPS", "false")
    _configured = BenchDatabase(url=url, name=database_name(url), where=where, redis_url=redis_url)
    return _configured


def prepare(
    bench: BenchDatabase, *, live: int, dead: int, say: Callable[[str], None] = print
) -> tuple[int, int]:
    """Migrate the bench database; seed it when its counts are off. Returns (live, dead).

    Seeds with `seed_demo --reset` when fewer than `live` live postings (or clearly
    more: another size was seeded last), or fewer than `dead` closed and expired ones,
    are there (within TOLERANCE, since live postings expire by themselves). On a
    database named `*_bench` the reset may delete everything in it
    (--reset-everything): such a database is the benchmark's by construction, and
    may predate demo marking. Any other BENCH_DATABASE_URL gets the plain --reset,
    which refuses data that seed_demo did not create.
    """
    from django.core.management import call_command
    from django.db import connection

    from listings.models import Listing

    call_command("migrate", interactive=False, verbosity=0)
    have_live = Listing.objects.live().count()
    have_dead = Listing.objects.count() - have_live
    live_ok = abs(have_live - live) <= live * TOLERANCE
    if live_ok and have_dead >= dead * (1 - TOLERANCE):
        return have_live, have_dead
    say(
        f"seeding {bench.name}: {live:,} live + {dead:,} closed/expired postings "
        f"(it holds {have_live:,} live, {have_dead:,} others)..."
    )
    started = time.perf_counter()
    call_command(
        "seed_demo",
        listings=live,
        companies=max(50, live // 50),
        expired=dead // 2,
        closed=dead - dead // 2,
        seed=SEED,
        reset=True,
        reset_everything=bench.name.endswith(SUFFIX),
    )
    say(f"seeded in {time.perf_counter() - started:.1f} s; VACUUM ANALYZE...")
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("listings_listing", "listings_searchentry"):
            if table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
    have_live = Listing.objects.live().count()
    return have_live, Listing.objects.count() - have_live


def start(*, live: int, dead: int, say: Callable[[str], None]) -> tuple[BenchDatabase, int, int]:
    """Point Django at the bench database, set it up, and make sure it holds the data.

    Returns the database and its live and dead posting counts. Raises
    BenchDatabaseError when no bench database can be used.
    """
    bench = configure()  # before django.setup(): settings read DATABASE_URL
    import django

    django.setup()
    say(f"bench database: {bench.name} on the {bench.where}")
    found_live, found_dead = prepare(bench, live=live, dead=dead, say=say)
    return bench, found_live, found_dead


def say(text: str = "") -> None:
    """Print a line at once (benchmarks report while they run)."""
    print(text, flush=True)


def percentile(values: list[float], pct: float) -> float:
    """The interpolated percentile `pct` (0-100) of the values."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)

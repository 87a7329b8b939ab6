"""The benchmarks run end to end at tiny sizes, on a database of their own (the real runs
are not tests), and their search mix is what the issue asks for."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from urllib.parse import parse_qsl

import pytest
from django.db import connection
from django.http import QueryDict

from benchmarks import _benchdb
from benchmarks._mix import FILTER_NAMES, SORTS, query_mix
from listings.filters import ListingFilter
from listings.models import Company, Industry, Listing
from tests.conftest import BASE_DIR, child_env

SMALL = ["--live", "50", "--dead", "10"]


def psql(url: str, statement: str, params=()):
    import psycopg2

    conn = psycopg2.connect(url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


@pytest.fixture(scope="module")
def bench_url(django_db_setup, django_db_blocker):
    """A fresh database on the test session's server, dropped afterwards."""
    from jobboard.dburl import url_for

    with django_db_blocker.unblock():
        test_url = url_for(connection.settings_dict)
    name = connection.settings_dict["NAME"] + "_smoke" + _benchdb.SUFFIX
    url = _benchdb.with_database(test_url, name)
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    psql(test_url, drop)
    yield url
    psql(test_url, drop)


def run(script: str, *args: str, bench_url: str) -> str:
    result = subprocess.run(
        [sys.executable, f"benchmarks/{script}", *args],
        cwd=BASE_DIR,
        env=child_env(BENCH_DATABASE_URL=bench_url),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


# ---------------------------------------------------------------------------- the mix


@pytest.mark.django_db
def test_the_mix_is_200_distinct_searches_that_the_search_form_accepts():
    industries = list(Industry.objects.values_list("slug", flat=True))
    mix = query_mix(200, 42, industries)
    assert len({m.query for m in mix}) == len(mix) == 200
    allowed = {"q", "sort", "page", *FILTER_NAMES}
    for m in mix:
        assert {key for key, _ in parse_qsl(m.query)} <= allowed, m.query
        filterset = ListingFilter(QueryDict(m.query), queryset=Listing.objects.all())
        assert filterset.form.is_valid(), (m.query, filterset.form.errors)
        assert filterset.notices == [], (m.query, filterset.notices)
        assert filterset.query_text == m.q.strip()
        assert filterset.sort_order == m.sort, m.query
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT q FROM unnest(%s::text[]) q "
            "WHERE websearch_to_tsquery('english', q)::text = ''",
            [[m.q for m in mix if m.q]],
        )
        assert cursor.fetchall() == []  # every text has a searchable word
    assert set(Counter(m.sort for m in mix)) == set(SORTS)
    assert set(Counter(len(m.filters) for m in mix)) == {0, 1, 2, 3}
    assert {f for m in mix for f in m.filters} == set(FILTER_NAMES)
    assert any(not m.q for m in mix) and sum(1 for m in mix if m.q) > 150
    assert any('"' in m.q for m in mix)  # phrases
    assert any(m.page > 1 for m in mix)


def test_the_mix_is_the_same_for_the_same_seed_and_long_enough_for_the_load_run():
    first = query_mix(200, 42, ["insurance", "software-saas"])
    assert query_mix(200, 42, ["software-saas", "insurance"]) == first
    assert query_mix(200, 43, ["insurance", "software-saas"]) != first
    load = query_mix(2000, 7, ["insurance", "software-saas"])
    assert len({m.query for m in load}) == 2000
    assert not any(f == "industry" for m in query_mix(200, 1) for f in m.filters)


# ---------------------------------------------------------------------------- the database


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"DATABASE_URL": "postgresql://app:secret@db:5432/jobboard"},
        {"DATABASE_URL": "postgres://app@db/production"},
        {"DATABASE_URL": "postgresql://postgres:@/jobboard?host=/srv/data/postgres"},
        {"DATABASE_URL": "postgresql:///cx?host=/tmp", "BENCH_DATABASE_URL": ""},
    ],
)
def test_the_bench_database_is_never_the_development_one(environ):
    url = _benchdb.bench_url(environ)
    development = _benchdb.development_names(environ)
    if url is None:  # the embedded server's own bench database
        assert not environ.get("DATABASE_URL")
        assert _benchdb.EMBEDDED_BENCH_NAME not in development
        return
    assert _benchdb.database_name(url) not in development
    assert _benchdb.database_name(url).endswith("_bench")
    dev = environ["DATABASE_URL"]
    # same server, same credentials, same socket directory: only the name differs
    assert url == dev.replace(
        "/" + _benchdb.database_name(dev), "/" + _benchdb.database_name(dev) + "_bench", 1
    )


@pytest.mark.parametrize(
    "environ",
    [
        {"BENCH_DATABASE_URL": "postgresql://postgres:@/jobboard?host=/srv/data/postgres"},
        {
            "DATABASE_URL": "postgresql://app@db/cxboard",
            "BENCH_DATABASE_URL": "postgresql://app@other-host/cxboard",
        },
    ],
)
def test_a_bench_database_url_naming_the_development_database_is_refused(environ):
    with pytest.raises(_benchdb.BenchDatabaseError, match="it is the development database"):
        _benchdb.bench_url(environ)


def test_the_bench_cache_is_another_redis_database_on_the_same_server():
    assert _benchdb.bench_redis("unix:///d/redis/redis.sock") == "unix:///d/redis/redis.sock?db=1"
    assert _benchdb.bench_redis("unix:///d/redis.sock?db=1") == "unix:///d/redis.sock?db=2"
    assert _benchdb.bench_redis("redis://cache:6379/0") == "redis://cache:6379/1"
    assert _benchdb.bench_redis("redis://:pw@cache:6379") == "redis://:pw@cache:6379/1"


# ---------------------------------------------------------------------------- the scripts


@pytest.mark.django_db
def test_search_benchmark_migrates_seeds_and_prints_every_part_on_its_own_database(bench_url):
    name = _benchdb.database_name(bench_url)
    out = run("search.py", *SMALL, "--runs", "2", "--mix", "5", "--skip-naive", bench_url=bench_url)
    assert f"bench database: {name} on the server of BENCH_DATABASE_URL" in out
    assert str(BASE_DIR / ".data") not in out  # the test session's server, not .data/
    assert f"seeding {name}: 50 live + 10 closed/expired postings" in out
    assert "50 live postings, 10 closed or expired" in out
    for label in ["no parameters", "q common word", "q rare word", "q phrase", "page 50"]:
        assert f"\n{label} " in out
    assert "== mix: 5 distinct searches" in out and "5 slowest:" in out
    for label in ["home", "company, most live", "feed vp, remote", "sitemap index"]:
        assert f"\n{label} " in out
    assert "sitemap jobs, first" in out and "/sitemap-jobs.xml" in out
    assert "alert: N match today" in out
    assert "me/saved (50 saved)" in out
    assert "FAILED" not in out
    # everything went to the bench database; the database Django uses here holds nothing
    assert psql(bench_url, "SELECT count(*) FROM listings_listing") == [(60,)]
    assert psql(bench_url, "SELECT bool_and(is_demo) FROM listings_company") == [(True,)]
    assert not Listing.objects.exists() and not Company.objects.exists()

    # Reused, not reseeded, the next time; the candidate's saved postings are not doubled.
    again = run("search.py", *SMALL, "--runs", "1", "--only", "pages", bench_url=bench_url)
    assert "seeding" not in again and "== kinds" not in again and "== mix" not in again
    assert "me/saved (50 saved)" in again


@pytest.mark.django_db
def test_counting_benchmark_times_bots_browsers_and_a_redis_outage(bench_url):
    out = run("counting.py", *SMALL, "--runs", "3", bench_url=bench_url)
    for page in ("== posting page", "== /jobs/?q=customer"):
        assert page in out
    assert out.count("  bot ") == out.count("  browser ") == out.count("  redis down ") == 2
    # the browser's views were really counted (3 timed + 5 warm-up), the bots' not
    assert "views counted in Redis: 8" in out
    # the breaker: one request of eight met the dead Redis, the others skipped it
    assert out.count("with Redis down 1 of 8 requests tried it") == 2


@pytest.mark.django_db
def test_load_benchmark_serves_the_mix_through_gunicorn_without_errors(bench_url):
    out = run(
        "load.py",
        *SMALL,
        *("--seconds", "2", "--clients", "2", "--workers", "1", "--mix", "40"),
        bench_url=bench_url,
    )
    port = re.search(r"gunicorn: 1 sync workers on 127\.0\.0\.1:(\d+);", out).group(1)
    lines = dict(line.split(None, 1) for line in out.splitlines() if line.startswith("errors"))
    assert lines == {"errors": "0"}, out
    assert "requests/s" in out and "latency p95 (ms)" in out
    result = subprocess.run(["pgrep", "-f", f"gunicorn.*127.0.0.1:{port}"], capture_output=True)
    assert result.stdout == b"", "gunicorn was left running"

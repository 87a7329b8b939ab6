"""benchmarks/load_reliability.py runs end to end at a tiny size on a fresh database of its
own: the production shape starts, the digest runs, the worker is killed and replaced, the
checks pass, and nothing is left behind (processes, rows, its Redis)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.benchmarks.test_benchmarks_smoke import SMALL, psql, run
from tests.benchmarks.test_benchmarks_smoke import bench_url as bench_url  # the fixture

TINY = [
    *("--seconds", "6", "--clients", "3", "--workers", "1", "--mix", "40", "--kill-at", "0.1"),
    *("--alerts", "30", "--new-postings", "10", "--drain-timeout", "60"),
    *("--lease", "5", "--sweep-every", "1", "--grace", "3"),
]


def running(pattern: str) -> bytes:
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True).stdout


@pytest.mark.worker
@pytest.mark.django_db
def test_reliability_run_kills_a_worker_and_loses_or_doubles_no_email(bench_url):
    out = run("load_reliability.py", *SMALL, *TINY, bench_url=bench_url)

    assert "seeding" in out  # a fresh database: migrated and seeded by the command
    assert "FAILED" not in out
    for check in [
        "no answer ≥ 500: 0",
        "no other error: 0",
        "the worker was SIGKILLed once, and replaced",
        "no email lost (every row received)",
        "no email doubled, but for rows the killed worker held",
        "each subscriber got exactly one confirmation",
        "each digest alert with new postings got exactly one digest",
        "the digest found what the search form finds",
    ]:
        assert f"ok      {check}" in out, out
    assert re.search(r"requests/s \d", out) and "p95 ms" in out
    subscriptions = int(re.search(r"subscriptions: (\d+)", out).group(1))
    assert subscriptions > 0, out

    # Everything it started is gone: gunicorn, both workers, beat and its own Redis.
    port = re.search(r"gunicorn: 1 sync workers on 127\.0\.0\.1:(\d+);", out).group(1)
    node = re.search(r"Celery worker load-1-(\d+)@", out).group(1)
    workdir = re.search(r"Redis and beat's schedule in (\S+);", out).group(1)
    assert running(f"gunicorn.*127.0.0.1:{port}") == b""
    assert running(f"load-[12]-{node}@") == b""
    assert running(workdir) == b""
    assert not Path(workdir).exists()
    # …and so is every row it added to the bench database.
    domain = "%@load-reliability.example"
    for statement, param in [
        ("SELECT count(*) FROM alerts_subscription WHERE email LIKE %s", domain),
        (
            "SELECT count(*) FROM outbox_email"
            ' WHERE EXISTS (SELECT 1 FROM unnest("to") a WHERE a LIKE %s)',
            domain,
        ),
        ("SELECT count(*) FROM listings_listing WHERE slug LIKE %s", "load-reliability-%"),
    ]:
        assert psql(bench_url, statement, [param]) == [(0,)], statement

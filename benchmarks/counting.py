"""Posting figures benchmark: what counting costs a page, at 100,000 live postings.

    .venv/bin/python benchmarks/counting.py [--runs 200] [--live 100000] [--dead 100000]

Same bench database as benchmarks/search.py (benchmarks/_benchdb.py: migrated, and
seeded on first use). Every request goes through Django's test client and is timed on
the server side, for a posting page and a /jobs/ search (20 results), three ways:

bot            a crawler's user agent: nothing is counted (the baseline)
browser        a desktop browser's: a view and its visitor, or 20 impressions, go to
               Redis (one pipelined round trip)
redis down     a browser, with the counting client pointed at a socket nobody listens
               on: the first request fails fast and opens the breaker, the rest skip

Prints p50 / p95 / max per case in ms, the median cost of counting (browser minus
bot), and how many requests found Redis unreachable. Nothing is written to PostgreSQL
by any of these requests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks import _benchdb  # noqa: E402
from benchmarks._benchdb import percentile, say  # noqa: E402

BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
WARMUP = 5


def timed(client, url: str, agent: str, address: str) -> float:
    started = time.perf_counter()
    response = client.get(url, HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return elapsed


def run_case(client, url: str, agent: str, runs: int) -> list[float]:
    for n in range(WARMUP):
        timed(client, url, agent, f"198.51.100.{n}")
    # a new address each time: a new visitor, so the HyperLogLog really grows
    return [
        timed(client, url, agent, f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")
        for n in range(runs)
    ]


def run_redis_down(client, url: str, runs: int) -> tuple[list[float], int]:
    """The browser case with the counting client pointed at a socket nobody listens on;
    also how many requests tried Redis (the breaker lets one through, then skips)."""
    from django.conf import settings

    from listings import stats

    failures = []
    original = stats.breaker.failed

    def failed(exc: BaseException) -> None:
        failures.append(exc)
        original(exc)

    with tempfile.TemporaryDirectory() as nowhere:
        redis_url = settings.REDIS_URL
        stats._client.cache_clear()
        stats.breaker.reset()
        stats.breaker.failed = failed
        settings.REDIS_URL = f"unix://{nowhere}/none.sock"
        try:
            times = run_case(client, url, BROWSER, runs)
        finally:
            settings.REDIS_URL = redis_url
            stats.breaker.failed = original
            stats._client.cache_clear()
            stats.breaker.reset()
    return times, len(failures)


def counted(posting) -> int:
    """The posting's views so far today, as Redis holds them."""
    from listings import stats

    return stats.redis_figures(stats.utc_today())["views"].get(posting.pk, 0)


def line(label: str, times: list[float]) -> str:
    return (
        f"  {label:<14} p50 {percentile(times, 50):6.1f}   p95 {percentile(times, 95):6.1f}"
        f"   max {max(times):6.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed requests per case")
    parser.add_argument("--live", type=int, default=100_000, help="live postings wanted")
    parser.add_argument("--dead", type=int, default=100_000, help="closed + expired wanted")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        _bench, live, dead = _benchdb.start(live=args.live, dead=args.dead, say=say)
    except _benchdb.BenchDatabaseError as exc:
        say(f"error: {exc}")
        return 2
    from django.test import Client

    from listings.models import Listing

    client = Client(HTTP_HOST="localhost")
    posting = Listing.objects.live().order_by("-date_posted").first()
    pages = [
        ("posting page", posting.get_absolute_url()),
        ("/jobs/?q=customer", "/jobs/?q=customer"),
    ]
    say(f"{live:,} live postings, {dead:,} closed or expired; {args.runs} requests a case; ms")
    for label, url in pages:
        say(f"\n== {label}")
        bot = run_case(client, url, BOT, args.runs)
        say(line("bot", bot))
        before = counted(posting)
        browser = run_case(client, url, BROWSER, args.runs)
        say(line("browser", browser))
        if url == posting.get_absolute_url():
            say(f"  views counted in Redis: {counted(posting) - before}")
        down, failures = run_redis_down(client, url, args.runs)
        say(line("redis down", down))
        say(
            f"  counting costs p50 {percentile(browser, 50) - percentile(bot, 50):+.1f} ms;"
            f" with Redis down {failures} of {args.runs + WARMUP} requests tried it"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

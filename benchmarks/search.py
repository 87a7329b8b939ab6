"""Search benchmark: server-side time of /jobs/ at 100,000 live postings.

    .venv/bin/python benchmarks/search.py [--runs 40] [--live 100000] [--dead 100000]

Uses the development database (embedded PostgreSQL in .data/ unless DATABASE_URL
is set). Seeds with `seed_demo` when fewer live postings exist than asked for:
LIVE live postings plus DEAD closed or expired ones. Then times each query kind
through Django's test client (URL routing, FilterSet, facets, SQL, template) and
prints p50/p95 in milliseconds and the SQL query count, beside a naive baseline
on the same data in the same process: `icontains` over title and description
with no index, as many boards do, timed on its SQL alone (count + first page),
which flatters the baseline.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
os.environ.setdefault("HTTPS", "false")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from listings.models import Listing  # noqa: E402
from listings.search import bump_generation  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ensure_data(live: int, dead: int) -> None:
    have_live = Listing.objects.live().count()
    have_all = Listing.objects.count()
    if have_live >= live and have_all - have_live >= dead:
        return
    print(f"seeding: {live:,} live + {dead:,} closed/expired postings (once)...", flush=True)
    started = time.perf_counter()
    call_command(
        "seed_demo",
        listings=live,
        companies=max(50, live // 50),
        expired=dead // 2,
        closed=dead - dead // 2,
        seed=42,
        reset=True,
    )
    print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE listings_listing")


def rare_word() -> str:
    """A real word that occurs in only a few dozen live postings."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT word FROM ts_stat($$SELECT search_vector FROM listings_listing
                                       WHERE id % 20 = 0$$)
            WHERE ndoc BETWEEN 2 AND 5 AND length(word) > 5 AND word ~ '^[a-z]+$'
            ORDER BY word LIMIT 1
            """
        )
        row = cursor.fetchone()
    return row[0] if row else "escalation"


def time_view(client: Client, query: str, runs: int, *, cold: bool) -> tuple[list[float], int, int]:
    """Time /jobs/?query. cold: counts and facets recomputed (cache generation bumped)."""
    url = "/jobs/" + (f"?{query}" if query else "")
    for _ in range(3):
        client.get(url)
    timings = []
    for _ in range(runs):
        if cold:
            bump_generation()
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    if cold:
        bump_generation()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return timings, len(ctx.captured_queries), response.context["results"].total


def naive_queryset(words: list[str], page: int = 1):
    qs = Listing.objects.live()
    for word in words:
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return qs


def time_naive(words: list[str], runs: int) -> tuple[list[float], int, int]:
    def once() -> int:
        qs = naive_queryset(words)
        total = qs.count()
        list(qs.select_related("company").order_by("-date_posted", "-id")[:20])
        return total

    for _ in range(2):
        once()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        total = once()
        timings.append((time.perf_counter() - start) * 1000)
    return timings, 2, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--live", type=int, default=100_000)
    parser.add_argument("--dead", type=int, default=100_000)
    args = parser.parse_args()

    ensure_data(args.live, args.dead)
    setup_test_environment()  # exposes response.context (result counts) to the client
    live = Listing.objects.live().count()
    total = Listing.objects.count()
    rare = rare_word()
    kinds = [
        ("no parameters", "", None),
        ("q common word", "q=customer", ["customer"]),
        ("q rare word", f"q={rare}", [rare]),
        ("q phrase", "q=%22customer+experience%22", ["customer experience"]),
        ("q common, newest", "q=customer&sort=newest", ["customer"]),
        ("q rare, newest", f"q={rare}&sort=newest", [rare]),
        ("q + 3 filters", "q=support&level=vp&workplace=remote&kpi=nps", None),
        ("filters only", "level=director&kpi=csat&salary_min=150000&workplace=hybrid", None),
        ("page 50", "page=50", None),
    ]
    client = Client(HTTP_HOST="localhost")
    print(f"\n{live:,} live postings, {total - live:,} closed or expired; rare word: {rare!r}")
    print(f"{args.runs} timed runs per kind, after 3 warm-up runs\n")
    header = f"{'query kind':<20} {'cold p50':>8} {'cold p95':>8} {'warm p50':>8} {'warm p95':>8}"
    header += f" {'queries':>7} {'results':>8} | {'naive p50':>9} {'naive p95':>9} {'ratio':>7}"
    print(header)
    print("-" * len(header))
    for label, query, naive_words in kinds:
        cold, queries, results = time_view(client, query, args.runs, cold=True)
        warm, _, _ = time_view(client, query, args.runs, cold=False)
        c50, c95 = percentile(cold, 50), percentile(cold, 95)
        w50, w95 = percentile(warm, 50), percentile(warm, 95)
        line = f"{label:<20} {c50:>8.1f} {c95:>8.1f} {w50:>8.1f} {w95:>8.1f}"
        line += f" {queries:>7} {results:>8,}"
        if naive_words:
            naive, _, _naive_results = time_naive(naive_words, max(5, args.runs // 4))
            n50, n95 = percentile(naive, 50), percentile(naive, 95)
            line += f" | {n50:>9.1f} {n95:>9.1f} {n50 / c50:>6.1f}×"
        print(line, flush=True)
    print("\nnaive = icontains on title and description (no index), count + first page, SQL only.")


if __name__ == "__main__":
    main()

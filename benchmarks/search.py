"""Search benchmark: server time of /jobs/ and the busiest pages, at 100,000 live postings.

    .venv/bin/python benchmarks/search.py [--runs 20] [--live 100000] [--dead 100000]
                                          [--mix 200] [--mix-seed 42] [--skip-naive]
                                          [--only kinds,mix,pages]

Runs on a database of its own, never the development one (benchmarks/_benchdb.py):
BENCH_DATABASE_URL, else `<name>_bench` beside DATABASE_URL, else `jobboard_bench` on
the embedded PostgreSQL in DATA_DIR. On first use it migrates that database and seeds
it with `seed_demo` (LIVE live postings plus DEAD closed or expired ones, seed 42),
then reuses it.

Every request goes through Django's test client (URL routing, FilterSet, SQL,
template) and is timed cold: the search cache generation is bumped before each
one, so counts and facets are recomputed.

kinds  fixed query kinds, --runs times each after 3 warm-up requests: p50/p95/max,
       SQL statements, results; beside a naive baseline (`icontains` on title and
       description, no index, SQL only: count + first page) and the ratio.
mix    --mix distinct searches from benchmarks/_mix.py, each timed once, first seen:
       p50/p95/max, broken down by sort, filters and text, and the 5 slowest.
pages  home, the company pages of the biggest company and of one with about 500
       live postings, a feed, the sitemap index and its first jobs section, the
       alert page's "N match today", a candidate's 50 saved postings.
salaries  /salaries/ slices (all, VP·CX·remote·Germany, in EUR, the last 12 months) and
       a posting page with its "against the median" line; the numbers are recomputed
       on every request; "charts cold" also clears the memoised chart SVGs first.
"""

from __future__ import annotations

import argparse
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks import _benchdb, _mix  # noqa: E402
from benchmarks._benchdb import percentile, say  # noqa: E402

PARTS = ("kinds", "mix", "pages", "salaries")
WARMUP = 3
CANDIDATE = "bench-candidate"
SAVED_POSTINGS = 50
COMPANY_TARGET = 500  # live postings of the "large company" page the issue asks for


class BenchError(RuntimeError):
    pass


def spread(values: list[float]) -> str:
    """p50, p95 and max, aligned."""
    if not values:
        return f"{'-':>8} {'-':>8} {'-':>8}"
    return f"{percentile(values, 50):>8.1f} {percentile(values, 95):>8.1f} {max(values):>8.1f}"


# --------------------------------------------------------------------------- timing


@dataclass
class Timing:
    ms: list[float]
    queries: int
    results: int | None


def results_of(response) -> int | None:
    """The count the page shows: a search's total, or the alert page's "N match today"
    (None on other pages)."""
    context = response.context
    if context is None:
        return None
    try:
        return context["results"].total
    except (KeyError, AttributeError):
        pass
    try:
        return int(context["live_count"])
    except (KeyError, TypeError, ValueError):
        return None


def get_cold(client, url: str):
    """One request (nothing in search is cached, so each is cold); (ms, response)."""
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}")
    return elapsed, response


def time_url(client, url: str, runs: int) -> Timing:
    """`runs` cold requests after WARMUP plain ones, then one more to count SQL statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        client.get(url)
    timings = [get_cold(client, url)[0] for _ in range(runs)]
    with CaptureQueriesContext(connection) as ctx:
        _, response = get_cold(client, url)
    return Timing(timings, len(ctx.captured_queries), results_of(response))


def naive_once(words: list[str]) -> int:
    from django.db.models import Q

    from listings.models import Listing

    qs = Listing.objects.live()
    for word in words:
        qs = qs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    total = qs.count()
    list(qs.select_related("company").order_by("-date_posted", "-id")[:20])
    return total


def time_naive(words: list[str], runs: int) -> list[float]:
    for _ in range(2):
        naive_once(words)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        naive_once(words)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def rare_word() -> str:
    """A real word that occurs in only a few dozen postings (a 5 % sample's 2 to 5)."""
    from django.db import connection

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


# --------------------------------------------------------------------------- kinds


def kinds(rare: str) -> list[tuple[str, str, list[str] | None]]:
    """(label, query string, words of the naive baseline or None)."""
    return [
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


def run_kinds(client, runs: int, *, naive: bool) -> None:
    rare = rare_word()
    say(f"\n== kinds: /jobs/, {runs} cold runs each after {WARMUP} warm-up requests")
    say(f"   rare word: {rare!r}")
    header = f"{'query kind':<20} {'p50':>8} {'p95':>8} {'max':>8} {'queries':>7} {'results':>8}"
    if naive:
        header += f" | {'naive p50':>9} {'naive p95':>9} {'ratio':>7}"
    say(header)
    say("-" * len(header))
    for label, query, naive_words in kinds(rare):
        url = "/jobs/" + (f"?{query}" if query else "")
        timing = time_url(client, url, runs)
        line = f"{label:<20} {spread(timing.ms)} {timing.queries:>7} {timing.results or 0:>8,}"
        if naive and naive_words:
            base = time_naive(naive_words, max(5, runs // 4))
            n50 = percentile(base, 50)
            ratio = n50 / percentile(timing.ms, 50)
            line += f" | {n50:>9.1f} {percentile(base, 95):>9.1f} {ratio:>6.1f}×"
        say(line)
    if naive:
        say("naive = icontains on title and description (no index), count + first page, SQL only")
        say("ratio = naive p50 / p50")


# --------------------------------------------------------------------------- mix


@dataclass
class MixResult:
    query: _mix.MixQuery
    ms: float
    results: int | None


def run_mix(client, mix: list[_mix.MixQuery]) -> tuple[list[MixResult], list[str]]:
    """Each search once, first seen, cold (after a few requests that warm the process).
    Returns the timings and the failures (answers other than 200)."""
    for _ in range(WARMUP):
        client.get("/jobs/")
    out, errors = [], []
    for query in mix:
        try:
            ms, response = get_cold(client, query.url)
        except BenchError as exc:
            errors.append(str(exc))
            continue
        out.append(MixResult(query, ms, results_of(response)))
    return out, errors


def report_mix(results: list[MixResult], seed: int) -> None:
    say(f"\n== mix: {len(results)} distinct searches (benchmarks/_mix.py, seed {seed}), each once")
    header = f"{'searches':<28} {'n':>5} {'p50':>8} {'p95':>8} {'max':>8} {'0 results':>9}"
    say(header)
    say("-" * len(header))

    def row(label: str, rows: Iterable[MixResult]) -> None:
        rows = list(rows)
        if rows:
            empty = sum(1 for r in rows if r.results == 0)
            say(f"{label:<28} {len(rows):>5} {spread([r.ms for r in rows])} {empty:>9}")

    row("all", results)
    for sort in _mix.SORTS:
        row(f"  sort={sort}", (r for r in results if r.query.sort == sort))
    for count in range(4):
        row(f"  {count} filters", (r for r in results if len(r.query.filters) == count))
    row("  with text (q)", (r for r in results if r.query.q))
    row("  filters only (no q)", (r for r in results if not r.query.q))
    row("  page 2-5", (r for r in results if r.query.page > 1))
    say("\n5 slowest:")
    for r in sorted(results, key=lambda r: r.ms, reverse=True)[:5]:
        say(f"  {r.ms:>8.1f} ms {r.results or 0:>8,} results  {r.query.url}")


# --------------------------------------------------------------------------- pages


def companies_to_time() -> list[tuple[str, str, int]]:
    """(label, slug, live postings): the biggest company, and the one nearest 500."""
    from django.db.models import Count

    from listings.models import Listing

    counts = list(
        Listing.objects.live()
        .values_list("company__slug")
        .annotate(n=Count("id"))
        .order_by("-n", "company__slug")
    )
    if not counts:
        return []
    biggest = counts[0]
    chosen = [("company, most live", biggest[0], biggest[1])]
    near = min(counts, key=lambda c: (abs(c[1] - COMPANY_TARGET), c[0]))
    if near[0] != biggest[0]:
        chosen.append((f"company, ~{COMPANY_TARGET} live", near[0], near[1]))
    return chosen


def first_jobs_section(client) -> str | None:
    """The path of the first jobs section named by the sitemap index."""
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    for loc in root.iterfind("s:sitemap/s:loc", ns):
        parts = urlsplit(loc.text or "")
        if parts.path.endswith("/sitemap-jobs.xml"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return None


def ensure_candidate(n: int):
    """A signed-up candidate (verified email, profile) who saved `n` live postings.

    Idempotent: the same user every run; the saved set is redone when postings it
    held expired or a reseed removed them.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from candidates.models import Profile, SavedPosting
    from listings.models import Listing

    user, _ = get_user_model().objects.get_or_create(
        username=CANDIDATE, defaults={"email": f"{CANDIDATE}@example.com"}
    )
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    Profile.objects.get_or_create(
        user=user,
        defaults={
            "full_name": "Bench Candidate",
            "headline": "VP Customer Experience, B2B SaaS",
            "current_level": "senior_director",
            "leadership_years": 12,
            "desired_levels": ["senior_director", "vp"],
            "desired_salary_min": 170_000,
            "countries": ["US"],
            "workplaces": ["hybrid", "remote"],
        },
    )
    wanted = set(Listing.objects.live().order_by("id").values_list("id", flat=True)[:n])
    saved = set(SavedPosting.objects.filter(user=user).values_list("listing_id", flat=True))
    if saved != wanted:
        SavedPosting.objects.filter(user=user).delete()
        SavedPosting.objects.bulk_create(SavedPosting(user=user, listing_id=i) for i in wanted)
    return user, len(wanted)


def run_pages(client, runs: int) -> None:
    from django.test import Client

    say(f"\n== pages: {runs} cold runs each after {WARMUP} warm-up requests")
    pages: list[tuple[str, str, Callable | None]] = [("home", "/", None)]
    notes = []
    companies = companies_to_time()
    for label, slug, live in companies:
        pages.append((f"{label} ({live:,})", f"/companies/{slug}/", None))
    if companies and companies[0][2] < COMPANY_TARGET:
        notes.append(
            f"the biggest company has only {companies[0][2]:,} live postings "
            f"(fewer than {COMPANY_TARGET}): seed more (--live) for the issue's case"
        )
    pages.append(("feed vp, remote", "/jobs/feed/?level=vp&workplace=remote", None))
    pages.append(("sitemap index", "/sitemap.xml", None))
    section = first_jobs_section(client)
    if section:
        pages.append(("sitemap jobs, first", section, None))
    else:
        notes.append("the sitemap index names no jobs section (no live postings?)")
    pages.append(("alert: N match today", "/alerts/new/?q=customer&level=director", None))
    user, saved = ensure_candidate(SAVED_POSTINGS)
    candidate_client = Client(HTTP_HOST="localhost")
    candidate_client.force_login(user)
    pages.append((f"me/saved ({saved} saved)", "/me/saved/", candidate_client))

    header = f"{'page':<28} {'p50':>8} {'p95':>8} {'max':>8} {'queries':>7} {'results':>8}  url"
    say(header)
    say("-" * len(header))
    for label, url, own_client in pages:
        timing = time_url(own_client or client, url, runs)
        results = "" if timing.results is None else f"{timing.results:,}"
        say(f"{label:<28} {spread(timing.ms)} {timing.queries:>7} {results:>8}  {url}")
    for note in notes:
        say(f"note: {note}")


SALARY_PAGES = [
    ("salaries: all live", "/salaries/"),
    (
        "salaries: VP CX remote DE",
        "/salaries/?level=vp&function=customer_experience&workplace=remote&country=DE",
    ),
    ("salaries: in EUR", "/salaries/?salary_currency=EUR"),
    ("salaries: 12 months", "/salaries/?period=12m"),
    ("salaries: 12m director US", "/salaries/?period=12m&level=director&country=US"),
]


def _forget_charts() -> None:
    """Drop the chart drawings: this process's memo and the shared cache (the bench's own
    Redis database, so clearing it touches nothing else)."""
    from django.core.cache import cache

    from listings import charts

    charts.clear_render_cache()
    cache.clear()


def run_salaries(client, runs: int) -> None:
    from listings.models import Listing

    say(f"\n== salaries: {runs} runs each after {WARMUP} warm-up requests")
    header = f"{'page':<30} {'p50':>8} {'p95':>8} {'max':>8} {'queries':>7}  url"
    say(header)
    say("-" * len(header))
    posting = Listing.objects.live().filter(salary_max__isnull=False).order_by("-id").first()
    pages = list(SALARY_PAGES)
    if posting is not None:
        pages.append(("posting page (its median)", posting.get_absolute_url()))
    for label, url in pages:
        timing = time_url(client, url, runs)
        say(f"{label:<30} {spread(timing.ms)} {timing.queries:>7}  {url}")
    for label, url in SALARY_PAGES[:1] + SALARY_PAGES[3:4]:
        for _ in range(WARMUP):
            client.get(url)
        cold = []
        for _ in range(runs):
            _forget_charts()
            cold.append(get_cold(client, url)[0])
        say(f"{label + ', charts cold':<30} {spread(cold)} {'':>7}  {url}")


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        epilog="The bench database: BENCH_DATABASE_URL, else <DATABASE_URL's name>_bench, "
        "else jobboard_bench on the embedded PostgreSQL in DATA_DIR (see README, Benchmarks).",
    )
    parser.add_argument("--runs", type=int, default=20, help="timed runs per kind and page")
    parser.add_argument("--live", type=int, default=100_000, help="live postings wanted")
    parser.add_argument(
        "--dead", type=int, default=100_000, help="closed + expired postings wanted (half each)"
    )
    parser.add_argument("--mix", type=int, default=200, help="distinct searches in the mix")
    parser.add_argument("--mix-seed", type=int, default=42, help="seed of the mix")
    parser.add_argument("--skip-naive", action="store_true", help="no icontains baseline")
    parser.add_argument(
        "--only",
        action="append",
        metavar="PART",
        help="run only these parts: kinds, mix, pages, salaries (repeat or comma-separate)",
    )
    args = parser.parse_args(argv)
    parts = [p.strip() for chunk in args.only or [",".join(PARTS)] for p in chunk.split(",")]
    unknown = sorted(set(filter(None, parts)) - set(PARTS))
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(unknown)}; choose from {PARTS}")
    args.parts = [p for p in PARTS if p in parts]
    for name in ("runs", "mix"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.live < 1 or args.dead < 0:
        parser.error("--live must be at least 1 and --dead zero or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        _bench, live, dead = _benchdb.start(live=args.live, dead=args.dead, say=say)
    except _benchdb.BenchDatabaseError as exc:
        say(f"error: {exc}")
        return 2
    from django.test import Client
    from django.test.utils import setup_test_environment

    from listings.models import Industry

    setup_test_environment()  # exposes response.context (result counts) to the client
    client = Client(HTTP_HOST="localhost")
    say(f"{live:,} live postings, {dead:,} closed or expired; times in ms, server side")
    try:
        if "kinds" in args.parts:
            run_kinds(client, args.runs, naive=not args.skip_naive)
        if "mix" in args.parts:
            industries = list(Industry.objects.values_list("slug", flat=True))
            mix = _mix.query_mix(args.mix, args.mix_seed, industries)
            results, errors = run_mix(client, mix)
            report_mix(results, args.mix_seed)
            if errors:
                raise BenchError(f"{len(errors)} of the mix failed, first: {errors[:3]}")
        if "pages" in args.parts:
            run_pages(client, args.runs)
        if "salaries" in args.parts:
            run_salaries(client, args.runs)
    except BenchError as exc:
        say(f"\nFAILED: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Alerts benchmark: reverse matching, a daily digest and sending, at 100,000 alerts.

    .venv/bin/python benchmarks/alerts.py [--subscriptions 100000] [--digest-postings 1000]
                                          [--emails 10000] [--baseline-sample 400]
                                          [--concurrency 2] [--smoke]

Uses the benchmarks' own database, never the development one (benchmarks/_benchdb.py:
BENCH_DATABASE_URL, else `<name>_bench` beside DATABASE_URL, else `jobboard_bench` on
the embedded PostgreSQL in DATA_DIR), migrated if needed. Seeds what is missing:
postings with `seed_demo` when there are too few live ones, alerts with
`seed_subscriptions`.

(a) Matching one new posting against every active alert: the reverse-matching SQL
    (alerts.matching), timed over several postings, beside the baseline that runs
    each alert's saved search (ListingFilter) against the posting, one query per
    alert, timed on a random sample and extrapolated to all alerts.
(b) A daily digest over 1,000 postings that went live since the last one, for all
    alerts, until the outbox holds every due row (alerts.services.digests_collect).
(c) Sending 10,000 alert emails through one real Celery worker (prefork, on the real
    Redis broker) to an aiosmtpd sink in this process, as in production: compose tasks
    write each alert's email to the outbox (outbox.Email), the send tasks they enqueue
    claim and send them. Emails per second, and the worker's peak RSS (main process
    plus pool children), sampled every 100 ms.

What the benchmark changes it puts back: the copied postings, delivery rows and the
outbox emails composed for them are deleted, the alerts' frequencies and watermarks
restored.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks import _benchdb  # noqa: E402
from benchmarks._alerts_worker import QUEUE  # noqa: E402
from benchmarks._benchdb import percentile, say  # noqa: E402

BENCH = _benchdb.configure()  # before django.setup(): settings read DATABASE_URL

import django  # noqa: E402

django.setup()

import psutil  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from alerts import matching, services  # noqa: E402
from alerts.criteria import alert_filterset, querydict  # noqa: E402
from alerts.management.commands.seed_subscriptions import SEED_DOMAIN  # noqa: E402
from alerts.models import Delivery, Frequency, Subscription  # noqa: E402
from listings.models import Listing  # noqa: E402
from outbox.kinds import Kind as EmailKind  # noqa: E402
from outbox.models import Email  # noqa: E402

# QUEUE: the benchmark worker listens there only (no stray tasks), and every task the
# benchmark or its worker enqueues goes there (benchmarks/_alerts_worker.py)
BENCH_PREFIX = "alerts-bench-"


# --------------------------------------------------------------------------- data


def ensure_postings(minimum: int) -> None:
    live = Listing.objects.live().count()
    if live >= minimum:
        return
    say(f"seeding postings: only {live:,} live, {minimum:,} needed (seed_demo)...")
    call_command("seed_demo", listings=minimum, companies=max(10, minimum // 50), seed=42)


def seeded() -> Subscription.objects:
    return Subscription.objects.filter(email__endswith="@" + SEED_DOMAIN)


def ensure_subscriptions(count: int) -> None:
    """`count` seeded alerts, kept paused between runs so that a development `make run`
    (beat, sweeper) never mails them; the benchmark switches them on while it runs."""
    if seeded().count() != count:
        say(f"seeding {count:,} alert subscriptions (seed_subscriptions)...")
        call_command("seed_subscriptions", count=count, seed=42, reset=True, paused=True)
    seeded().update(status="active")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE alerts_subscription")
        cursor.execute("VACUUM ANALYZE alerts_delivery")


def settle() -> None:
    """Start a timed part from a settled database: outbox vacuumed, dirty pages written.

    Otherwise a part pays for the previous one's writes (autovacuum of the rows it
    deleted, the checkpoint after millions of inserts) and the figures mix up.
    """
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE alerts_delivery")
        cursor.execute("VACUUM ANALYZE alerts_subscription")
        cursor.execute("VACUUM ANALYZE outbox_email")
        try:
            cursor.execute("CHECKPOINT")  # needs a superuser (the embedded server is one)
        except Exception as exc:
            say(f"(no CHECKPOINT: {exc})")


def clear_outbox() -> None:
    """Delete the seeded alerts' delivery rows, then the outbox emails composed for them
    (a delivery row protects its email, so the rows go first)."""
    Delivery.objects.filter(subscription__email__endswith="@" + SEED_DOMAIN).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            'DELETE FROM outbox_email WHERE kind = %s AND right("to"[1], %s) = %s',
            [EmailKind.ALERT, len(SEED_DOMAIN) + 1, "@" + SEED_DOMAIN],
        )


# --------------------------------------------------------------------------- (a)


def bench_matching(runs: int, sample: int, rng: random.Random) -> dict:
    now = timezone.now()
    active = Subscription.objects.active().count()
    postings = list(Listing.objects.live().values_list("id", flat=True).order_by("?")[:runs])
    # warm-up: the first statement pays for reading the table into the cache
    matching.matching_subscription_ids(postings[0], now=now)
    timings, matches = [], []
    for listing_id in postings:
        started = time.perf_counter()
        found = matching.matching_subscription_ids(listing_id, now=now)
        timings.append((time.perf_counter() - started) * 1000)
        matches.append(len(found))

    # baseline: every alert's saved search, run against the posting, one by one
    listing_id = postings[0]
    one = Listing.objects.live().filter(pk=listing_id)
    ids = list(Subscription.objects.active().values_list("id", flat=True))
    picked = Subscription.objects.filter(id__in=rng.sample(ids, min(sample, len(ids))))
    reverse = set(matching.matching_subscription_ids(listing_id, now=now))
    agree = 0
    started = time.perf_counter()
    for subscription in picked:
        filterset = alert_filterset(querydict(subscription.criteria), queryset=one)
        hit = filterset.qs.exists()
        agree += hit == (subscription.pk in reverse)
    per_alert_ms = (time.perf_counter() - started) * 1000 / len(picked)
    return {
        "alerts": active,
        "p50_ms": statistics.median(timings),
        "p95_ms": percentile(timings, 95),
        "max_ms": max(timings),
        "matches_median": int(statistics.median(matches)),
        "baseline_per_alert_ms": per_alert_ms,
        "baseline_ms": per_alert_ms * active,
        "baseline_sample": len(picked),
        "agree": agree,
        "runs": len(timings),
    }


# --------------------------------------------------------------------------- (b)


def copy_postings(count: int, since, until) -> list[int]:
    """`count` new live postings (copies of random live ones) posted between since and until."""
    sources = list(Listing.objects.live().order_by("?")[:count])
    step = (until - since) / max(1, count)
    stamp = int(time.time())
    for n, source in enumerate(sources):
        source.pk = source.id = None
        source.slug = f"{BENCH_PREFIX}{stamp}-{n}"
        source.date_posted = until - step * n
        source.valid_through = until + timedelta(days=30)
    with transaction.atomic():
        created = Listing.objects.bulk_create(sources, batch_size=500)
    return [listing.pk for listing in created]


def bench_digest(new_postings: int, parallel: int) -> dict:
    now = timezone.now()
    watermark = now - timedelta(hours=1)
    clear_outbox()
    # every seeded alert becomes a daily alert whose last digest was an hour ago
    original = list(seeded().values_list("id", "frequency", "watermark"))
    seeded().update(frequency=Frequency.DAILY, watermark=watermark)
    window_start = watermark - timedelta(seconds=services.DIGEST_OVERLAP_SECONDS)
    already = Listing.objects.live().filter(date_posted__gt=window_start).count()
    copies = copy_postings(max(0, new_postings - already), watermark, now - timedelta(minutes=1))
    settle()
    try:
        started = time.perf_counter()
        report = services.digests_collect(
            frequency=Frequency.DAILY,
            now=now,
            due_before=watermark,  # every alert, though its last digest is recent
            enqueue=False,
            parallel=parallel,
        )
        elapsed = time.perf_counter() - started
        rows = Delivery.objects.filter(subscription__email__endswith="@" + SEED_DOMAIN).count()
    finally:
        clear_outbox()
        restore(original)
        remove_copies()
    return {
        "seconds": elapsed,
        "alerts": report.subscriptions,
        "new_postings": len(copies) + already,
        "emails_due": len(report.with_new),
        "rows": rows,
        "chunks": report.chunks,
        "parallel": parallel,
    }


def remove_copies() -> None:
    """Delete the benchmark's copied postings (and any left by an interrupted run)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM alerts_delivery WHERE listing_id IN "
            "(SELECT id FROM listings_listing WHERE slug LIKE %s)",
            [BENCH_PREFIX + "%"],
        )
        cursor.execute("DELETE FROM listings_listing WHERE slug LIKE %s", [BENCH_PREFIX + "%"])


def restore(original: list[tuple]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE alerts_subscription s SET frequency = o.frequency, watermark = o.watermark
              FROM unnest(%s::bigint[], %s::varchar[], %s::timestamptz[])
                   AS o(id, frequency, watermark)
             WHERE s.id = o.id
            """,
            [[o[0] for o in original], [o[1] for o in original], [o[2] for o in original]],
        )


# --------------------------------------------------------------------------- (c)


class CountingSink:
    """An aiosmtpd handler that only counts (and notes the recipients of) what it accepts."""

    def __init__(self):
        self.count = 0
        self.recipients: list[str] = []
        self.lock = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            self.recipients.extend(envelope.rcpt_tos)
            self.lock.notify_all()
        return "250 2.0.0 OK"

    def settled(self, seconds: float) -> int:
        """Once the work is done: wait at most `seconds` for a late duplicate; how many
        more arrived."""
        with self.lock:
            before = self.count
            self.lock.wait_for(lambda: self.count > before, timeout=seconds)
            return self.count - before


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_worker(port: int, concurrency: int, log_path: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        DATA_DIR=str(settings.DATA_DIR),
        PYTHONUNBUFFERED="1",
    )
    log = open(log_path, "wb")  # noqa: SIM115 - the worker keeps it
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "benchmarks._alerts_worker",
            "worker",
            "--loglevel=WARNING",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            QUEUE,
            "-n",
            f"alerts-benchmark-{os.getpid()}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def database_url() -> str:
    from jobboard.dburl import url_for

    return url_for(connection.settings_dict)


def tree_rss(pid: int) -> int:
    try:
        main = psutil.Process(pid)
        procs = [main, *main.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total


def wait_ready(proc: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    from jobboard.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("worker exited:\n" + log_path.read_text()[-2000:])
        if app.control.ping(timeout=0.5, destination=None):
            replies = app.control.inspect(timeout=1).active_queues() or {}
            if any(q["name"] == QUEUE for qs in replies.values() for q in qs):
                return
    raise RuntimeError("worker not ready:\n" + log_path.read_text()[-2000:])


def bench_sending(emails: int, concurrency: int) -> dict:
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # one line per SMTP command

    from alerts.tasks import compose_alerts

    clear_outbox()
    subscriptions = list(
        seeded().filter(status="active").order_by("id").values_list("id", flat=True)[:emails]
    )
    postings = list(Listing.objects.live().values_list("id", flat=True)[:200])
    later = timezone.now() + timedelta(hours=1)  # keep any sweeper away from these rows
    Delivery.objects.bulk_create(
        [
            Delivery(
                subscription_id=sid, listing_id=postings[n % len(postings)], next_attempt_at=later
            )
            for n, sid in enumerate(subscriptions)
        ],
        batch_size=5000,
    )
    settle()
    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    log_path = Path(settings.DATA_DIR) / "alerts-benchmark-worker.log"
    worker = start_worker(port, concurrency, log_path)
    peak = 0
    try:
        wait_ready(worker, log_path)
        idle_rss = tree_rss(worker.pid)
        batches = [
            subscriptions[i : i + services.COMPOSE_BATCH]
            for i in range(0, len(subscriptions), services.COMPOSE_BATCH)
        ]
        started = time.perf_counter()
        for batch in batches:
            compose_alerts.apply_async(args=[batch], queue=QUEUE)
        deadline = time.monotonic() + max(120, emails / 20)
        while sink.count < len(subscriptions) and time.monotonic() < deadline:
            peak = max(peak, tree_rss(worker.pid))
            time.sleep(0.1)  # the RSS sampling interval
        elapsed = time.perf_counter() - started
        peak = max(peak, tree_rss(worker.pid))
        # done when the outbox says so: every row composed and marked sent, no email of
        # these alerts still to go; then a short bound for a late duplicate
        rows = Delivery.objects.filter(subscription_id__in=subscriptions)
        alert_emails = Email.objects.filter(pk__in=rows.values("email_id"))
        while time.monotonic() < deadline and (
            rows.filter(sent_at=None, skipped_at=None).exists() or alert_emails.unsent().exists()
        ):
            time.sleep(0.1)
        sink.settled(1.0)
        sent_rows = rows.filter(sent_at__isnull=False).count()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        controller.stop()
        clear_outbox()
    return {
        "emails": sink.count,
        "expected": len(subscriptions),
        "distinct_recipients": len(set(sink.recipients)),
        "sent_rows": sent_rows,
        "seconds": elapsed,
        "per_second": sink.count / elapsed if elapsed else 0.0,
        "peak_rss_mb": peak / 2**20,
        "idle_rss_mb": idle_rss / 2**20,
        "concurrency": concurrency,
    }


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--digest-postings", type=int, default=1_000)
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--baseline-sample", type=int, default=400)
    parser.add_argument("--runs", type=int, default=20, help="postings timed in (a)")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--min-postings", type=int, default=2_000)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, for a quick check")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: a,b,c")
    args = parser.parse_args()
    if args.smoke:
        args.subscriptions, args.digest_postings, args.emails = 300, 20, 40
        args.baseline_sample, args.runs, args.min_postings = 40, 3, 60
    skip = set(filter(None, args.skip.split(",")))
    rng = random.Random(7)

    say(f"bench database: {BENCH.name} on the {BENCH.where}")
    call_command("migrate", interactive=False, verbosity=0)
    remove_copies()
    ensure_postings(args.min_postings)
    try:
        ensure_subscriptions(args.subscriptions)
        return run(args, skip, rng)
    finally:
        seeded().update(status="paused")
        clear_outbox()


def run(args, skip: set[str], rng: random.Random) -> int:
    say(
        f"data: {Listing.objects.live().count():,} live postings, "
        f"{Subscription.objects.active().count():,} active alerts"
    )
    rows: list[tuple[str, str, str, str]] = []
    ok = True
    if "a" not in skip:
        a = bench_matching(args.runs, args.baseline_sample, rng)
        say(f"(a) {a}")
        ratio = a["baseline_ms"] / a["p50_ms"]
        a_ok = a["p50_ms"] <= 200 and ratio >= 50 and a["agree"] == a["baseline_sample"]
        ok &= a_ok
        rows += [
            (
                f"(a) match 1 posting vs {a['alerts']:,} alerts, SQL (p50 of {a['runs']})",
                f"{a['p50_ms']:.0f} ms (p95 {a['p95_ms']:.0f}, max {a['max_ms']:.0f})",
                "≤ 200 ms",
                "ok" if a["p50_ms"] <= 200 else "MISSED",
            ),
            (
                f"    baseline: each alert's FilterSet, {a['baseline_sample']} sampled, "
                "extrapolated",
                f"{a['baseline_ms'] / 1000:,.1f} s ({a['baseline_per_alert_ms']:.2f} ms/alert)",
                "",
                "",
            ),
            (
                "    ratio baseline / SQL",
                f"{ratio:,.0f}×",
                "≥ 50×",
                "ok" if ratio >= 50 else "MISSED",
            ),
            (
                "    SQL and FilterSet agree on the sample",
                f"{a['agree']}/{a['baseline_sample']} (median {a['matches_median']:,} matches)",
                "all",
                "ok" if a["agree"] == a["baseline_sample"] else "MISSED",
            ),
        ]
    if "b" not in skip:
        b = bench_digest(args.digest_postings, args.concurrency)
        say(f"(b) {b}")
        ok &= b["seconds"] <= 60
        rows += [
            (
                f"(b) daily digest: {b['new_postings']:,} new postings × {b['alerts']:,} alerts"
                f" ({b['chunks']} ranges, {b['parallel']} at a time)",
                f"{b['seconds']:.1f} s",
                "≤ 60 s",
                "ok" if b["seconds"] <= 60 else "MISSED",
            ),
            (
                "    outbox after the digest",
                f"{b['rows']:,} rows, {b['emails_due']:,} emails due",
                "",
                "",
            ),
        ]
    if "c" not in skip:
        c = bench_sending(args.emails, args.concurrency)
        say(f"(c) {c}")
        exact = c["emails"] == c["expected"] == c["distinct_recipients"] == c["sent_rows"]
        ok &= c["per_second"] >= 200 and exact
        rows += [
            (
                f"(c) send {c['expected']:,} emails, 1 worker (prefork ×{c['concurrency']})",
                f"{c['per_second']:,.0f} emails/s ({c['seconds']:.1f} s)",
                "≥ 200/s",
                "ok" if c["per_second"] >= 200 else "MISSED",
            ),
            (
                "    received / distinct recipients / rows marked sent",
                f"{c['emails']:,} / {c['distinct_recipients']:,} / {c['sent_rows']:,}",
                "all equal",
                "ok" if exact else "MISSED",
            ),
            (
                "    worker peak RSS (main + pool)",
                f"{c['peak_rss_mb']:.0f} MB (idle {c['idle_rss_mb']:.0f} MB)",
                "flat",
                "",
            ),
        ]
    width = max(len(r[0]) for r in rows) if rows else 10
    say("")
    say(f"{'measure':<{width}}  {'result':<40}  {'target':<10}  ")
    say("-" * (width + 60))
    for name, result, target, verdict in rows:
        say(f"{name:<{width}}  {result:<40}  {target:<10}  {verdict}")
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())

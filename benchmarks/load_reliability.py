"""Reliability under load: the production shape on the bench database, a digest and a killed worker.

    .venv/bin/python benchmarks/load_reliability.py      # or: make benchmark-load-reliability
        [--seconds 120] [--clients 16] [--workers 2] [--concurrency 2]
        [--alerts 2000] [--new-postings 1000] [--digest-at 0.03] [--kill-at 0.25]
        [--no-kill] [--lease 60] [--sweep-every 5] [--grace 60] [--drain-timeout 300]
        [--mix 2000] [--mix-seed 7] [--seed 42] [--live 100000] [--dead 100000]

Uses the benchmarks' own database (benchmarks/_benchdb.py, migrated and seeded there if
needed) and a Redis of its own: the embedded one, started in a temporary directory and
deleted at the end, so neither `make run`'s broker nor the bench cache is touched. It
starts what production runs: gunicorn (`--workers` sync workers, DEBUG off), one Celery
worker (prefork, `--concurrency`), Celery beat with the real schedule, and a real SMTP
server (tests/support/smtp.py, in this process) that the worker sends to via EMAIL_URL.

Before the load it adds `--alerts` confirmed daily alerts (criteria drawn as
seed_subscriptions draws them, addresses @load-reliability.example) whose last digest
was 21 hours ago: due, not yet overdue, so beat's digest is theirs and not the sweeper's.
At least `--new-postings` live postings are new to them: those a recent seed posted, and
copies of live postings (slugs load-reliability-…) for the rest. Then `--clients`
threads send requests for `--seconds` over HTTP/1.1 keep-alive to 127.0.0.1 only, in a
fixed order of twenty: ten searches (benchmarks/_mix.py), five posting pages, three feeds
and two subscriptions, each made as a browser makes it (GET /alerts/new/?<search>, then
POST the form with its CSRF token, cookie and Origin, a new address each time: one
confirmation email each).

At `--digest-at` of the load it enqueues `alerts.run_digests("daily")`, as beat does at
07:00 UTC. From `--kill-at` on, once the digest is collected, it SIGKILLs the worker (main
process and pool) once, when the SMTP server has accepted a twentieth of the digest's
emails: right after it accepted one and before the worker has read the "250", the window
the outbox cannot close. If the digest is out already, or has not started sending by
90 % of the load, the next email accepted will do, or none after 5 s. A new worker is
started at once.

After the load it waits, on the database, until every outbox row of the run is sent and
no delivery of its alerts is left to compose (at most `--drain-timeout` s), then checks:
no answer ≥ 500 and no other error; every outbox row created during the run sent, and
received exactly once, except rows the killed worker held, which may arrive twice with
the same Message-ID (counted against how many it held); nothing received that the
outbox does not hold; each subscriber one confirmation; each alert with new postings
one digest, the others none; and, for 20 alerts, that the postings their digest recorded
are those the search form finds. It prints requests/s and p50/p95/p99 per kind, the
timeline, the email counts, and exits 1 if a check failed (2 if it cannot start). Every
process it started is stopped and every row it added deleted, also on failure and
Ctrl-C; the logs are kept when a check fails.

Environment given to every process it starts (the settings read it):
ALERTS_SUBSCRIBE_LIMIT_PER_IP=1000000 (every client is 127.0.0.1);
SWEEP_EVERY_SECONDS=`--sweep-every` (both sweepers; a minute in production);
OUTBOX_CLAIM_LEASE_SECONDS=`--lease` (6 minutes in production: the killed worker's rows
are taken over sooner); OUTBOX_SWEEP_GRACE_SECONDS and ALERTS_SWEEP_GRACE_SECONDS=`--grace`
(2 minutes in production).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import logging
import os
import random
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks import _benchdb, _mix  # noqa: E402
from benchmarks._benchdb import percentile, say  # noqa: E402
from benchmarks.load import (  # noqa: E402
    HOST,
    Gunicorn,
    KeepAlive,
    Replay,
    Service,
    free_port,
    warm_up,
)
from jobboard import embedded  # noqa: E402 - no Django

DOMAIN = "load-reliability.example"  # every address this run adds
SLUG_PREFIX = "load-reliability-"  # every posting this run adds
FEEDS = ["/jobs/feed/", "/jobs/feed/?level=vp&workplace=remote", "/jobs/feed/?q=customer"]
# One in twenty slots each: 10 searches, 5 posting pages, 3 feeds, 2 subscriptions.
KINDS = ["search"] * 10 + ["posting"] * 5 + ["feed"] * 3 + ["subscribe"] * 2
REPORTED = ["search", "posting", "feed", "alert form", "subscribe"]
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
SAMPLE = 20  # alerts whose digest is checked against the search form


# --------------------------------------------------------------------------- processes


class CeleryWorker(Service):
    name = "worker"

    def __init__(self, concurrency: int, number: int):
        super().__init__()
        self.concurrency = concurrency
        self.node = f"load-{number}-{os.getpid()}@{socket.gethostname()}"

    def command(self) -> list[str]:
        return [
            *(sys.executable, "-m", "celery", "-A", "jobboard", "worker"),
            *("--loglevel=WARNING", "--pool=prefork", f"--concurrency={self.concurrency}"),
            *("-n", self.node),
        ]

    def wait_ready(self, timeout: float = 90) -> None:
        from jobboard.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"the worker exited:\n{self.log_tail()}")
            replies = app.control.ping(timeout=0.5)
            if any(self.node in reply for reply in replies):
                return
        raise RuntimeError(f"the worker did not answer a ping:\n{self.log_tail()}")


class CeleryBeat(Service):
    name = "beat"

    def __init__(self, workdir: Path):
        super().__init__()
        self.schedule = workdir / "celerybeat-schedule"

    def command(self) -> list[str]:
        return [
            *(sys.executable, "-m", "celery", "-A", "jobboard", "beat", "--loglevel=INFO"),
            *("--schedule", str(self.schedule), "--pidfile="),
        ]


# --------------------------------------------------------------------------- data


def mine(model):
    """This run's rows of a model with an `email` field (subscriptions)."""
    return model.objects.filter(email__endswith="@" + DOMAIN)


def remove_rows() -> dict[str, int]:
    """Delete what this script adds (and what an interrupted run left): its alerts and
    subscribers with their deliveries, the emails to them, the copied postings."""
    from django.db import connection

    from alerts.models import Subscription
    from listings.models import Listing

    subscriptions, _ = mine(Subscription).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            'DELETE FROM outbox_email WHERE EXISTS (SELECT 1 FROM unnest("to") a WHERE a LIKE %s)',
            ["%@" + DOMAIN],
        )
        emails = cursor.rowcount
    postings, _ = Listing.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    return {"alerts and their deliveries": subscriptions, "emails": emails, "postings": postings}


def create_alerts(count: int, watermark, rng: random.Random) -> int:
    """`count` confirmed daily alerts, with criteria drawn as seed_subscriptions draws them."""
    from django.db import transaction

    from alerts.criteria import columns_for
    from alerts.management.commands.seed_subscriptions import Command as SeedSubscriptions
    from alerts.models import Frequency, Status, Subscription

    seeder = SeedSubscriptions()
    vocabulary = seeder._vocabulary()
    located: dict[str, list[str]] = {}  # country-name matching is slow: once per text
    rows = []
    for n in range(count):
        criteria = seeder._criteria(rng, vocabulary)
        location = criteria.pop("location", "")
        columns = columns_for(criteria)
        if location:
            if location not in located:
                located[location] = columns_for({"location": location})["location_countries"]
            columns.update(location=location, location_countries=located[location])
        rows.append(
            Subscription(
                email=f"alert-{n}@{DOMAIN}",
                name=f"Load alert {n}",
                frequency=Frequency.DAILY,
                status=Status.ACTIVE,
                created_at=watermark,
                confirmed_at=watermark,
                watermark=watermark,
                **columns,
            )
        )
    with transaction.atomic():
        Subscription.objects.bulk_create(rows, batch_size=2000)
    return count


def new_postings(wanted: int, since, until) -> tuple[int, int]:
    """Make `wanted` live postings new since `since` (less the digest's overlap): those
    already there (a recent seed) and copies of random live ones posted between since
    and until. Returns (new postings, copies added)."""
    from django.db import transaction

    from alerts.services import DIGEST_OVERLAP_SECONDS
    from listings.models import Listing

    window_start = since - timedelta(seconds=DIGEST_OVERLAP_SECONDS)
    already = Listing.objects.live().filter(date_posted__gt=window_start).count()
    count = max(0, wanted - already)
    sources = list(Listing.objects.live().order_by("?")[:count])
    step = (until - since) / max(1, len(sources) + 1)
    for n, source in enumerate(sources):
        source.pk = source.id = None
        source.slug = f"{SLUG_PREFIX}{n}"
        source.date_posted = until - step * (n + 1)
        source.valid_through = until + timedelta(days=30)
    with transaction.atomic():
        Listing.objects.bulk_create(sources, batch_size=500)
    return already + len(sources), len(sources)


# --------------------------------------------------------------------------- clients


class Cycle:
    """Items in order, shared by every client, starting over when they run out."""

    def __init__(self, items: list):
        self.items, self.counter, self.lock = items, itertools.count(), threading.Lock()

    def next(self):
        with self.lock:
            return self.items[next(self.counter) % len(self.items)]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    subscribers: list[str] = field(default_factory=list)
    unusable: int = 0  # 200 answers a browser could not have used (a form without its token)
    connections: int = 0


@dataclass
class Plan:
    port: int
    kinds: Cycle
    searches: Replay
    postings: Cycle
    feeds: Cycle
    alert_searches: Cycle


def client(number: int, plan: Plan, deadline: float, stop: threading.Event, tally: Tally):
    http_ = KeepAlive(plan.port)
    cookies: dict[str, str] = {}

    def send(kind: str, method: str, url: str, body: bytes | None = None, headers=None):
        started = time.perf_counter()
        try:
            response, data = http_.request(method, url, body=body, headers=headers)
        except (OSError, http.client.HTTPException) as exc:
            tally.statuses["exception"] += 1
            tally.errors.append(f"{kind}: {exc!r} {url}")
            time.sleep(0.05)  # a server that went away must not make this a busy loop
            return None, b""
        tally.latencies[kind].append((time.perf_counter() - started) * 1000)
        tally.statuses[response.status] += 1
        if response.status != 200:
            tally.errors.append(f"{kind}: HTTP {response.status} {method} {url}")
        for header in response.headers.get_all("Set-Cookie") or []:
            if found := CSRF_COOKIE.match(header):
                cookies["csrftoken"] = found.group(1)
        return response, data

    subscribed = itertools.count()
    while not stop.is_set() and time.monotonic() < deadline:
        kind = plan.kinds.next()
        if kind == "search":
            send("search", "GET", plan.searches.next()[0])
        elif kind == "posting":
            send("posting", "GET", plan.postings.next())
        elif kind == "feed":
            send("feed", "GET", plan.feeds.next())
        else:
            url = "/alerts/new/?" + plan.alert_searches.next()
            response, page = send("alert form", "GET", url)
            token = CSRF_INPUT.search(page) if response is not None else None
            if token is None or response.status != 200 or "csrftoken" not in cookies:
                if response is not None and response.status == 200:
                    tally.unusable += 1
                    tally.errors.append(f"alert form: no CSRF token or cookie {url}")
                continue
            address = f"sub-{number}-{next(subscribed)}@{DOMAIN}"
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token.group(1).decode(),
                    "email": address,
                    "name": f"Load subscriber {address}",
                    "frequency": "daily",
                }
            ).encode()
            origin = f"http://{HOST}:{plan.port}"
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookies['csrftoken']}",
                "Origin": origin,
                "Referer": origin + url,
            }
            response, _ = send("subscribe", "POST", url, body=body, headers=headers)
            if response is not None and response.status == 200:
                tally.subscribers.append(address)
    http_.close()
    tally.connections = http_.opened


# --------------------------------------------------------------------------- the drill


@dataclass
class Events:
    """What the controller saw and did, in seconds from the start of the load."""

    digest_at: float | None = None
    collected_at: float | None = None
    killed_at: float | None = None
    killed_while: str = ""  # what the worker was doing
    held: set[str] = field(default_factory=set)  # Message-IDs the killed worker held
    accepted_held: set[str] = field(default_factory=set)  # …of which already accepted
    restarted_at: float | None = None
    ready_at: float | None = None
    accepted: dict[str, float] = field(default_factory=dict)  # Message-ID → first accepted
    problems: list[str] = field(default_factory=list)


class Drill:
    """The controller: enqueue the digest, kill the worker once while it sends, restart it.

    The kill is armed from `--kill-at` once the digest is collected; it strikes when the
    SMTP server has accepted a twentieth of the digest's emails, right after it accepted
    one and before the worker has read the "250".
    If the digest is out already, or its sending has not begun by 90 % of the run, any
    email will do; if none is accepted within 5 s, the worker is killed all the same.
    """

    def __init__(self, args, sink, worker: CeleryWorker, started: float, setup_time, services):
        self.args, self.sink, self.worker = args, sink, worker
        self.started, self.setup_time = started, setup_time
        self.services = services  # the caller stops what is in it, whatever happens
        self.events = Events()
        self.armed: str | None = None  # None, "digest" (an alert email) or "any"
        self.digest_accepted = 0  # distinct digest emails the SMTP server accepted
        self.kill_after = 1  # …before the kill strikes: a twentieth of the digest
        self.killed = threading.Event()
        self.lock = threading.Lock()
        self.workers = [worker]
        sink.after_accept = self.on_accept

    def at(self) -> float:
        return time.monotonic() - self.started

    def wait_until(self, moment: float, stop: threading.Event) -> bool:
        while self.at() < moment:
            if stop.wait(min(0.2, moment - self.at())):
                return False
        return True

    def digest_collected(self) -> bool:
        from alerts.models import Subscription

        due = mine(Subscription).filter(watermark__lt=self.setup_time, status="active")
        return not due.exists()

    def digest_size(self) -> int:
        """How many of this run's alerts the digest found new postings for."""
        from alerts.models import Delivery, Subscription

        rows = Delivery.objects.filter(subscription__in=mine(Subscription).values("id"))
        return rows.values("subscription_id").distinct().count()

    def on_accept(self, message) -> None:
        """The SMTP server's hook: it has recorded `message` and not yet answered 250."""
        mid = str(message["Message-ID"])
        digest = mid.startswith("<alert.")
        with self.lock:
            if mid not in self.events.accepted:
                self.events.accepted[mid] = self.at()
                self.digest_accepted += digest
            if self.killed.is_set() or self.armed is None:
                return
            if self.armed == "digest" and not (digest and self.digest_accepted >= self.kill_after):
                return
            self.events.killed_while = f"the SMTP server had accepted {mid}, not yet said 250"
            self._kill()

    def _kill(self) -> None:
        self.worker.kill()
        self.events.killed_at = self.at()
        self.killed.set()

    def run(self, seconds: float, stop: threading.Event) -> None:
        from django.db import connections

        try:
            self._run(seconds, stop)
        except Exception as exc:  # reported as a failed check, never a hung run
            self.events.problems.append(f"controller: {exc!r}")
        finally:
            connections.close_all()

    def _run(self, seconds: float, stop: threading.Event) -> None:
        from alerts.tasks import run_digests
        from outbox.models import Email

        if not self.wait_until(self.args.digest_at * seconds, stop):
            return
        run_digests.delay("daily")  # what beat sends at 07:00 UTC
        self.events.digest_at = self.at()
        while not self.digest_collected():
            if stop.wait(0.5):
                return
        self.events.collected_at = self.at()
        size = self.digest_size()
        self.kill_after = max(1, size // 20)
        if self.args.no_kill:
            return
        if not self.wait_until(max(self.args.kill_at * seconds, self.at()), stop):
            return
        self.armed = "digest"
        while not self.killed.wait(0.2):
            if self.digest_accepted >= size or self.at() >= 0.9 * seconds:
                break  # the digest is out already, or its sending did not start in time
        if not self.killed.is_set():
            self.armed = "any"
            if not self.killed.wait(5):
                with self.lock:
                    if not self.killed.is_set():
                        self.events.killed_while = "it was not sending (no email accepted for 5 s)"
                        self._kill()
        # Statements the dead worker had sent still finish on the server: let them land.
        time.sleep(2)
        self.events.held = set(
            Email.objects.filter(
                claimed_at__isnull=False, sent_at=None, failed_at=None
            ).values_list("message_id", flat=True)
        )
        self.events.accepted_held = self.events.held & set(self.sink.message_ids())
        self.worker = CeleryWorker(self.args.concurrency, number=2)
        self.services.append(self.worker.start())
        self.workers.append(self.worker)
        self.events.restarted_at = self.at()
        self.worker.wait_ready()
        self.events.ready_at = self.at()


def run_load(args, plan: Plan, drill: Drill) -> tuple[list[Tally], float]:
    stop = threading.Event()
    tallies = [Tally() for _ in range(args.clients)]
    deadline = drill.started + args.seconds
    threads = [
        threading.Thread(
            target=client, args=(i, plan, deadline, stop, t), name=f"client-{i}", daemon=True
        )
        for i, t in enumerate(tallies)
    ]
    controller = threading.Thread(
        target=drill.run, args=(args.seconds, stop), name="controller", daemon=True
    )
    controller.start()
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)  # short joins: Ctrl-C reaches this thread
        elapsed = time.monotonic() - drill.started
        # The restart may still be under way; the drain needs the new worker.
        while controller.is_alive() and drill.at() < args.seconds + 120:
            controller.join(timeout=0.5)
    finally:
        stop.set()
    if controller.is_alive():
        drill.events.problems.append("controller: still running 120 s after the load")
    return tallies, elapsed


def wait_drained(baseline: int, since: float, timeout: float, sink) -> tuple[bool, float]:
    """Wait until every outbox row of the run is sent or given up and no delivery of this
    run's alerts is still to be composed. Returns whether that happened within `timeout`
    seconds of `since` (the end of the load, time.monotonic()) and how long it took."""
    from alerts.models import Delivery, Subscription
    from outbox.models import Email

    started = since
    last_report = time.monotonic()
    while True:
        unsent = Email.objects.filter(id__gt=baseline).unsent().count()
        pending = Delivery.objects.filter(
            subscription__in=mine(Subscription).values("id")
        ).pending()
        pending = pending.count()
        waited = time.monotonic() - started
        if unsent == 0 and pending == 0:
            return True, waited
        if waited > timeout:
            return False, waited
        if time.monotonic() - last_report >= 10:
            say(
                f"  draining: {unsent:,} emails unsent, {pending:,} deliveries to compose, "
                f"{sink.count():,} received, {waited:.0f} s"
            )
            last_report = time.monotonic()
        time.sleep(0.5)


# --------------------------------------------------------------------------- the checks


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def email_checks(baseline: int, messages, events: Events, subscribers: list[str]):
    """Compare the outbox rows of the run with what the SMTP server received."""
    from alerts.models import Delivery, Subscription
    from outbox.kinds import Kind
    from outbox.models import Email

    received = Counter(str(m["Message-ID"]) for m in messages)
    by_address: dict[str, set[str]] = defaultdict(set)
    for m in messages:
        by_address[str(m["To"]).strip().lower()].add(str(m["Message-ID"]))
    rows = list(
        Email.objects.filter(id__gt=baseline).values(
            "message_id", "kind", "to", "sent_at", "failed_at"
        )
    )
    ours = {r["message_id"] for r in rows}
    older = set(
        Email.objects.filter(
            id__lte=baseline, message_id__in=list(set(received) - ours)
        ).values_list("message_id", flat=True)
    )
    unsent = [r for r in rows if r["sent_at"] is None]
    lost = [r for r in rows if received[r["message_id"]] == 0]
    doubled = {mid for mid, n in received.items() if n > 1}
    unexplained = {mid for mid in doubled if received[mid] > 2 or mid not in events.held}
    strangers = set(received) - ours - older
    figures = {
        "rows": len(rows),
        "received": sum(received[mid] for mid in ours),
        "distinct": sum(1 for mid in ours if received[mid]),
        "doubled": len(doubled),
        "held": len(events.held),
        "older": len(older),
        "by_kind": Counter(r["kind"] for r in rows),
    }
    checks = [
        Check(
            "every outbox row of the run sent",
            not unsent,
            f"{len(rows) - len(unsent):,} of {len(rows):,} sent"
            + (f"; unsent e.g. {unsent[0]['kind']} to {unsent[0]['to']}" if unsent else ""),
        ),
        Check(
            "no email lost (every row received)",
            not lost,
            f"{figures['distinct']:,} of {len(rows):,} received"
            + (f"; missing e.g. {lost[0]['message_id']}" if lost else ""),
        ),
        Check(
            "no email doubled, but for rows the killed worker held",
            not unexplained and len(doubled) <= len(events.held),
            f"{len(doubled)} received twice, all with the same Message-ID, of "
            f"{len(events.held)} held by the killed worker ({len(events.accepted_held)} "
            "already accepted when it died)"
            + (f"; unexplained: {sorted(unexplained)[:3]}" if unexplained else ""),
        ),
        Check(
            "nothing received that the outbox did not hold",
            not strangers,
            f"{len(strangers)} unknown Message-IDs"
            + (f", e.g. {sorted(strangers)[:2]}" if strangers else "")
            + (f"; {len(older)} rows from before the run were sent too" if older else ""),
        ),
    ]

    # Subscribers: one confirmation each, and one pending subscription each.
    kinds_by_mid = {r["message_id"]: r["kind"] for r in rows}
    pending = Counter(mine(Subscription).filter(status="pending").values_list("email", flat=True))
    wrong = [
        a
        for a in subscribers
        if pending[a] != 1
        or len(by_address[a]) != 1
        or kinds_by_mid.get(next(iter(by_address[a]))) != Kind.ALERT_CONFIRMATION
    ]
    checks.append(
        Check(
            "each subscriber got exactly one confirmation",
            not wrong,
            f"{len(subscribers) - len(wrong):,} of {len(subscribers):,}"
            + (f"; e.g. {wrong[0]}: {sorted(by_address[wrong[0]])}" if wrong else ""),
        )
    )

    # Digest alerts: one email each for those with new postings, none for the others.
    alerts = dict(mine(Subscription).filter(status="active").values_list("email", "id"))
    with_rows = Counter(
        Delivery.objects.filter(subscription_id__in=list(alerts.values())).values_list(
            "subscription_id", flat=True
        )
    )
    unsent_rows = Delivery.objects.filter(
        subscription_id__in=list(alerts.values()), sent_at=None
    ).count()
    bad = []
    for address, pk in alerts.items():
        got = by_address.get(address, set())
        expected = 1 if with_rows[pk] else 0
        if len(got) != expected or any(kinds_by_mid.get(mid) != Kind.ALERT for mid in got):
            bad.append(address)
    figures["alerts"] = len(alerts)
    figures["alerts_with_new"] = len(with_rows)
    checks.append(
        Check(
            "each digest alert with new postings got exactly one digest",
            not bad and unsent_rows == 0 and len(with_rows) > 0,
            f"{len(with_rows) - sum(1 for a in bad if with_rows[alerts[a]]):,} of "
            f"{len(with_rows):,} alerts with new postings (of {len(alerts):,}); "
            f"{unsent_rows} deliveries unsent"
            + (f"; e.g. {bad[0]}: {sorted(by_address.get(bad[0], ()))}" if bad else ""),
        )
    )
    return checks, figures


def digest_sample_check(old_watermark, digest_moment, rng: random.Random) -> Check:
    """For a sample of this run's alerts: the postings the digest recorded are the live ones
    posted since the alert's last digest that the search form finds with its criteria."""
    from alerts import services
    from alerts.criteria import alert_filterset, querydict
    from alerts.models import Delivery, Subscription
    from listings.models import Listing

    ids = sorted(mine(Subscription).filter(status="active").values_list("id", flat=True))
    sample = Subscription.objects.filter(id__in=rng.sample(ids, min(SAMPLE, len(ids))))
    window = Listing.objects.live().filter(
        date_posted__gt=old_watermark - timedelta(seconds=services.DIGEST_OVERLAP_SECONDS),
        date_posted__lte=digest_moment,
    )
    agree = 0
    for subscription in sample:
        filterset = alert_filterset(querydict(subscription.criteria), queryset=window)
        expected = set(filterset.qs.values_list("id", flat=True))
        recorded = set(
            Delivery.objects.filter(subscription=subscription).values_list("listing_id", flat=True)
        )
        agree += expected == recorded
    return Check(
        "the digest found what the search form finds",
        agree == len(sample),
        f"{agree} of {len(sample)} sampled alerts",
    )


# --------------------------------------------------------------------------- output


def latency_rows(tallies: list[Tally], elapsed: float) -> list[tuple[str, ...]]:
    rows = []
    everything: list[float] = []
    for kind in REPORTED:
        values = [ms for t in tallies for ms in t.latencies.get(kind, [])]
        everything += values
        rows.append((kind, values))
    rows.append(("all", everything))
    out = []
    for kind, values in rows:
        if not values:
            out.append((kind, "0", "-", "-", "-", "-", "-"))
            continue
        out.append(
            (
                kind,
                f"{len(values):,}",
                f"{len(values) / elapsed:.1f}",
                *(f"{percentile(values, p):,.0f}" for p in (50, 95, 99)),
                f"{max(values):,.0f}",
            )
        )
    return out


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for n, row in enumerate([header, *rows]):
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        say("  ".join(cells))
        if n == 0:
            say("  ".join("-" * w for w in widths))


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    add("--seconds", type=float, default=120, help="length of the load")
    add("--clients", type=int, default=16, help="concurrent clients")
    add("--workers", type=int, default=2, help="gunicorn sync workers")
    add("--concurrency", type=int, default=2, help="the Celery worker's prefork processes")
    add("--alerts", type=int, default=2000, help="confirmed daily alerts due for a digest")
    add("--new-postings", type=int, default=1000, help="postings new to the alerts (at least)")
    add("--digest-at", type=float, default=0.03, help="enqueue the digest (fraction of the run)")
    add("--kill-at", type=float, default=0.25, help="kill the worker from then on (fraction)")
    add("--no-kill", action="store_true", help="do not kill the worker")
    add("--lease", type=int, default=60, help="OUTBOX_CLAIM_LEASE_SECONDS")
    add("--sweep-every", type=int, default=5, help="SWEEP_EVERY_SECONDS (both sweepers)")
    add("--grace", type=int, default=60, help="OUTBOX_ and ALERTS_SWEEP_GRACE_SECONDS")
    add("--drain-timeout", type=float, default=300, help="longest wait for the outbox to drain")
    add("--mix", type=int, default=2000, help="distinct searches replayed")
    add("--mix-seed", type=int, default=7, help="seed of the search mix")
    add("--seed", type=int, default=42, help="seed of the alerts and the request order")
    add("--live", type=int, default=100_000, help="live postings wanted")
    add("--dead", type=int, default=100_000, help="closed + expired postings wanted")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or min(args.clients, args.workers, args.concurrency, args.mix) < 1:
        parser.error("--seconds must be positive; --clients, --workers, --concurrency, --mix ≥ 1")
    if not 0 <= args.digest_at <= args.kill_at < 1 or args.alerts < 1 or args.new_postings < 1:
        parser.error("0 ≤ --digest-at ≤ --kill-at < 1; --alerts and --new-postings ≥ 1")
    if args.lease < 1 or args.sweep_every < 1 or args.grace < 0:
        parser.error("--lease and --sweep-every ≥ 1, --grace ≥ 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-rel-"))  # short: Redis's socket path
    started: list = []  # services and the SMTP server, stopped in reverse order
    django_ready = False

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    try:
        # A broker and cache of its own: the embedded Redis, in the temporary directory.
        os.environ["BENCH_REDIS_URL"] = embedded.ensure_redis(workdir).url
        smtp_port = free_port()
        os.environ.update(
            EMAIL_URL=f"smtp://{HOST}:{smtp_port}",
            ALERTS_SUBSCRIBE_LIMIT_PER_IP="1000000",
            SWEEP_EVERY_SECONDS=str(args.sweep_every),
            OUTBOX_CLAIM_LEASE_SECONDS=str(args.lease),
            OUTBOX_SWEEP_GRACE_SECONDS=str(args.grace),
            ALERTS_SWEEP_GRACE_SECONDS=str(args.grace),
        )
        try:
            _bench, live, dead = _benchdb.start(live=args.live, dead=args.dead, say=say)
        except _benchdb.BenchDatabaseError as exc:
            say(f"error: {exc}")
            return 2
        django_ready = True
        return drill(args, workdir, smtp_port, started, live, dead)
    except KeyboardInterrupt:
        say("interrupted: stopping everything")
        return 130
    finally:
        try:
            for thing in reversed(started):
                try:
                    thing.stop()
                except Exception as exc:  # stop the others all the same
                    say(f"could not stop {thing!r}: {exc!r}")
            if django_ready:
                from django.db import connections

                say(f"removed what the run added: {remove_rows()}")
                connections.close_all()
        finally:
            embedded.stop_redis(workdir, delete=True)
            shutil.rmtree(workdir, ignore_errors=True)


def drill(args, workdir: Path, smtp_port: int, started: list, live: int, dead: int) -> int:
    from django.db import connections
    from django.db.models import Max
    from django.utils import timezone

    from alerts.choices import DIGEST_PERIOD, Frequency
    from alerts.models import Subscription
    from listings.models import Industry, Listing
    from outbox.models import Email
    from tests.support.smtp import SmtpSink

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    rng = random.Random(args.seed)
    leftovers = remove_rows()
    if any(leftovers.values()):
        say(f"removed what an earlier run left: {leftovers}")
    now = timezone.now()
    due_before = now - DIGEST_PERIOD[Frequency.DAILY]
    others = Subscription.objects.digest_due(Frequency.DAILY, due_before).exclude(
        email__endswith="@" + DOMAIN
    )
    if others.exists():
        say(
            f"error: {others.count():,} other active daily alerts are due in this database "
            "(another benchmark running?); the digest would be theirs too. Run alone."
        )
        return 2
    old_watermark = now - timedelta(hours=21)  # due (20 h), not overdue (28 h): beat's digest
    create_alerts(args.alerts, old_watermark, rng)
    fresh, copies = new_postings(args.new_postings, old_watermark, now - timedelta(minutes=1))
    industries = list(Industry.objects.values_list("slug", flat=True))
    mix = _mix.query_mix(args.mix, args.mix_seed, industries)
    slugs = list(
        Listing.objects.live()
        .filter(valid_through__gt=now + timedelta(days=1))
        .exclude(slug__startswith=SLUG_PREFIX)
        .order_by("?")
        .values_list("slug", flat=True)[:2000]
    )
    kinds = list(KINDS)
    rng.shuffle(kinds)
    port = free_port()
    plan = Plan(
        port=port,
        kinds=Cycle(kinds),
        searches=Replay(mix),
        postings=Cycle([f"/jobs/{slug}/" for slug in slugs]),
        feeds=Cycle(FEEDS),
        alert_searches=Cycle([m.query for m in reversed(mix)]),
    )
    baseline = Email.objects.aggregate(last=Max("id"))["last"] or 0
    unsent_before = Email.objects.unsent().count()
    connections.close_all()  # the children open their own

    sink = SmtpSink(smtp_port).start()
    started.append(sink)
    server = Gunicorn(port, args.workers, "sync", 1)
    worker = CeleryWorker(args.concurrency, number=1)
    beat = CeleryBeat(workdir)
    for service in (server, worker, beat):
        started.append(service.start())
    server.wait_healthy()
    worker.wait_ready()
    say(
        f"gunicorn: {args.workers} sync workers on {HOST}:{port}; Celery worker {worker.node} "
        f"(prefork ×{args.concurrency}); beat; SMTP server on {HOST}:{smtp_port}; "
        f"Redis and beat's schedule in {workdir}; "
        f"{live:,} live postings, {dead:,} closed or expired"
    )
    say(
        f"added {args.alerts:,} daily alerts due for a digest; {fresh:,} postings are new to "
        f"them ({copies:,} copies added); sweepers every {args.sweep_every} s, lease "
        f"{args.lease} s, grace {args.grace} s"
    )
    if unsent_before:
        say(f"note: {unsent_before:,} unsent outbox rows from before the run will be sent too")
    warm_up(port, args.workers)
    say(
        f"{args.clients} clients for {args.seconds:g} s: searches, posting pages, feeds, "
        f"subscriptions; digest at {args.digest_at:.0%}"
        + ("" if args.no_kill else f", worker killed from {args.kill_at:.0%} on")
    )
    load_wall = timezone.now()
    controller = Drill(args, sink, worker, time.monotonic(), now, started)
    tallies, elapsed = run_load(args, plan, controller)
    server.stop()  # the load is over; what is left is the workers'
    load_end = controller.started + elapsed
    drained, waited = wait_drained(baseline, load_end, args.drain_timeout, sink)
    sink.settled(2.0)  # time for a late duplicate
    stop_together([beat, *controller.workers])
    messages = list(sink.messages)

    events = controller.events
    subscribers = [a for t in tallies for a in t.subscribers]
    statuses = sum((t.statuses for t in tallies), Counter())
    errors = [e for t in tallies for e in t.errors]
    checks, figures = email_checks(baseline, messages, events, subscribers)
    new_watermark = mine(Subscription).filter(status="active").aggregate(m=Max("watermark"))["m"]
    if events.collected_at is not None:
        checks.append(digest_sample_check(old_watermark, new_watermark, rng))
    server_errors = sum(n for code, n in statuses.items() if isinstance(code, int) and code >= 500)
    other_errors = sum(n for code, n in statuses.items() if code != 200) - server_errors
    other_errors += sum(t.unusable for t in tallies)
    checks[:0] = [
        Check("no answer ≥ 500", server_errors == 0, f"{server_errors} (of {statuses.total():,})"),
        Check("no other error", other_errors == 0, f"{other_errors} (4xx, exceptions)"),
        Check(
            "the digest was enqueued and collected",
            events.collected_at is not None,
            f"{figures['alerts_with_new']:,} of {figures['alerts']:,} alerts had new postings",
        ),
        Check(
            "the outbox drained after the load",
            drained,
            f"in {waited:.1f} s (at most {args.drain_timeout:g})",
        ),
    ]
    if not args.no_kill:
        checks.insert(
            3,
            Check(
                "the worker was SIGKILLed once, and replaced",
                events.killed_at is not None and events.ready_at is not None,
                f"{fmt(events.killed_at)} s, when {events.killed_while or '-'}",
            ),
        )
    checks += [Check("controller", False, problem) for problem in events.problems]

    say("")
    say(f"== requests ({elapsed:.1f} s, {args.clients} clients)")
    print_table(
        ("kind", "requests", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms"),
        latency_rows(tallies, elapsed),
    )
    say(
        f"requests/s {statuses.total() / elapsed:.1f}; answers ≥ 500: {server_errors}; "
        f"other errors: {other_errors}; subscriptions: {len(subscribers):,}; "
        f"connections opened: {sum(t.connections for t in tallies):,}"
    )
    for error in errors[:5]:
        say(f"  error: {error}")
    say("")
    say("== timeline (s from the start of the load)")
    say(f"digest enqueued {fmt(events.digest_at)}, collected {fmt(events.collected_at)}")
    if not args.no_kill:
        say(
            f"worker SIGKILLed {fmt(events.killed_at)}, when {events.killed_while or '-'}; "
            f"it held {len(events.held)} outbox rows ({len(events.accepted_held)} of them "
            "already accepted); "
            f"new worker started {fmt(events.restarted_at)}, ready {fmt(events.ready_at)}"
        )
    say(f"load ended at {elapsed:.1f}; the outbox drained {waited:.1f} s later")
    for line in timeline_lines(baseline, events, load_wall, elapsed):
        say(line)
    say("")
    say("== emails")
    kinds_line = ", ".join(f"{k} {n:,}" for k, n in sorted(figures["by_kind"].items()))
    say(
        f"outbox rows of the run {figures['rows']:,} ({kinds_line}); received "
        f"{figures['received']:,}, distinct {figures['distinct']:,}, doubled "
        f"{figures['doubled']} (the killed worker held {figures['held']}), lost "
        f"{figures['rows'] - figures['distinct']}"
    )
    say("")
    say("== checks")
    for check in checks:
        say(f"{'ok    ' if check.ok else 'FAILED'}  {check.name}: {check.detail}")
    failed = [c for c in checks if not c.ok]
    services = [server, *controller.workers, beat]
    if failed:
        say("logs kept: " + ", ".join(str(s.log) for s in services))
    else:
        for service in services:
            service.log.unlink(missing_ok=True)
    return 1 if failed else 0


def timeline_lines(baseline: int, events: Events, load_wall, seconds: float) -> list[str]:
    """When the digest's emails were composed and accepted, and how long confirmations took
    from the subscribing request to the SMTP server (seconds from the start of the load)."""
    from outbox.kinds import Kind
    from outbox.models import Email

    rows = Email.objects.filter(id__gt=baseline).values_list("kind", "message_id", "created_at")
    created: dict[str, list[float]] = defaultdict(list)
    accepted: dict[str, list[float]] = defaultdict(list)
    delays = []
    for kind, mid, when in rows:
        moment = (when - load_wall).total_seconds()
        created[kind].append(moment)
        if mid in events.accepted:
            accepted[kind].append(events.accepted[mid])
            delays.append((kind, events.accepted[mid] - moment))
    lines = []
    if created[Kind.ALERT]:
        made, done = created[Kind.ALERT], accepted[Kind.ALERT] or [float("nan")]
        lines.append(
            f"digest emails: {len(made):,} composed from {min(made):.1f} to {max(made):.1f} "
            f"({sum(1 for t in made if t <= seconds):,} by the end of the load), accepted by "
            f"the SMTP server from {min(done):.1f} to {max(done):.1f} "
            f"({sum(1 for t in done if t <= seconds):,} by the end of the load)"
        )
    waits = [d for kind, d in delays if kind == Kind.ALERT_CONFIRMATION]
    if waits:
        lines.append(
            f"confirmation emails, from subscribing to accepted: p50 {percentile(waits, 50):.1f} "
            f"s, p95 {percentile(waits, 95):.1f} s, max {max(waits):.1f} s"
        )
    return lines


def stop_together(services: list[Service]) -> None:
    """Stop these at the same time (each may take seconds to shut down gracefully)."""
    threads = [threading.Thread(target=service.stop) for service in services]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def fmt(moment: float | None) -> str:
    return "never" if moment is None else f"at {moment:.1f}"


if __name__ == "__main__":
    sys.exit(main())

"""Load benchmark: gunicorn on the bench database, concurrent clients replaying the search mix.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--clients 8] [--workers 2]
                                        [--worker-class sync] [--mix 2000] [--mix-seed 7]
                                        [--live 100000] [--dead 100000]

Uses the benchmarks' own database (benchmarks/_benchdb.py, as benchmarks/search.py;
migrated and seeded there if needed). Starts `gunicorn jobboard.wsgi` with --workers
processes on 127.0.0.1 and a free port (DEBUG off, HTTPS off), waits for /healthz,
then runs --clients threads for --seconds, each sending GET /jobs/?<search> over a
kept-alive HTTP/1.1 connection (reopened whenever the server closes it, as
gunicorn's sync workers do after every response), taking the searches of
benchmarks/_mix.py in turn. Only 127.0.0.1 is ever contacted, and gunicorn is
stopped at the end, on Ctrl-C and on errors.

Counts are cached for 60 s per search and cache generation, so a search repeated
within the run may be answered faster: the mix is long (2,000 distinct searches by
default) so that a run rarely comes back to one; the output says how many did.
Any answer other than 200, and any exception, counts as an error.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from benchmarks import _benchdb, _mix  # noqa: E402
from benchmarks._benchdb import percentile, say  # noqa: E402

HOST = "127.0.0.1"  # the only address this script talks to


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- server


class Service:
    """A child process in a session (process group) of its own, its output in a temporary
    log; stop() ends it whatever happened. Subclasses give the command.

    Shared with benchmarks/load_reliability.py (gunicorn, Celery worker and beat).
    """

    name = "service"

    def __init__(self) -> None:
        self.log = Path(tempfile.mkstemp(prefix=f"bench-{self.name}-", suffix=".log")[1])
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        # DATABASE_URL, REDIS_URL, DEBUG, HTTPS: set by _benchdb.configure()
        return {**os.environ, "PYTHONUNBUFFERED": "1"}

    def start(self) -> Service:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                self.command(),
                cwd=BASE_DIR,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to the main process (a graceful stop, as an orchestrator's), then
        SIGKILL to the whole group if it has not exited in time."""
        if not self.running:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the main process and its children at once, as a crash would."""
        if not self.running:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


class Gunicorn(Service):
    """`gunicorn jobboard.wsgi` on 127.0.0.1 and `port`."""

    name = "gunicorn"

    def __init__(self, port: int, workers: int, worker_class: str, threads: int):
        super().__init__()
        self.port, self.workers = port, workers
        self.worker_class, self.threads = worker_class, threads

    def environment(self) -> dict[str, str]:
        return {**super().environment(), "ALLOWED_HOSTS": f"{HOST},localhost"}

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "jobboard.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--threads",
            str(self.threads),
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--log-level",
            "warning",
            "--no-control-socket",
        ]

    def wait_healthy(self, timeout: float = 90) -> None:
        url = f"http://{HOST}:{self.port}/healthz"
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
                    last = f"HTTP {response.status}"
            except OSError as exc:
                last = repr(exc)
            time.sleep(0.2)
        raise RuntimeError(f"/healthz did not answer 200 ({last}):\n{self.log_tail()}")


# --------------------------------------------------------------------------- clients


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    repeats: int = 0
    connections: int = 0


class Replay:
    """The mix in order, shared by every client, starting over when it runs out."""

    def __init__(self, mix: list[_mix.MixQuery]):
        self.mix = mix
        self.counter = itertools.count()
        self.lock = threading.Lock()

    def next(self) -> tuple[str, bool]:
        with self.lock:
            n = next(self.counter)
        return self.mix[n % len(self.mix)].url, n >= len(self.mix)


class KeepAlive:
    """One client's HTTP/1.1 connection to 127.0.0.1, kept alive and reopened whenever
    the server closes it (gunicorn's sync workers do after every response) or fails."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None
        self.opened = 0

    def request(
        self, method: str, url: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """Send one request and read the whole answer; raises OSError or HTTPException."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
            self.opened += 1
        sent = {"Host": f"{HOST}:{self.port}", "Connection": "keep-alive", **(headers or {})}
        try:
            self.conn.request(method, url, body=body, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if response.will_close:
            self.close()
        return response, data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def client(port: int, replay: Replay, deadline: float, stop: threading.Event, tally: Tally):
    http_ = KeepAlive(port)
    while not stop.is_set() and time.monotonic() < deadline:
        url, repeated = replay.next()
        start = time.perf_counter()
        try:
            response, _ = http_.request("GET", url)
        except (OSError, http.client.HTTPException) as exc:
            tally.errors.append(f"{exc!r} {url}")
            time.sleep(0.05)  # a server that went away must not turn this into a busy loop
            continue
        tally.latencies.append((time.perf_counter() - start) * 1000)
        tally.repeats += repeated
        if response.status != 200:
            tally.errors.append(f"HTTP {response.status} {url}")
    http_.close()
    tally.connections = http_.opened


def run_clients(port: int, mix: list[_mix.MixQuery], clients: int, seconds: float):
    replay = Replay(mix)
    stop = threading.Event()
    tallies = [Tally() for _ in range(clients)]
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(
            target=client, args=(port, replay, deadline, stop, t), name=f"client-{i}", daemon=True
        )
        for i, t in enumerate(tallies)
    ]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)  # short joins: Ctrl-C reaches this thread
    finally:
        stop.set()
    return tallies, time.monotonic() - started


def warm_up(port: int, workers: int) -> None:
    """A few concurrent requests, so that every worker has loaded its code and templates,
    on pages that are not in the mix."""

    def fetch(path: str) -> None:
        with urllib.request.urlopen(f"http://{HOST}:{port}{path}", timeout=120) as response:
            response.read()

    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        for _ in range(3):
            list(pool.map(fetch, ["/", "/jobs/"] * workers))


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=60, help="length of the run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--mix", type=int, default=2000, help="distinct searches replayed")
    parser.add_argument("--mix-seed", type=int, default=7, help="seed of the mix")
    parser.add_argument("--live", type=int, default=100_000, help="live postings wanted")
    parser.add_argument(
        "--dead", type=int, default=100_000, help="closed + expired postings wanted"
    )
    args = parser.parse_args(argv)
    if args.seconds <= 0 or min(args.clients, args.workers, args.threads, args.mix) < 1:
        parser.error("--seconds must be positive; --clients, --workers, --mix at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        _bench, live, dead = _benchdb.start(live=args.live, dead=args.dead, say=say)
    except _benchdb.BenchDatabaseError as exc:
        say(f"error: {exc}")
        return 2
    from django.db import connections

    from listings.models import Industry

    industries = list(Industry.objects.values_list("slug", flat=True))
    mix = _mix.query_mix(args.mix, args.mix_seed, industries)
    connections.close_all()  # gunicorn's workers open their own

    def terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    server = Gunicorn(free_port(), args.workers, args.worker_class, args.threads)
    try:
        server.start()
        server.wait_healthy()
        say(
            f"gunicorn: {args.workers} {args.worker_class} workers on {HOST}:{server.port}; "
            f"{live:,} live postings, {dead:,} closed or expired"
        )
        warm_up(server.port, args.workers)
        say(f"{args.clients} clients replaying {len(mix):,} distinct searches, {args.seconds:g} s")
        tallies, elapsed = run_clients(server.port, mix, args.clients, args.seconds)
    except KeyboardInterrupt:
        say("interrupted: stopping gunicorn")
        server.log.unlink(missing_ok=True)
        return 130
    finally:
        server.stop()

    latencies = [ms for t in tallies for ms in t.latencies]
    errors = [e for t in tallies for e in t.errors]
    requests = len(latencies) + sum(
        1 for t in tallies for e in t.errors if not e.startswith("HTTP")
    )
    repeats = sum(t.repeats for t in tallies)
    say("")
    rows = [
        ("requests", f"{requests:,}"),
        ("requests/s", f"{requests / elapsed:,.1f}"),
        ("errors", f"{len(errors):,}"),
        ("latency p50 (ms)", f"{percentile(latencies, 50):,.1f}" if latencies else "-"),
        ("latency p95 (ms)", f"{percentile(latencies, 95):,.1f}" if latencies else "-"),
        ("latency max (ms)", f"{max(latencies):,.1f}" if latencies else "-"),
        ("repeated searches", f"{repeats:,} (may be served cached counts, 60 s)"),
        ("connections opened", f"{sum(t.connections for t in tallies):,}"),
        ("elapsed (s)", f"{elapsed:.1f}"),
    ]
    for label, value in rows:
        say(f"{label:<20} {value}")
    for error in errors[:5]:
        say(f"  error: {error}")
    if errors:
        say(f"gunicorn log: {server.log}")
    else:
        server.log.unlink(missing_ok=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

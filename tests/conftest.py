"""Shared fixtures: real PostgreSQL, Redis, Celery worker, SMTP server and Chromium.

The embedded PostgreSQL and Redis of a test run live in a private temporary
directory (jobboard/settings_test.py); this session owns them and stops them at
the end, so nothing lingers after the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db.models.signals import post_migrate

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = BASE_DIR / "test-artifacts"

# Playwright's sync API runs an event loop in the test thread; Django's ORM would
# otherwise refuse to run there. The browser and the ORM never share a call.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_unconfigure(config):
    if os.environ.get("JOBBOARD_TEST_OWNS_DATA_DIR") != "1":
        return
    from jobboard import embedded

    data_dir = Path(os.environ["DATA_DIR"])
    embedded.stop_redis(data_dir, delete=True)
    embedded.stop_postgres(data_dir, delete=True)
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached fragments live in Redis; each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield


def database_url_for_current_connection() -> str:
    """The URL of the database Django is using now (the test database during tests)."""
    from django.db import connection

    from jobboard.dburl import url_for

    return url_for(connection.settings_dict)


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a subprocess that must see the same database and broker."""
    from django.conf import settings

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="jobboard.settings_test",
        DATABASE_URL=database_url_for_current_connection(),
        REDIS_URL=settings.REDIS_URL,
        DATA_DIR=str(settings.DATA_DIR),
        JOBBOARD_TEST_OWNS_DATA_DIR="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class WorkerProcess:
    """A real `celery worker` process consuming from the test broker."""

    def __init__(self, env: dict[str, str], log_path: Path, concurrency: int = 1):
        self.env = env
        self.log_path = log_path
        self.concurrency = concurrency
        self.proc: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it open
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "jobboard",
                "worker",
                "--loglevel=INFO",
                "--pool=prefork",
                f"--concurrency={self.concurrency}",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready()
        except BaseException:
            self.kill()  # never leave a half-started worker behind
            raise
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        from jobboard.celery import app
        from tests.support.waiting import wait_until

        def answers() -> bool:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_path.read_text()[-3000:]}")
            return bool(app.control.ping(timeout=0.5))  # the ping itself waits

        if not wait_until(answers, timeout=timeout, interval=0):
            log = self.log_path.read_text()[-3000:]
            raise RuntimeError(f"worker did not answer a ping:\n{log}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture
def celery_worker_factory(transactional_db, tmp_path):
    """Start real Celery workers on the test database and broker; all stopped afterwards."""
    workers: list[WorkerProcess] = []

    def start(concurrency: int = 1, **env: str) -> WorkerProcess:
        worker = WorkerProcess(
            child_env(**env), tmp_path / f"worker-{len(workers)}.log", concurrency
        ).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def eager_celery():
    """Run tasks where they are enqueued (unit tests; delivery is proven with a worker)."""
    from jobboard.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def celery_worker(celery_worker_factory):
    return celery_worker_factory()


# --------------------------------------------------------------------------- mail


@pytest.fixture
def smtp_sink():
    """A real SMTP server on a free port (tests/support/smtp.py); stopped afterwards."""
    from tests.support.smtp import SmtpSink

    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_backend(settings, smtp_sink):
    """Send through real SMTP to `smtp_sink` from this process (Django's SMTP backend)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return smtp_sink


# --------------------------------------------------------------------------- clients


@pytest.fixture
def client_for():
    """Make a test client signed in as a user: `client_for(owner).get(...)`
    (tests/support/clients.py, which modules may import instead)."""
    from tests.support.clients import client_for

    return client_for


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


# --------------------------------------------------------------------------- reference data
# The test database is built by running the migrations, so every test starts with the
# rows the data migrations made; tests/test_migrations.py proves, on an empty database
# and without this module's help, that they make exactly these. A transactional test's
# flush empties those tables: Django then sends post_migrate (as after a migration from
# scratch, which is how it puts back content types and permissions), and this puts back
# the rest, once and committed, before the next test. Nothing is restored when a real
# migration sends post_migrate, so the test database shows what the migrations made.


def ensure_reference_data() -> None:
    """Rows that data migrations create (industries, the Recruiters group and its
    permissions, the bundled exchange rates), from the constants the migrations use."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from listings.models import Industry
    from money.currencies import Currency
    from money.models import ExchangeRate

    if ExchangeRate.objects.count() != len(Currency.values):
        ExchangeRate.objects.all().delete()
        import_module("money.migrations.0001_initial").seed_rates(apps, None)

    listings_0002 = import_module("listings.migrations.0002_search_trigger_and_recruiters")
    candidates_0002 = import_module("candidates.migrations.0002_recruiter_permissions")
    for slug, name in listings_0002.INDUSTRIES:
        Industry.objects.get_or_create(slug=slug, defaults={"name": name})
    group, _ = Group.objects.get_or_create(name="Recruiters")
    wanted = [
        (app, f"{action}_{model}")
        for app, model, actions in listings_0002.RECRUITER_PERMISSIONS
        for action in actions
    ] + list(candidates_0002.RECRUITER_PERMISSIONS)
    for app_label, codename in wanted:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def _reference_data_after_a_flush(sender, plan=None, using="default", **kwargs) -> None:
    from django.apps import apps

    if plan is not None or using != "default":  # `migrate` sends its plan: nothing to mend
        return
    # Sent once per app; the last one comes after every app's permissions exist again.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is with_models[-1]:
        ensure_reference_data()


post_migrate.connect(_reference_data_after_a_flush, dispatch_uid="tests.reference_data")


@pytest.fixture
def recruiters_group(db):
    """The Recruiters group the data migrations made (and put back after a flush)."""
    from django.contrib.auth.models import Group

    return Group.objects.get(name="Recruiters")


@pytest.fixture(autouse=True)
def _forget_rates():
    # Python's copy of the rates (money.rates, read at most a minute ago) must not
    # outlive a test whose rates the rollback undid.
    from money.rates import forget_rates

    forget_rates()
    yield
    forget_rates()

"""Faults, with real processes: the mail server down, a worker killed mid-batch, the broker
restarted. Afterwards every due email has gone out, and none twice."""

from __future__ import annotations

from collections import Counter

import pytest
from django.conf import settings

from alerts.models import Delivery, MatchJob
from alerts.tasks import sweep
from jobboard import embedded
from listings.services import listing_publish
from tests.alerts.conftest import wait_until
from tests.alerts.factories import SubscriptionFactory
from tests.factories import ListingFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def received(sink) -> Counter:
    """(recipient, posting title) pairs over every message the server accepted."""
    pairs: Counter = Counter()
    for message in sink.messages:
        text = message.get_body(preferencelist=("plain",)).get_content()
        for line in text.splitlines():
            if line.startswith("VP ") and not line.startswith("VP /"):
                pairs[(str(message["To"]), line.strip())] += 1
    return pairs


def sweep_until(predicate, timeout: float = 60) -> bool:
    """Beat runs the sweeper every minute; here it runs every second until `predicate`."""

    def tick() -> bool:
        if predicate():
            return True
        sweep.delay()
        return False

    return wait_until(tick, timeout=timeout, interval=1.0)


def test_while_the_mail_server_is_down_sends_retry_with_backoff_then_drain_once(
    celery_worker_factory, smtp_sink
):
    celery_worker_factory(EMAIL_URL=smtp_sink.url)
    readers = [
        SubscriptionFactory(email=f"r{n}@example.com", criteria={"level": ["vp"]}) for n in range(3)
    ]
    smtp_sink.stop()
    for n in range(2):
        listing_publish(listing=ListingFactory(level="vp", title=f"VP Support {n}"))

    def retried_and_waiting() -> bool:
        """Every row tried at least twice, and (between two retries) none held by a sender."""
        rows = list(Delivery.objects.all())
        return (
            len(rows) == 6
            and all(row.attempts >= 2 for row in rows)
            and all(row.claimed_at is None for row in rows)
        )

    assert wait_until(retried_and_waiting, timeout=60), list(
        Delivery.objects.values("attempts", "claimed_at", "last_error")
    )
    rows = Delivery.objects.all()
    assert all(row.sent_at is None for row in rows)
    assert all("Connection refused" in row.last_error or "111" in row.last_error for row in rows)
    assert all(row.next_attempt_at > row.created_at for row in rows)  # backing off

    smtp_sink.start()  # the server is back
    assert wait_until(lambda: not Delivery.objects.filter(sent_at=None).exists(), timeout=90)
    assert smtp_sink.quiet_for(3) == 0
    pairs = received(smtp_sink)
    expected = {(r.email, f"VP Support {n}") for r in readers for n in range(2)}
    assert set(pairs) == expected
    assert set(pairs.values()) == {1}, pairs


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    celery_worker_factory, smtp_sink
):
    env = {
        "EMAIL_URL": smtp_sink.url,
        "ALERTS_CLAIM_LEASE_SECONDS": "3",
        "ALERTS_SWEEP_GRACE_SECONDS": "1",
    }
    first = celery_worker_factory(**env)
    readers = [
        SubscriptionFactory(email=f"reader{n:02d}@example.com", criteria={"level": ["vp"]})
        for n in range(20)
    ]
    smtp_sink.delay = 0.3  # a slow server, so the kill lands mid-batch
    listing_publish(listing=ListingFactory(level="vp", title="VP Service Operations"))
    assert smtp_sink.wait_for(5, timeout=60)
    smtp_sink.in_data.clear()
    assert smtp_sink.in_data.wait(10)  # a message is on the wire right now
    first.kill()  # SIGKILL, main process and pool child alike
    delivered_before = smtp_sink.count()
    assert 5 <= delivered_before < 20
    held = Delivery.objects.filter(sent_at=None).exclude(claimed_at=None)
    assert held.exists(), "the dead worker held no claims: the kill did not land mid-batch"

    smtp_sink.delay = 0
    celery_worker_factory(**env)
    assert sweep_until(lambda: not Delivery.objects.filter(sent_at=None).exists())
    assert smtp_sink.quiet_for(3) == 0
    recipients = Counter(str(message["To"]) for message in smtp_sink.messages)
    assert recipients == Counter(reader.email for reader in readers)  # each exactly once


def drop_broker_connections() -> None:
    """Forget this process's pooled broker connections (they died with the server)."""
    from kombu import pools

    from jobboard.celery import app

    pools.reset()  # closes and forgets every pooled connection
    app._pool = None
    app.amqp._producer_pool = None


def test_a_broker_restart_loses_no_alert(celery_worker_factory, smtp_sink):
    env = {"EMAIL_URL": smtp_sink.url, "ALERTS_SWEEP_GRACE_SECONDS": "1"}
    reader = SubscriptionFactory(email="reader@example.com", criteria={"level": ["vp"]})

    # queued while no worker runs, then Redis restarts: the task survives (append-only file)
    listing_publish(listing=ListingFactory(level="vp", title="VP Queued Before Restart"))
    embedded.stop_redis(settings.DATA_DIR)
    embedded.ensure_redis(settings.DATA_DIR)
    drop_broker_connections()
    celery_worker_factory(**env)
    assert smtp_sink.wait_for(1, timeout=60)

    # the broker is down at the moment of publishing: publishing still works, the
    # enqueue fails, and the job row left in the database brings the alert once Redis is back
    embedded.stop_redis(settings.DATA_DIR)
    try:
        listing_publish(listing=ListingFactory(level="vp", title="VP Published While Down"))
        assert MatchJob.objects.filter(done_at=None).count() == 1  # recorded, not yet matched
    finally:
        embedded.ensure_redis(settings.DATA_DIR)
    assert sweep_until(lambda: smtp_sink.count() >= 2, timeout=90)
    assert smtp_sink.quiet_for(3) == 0
    assert received(smtp_sink) == Counter(
        {
            (reader.email, "VP Queued Before Restart"): 1,
            (reader.email, "VP Published While Down"): 1,
        }
    )

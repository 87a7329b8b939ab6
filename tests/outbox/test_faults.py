"""Faults with real processes: a real Celery worker on the real Redis, a real SMTP server,
the real PostgreSQL. A worker killed at each step of a send, the server answering 4xx and
5xx, down across retries, Redis killed and PostgreSQL restarted mid-batch. Afterwards
every email has gone out, none twice, except in the one window the README names."""

from __future__ import annotations

from collections import Counter

import psycopg2
import pytest

from outbox.kinds import Kind
from outbox.models import Email
from tests.conftest import database_url_for_current_connection
from tests.outbox.every_kind import MAKERS
from tests.support import servers
from tests.support.outbox import nothing_more_arrives, sweep_until
from tests.support.waiting import sessions_waiting_on_a_lock, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST = {
    "OUTBOX_CLAIM_LEASE_SECONDS": "3",
    "OUTBOX_SWEEP_GRACE_SECONDS": "1",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
}


@pytest.fixture(autouse=True)
def _fast_outbox(settings):
    """The same short lease and backoff here (where the sweeper runs) as in the worker."""
    for name, value in FAST.items():
        setattr(settings, name, int(value))


def confirmations(count: int) -> list[str]:
    from alerts.services import subscription_request

    addresses = [f"reader{n:02d}@example.com" for n in range(count)]
    for address in addresses:
        subscription_request(email=address, criteria={}, name="All roles", frequency="daily")
    return addresses


def all_sent() -> bool:
    return not Email.objects.unsent().exists()


def received(sink) -> Counter:
    return Counter(str(message["To"]) for message in sink.messages)


def test_every_kind_goes_out_once_through_the_worker(celery_worker_factory, smtp_sink):
    celery_worker_factory(EMAIL_URL=smtp_sink.url, **FAST)
    recipients = [make() for make in MAKERS.values()]
    assert smtp_sink.wait_for(len(recipients), timeout=60)
    assert nothing_more_arrives(smtp_sink) == 0
    assert received(smtp_sink) == Counter(recipients)
    assert set(Email.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert all(row.attempts == 1 for row in Email.objects.all())


def lock_the_row_once_accepted(sink, holder: dict) -> None:
    """Right after the server accepted the message (before the worker reads its "250"),
    lock the email's row from another session, so the worker's "mark sent" waits there:
    the test then kills the worker exactly between the server's yes and our record."""
    url = database_url_for_current_connection()

    def hook(message) -> None:
        if "conn" in holder:
            return
        conn = psycopg2.connect(url)  # a transaction stays open until rollback
        conn.cursor().execute(
            "SELECT id FROM outbox_email WHERE message_id = %s FOR UPDATE",
            [str(message["Message-ID"])],
        )
        holder["conn"] = conn

    sink.after_accept = hook


def worker_waits_on_a_lock() -> bool:
    return sessions_waiting_on_a_lock(statement="UPDATE %outbox_email%") > 0


@pytest.mark.parametrize("step", ["connected", "data_sent", "accepted", "recorded"])
def test_a_worker_killed_at_each_step_of_a_send(step, celery_worker_factory, smtp_sink):
    worker = celery_worker_factory(EMAIL_URL=smtp_sink.url, **FAST)
    holder: dict = {}
    release = None
    if step == "connected":
        release = smtp_sink.hold("MAIL")  # connected and claimed, the server not answering
    elif step == "data_sent":
        release = smtp_sink.hold("DATA")  # the whole message sent, no answer yet
    elif step == "accepted":
        lock_the_row_once_accepted(smtp_sink, holder)
    (address,) = confirmations(1)
    row = Email.objects.get()

    if step == "connected":
        assert smtp_sink.reached["MAIL"].wait(30)
    elif step == "data_sent":
        assert smtp_sink.reached["DATA"].wait(30)
    elif step == "accepted":
        assert smtp_sink.wait_for(1, timeout=30)
        assert wait_until(worker_waits_on_a_lock, timeout=30), "the worker never reached its UPDATE"
    else:
        assert wait_until(lambda: Email.objects.sent().exists(), timeout=30)
    row.refresh_from_db()
    assert row.claimed_at is not None or step == "recorded"
    worker.kill()  # SIGKILL, main process and pool child alike
    if release is not None:
        assert smtp_sink.wait_clients_gone()  # the server saw the client die mid-command
        release.set()
    if "conn" in holder:
        holder["conn"].rollback()
        holder["conn"].close()

    celery_worker_factory(EMAIL_URL=smtp_sink.url, **FAST)
    assert sweep_until(all_sent)
    assert nothing_more_arrives(smtp_sink) == 0
    row.refresh_from_db()
    copies = [m for m in smtp_sink.messages if str(m["To"]) == address]
    if step == "accepted":
        # the one window: the server had it, our record did not. Sent again, once, as
        # the same message (same Message-ID), after the dead sender's lease ran out.
        assert len(copies) == 2
        assert {str(m["Message-ID"]) for m in copies} == {row.message_id}
        assert row.attempts == 2
    else:
        assert len(copies) == 1
        assert str(copies[0]["Message-ID"]) == row.message_id
        assert row.attempts == (1 if step == "recorded" else 2)
    assert row.sent_at is not None


def test_421_and_451_replies_are_retried_until_accepted_once(celery_worker_factory, smtp_sink):
    celery_worker_factory(EMAIL_URL=smtp_sink.url, **FAST)
    smtp_sink.answer("MAIL", "421 4.3.2 Service not available, closing channel")
    smtp_sink.answer("DATA", "451 4.3.0 Try again later", times=2)
    (address,) = confirmations(1)
    assert sweep_until(all_sent)
    assert nothing_more_arrives(smtp_sink) == 0
    assert received(smtp_sink) == Counter([address])
    assert [r.split()[1] for r in smtp_sink.replied] == ["421", "451", "451"]
    assert Email.objects.get().attempts == 4


def test_a_550_fails_only_that_email_and_the_others_go_once(celery_worker_factory, smtp_sink):
    from alerts.models import Delivery
    from alerts.services import posting_match
    from listings.services import listing_publish
    from tests.alerts.factories import SubscriptionFactory
    from tests.factories import ListingFactory

    readers = [
        SubscriptionFactory(email=f"vp{n}@example.com", criteria={"level": ["vp"]})
        for n in range(3)
    ]
    smtp_sink.answer("RCPT", "550 5.1.1 Mailbox unavailable")  # the first one tried
    celery_worker_factory(EMAIL_URL=smtp_sink.url, **FAST)
    listing = ListingFactory(level="vp", title="VP Customer Care")
    listing_publish(listing=listing)
    posting_match(listing_id=listing.pk)
    assert sweep_until(lambda: Email.objects.count() == 3 and all_sent())
    assert nothing_more_arrives(smtp_sink) == 0
    refused = Email.objects.get(failure=Email.Failure.REFUSED)
    assert "550" in refused.last_error
    assert received(smtp_sink) == Counter(r.email for r in readers if [r.email] != refused.to)
    assert Delivery.objects.filter(skip_reason=Delivery.Skip.REFUSED).count() == 1
    assert Delivery.objects.sent().count() == 2


def test_the_mail_server_down_across_retries_then_back_sends_each_once(
    celery_worker_factory, smtp_sink
):
    celery_worker_factory(EMAIL_URL=smtp_sink.url, **FAST)
    smtp_sink.stop()
    addresses = confirmations(3)

    def retried_and_waiting() -> bool:
        rows = list(Email.objects.all())
        return all(r.attempts >= 3 and r.claimed_at is None and r.sent_at is None for r in rows)

    assert sweep_until(retried_and_waiting, timeout=90)
    assert all("111" in r.last_error or "refused" in r.last_error for r in Email.objects.all())
    smtp_sink.start()
    assert sweep_until(all_sent)
    assert nothing_more_arrives(smtp_sink) == 0
    assert received(smtp_sink) == Counter(addresses)


def test_redis_killed_and_restarted_mid_batch_loses_nothing(celery_worker_factory, smtp_sink):
    env = {"EMAIL_URL": smtp_sink.url, **FAST}
    celery_worker_factory(**env)
    smtp_sink.delay = 0.3  # a slow server, so Redis dies with the batch half sent
    addresses = confirmations(20)
    assert smtp_sink.wait_for(3, timeout=60)
    servers.kill_redis()
    assert smtp_sink.count() < 20, "the batch was over before Redis died"
    servers.start_redis()
    smtp_sink.delay = 0
    celery_worker_factory(**env)  # whatever became of the first worker, one more is up
    assert sweep_until(all_sent, timeout=120)
    assert nothing_more_arrives(smtp_sink) == 0
    assert received(smtp_sink) == Counter(addresses)


def test_postgres_restarted_mid_batch_sends_each_once(celery_worker_factory, smtp_sink):
    celery_worker_factory(EMAIL_URL=smtp_sink.url, **FAST)
    smtp_sink.delay = 0.3
    addresses = confirmations(20)
    assert smtp_sink.wait_for(3, timeout=60)
    servers.restart_postgres()
    assert smtp_sink.count() < 20, "the batch was over before PostgreSQL restarted"
    smtp_sink.delay = 0
    assert sweep_until(all_sent, timeout=120)
    assert nothing_more_arrives(smtp_sink) == 0
    assert received(smtp_sink) == Counter(addresses)


def test_a_confirmation_goes_ahead_of_a_digest_backlog(celery_worker_factory, smtp_sink):
    from django.core.mail import EmailMessage

    from outbox.services import email_enqueue, enqueue_send

    celery_worker_factory(EMAIL_URL=smtp_sink.url, **FAST)
    smtp_sink.delay = 0.2  # 30 bulk emails take several seconds to drain
    bulk = []
    for n in range(30):
        message = EmailMessage("Your daily alert", "roles", to=[f"digest{n:02d}@example.com"])
        bulk.append(email_enqueue(kind=Kind.ALERT, key=f"bulk:{n}", message=message, send=False))
    for row in bulk:
        enqueue_send([row.pk])  # thirty tasks queued, as a digest leaves them
    assert smtp_sink.wait_for(1, timeout=60)
    (address,) = confirmations(1)
    assert sweep_until(lambda: Email.objects.count() == 31 and all_sent())
    order = [str(message["To"]) for message in smtp_sink.messages]
    assert sorted(order) == sorted([address, *(row.to[0] for row in bulk)])  # each once
    assert order.index(address) <= 4, order  # not behind the 30

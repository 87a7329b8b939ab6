"""The outbox against a real SMTP server, from this process: every kind goes through it,
each reply code has one meaning, claims exclude each other and leases run out."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outbox.kinds import Kind
from outbox.models import Email
from outbox.services import emails_cancel, emails_send, outbox_sweep
from tests.outbox.every_kind import MAKERS, PASSWORD
from tests.support.outbox import deliver_outbox

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", list(MAKERS))
def test_every_kind_is_one_outbox_row_sent_once_with_its_message_id(kind, smtp_backend):
    recipient = MAKERS[kind]()
    row = Email.objects.get(kind=kind)
    assert row.to == [recipient] and row.sent_at is None
    assert deliver_outbox() == 1
    assert deliver_outbox() == 0  # nothing left: a second sender sends nothing
    assert smtp_backend.count() == 1
    message = smtp_backend.messages[0]
    assert str(message["To"]) == recipient
    assert str(message["Message-ID"]) == row.message_id
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1 and row.state == "sent"


@pytest.mark.django_db(transaction=True)
def test_two_senders_of_one_email_send_it_once(smtp_backend):
    MAKERS[Kind.ALERT_CONFIRMATION]()
    row = Email.objects.get()
    hold = smtp_backend.hold("DATA")
    results = []

    def first():
        try:
            results.append(emails_send(email_ids=[row.pk]))
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert smtp_backend.reached["DATA"].wait(10)  # the first sender is on the wire
    assert emails_send(email_ids=[row.pk]).claimed == 0  # the second finds it claimed
    hold.set()
    thread.join(20)
    assert results[0].sent == 1 and smtp_backend.count() == 1


@pytest.mark.parametrize(
    ("stage", "reply"),
    [
        ("MAIL", "421 4.3.2 Service shutting down"),
        ("DATA", "421 4.7.0 Too many connections"),
        ("MAIL", "530 5.7.0 Authentication required"),  # our configuration, not the message
        ("RCPT", "554 5.7.1 Relay access denied"),  # ditto, though said at RCPT
    ],
)
def test_a_server_or_configuration_failure_keeps_the_batch_and_backs_off(
    stage, reply, smtp_backend
):
    MAKERS[Kind.ALERT_CONFIRMATION]()
    MAKERS[Kind.ACCOUNT]()
    smtp_backend.answer(stage, reply)
    with pytest.raises(Exception):  # smtplib's class depends on the stage
        emails_send(email_ids=list(Email.objects.values_list("pk", flat=True)))
    rows = list(Email.objects.all())
    assert all(r.sent_at is None and r.failed_at is None and r.claimed_at is None for r in rows)
    first = min(rows, key=lambda r: r.pk)
    assert reply.split()[0] in first.last_error
    assert all(r.next_attempt_at > timezone.now() + timedelta(seconds=20) for r in rows)
    assert smtp_backend.count() == 0
    assert deliver_outbox() == 2  # the server takes them now: each sent once
    assert smtp_backend.count() == 2


@pytest.mark.parametrize(
    ("stage", "reply"),
    [("RCPT", "451 4.3.0 Try again later"), ("DATA", "452 4.3.1 Insufficient storage")],
)
def test_a_temporary_refusal_of_one_message_defers_it_and_the_batch_goes_on(
    stage, reply, smtp_backend
):
    MAKERS[Kind.ALERT_CONFIRMATION]()
    MAKERS[Kind.ACCOUNT]()
    deferred, other = Email.objects.order_by("pk")
    smtp_backend.answer(stage, reply)  # the first message only
    report = emails_send(email_ids=[deferred.pk, other.pk])
    assert (report.sent, report.deferred, report.refused) == (1, 1, 0)
    deferred.refresh_from_db()
    assert deferred.sent_at is None and deferred.failed_at is None and deferred.claimed_at is None
    assert reply.split()[0] in deferred.last_error
    assert deferred.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert [str(m["To"]) for m in smtp_backend.messages] == other.to
    assert deliver_outbox() == 1 and smtp_backend.count() == 2


@pytest.mark.parametrize(
    ("stage", "reply"),
    [
        ("RCPT", "550 5.1.1 No such user"),
        ("RCPT", "553 Mailbox name not allowed"),  # no enhanced code: by the basic code
        ("DATA", "554 5.6.0 Message content rejected"),
    ],
)
def test_a_permanent_refusal_fails_that_email_and_the_batch_goes_on(stage, reply, smtp_backend):
    from alerts.models import Delivery

    MAKERS[Kind.ALERT]()
    MAKERS[Kind.ALERT_CONFIRMATION]()
    refused, other = Email.objects.order_by("pk")
    smtp_backend.answer(stage, reply)  # only the first message is refused
    report = emails_send(email_ids=[refused.pk, other.pk])
    assert (report.sent, report.refused) == (1, 1)
    refused.refresh_from_db()
    assert refused.failure == Email.Failure.REFUSED and reply.split()[0] in refused.last_error
    assert [str(m["To"]) for m in smtp_backend.messages] == other.to
    # the alert's rows are skipped as refused, not left owed for ever
    assert Delivery.objects.get().skip_reason == Delivery.Skip.REFUSED
    assert deliver_outbox() == 0


def test_a_batch_past_its_time_budget_gives_the_rest_back_due_at_once(smtp_backend, settings):
    settings.OUTBOX_BATCH_SECONDS = 0  # the budget is spent before the first message
    MAKERS[Kind.ALERT_CONFIRMATION]()
    row = Email.objects.get()
    assert emails_send(email_ids=[row.pk]).sent == 0
    row.refresh_from_db()
    assert row.claimed_at is None and row.attempts == 0 and row.last_error == ""
    assert row.next_attempt_at <= timezone.now()
    settings.OUTBOX_BATCH_SECONDS = 90
    assert deliver_outbox() == 1


def test_sign_up_and_password_reset_work_while_the_mail_server_is_down(closed_port):
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {"email": "down@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    response = Client().post(reverse("account_reset_password"), {"email": "down@example.com"})
    assert response.status_code == 302
    rows = Email.objects.filter(kind=Kind.ACCOUNT, to=["down@example.com"])
    assert rows.count() == 2 and all(row.sent_at is None for row in rows)


def test_account_emails_waiting_for_the_server_go_once_it_is_back(closed_port, settings, smtp_sink):
    Client().post(
        reverse("account_signup"),
        {"email": "later@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    with pytest.raises(OSError):
        deliver_outbox()
    settings.EMAIL_PORT = smtp_sink.port
    assert deliver_outbox() == 1
    assert "confirm" in smtp_sink.messages[0].get_body(("plain",)).get_content().lower()


def test_the_secret_in_an_account_email_is_erased_once_sent(smtp_backend):
    Client().post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    MAKERS[Kind.ACCOUNT]()
    assert all(row.body for row in Email.objects.all())
    deliver_outbox()
    assert Email.objects.sent().count() == Email.objects.count() >= 1
    assert all(row.body == "" and row.html == "" for row in Email.objects.all())


def test_an_email_whose_sender_died_is_taken_over_after_its_lease(smtp_backend, settings):
    settings.OUTBOX_CLAIM_LEASE_SECONDS = 60
    MAKERS[Kind.ALERT_CONFIRMATION]()
    row = Email.objects.get()
    # a sender claimed it and died (no release, no mark)
    Email.objects.filter(pk=row.pk).update(claimed_at=timezone.now(), attempts=1)
    assert outbox_sweep().enqueued == 0  # within the lease: still the dead sender's
    assert emails_send(email_ids=[row.pk]).claimed == 0
    Email.objects.filter(pk=row.pk).update(claimed_at=timezone.now() - timedelta(seconds=61))
    report = outbox_sweep()
    assert (report.enqueued, report.abandoned) == (1, 1)
    row.refresh_from_db()
    assert row.claimed_at is None and row.claim_token is None
    assert emails_send(email_ids=[row.pk]).sent == 1
    assert smtp_backend.count() == 1


def test_emails_unsent_for_days_are_given_up_and_their_alert_rows_skipped(closed_port, settings):
    from alerts.models import Delivery

    MAKERS[Kind.ALERT]()
    Email.objects.update(created_at=timezone.now() - timedelta(days=4))
    report = outbox_sweep()
    assert report.given_up == 1 and report.enqueued == 0
    row = Email.objects.get()
    assert row.failure == Email.Failure.EXPIRED
    assert Delivery.objects.get().skip_reason == Delivery.Skip.GIVEN_UP


def test_unsubscribing_cancels_an_alert_email_not_yet_sent(smtp_backend):
    from alerts.models import Delivery, Subscription
    from alerts.services import subscription_unsubscribe

    MAKERS[Kind.ALERT]()
    subscription_unsubscribe(subscription_id=Subscription.objects.get().pk)
    assert Email.objects.get().failure == Email.Failure.CANCELLED
    assert Delivery.objects.get().skip_reason == Delivery.Skip.STOPPED
    assert deliver_outbox() == 0 and smtp_backend.count() == 0


def test_cancelling_leaves_an_email_that_is_being_sent(smtp_backend):
    MAKERS[Kind.ALERT]()
    Email.objects.update(claimed_at=timezone.now())
    assert emails_cancel(topic=Email.objects.get().topic) == 0


def test_a_pending_alert_without_a_queued_confirmation_gets_one_from_the_sweeper():
    from alerts.services import deliveries_sweep
    from tests.alerts.factories import PendingSubscriptionFactory

    made = PendingSubscriptionFactory(email="before@example.com")
    type(made).objects.filter(pk=made.pk).update(
        confirmation_sent_at=None, created_at=timezone.now() - timedelta(minutes=10)
    )
    assert deliveries_sweep().confirmations == 1
    assert deliveries_sweep().confirmations == 0
    assert list(Email.objects.values_list("kind", "to")) == [
        (Kind.ALERT_CONFIRMATION, ["before@example.com"])
    ]


def test_an_application_whose_recruiters_were_never_told_is_queued_once():
    from candidates.models import Application
    from candidates.services import applications_notify_pending

    recipient = MAKERS[Kind.APPLICATION_RECEIVED]()
    Email.objects.all().delete()  # as if made before the outbox existed
    Application.objects.update(
        recruiters_notified_at=None, created_at=timezone.now() - timedelta(minutes=10)
    )
    assert applications_notify_pending() == 1
    assert applications_notify_pending() == 0
    assert list(Email.objects.values_list("to", flat=True)) == [[recipient]]


def test_pausing_or_deleting_an_alert_cancels_its_composed_email(smtp_backend):
    from alerts.models import Subscription
    from alerts.services import subscription_delete, subscription_pause

    MAKERS[Kind.ALERT]()
    subscription_pause(subscription=Subscription.objects.get())
    assert Email.objects.get().failure == Email.Failure.CANCELLED
    Email.objects.all().update(failed_at=None, failure="")  # composed again, say
    subscription_delete(subscription=Subscription.objects.get())
    assert Email.objects.get().failure == Email.Failure.CANCELLED
    assert deliver_outbox() == 0 and smtp_backend.count() == 0


def test_a_failing_app_hook_never_sends_an_accepted_email_twice(smtp_backend, monkeypatch):
    from alerts import services as alert_services
    from alerts.models import Delivery

    MAKERS[Kind.ALERT]()

    def broken(ids):
        raise RuntimeError("a bug in a hook")

    from outbox import kinds

    monkeypatch.setitem(kinds._rules, Kind.ALERT, kinds.KindRules(bulk=True, on_sent=broken))
    assert deliver_outbox() == 1
    assert deliver_outbox() == 0 and smtp_backend.count() == 1
    assert Email.objects.get().sent_at is not None
    assert Delivery.objects.get().sent_at is None  # the hook's part was lost…
    alert_services.deliveries_sweep()
    assert Delivery.objects.get().sent_at is not None  # …and the sweeper reconciles it


def test_account_deletion_takes_the_person_off_emails_shared_with_colleagues(db):
    from django.core.mail import EmailMessage

    from outbox.services import email_enqueue, emails_forget

    shared = EmailMessage(
        "Expiring", "soon", to=["Leaving@Company.example", "stays@company.example"]
    )
    email_enqueue(kind=Kind.EXPIRY_REMINDER, key="shared", message=shared, send=False)
    alone = EmailMessage("Reset", "link", to=["leaving@company.example"])
    email_enqueue(kind=Kind.ACCOUNT, key="alone", message=alone, send=False)
    assert emails_forget(addresses=["leaving@company.example"]) == 2
    assert list(Email.objects.values_list("to", flat=True)) == [["stays@company.example"]]


def test_a_password_reset_for_an_address_too_long_for_any_server_is_not_an_error(db):
    address = "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "example.com"  # 254 < len ≤ 320
    assert 254 < len(address) <= 320
    response = Client().post(reverse("account_reset_password"), {"email": address})
    assert response.status_code == 302  # the same answer as for any address
    assert not Email.objects.exists()

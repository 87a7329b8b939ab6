"""Each (alert, posting) is recorded once, composed into one outbox email once, sent once,
and never lost (in-process; see the worker tests for the same with real processes)."""

from __future__ import annotations

import smtplib
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from alerts import services
from alerts.models import Delivery, Frequency, MatchJob, Status
from listings.services import listing_publish
from outbox import services as outbox
from outbox.kinds import Kind as EmailKind
from outbox.models import Email
from tests.alerts.factories import (
    DailySubscriptionFactory,
    SubscriptionFactory,
    WeeklySubscriptionFactory,
)
from tests.factories import ListingFactory, LiveListingFactory
from tests.support.outbox import deliver_outbox, send_alerts_now


@pytest.fixture
def vp_alert(db):
    return SubscriptionFactory(email="vp@example.com", criteria={"level": ["vp"]})


def publish(listing, capture):
    with capture(execute=True):
        listing_publish(listing=listing)
    return listing


# --------------------------------------------------------------------------- instant


def test_publishing_a_matching_posting_sends_one_instant_alert_after_the_commit(
    vp_alert, eager_celery, django_capture_on_commit_callbacks
):
    other = SubscriptionFactory(email="dir@example.com", criteria={"level": ["director"]})
    paused = SubscriptionFactory(
        email="p@example.com", status=Status.PAUSED, criteria={"level": ["vp"]}
    )
    daily = DailySubscriptionFactory(email="d@example.com", criteria={"level": ["vp"]})
    posting = ListingFactory(level="vp", title="VP Customer Care")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        listing_publish(listing=posting)
    # nothing is matched before the commit: only a job row and an on-commit hook
    assert len(callbacks) == 1 and not Delivery.objects.exists()
    assert MatchJob.objects.filter(listing=posting, done_at=None).exists()
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()  # the commit: match, then send
    assert list(Delivery.objects.values_list("subscription_id", flat=True)) == [vp_alert.pk]
    assert [m.to for m in mail.outbox] == [["vp@example.com"]]
    assert "VP Customer Care" in mail.outbox[0].subject
    assert MatchJob.objects.get(listing=posting).done_at is not None
    assert not Delivery.objects.filter(subscription__in=[other, paused, daily]).exists()


def test_editing_or_republishing_a_posting_never_alerts_again(
    vp_alert, eager_celery, django_capture_on_commit_callbacks
):
    posting = publish(ListingFactory(level="vp"), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    posting.title = "VP Customer Care (edited)"
    posting.save()
    publish(posting, django_capture_on_commit_callbacks)  # already live: nothing
    posting.close()
    publish(posting, django_capture_on_commit_callbacks)  # live again after closing
    assert len(mail.outbox) == 1
    assert MatchJob.objects.count() == 1 and Delivery.objects.count() == 1


def test_rerunning_matching_and_sending_changes_nothing(
    vp_alert, eager_celery, django_capture_on_commit_callbacks
):
    posting = publish(ListingFactory(level="vp"), django_capture_on_commit_callbacks)
    MatchJob.objects.update(done_at=None)  # as if the task were delivered again
    assert services.posting_match(listing_id=posting.pk) == 0
    # the compose and send tasks delivered again find nothing to compose or to claim
    assert services.alerts_compose(subscription_ids=[vp_alert.pk]).emails == 0
    assert send_alerts_now([vp_alert.pk]).emails == 0
    assert deliver_outbox() == 0
    assert len(mail.outbox) == 1 and Delivery.objects.count() == 1
    assert Email.objects.count() == 1


def test_a_posting_closed_before_its_alert_goes_out_is_not_sent(vp_alert):
    posting = LiveListingFactory(level="vp")
    Delivery.objects.create(subscription=vp_alert, listing=posting)
    posting.close()
    report = send_alerts_now([vp_alert.pk])
    assert report.emails == 0 and report.skipped_rows == 1
    assert Delivery.objects.get().skip_reason == Delivery.Skip.NOT_LIVE
    assert mail.outbox == [] and not Email.objects.exists()


# --------------------------------------------------------------------------- claims


def test_an_alerts_rows_are_composed_into_one_email_once_even_if_composing_runs_twice(
    vp_alert,
):
    for posting in [LiveListingFactory(level="vp"), LiveListingFactory(level="vp")]:
        Delivery.objects.create(subscription=vp_alert, listing=posting)
    first = services.alerts_compose(subscription_ids=[vp_alert.pk])
    again = services.alerts_compose(subscription_ids=[vp_alert.pk])  # a redelivered task
    assert (first.pending, first.emails) == (2, 1)
    assert (again.pending, again.emails) == (0, 0)
    email = Email.objects.get()
    assert email.kind == EmailKind.ALERT and email.to == ["vp@example.com"]
    assert set(Delivery.objects.values_list("email_id", flat=True)) == {email.pk}
    assert mail.outbox == []  # composing writes the outbox; sending is the outbox's


def test_a_claimed_email_belongs_to_one_sender_until_its_lease_runs_out(vp_alert):
    Delivery.objects.create(subscription=vp_alert, listing=LiveListingFactory(level="vp"))
    services.alerts_compose(subscription_ids=[vp_alert.pk])
    email = Email.objects.get()
    first = outbox._claim([email.pk], uuid.uuid4())
    second = outbox._claim([email.pk], uuid.uuid4())
    assert first == [email.pk] and second == []
    # a second sender finds nothing to claim, so it sends nothing
    assert outbox.emails_send(email_ids=[email.pk]).claimed == 0
    assert mail.outbox == []
    # the first sender died; once its lease has run out another may take the email
    past_lease = timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS, hours=1)
    Email.objects.filter(pk=email.pk).update(claimed_at=timezone.now() - past_lease)
    report = outbox.emails_send(email_ids=[email.pk])
    assert (report.claimed, report.sent) == (1, 1)
    email.refresh_from_db()
    assert email.attempts == 2 and email.sent_at is not None
    assert email.claimed_at is None and email.claim_token is None
    assert Delivery.objects.get().sent_at == email.sent_at
    # once sent, nobody claims it again
    assert outbox.emails_send(email_ids=[email.pk]).claimed == 0
    assert len(mail.outbox) == 1


class FailingBackend:
    """An SMTP backend whose server answers every message with a temporary error."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(421, b"4.3.0 service not available, closing channel")


def test_a_mail_server_failure_gives_the_email_back_with_a_backoff_and_keeps_it(vp_alert):
    Delivery.objects.create(subscription=vp_alert, listing=LiveListingFactory(level="vp"))
    with (
        override_settings(EMAIL_BACKEND="tests.alerts.test_exactly_once.FailingBackend"),
        pytest.raises(smtplib.SMTPDataError),
    ):
        send_alerts_now([vp_alert.pk])
    delivery = Delivery.objects.get()
    assert delivery.sent_at is None and delivery.skipped_at is None
    email = Email.objects.get()
    assert delivery.email_id == email.pk
    assert email.sent_at is None and email.failed_at is None
    assert email.claimed_at is None and email.claim_token is None
    assert "421" in email.last_error and email.attempts == 1
    # not due again until its backoff has passed: the sweeper leaves it meanwhile
    assert not Email.objects.due().exists()
    backoff = timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS + 1)
    assert Email.objects.due(timezone.now() + backoff).exists()
    # when the server is back, it goes out, once
    assert send_alerts_now([vp_alert.pk]).emails == 1
    assert send_alerts_now([vp_alert.pk]).emails == 0
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().sent_at is not None


def test_a_permanently_refused_address_is_skipped_not_retried_forever(vp_alert):
    class Refusing(FailingBackend):
        def send_messages(self, messages):
            raise smtplib.SMTPRecipientsRefused({"vp@example.com": (550, b"no such user")})

    Delivery.objects.create(subscription=vp_alert, listing=LiveListingFactory(level="vp"))
    with override_settings(EMAIL_BACKEND="tests.alerts.test_exactly_once.RefusingBackend"):
        globals()["RefusingBackend"] = Refusing
        report = send_alerts_now([vp_alert.pk])
    assert report.emails == 0
    assert Delivery.objects.get().skip_reason == Delivery.Skip.REFUSED
    email = Email.objects.get()
    assert email.failure == Email.Failure.REFUSED and email.sent_at is None
    assert not Email.objects.due(timezone.now() + timedelta(days=1)).exists()  # never again


# --------------------------------------------------------------------------- digests


def test_a_daily_digest_collects_what_went_live_since_the_last_one_once(
    db, eager_celery, django_capture_on_commit_callbacks
):
    now = timezone.now()
    alert = DailySubscriptionFactory(
        email="daily@example.com", criteria={"level": ["vp"]}, watermark=now - timedelta(days=1)
    )
    old = LiveListingFactory(level="vp", date_posted=now - timedelta(days=3))
    new = [LiveListingFactory(level="vp", date_posted=now - timedelta(minutes=m)) for m in (5, 120)]
    LiveListingFactory(level="director", date_posted=now - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.digests_collect(frequency=Frequency.DAILY, now=now)
    assert report.subscriptions == 1 and report.with_new == [alert.pk]
    assert set(Delivery.objects.values_list("listing_id", flat=True)) == {p.pk for p in new}
    assert old.pk not in Delivery.objects.values_list("listing_id", flat=True)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Your daily alert: 2 new roles for “{alert.name}”"
    alert.refresh_from_db()
    assert alert.watermark == now
    # the same run again, or one an hour later, is not due: no second email
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digests_collect(frequency=Frequency.DAILY, now=now).subscriptions == 0
        later = now + timedelta(hours=1)
        assert services.digests_collect(frequency=Frequency.DAILY, now=later).subscriptions == 0
    # the next day the overlap window looks again at the posting from 5 minutes before
    # this run; its outbox row already exists, so it is not sent again
    with django_capture_on_commit_callbacks(execute=True):
        tomorrow = now + timedelta(days=1)
        report = services.digests_collect(frequency=Frequency.DAILY, now=tomorrow)
    assert report.subscriptions == 1 and report.with_new == []
    assert len(mail.outbox) == 1


def test_no_email_when_a_digest_has_nothing_new(
    db, eager_celery, django_capture_on_commit_callbacks
):
    WeeklySubscriptionFactory(criteria={"level": ["vp"]})
    LiveListingFactory(level="director")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.digests_collect(frequency=Frequency.WEEKLY)
    assert report.subscriptions == 1 and report.with_new == []
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_a_posting_closed_before_the_digest_is_sent_leaves_it(
    db, eager_celery, django_capture_on_commit_callbacks
):
    alert = DailySubscriptionFactory(criteria={"level": ["vp"]})
    keep = LiveListingFactory(level="vp", title="Stays open")
    gone = LiveListingFactory(level="vp", title="Filled quickly")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.digests_collect(frequency=Frequency.DAILY)
    assert Delivery.objects.filter(subscription=alert).count() == 2
    gone.close()  # between collection and sending
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert len(mail.outbox) == 1
    assert "Stays open" in mail.outbox[0].body and "Filled quickly" not in mail.outbox[0].body
    assert Delivery.objects.get(listing=gone).skip_reason == Delivery.Skip.NOT_LIVE
    assert Delivery.objects.get(listing=keep).sent_at is not None


def test_turning_a_daily_alert_instant_sends_what_the_digest_was_holding(
    db, eager_celery, django_capture_on_commit_callbacks
):
    alert = DailySubscriptionFactory(
        criteria={"level": ["vp"]}, watermark=timezone.now() - timedelta(hours=3)
    )
    LiveListingFactory(level="vp", date_posted=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.subscription_update(subscription=alert, name=alert.name, frequency="instant")
    assert len(mail.outbox) == 1
    alert.refresh_from_db()
    assert alert.frequency == Frequency.INSTANT


# --------------------------------------------------------------------------- sweeper


@override_settings(ALERTS_SWEEP_GRACE_SECONDS=0)
def test_the_sweeper_finds_work_whose_task_was_lost(
    vp_alert, eager_celery, django_capture_on_commit_callbacks
):
    posting = ListingFactory(level="vp")
    with django_capture_on_commit_callbacks(execute=False):  # the enqueue never happens
        listing_publish(listing=posting)
    assert not Delivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.deliveries_sweep(now=timezone.now() + timedelta(seconds=1))
    assert report.match_jobs == 1
    assert len(mail.outbox) == 1
    # a row whose compose task was lost is picked up too
    Delivery.objects.create(subscription=vp_alert, listing=LiveListingFactory(level="vp"))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.deliveries_sweep(now=timezone.now() + timedelta(seconds=1))
    assert report.deliveries == 1 and len(mail.outbox) == 2
    # and an email whose send task was lost goes out through the outbox's sweeper
    Delivery.objects.create(subscription=vp_alert, listing=LiveListingFactory(level="vp"))
    with django_capture_on_commit_callbacks(execute=False):  # the send is never enqueued
        assert services.alerts_compose(subscription_ids=[vp_alert.pk]).emails == 1
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):  # left to its task for a while
        assert outbox.outbox_sweep().enqueued == 0
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_sweep(now=later).enqueued == 1
    assert len(mail.outbox) == 3
    assert Delivery.objects.sent().count() == 3 and not Delivery.objects.unsent().exists()


def _email(key: str, **fields) -> Email:
    return Email.objects.create(
        kind=EmailKind.ALERT,
        key=key,
        from_email="jobs@localhost",
        to=["vp@example.com"],
        subject="New role",
        message_id=f"<{key}@testserver>",
        **fields,
    )


def test_the_sweepers_leave_work_that_is_composed_claimed_or_waiting_for_its_backoff(
    vp_alert,
):
    posting = LiveListingFactory(level="vp")
    now = timezone.now()
    long_ago = now - timedelta(minutes=5)
    # composed: its email is the outbox's (claimed by a live sender), however old the row
    claimed = _email("claimed", claimed_at=now, next_attempt_at=long_ago)
    Delivery.objects.create(
        subscription=vp_alert, listing=posting, email=claimed, next_attempt_at=long_ago
    )
    # not composed yet, but its next attempt has not come
    other = SubscriptionFactory(criteria={"level": ["vp"]})
    Delivery.objects.create(
        subscription=other, listing=posting, next_attempt_at=now + timedelta(minutes=5)
    )
    assert services.deliveries_sweep(now=now).deliveries == 0
    # an email waiting for its backoff is left too
    _email("waiting", next_attempt_at=now + timedelta(minutes=5))
    assert outbox.outbox_sweep(now=now).enqueued == 0


def test_an_overdue_digest_is_collected_by_the_sweeper(
    db, eager_celery, django_capture_on_commit_callbacks
):
    alert = DailySubscriptionFactory(criteria={}, watermark=timezone.now() - timedelta(days=2))
    LiveListingFactory(date_posted=timezone.now() - timedelta(hours=30))
    with django_capture_on_commit_callbacks(execute=True):
        report = services.deliveries_sweep()
    assert report.overdue_digests == 1 and len(mail.outbox) == 1
    alert.refresh_from_db()
    assert alert.watermark > timezone.now() - timedelta(minutes=1)


def test_a_digest_pairs_an_alert_only_with_the_functions_it_asked_for(db):
    alert = DailySubscriptionFactory(criteria={"function": ["customer_success"]})
    wanted = LiveListingFactory(function="customer_success", workplace="hybrid")
    LiveListingFactory(function="customer_service", workplace="hybrid")  # same group otherwise
    services.digests_collect(frequency=Frequency.DAILY, enqueue=False)
    assert list(Delivery.objects.values_list("subscription_id", "listing_id")) == [
        (alert.pk, wanted.pk)
    ]


def test_a_digest_looks_a_little_before_its_watermark_for_late_commits(db):
    now = timezone.now()
    watermark = now - timedelta(days=1)
    alert = DailySubscriptionFactory(criteria={}, watermark=watermark)
    late = LiveListingFactory(date_posted=watermark - timedelta(minutes=5))  # committed late
    LiveListingFactory(date_posted=watermark - timedelta(minutes=30))  # the last digest's
    services.digests_collect(frequency=Frequency.DAILY, now=now, enqueue=False)
    assert list(Delivery.objects.values_list("subscription_id", "listing_id")) == [
        (alert.pk, late.pk)
    ]

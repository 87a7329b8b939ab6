"""Each (alert, posting) is recorded once, sent once, and never lost (in-process; see the
worker tests for the same with real processes)."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from alerts import services
from alerts.models import Delivery, Frequency, MatchJob, Status
from listings.services import listing_publish
from tests.alerts.factories import (
    DailySubscriptionFactory,
    SubscriptionFactory,
    WeeklySubscriptionFactory,
)
from tests.factories import ListingFactory, LiveListingFactory


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
    assert services.alerts_send(subscription_ids=[vp_alert.pk]).emails == 0
    assert len(mail.outbox) == 1 and Delivery.objects.count() == 1


def test_a_posting_closed_before_its_alert_goes_out_is_not_sent(vp_alert):
    posting = LiveListingFactory(level="vp")
    Delivery.objects.create(subscription=vp_alert, listing=posting)
    posting.close()
    report = services.alerts_send(subscription_ids=[vp_alert.pk])
    assert report.emails == 0 and report.skipped_rows == 1
    assert Delivery.objects.get().skip_reason == Delivery.Skip.NOT_LIVE
    assert mail.outbox == []


# --------------------------------------------------------------------------- claims


def test_a_claimed_row_belongs_to_one_sender_until_its_lease_runs_out(vp_alert):
    posting = LiveListingFactory(level="vp")
    delivery = Delivery.objects.create(subscription=vp_alert, listing=posting)
    now = timezone.now()
    first = services._claim([vp_alert.pk], token=services.uuid.uuid4(), now=now)
    second = services._claim([vp_alert.pk], token=services.uuid.uuid4(), now=now)
    assert [row[0] for row in first] == [delivery.pk] and second == []
    # the first sender died; after the lease another may take the row
    later = now + timedelta(seconds=services.settings.ALERTS_CLAIM_LEASE_SECONDS + 1)
    third = services._claim([vp_alert.pk], token=services.uuid.uuid4(), now=later)
    assert [row[0] for row in third] == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.attempts == 2


class FailingBackend:
    """An SMTP backend whose server answers every message with a temporary error."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPDataError(451, b"4.3.0 try again later")


def test_a_mail_server_failure_releases_the_claim_with_a_backoff_and_keeps_the_row(vp_alert):
    posting = LiveListingFactory(level="vp")
    Delivery.objects.create(subscription=vp_alert, listing=posting)
    before = timezone.now()
    with (
        override_settings(EMAIL_BACKEND="tests.alerts.test_exactly_once.FailingBackend"),
        pytest.raises(smtplib.SMTPDataError),
    ):
        services.alerts_send(subscription_ids=[vp_alert.pk])
    delivery = Delivery.objects.get()
    assert delivery.sent_at is None and delivery.skipped_at is None
    assert delivery.claimed_at is None and delivery.claim_token is None
    assert "451" in delivery.last_error and delivery.attempts == 1
    assert delivery.next_attempt_at >= before + timedelta(seconds=29)
    # when the server is back, it goes out, once
    assert services.alerts_send(subscription_ids=[vp_alert.pk]).emails == 1
    assert services.alerts_send(subscription_ids=[vp_alert.pk]).emails == 0
    assert len(mail.outbox) == 1


def test_a_permanently_refused_address_is_skipped_not_retried_forever(vp_alert):
    class Refusing(FailingBackend):
        def send_messages(self, messages):
            raise smtplib.SMTPRecipientsRefused({"vp@example.com": (550, b"no such user")})

    Delivery.objects.create(subscription=vp_alert, listing=LiveListingFactory(level="vp"))
    with override_settings(EMAIL_BACKEND="tests.alerts.test_exactly_once.RefusingBackend"):
        globals()["RefusingBackend"] = Refusing
        report = services.alerts_send(subscription_ids=[vp_alert.pk])
    assert report.emails == 0
    assert Delivery.objects.get().skip_reason == Delivery.Skip.REFUSED


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
    # a row whose send task was lost is picked up too
    Delivery.objects.update(sent_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.deliveries_sweep(now=timezone.now() + timedelta(seconds=1))
    assert report.deliveries == 1 and len(mail.outbox) == 2


def test_the_sweeper_leaves_rows_that_are_claimed_or_waiting_for_their_backoff(vp_alert):
    posting = LiveListingFactory(level="vp")
    now = timezone.now()
    Delivery.objects.create(
        subscription=vp_alert,
        listing=posting,
        claimed_at=now,
        next_attempt_at=now - timedelta(minutes=5),
    )
    other = SubscriptionFactory(criteria={"level": ["vp"]})
    Delivery.objects.create(
        subscription=other, listing=posting, next_attempt_at=now + timedelta(minutes=5)
    )
    assert services.deliveries_sweep(now=now).deliveries == 0


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

"""Recruiters get one email a few days before a live posting expires (Celery beat, daily);
it goes through the outbox like every email."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from jobboard.celery import app
from listings.models import Listing
from listings.services import listing_queue_expiry_reminder
from listings.tasks import send_expiry_reminders
from outbox.kinds import Kind as EmailKind
from outbox.models import Email
from tests.factories import (
    ClosedListingFactory,
    CompanyFactory,
    ExpiredListingFactory,
    ListingFactory,
    LiveListingFactory,
    RecruiterUserFactory,
)
from tests.support.outbox import deliver_outbox
from tests.support.waiting import wait_until


@pytest.fixture
def eager_celery():
    """Run tasks inline (unit tests); delivery through a real worker is tested below."""
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


def expiring(company, days: float = 2, **kwargs) -> Listing:
    return LiveListingFactory(
        company=company, valid_through=timezone.now() + timedelta(days=days), **kwargs
    )


@pytest.mark.django_db
def test_reminder_is_sent_once_even_when_the_task_runs_twice(
    eager_celery, owner, colleague, outsider, company
):
    listing = expiring(company, title="VP of Customer Care")
    assert send_expiry_reminders.delay().get() == 1
    assert send_expiry_reminders.delay().get() == 0
    # queueing that posting's reminder again is harmless too
    assert listing_queue_expiry_reminder(listing_id=listing.pk) is False
    assert Email.objects.filter(kind=EmailKind.EXPIRY_REMINDER).count() == 1
    # and however often the outbox's sender runs, it goes out once
    assert deliver_outbox() == 1
    assert deliver_outbox() == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["colleague@example.com", "owner@example.com"]
    assert "outsider@example.com" not in message.to
    assert message.subject == (
        f"Your posting “VP of Customer Care” expires on {listing.valid_through:%d %b %Y}"
    )
    admin_link = f"{settings.SITE_URL}/admin/listings/listing/{listing.pk}/change/"
    assert admin_link in message.body
    assert "VP of Customer Care" in message.body
    assert listing.valid_through.strftime("%-d %B %Y") in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{admin_link}"' in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    listing.refresh_from_db()
    assert listing.expiry_reminder_sent_at is not None


@pytest.mark.django_db
def test_postings_not_expiring_soon_get_no_reminder(eager_celery, owner, company):
    LiveListingFactory(company=company, valid_through=timezone.now() + timedelta(days=10))
    ExpiredListingFactory(company=company)
    ClosedListingFactory(company=company, valid_through=timezone.now() + timedelta(days=1))
    ListingFactory(company=company, valid_through=timezone.now() + timedelta(days=1))
    assert send_expiry_reminders.delay().get() == 0
    assert not Email.objects.exists() and deliver_outbox() == 0
    assert mail.outbox == []
    assert not Listing.objects.filter(expiry_reminder_sent_at__isnull=False).exists()


@pytest.mark.django_db
def test_each_expiring_posting_reaches_its_own_companys_recruiters(
    eager_celery, owner, outsider, company, other_company
):
    expiring(company, title="Ours")
    expiring(other_company, title="Theirs", days=1)
    assert send_expiry_reminders.delay().get() == 2
    assert deliver_outbox() == 2
    by_title = {m.subject.split("“")[1].split("”")[0]: m.to for m in mail.outbox}
    assert by_title == {"Ours": ["owner@example.com"], "Theirs": ["outsider@example.com"]}


@pytest.mark.django_db
def test_extending_a_posting_rearms_its_reminder(eager_celery, owner, company):
    listing = expiring(company)
    send_expiry_reminders.delay().get()
    deliver_outbox()
    listing.extend(days=30)
    assert send_expiry_reminders.delay().get() == 0
    assert deliver_outbox() == 0
    assert len(mail.outbox) == 1  # no longer expiring soon
    Listing.objects.filter(pk=listing.pk).update(valid_through=timezone.now() + timedelta(days=1))
    assert send_expiry_reminders.delay().get() == 1
    assert deliver_outbox() == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_failed_send_keeps_the_reminder_in_the_outbox_for_the_retry(owner, company):
    listing = expiring(company)
    assert listing_queue_expiry_reminder(listing_id=listing.pk) is True
    smtp_down = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=9,  # discard: nothing listens, the connection is refused
        EMAIL_TIMEOUT=2,
    )
    with smtp_down, pytest.raises(OSError):
        deliver_outbox()
    email = Email.objects.get()
    assert email.sent_at is None and email.failed_at is None
    assert email.claimed_at is None and email.attempts == 1 and email.last_error
    # the reminder is recorded once: it waits in the outbox, it is not queued again
    assert listing_queue_expiry_reminder(listing_id=listing.pk) is False
    assert deliver_outbox() == 1
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.sent_at is not None


@pytest.mark.django_db
def test_company_without_recruiters_is_skipped_quietly(eager_celery):
    listing = expiring(CompanyFactory())
    assert send_expiry_reminders.delay().get() == 0
    assert not Email.objects.exists() and deliver_outbox() == 0
    assert mail.outbox == []
    listing.refresh_from_db()
    assert listing.expiry_reminder_sent_at is not None  # not looked at again every day


def test_the_reminder_is_scheduled_daily_by_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["listings-expiry-reminders"]
    assert entry["task"] == "listings.send_expiry_reminders"
    assert entry["schedule"].hour == {8}
    assert entry["schedule"].minute == {0}
    app.loader.import_default_modules()
    assert "listings.send_expiry_reminders" in app.tasks
    # sending is retried by the outbox: its send task, and its sweeper every minute
    send = app.tasks["outbox.send"]
    assert send.max_retries and send.autoretry_for
    assert settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]["task"] == "outbox.sweep"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_exactly_one_reminder(
    celery_worker_factory, recruiters_group, tmp_path
):
    maildir = tmp_path / "mail"
    maildir.mkdir()
    celery_worker_factory(EMAIL_URL=f"filemail:///{maildir}")
    company = CompanyFactory()
    RecruiterUserFactory(username="worker-owner", recruiter=company)
    listing = expiring(company, title="Director of CX")

    assert send_expiry_reminders.delay().get(timeout=30) == 1
    assert Listing.objects.get(pk=listing.pk).expiry_reminder_sent_at is not None
    email = Email.objects.get(kind=EmailKind.EXPIRY_REMINDER)
    assert wait_until(lambda: Email.objects.filter(pk=email.pk).sent().exists())
    assert wait_until(lambda: any(maildir.iterdir()))
    assert send_expiry_reminders.delay().get(timeout=30) == 0
    # a duplicate of its send task (a redelivery) finds nothing to claim
    duplicate = app.signature("outbox.send", args=([email.pk],)).delay()
    assert duplicate.get(timeout=30)["claimed"] == 0

    files = list(Path(maildir).iterdir())
    assert len(files) == 1
    sent = files[0].read_text()
    assert "worker-owner@example.com" in sent
    assert "Director of CX" in sent

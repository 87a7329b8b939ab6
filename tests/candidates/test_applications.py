"""Applying with the profile: one per posting, résumé copied, recruiters told by an outbox
email written with the application."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.models import Application
from outbox import services as outbox
from outbox.kinds import Kind as EmailKind
from outbox.models import Email
from tests.candidates.factories import ProfileFactory, docx_upload
from tests.factories import ClosedListingFactory, CompanyFactory, LiveListingFactory
from tests.support.outbox import deliver_outbox


def apply_url(listing):
    return reverse("candidates:apply", args=[listing.slug])


@pytest.mark.django_db
def test_applying_records_what_was_sent_and_copies_the_resume(
    owner_client, owner_profile, listing, eager_celery
):
    response = owner_client.post(apply_url(listing), {"cover_note": "Happy to talk."})
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == application.get_absolute_url()
    assert application.candidate == owner_profile.user
    assert application.candidate_name == "Olivia Owner"
    assert application.candidate_email == owner_profile.user.email
    assert application.cover_note == "Happy to talk."
    assert application.status == "new"
    assert application.profile_snapshot["headline"] == owner_profile.headline
    assert application.profile_snapshot["kpis_moved"][0]["code"] == "nps"
    copy, current = Path(application.resume.path), Path(owner_profile.resume.path)
    assert copy != current and copy.read_bytes() == current.read_bytes()


@pytest.mark.django_db
def test_the_copy_stays_as_sent_when_the_profile_changes(
    owner_client, owner_profile, listing, django_capture_on_commit_callbacks
):
    owner_client.post(apply_url(listing))
    application = Application.objects.get()
    sent = Path(application.resume.path).read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_replace(profile=owner_profile, upload=docx_upload())
        owner_profile.headline = "Changed"
        owner_profile.save()
    application.refresh_from_db()
    assert Path(application.resume.path).read_bytes() == sent
    assert application.profile_snapshot["headline"] != "Changed"


@pytest.mark.django_db
def test_one_click_from_the_posting_page_applies_without_a_note(
    owner_client, owner_profile, listing
):
    response = owner_client.post(apply_url(listing))
    assert response.status_code == 302
    assert Application.objects.get().cover_note == ""


@pytest.mark.django_db
def test_a_second_application_is_refused_kindly(owner_client, owner_profile, listing):
    owner_client.post(apply_url(listing))
    response = owner_client.post(apply_url(listing), {"cover_note": "again"}, follow=True)
    assert Application.objects.count() == 1
    assert "You applied to this role on" in response.content.decode()
    with pytest.raises(services.AlreadyApplied):
        services.application_submit(user=owner_profile.user, listing=listing)


@pytest.mark.django_db
def test_the_database_allows_one_application_per_candidate_and_posting(owner, listing):
    Application.objects.create(
        candidate=owner, listing=listing, candidate_name="A", candidate_email="a@example.com"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            candidate=owner, listing=listing, candidate_name="A", candidate_email="a@example.com"
        )


@pytest.mark.django_db
def test_a_candidate_cannot_set_the_status_or_the_posting_of_an_application(
    owner_client, owner_profile, listing, other_listing
):
    owner_client.post(
        apply_url(listing),
        {
            "cover_note": "x",
            "status": "offer",
            "listing": other_listing.pk,
            "candidate_name": "Someone Else",
            "candidate": 1,
        },
    )
    application = Application.objects.get()
    assert application.status == "new"
    assert application.listing == listing
    assert application.candidate_name == "Olivia Owner"


@pytest.mark.django_db
def test_an_incomplete_profile_is_asked_to_complete_first(owner_client, owner, listing):
    ProfileFactory(user=owner)  # no résumé
    response = owner_client.post(apply_url(listing))
    assert response.status_code == 200
    assert "needs a résumé before you can apply" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["url", "email"])
def test_postings_that_apply_elsewhere_take_no_application_here(
    owner_client, owner_profile, method
):
    listing = LiveListingFactory(
        apply_method=method,
        apply_url="https://jobs.example.com/1",
        apply_email="jobs@example.com",
    )
    response = owner_client.post(apply_url(listing))
    assert response.status_code == 302
    assert response["Location"] == listing.get_absolute_url()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_closed_postings_take_no_application(owner_client, owner_profile):
    closed = ClosedListingFactory()
    assert owner_client.post(apply_url(closed)).status_code == 404
    with pytest.raises(services.ApplyError):
        services.application_submit(user=owner_profile.user, listing=closed)


@pytest.mark.django_db
def test_an_overlong_cover_note_is_refused(owner_client, owner_profile, listing):
    response = owner_client.post(apply_url(listing), {"cover_note": "x" * 3001})
    assert response.status_code == 200
    assert "at most 3000 characters" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_the_company_recruiters_email_is_written_with_the_application_and_sent_once(
    owner_client,
    owner_profile,
    listing,
    recruiter,
    colleague_recruiter,
    other_recruiter,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        owner_client.post(apply_url(listing), {"cover_note": "<b>Hello</b>"})
    application = Application.objects.get()
    # the email is a row of the application's own transaction; only sending waits
    email = Email.objects.get()
    assert email.kind == EmailKind.APPLICATION_RECEIVED
    assert email.key == f"application_received:{application.pk}"
    assert sorted(email.to) == ["carl@northwind.example", "rita@northwind.example"]
    assert application.recruiters_notified_at is not None
    assert len(callbacks) == 1  # the send task, enqueued after the commit
    assert mail.outbox == []  # nothing leaves before the outbox sends it
    assert deliver_outbox() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["carl@northwind.example", "rita@northwind.example"]
    assert "Olivia Owner" in message.subject and listing.title in message.subject
    assert message.reply_to == [owner_profile.user.email]
    assert "/admin/candidates/application/" in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;Hello&lt;/b&gt;" in html
    assert not message.attachments
    # a redelivered send task finds nothing to claim: nothing is sent twice
    assert outbox.emails_send(email_ids=[email.pk]).claimed == 0
    assert deliver_outbox() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_each_application_has_exactly_one_recruiters_email(
    owner_client, owner_profile, outsider_profile, listing, recruiter
):
    owner_client.post(apply_url(listing))
    owner_client.post(apply_url(listing), {"cover_note": "again"})  # refused: no email
    with pytest.raises(services.AlreadyApplied):
        services.application_submit(user=owner_profile.user, listing=listing)
    other = services.application_submit(user=outsider_profile.user, listing=listing)
    keys = sorted(Email.objects.values_list("key", flat=True))
    mine = Application.objects.get(candidate=owner_profile.user)
    assert keys == sorted(f"application_received:{a.pk}" for a in [mine, other])
    assert deliver_outbox() == 2
    assert sorted(m.subject for m in mail.outbox) == [
        f"New application: Olivia Owner for {listing.title}",
        f"New application: Oscar Outsider for {listing.title}",
    ]


@pytest.mark.django_db
def test_no_email_when_the_posting_has_no_recruiter_address(owner_profile):
    listing = LiveListingFactory(company=CompanyFactory(), created_by=None)  # nobody to tell
    application = services.application_submit(user=owner_profile.user, listing=listing)
    assert not Email.objects.exists()
    application.refresh_from_db()
    assert application.recruiters_notified_at is None
    assert deliver_outbox() == 0 and mail.outbox == []


@pytest.mark.django_db
def test_a_failed_send_gives_the_email_back_for_the_retry(
    owner_profile, listing, recruiter, settings
):
    application = services.application_submit(user=owner_profile.user, listing=listing)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with pytest.raises(OSError):
        deliver_outbox()
    email = Email.objects.get()
    assert email.sent_at is None and email.failed_at is None
    assert email.claimed_at is None and email.claim_token is None
    assert email.attempts == 1 and email.last_error
    assert mail.outbox == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_outbox() == 1
    email.refresh_from_db()
    assert email.sent_at is not None
    application.refresh_from_db()
    assert application.recruiters_notified_at is not None
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_candidate_sees_each_application_with_its_status(
    owner_client, owner_profile, listing, other_listing
):
    owner_client.post(apply_url(listing))
    owner_client.post(apply_url(other_listing))
    Application.objects.get(listing=other_listing).set_status("interviewing")
    html = owner_client.get(reverse("candidates:applications")).content.decode()
    assert listing.title in html and other_listing.title in html
    assert "Interviewing" in html and "Received" in html


@pytest.mark.django_db
def test_a_script_in_the_cover_note_is_shown_escaped(owner_client, owner_profile, listing):
    owner_client.post(apply_url(listing), {"cover_note": "<script>alert(1)</script>"})
    application = Application.objects.get()
    html = owner_client.get(application.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_the_apply_page_shows_the_match_and_what_will_be_sent(owner_client, owner_profile, listing):
    html = owner_client.get(apply_url(listing)).content.decode()
    assert "Your match" in html
    assert owner_profile.headline in html
    assert "Send application" in html


@pytest.mark.django_db
def test_the_sweep_sends_notifications_whose_send_task_never_left(
    owner_profile, listing, recruiter, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down
        services.application_submit(user=owner_profile.user, listing=listing)
    assert mail.outbox == [] and Email.objects.unsent().count() == 1
    # the sweeper leaves a new email to its own task for the grace period, then takes it
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_sweep().enqueued == 0
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_sweep(now=later).enqueued == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rita@northwind.example"]
    assert not Email.objects.unsent().exists()
    # the next sweep finds nothing left to send
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.outbox_sweep(now=later + timedelta(minutes=5)).enqueued == 0
    assert len(mail.outbox) == 1

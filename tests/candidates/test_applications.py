"""Applying with the profile: one per posting, résumé copied, recruiters told after commit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from candidates import services
from candidates.models import Application
from candidates.tasks import notify_recruiters
from tests.candidates.factories import ProfileFactory, docx_upload
from tests.factories import ClosedListingFactory, LiveListingFactory


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
def test_the_company_recruiters_get_an_email_once_the_application_is_committed(
    owner_client,
    owner_profile,
    listing,
    recruiter,
    colleague_recruiter,
    other_recruiter,
    django_capture_on_commit_callbacks,
    eager_celery,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        owner_client.post(apply_url(listing), {"cover_note": "<b>Hello</b>"})
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["carl@northwind.example", "rita@northwind.example"]
    assert "Olivia Owner" in message.subject and listing.title in message.subject
    assert message.reply_to == [owner_profile.user.email]
    assert "/admin/candidates/application/" in message.body
    html = message.alternatives[0][0]
    assert "&lt;b&gt;Hello&lt;/b&gt;" in html
    assert not message.attachments
    application = Application.objects.get()
    assert application.recruiters_notified_at is not None
    # a redelivered task sends nothing twice
    notify_recruiters.apply(args=[application.pk])
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_releases_the_claim_for_the_retry(
    owner_profile, listing, recruiter, settings
):
    application = services.application_submit(user=owner_profile.user, listing=listing)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    with pytest.raises(OSError):
        notify_recruiters.run(application.pk)
    application.refresh_from_db()
    assert application.notify_claimed_at is None
    assert application.recruiters_notified_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notify_recruiters.run(application.pk)
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
def test_the_sweep_sends_notifications_that_never_left(listing, recruiter, eager_celery):
    from datetime import timedelta

    from django.utils import timezone

    from candidates.tasks import notify_pending
    from tests.candidates.factories import ApplicationFactory

    stuck = ApplicationFactory(listing=listing)
    fresh = ApplicationFactory(listing=listing)
    Application.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - timedelta(minutes=30)
    )
    assert notify_pending() == 1
    assert len(mail.outbox) == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.recruiters_notified_at is not None
    assert fresh.recruiters_notified_at is None
    assert notify_pending() == 0

"""Deleting an account: profile, résumé files, saved postings and alerts go; the
applications already sent stay with the recruiters, with the candidate's name."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from candidates import services
from candidates.models import Application, Profile, SavedPosting
from candidates.signals import account_deleting

URL = reverse("candidates:account_delete")


@pytest.fixture
def history(owner_profile, listing, other_listing):
    application = services.application_submit(
        user=owner_profile.user, listing=listing, cover_note="Let us talk."
    )
    SavedPosting.objects.create(user=owner_profile.user, listing=other_listing)
    return application


@pytest.mark.django_db
def test_the_page_says_what_goes_and_what_stays_before_confirming(owner_client, history):
    html = owner_client.get(URL).content.decode()
    assert "1 application" in html
    assert "stays with the recruiters" in html
    assert "your name, email address, cover note" in html
    assert "résumé files, including the copies sent with applications" in html
    assert get_user_model().objects.filter(pk=history.candidate_id).exists()


@pytest.mark.django_db
def test_deleting_removes_the_account_and_keeps_sent_applications(
    owner_client, owner, owner_profile, history, django_capture_on_commit_callbacks
):
    files = [Path(owner_profile.resume.path), Path(history.resume.path)]
    assert all(f.exists() for f in files)
    received = []

    def listener(sender, user, emails, **kwargs):
        received.append(emails)

    account_deleting.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = owner_client.post(
                URL, {"password": "correct horse battery", "confirm": "on"}
            )
    finally:
        account_deleting.disconnect(listener)
    assert response.status_code == 302 and response["Location"] == "/"
    assert not get_user_model().objects.filter(pk=owner.pk).exists()
    assert not Profile.objects.filter(pk=owner_profile.pk).exists()
    assert not SavedPosting.objects.exists()
    assert not any(f.exists() for f in files)
    assert received == [[owner.email]]
    kept = Application.objects.get(pk=history.pk)
    assert kept.candidate is None
    assert kept.candidate_name == "Olivia Owner"
    assert kept.candidate_email == owner.email
    assert kept.cover_note == "Let us talk."
    assert not kept.resume
    # signed out, and the session does not come back
    assert owner_client.get(reverse("candidates:dashboard")).status_code == 302


@pytest.mark.django_db
def test_the_recruiter_still_reads_the_application_after_the_deletion(
    owner_profile, history, recruiter, client
):
    services.account_delete(user=owner_profile.user)
    client.force_login(recruiter)
    html = client.get(
        reverse("admin:candidates_application_change", args=[history.pk])
    ).content.decode()
    assert "Olivia Owner" in html
    assert "Deleted with the candidate" in html
    assert (
        client.get(reverse("candidates:application_resume", args=[history.pk])).status_code == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "wrong", "confirm": "on"}, "That is not your password."),
        ({"password": "correct horse battery"}, "Tick the box to confirm."),
    ],
)
def test_deletion_needs_the_password_and_the_tick(owner_client, owner, history, data, message):
    response = owner_client.post(URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert get_user_model().objects.filter(pk=owner.pk).exists()


@pytest.mark.django_db
def test_after_deletion_the_same_email_can_sign_up_again(owner_profile, client):
    email = owner_profile.user.email
    services.account_delete(user=owner_profile.user)
    response = client.post(
        reverse("account_signup"),
        {"email": email, "password1": "Quiet-harbour-42", "password2": "Quiet-harbour-42"},
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(email=email).count() == 1


@pytest.mark.django_db
def test_deleting_the_account_removes_its_alert_subscriptions(owner_client, owner, history):
    from alerts.models import Subscription
    from tests.alerts.factories import SubscriptionFactory

    SubscriptionFactory(user=owner, email=owner.email)
    SubscriptionFactory(user=None, email=owner.email.upper())  # subscribed before signing up
    stranger = SubscriptionFactory(email="someone.else@example.com")
    owner_client.post(URL, {"password": "correct horse battery", "confirm": "on"})
    assert list(Subscription.objects.all()) == [stranger]


def _outbox_for(*addresses: str) -> list:
    from outbox.models import Email

    return [email for email in Email.objects.order_by("pk") if set(email.to) & set(addresses)]


@pytest.mark.django_db
def test_deleting_the_account_deletes_the_outbox_emails_kept_for_its_addresses(
    owner_client, owner, recruiter, history, listing
):
    from django.test import Client

    from alerts.models import Delivery
    from alerts.services import alerts_compose, subscription_request
    from outbox.kinds import Kind as EmailKind
    from outbox.models import Email
    from tests.alerts.factories import SubscriptionFactory
    from tests.support.outbox import deliver_outbox

    # an account email, sent (its row is kept), and one still waiting
    Client().post(reverse("account_reset_password"), {"email": owner.email})
    assert deliver_outbox() == 2  # with the recruiters' email of the application
    Client().post(reverse("account_reset_password"), {"email": owner.email})
    # an alert email composed for the account's alert (its delivery row points at it)
    alert = SubscriptionFactory(user=owner, email=owner.email, criteria={})
    Delivery.objects.create(subscription=alert, listing=listing)
    assert alerts_compose(subscription_ids=[alert.pk]).emails == 1
    # a confirmation for an alert asked for without signing in
    subscription_request(
        email=owner.email, criteria={"level": ["vp"]}, name="VP", frequency="daily"
    )
    # someone else's
    subscription_request(
        email="someone.else@example.com", criteria={}, name="All", frequency="daily"
    )
    assert len(_outbox_for(owner.email)) == 4
    recruiters = Email.objects.get(kind=EmailKind.APPLICATION_RECEIVED)

    response = owner_client.post(URL, {"password": "correct horse battery", "confirm": "on"})
    assert response.status_code == 302
    assert _outbox_for(owner.email) == []
    # the recruiters' email stays with them, as the application does; others' are untouched
    assert sorted(Email.objects.values_list("pk", flat=True)) == sorted(
        [recruiters.pk, *(e.pk for e in _outbox_for("someone.else@example.com"))]
    )
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_deleting_the_account_deletes_emails_to_its_address_spelled_in_other_case(
    owner_client, owner
):
    from alerts.models import Subscription
    from alerts.services import subscription_request

    # subscribed before signing up, typing the address in capitals
    subscription_request(
        email=owner.email.upper(), criteria={"level": ["vp"]}, name="VP", frequency="daily"
    )
    assert len(_outbox_for(owner.email.upper())) == 1
    owner_client.post(URL, {"password": "correct horse battery", "confirm": "on"})
    assert not Subscription.objects.exists()  # the alert goes (addresses match in any case)
    assert _outbox_for(owner.email.upper()) == []  # and so must the email kept for it

"""One-click unsubscribe (RFC 8058): a bare POST to the URL stops the alert; GET never does."""

from __future__ import annotations

import pytest
from django.test import Client

from alerts import tokens
from alerts.models import Delivery, Status
from alerts.services import alerts_compose
from outbox.models import Email
from tests.alerts.factories import SubscriptionFactory
from tests.factories import LiveListingFactory
from tests.support.outbox import deliver_outbox, send_alerts_now


@pytest.fixture
def subscription(db):
    return SubscriptionFactory(
        email="reader@example.com", name="VP roles", criteria={"level": ["vp"]}
    )


def url_for(subscription) -> str:
    return f"/alerts/unsubscribe/{tokens.make(subscription.pk, tokens.UNSUBSCRIBE)}/"


def test_a_post_with_no_cookies_and_no_csrf_token_unsubscribes_at_once(subscription):
    client = Client(enforce_csrf_checks=True)  # as a mail provider's one-click POST
    response = client.post(
        url_for(subscription),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200  # never a redirect
    assert "You are unsubscribed" in response.content.decode()
    assert not response.cookies  # no session, no CSRF cookie
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED and subscription.unsubscribed_at


def test_a_get_never_unsubscribes_it_shows_a_button(subscription):
    response = Client().get(url_for(subscription))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unsubscribe from “VP roles”?" in html
    assert '<form method="post"' in html and ">Unsubscribe</button>" in html
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_unsubscribing_twice_or_after_deletion_still_answers_200(subscription):
    url = url_for(subscription)
    assert Client().post(url).status_code == 200
    assert Client().post(url).status_code == 200
    subscription.delete()
    response = Client().post(url)
    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()


def test_a_bad_unsubscribe_token_is_refused_without_touching_anything(subscription):
    confirm_token = tokens.make(subscription.pk, tokens.CONFIRM)
    for token in ["nonsense", confirm_token, url_for(subscription).split("/")[3] + "x"]:
        response = Client().post(f"/alerts/unsubscribe/{token}/")
        assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_owed_postings_are_not_sent_after_unsubscribing(subscription):
    listing = LiveListingFactory(level="vp")
    Delivery.objects.create(subscription=subscription, listing=listing)
    Client().post(url_for(subscription))
    report = send_alerts_now([subscription.pk])
    assert report.emails == 0
    delivery = Delivery.objects.get()
    assert delivery.sent_at is None and delivery.skip_reason == Delivery.Skip.STOPPED
    assert not Email.objects.exists()


def test_an_alert_email_composed_but_not_yet_sent_is_cancelled_by_unsubscribing(subscription):
    Delivery.objects.create(subscription=subscription, listing=LiveListingFactory(level="vp"))
    assert alerts_compose(subscription_ids=[subscription.pk]).emails == 1  # in the outbox
    Client().post(url_for(subscription))
    assert deliver_outbox() == 0
    email = Email.objects.get()
    assert email.sent_at is None and email.failure == Email.Failure.CANCELLED
    delivery = Delivery.objects.get()
    assert delivery.sent_at is None and delivery.skip_reason == Delivery.Skip.STOPPED


def test_other_alert_forms_still_require_csrf(subscription):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/alerts/new/?level=vp", {"email": "x@example.com", "name": "x", "frequency": "daily"}
    )
    assert response.status_code == 403
    manage = f"/alerts/manage/{tokens.make(subscription.pk, tokens.MANAGE)}/"
    assert client.post(manage, {"action": "pause"}).status_code == 403
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE


def test_the_emailed_manage_link_pauses_resumes_and_changes_frequency(subscription):
    client = Client()
    url = f"/alerts/manage/{tokens.make(subscription.pk, tokens.MANAGE)}/"
    page = client.get(url)
    assert page.status_code == 200 and "VP roles" in page.content.decode()
    client.post(url, {"action": "pause"})
    subscription.refresh_from_db()
    assert subscription.status == Status.PAUSED
    client.post(url, {"action": "resume"})
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE
    response = client.post(url, {"action": "save", "name": "Weekly VP", "frequency": "weekly"})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert (subscription.name, subscription.frequency) == ("Weekly VP", "weekly")

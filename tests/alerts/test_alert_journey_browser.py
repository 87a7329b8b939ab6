"""The alert journey in Chromium: from a search, subscribe, confirm by the emailed link,
manage, unsubscribe; and a signed-in candidate's /me/alerts/."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from alerts.models import Frequency, Status, Subscription
from tests.factories import LiveListingFactory, RemoteListingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local(live_server, absolute_url: str) -> str:
    """The emailed link (SITE_URL) pointed at the live test server."""
    parts = urlsplit(absolute_url)
    return live_server.url + parts.path


def test_subscribe_confirm_manage_and_unsubscribe(live_server, page, eager_celery):
    RemoteListingFactory(
        title="VP Customer Experience", level="vp", kpis=[{"code": "nps", "target": "+40"}]
    )
    LiveListingFactory(title="Director of Support", level="director")

    # from a search to the alert form
    page.goto(live_server.url + "/jobs/?level=vp&workplace=remote")
    page.get_by_role("link", name="Email me new roles like these").click()
    page.get_by_role("heading", name="Email me new roles like these").wait_for()
    criteria = page.locator(".alert-criteria")
    assert "VP / Head of" in criteria.inner_text() and "Remote" in criteria.inner_text()
    assert re.search(r"\b1\s+open role matches today", criteria.inner_text())

    page.get_by_label("Your email address").fill("sam.taylor@example.com")
    page.get_by_label("Name of the alert").fill("Remote VP roles")
    page.get_by_label("As soon as a role is posted").check()
    page.get_by_role("button", name="Create the alert").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    assert "sam.taylor@example.com" in page.locator("main").inner_text()
    assert Subscription.objects.get().status == Status.PENDING

    # the emailed link: a page with a button (a GET confirms nothing), then confirmed
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/alerts/confirm/\S+/", mail.outbox[0].body).group(0)
    page.goto(local(live_server, link))
    page.get_by_role("heading", name="Confirm your alert").wait_for()
    assert Subscription.objects.get().status == Status.PENDING
    page.get_by_role("button", name="Confirm the alert").click()
    page.get_by_role("heading", name="Your alert is on").wait_for()
    assert Subscription.objects.get().status == Status.ACTIVE

    # manage: change how often, pause, resume
    page.get_by_role("link", name="Manage the alert").click()
    page.get_by_role("heading", name="Remote VP roles").wait_for()
    page.get_by_label("Once a week").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Alert saved.").wait_for()
    assert Subscription.objects.get().frequency == Frequency.WEEKLY
    page.get_by_role("button", name="Pause").click()
    page.get_by_text("Alert paused.").wait_for()
    assert Subscription.objects.get().status == Status.PAUSED
    page.get_by_role("button", name="Resume").click()
    page.get_by_text("Alert resumed").wait_for()

    # unsubscribe from the manage page
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert Subscription.objects.get().status == Status.UNSUBSCRIBED
    assert page.get_by_role("link", name="Subscribe again").is_visible()


def test_a_signed_in_candidate_manages_alerts_in_the_account(live_server, page, candidate):
    LiveListingFactory(title="VP Service", level="vp")
    page.context.add_cookies([_session_cookie(live_server, candidate)])

    page.goto(live_server.url + "/alerts/new/?level=vp")
    assert "casey@example.com" in page.locator(".alert-recipient").inner_text()
    page.get_by_role("button", name="Create the alert").click()
    page.get_by_role("heading", name="Your alerts").wait_for()
    card = page.locator(".alert-item").first
    assert "VP / Head of" in card.inner_text() and "1 open role" in card.inner_text()

    card.get_by_text("Rename or change how often").click()
    card.get_by_label("Name of the alert").fill("VP, anywhere")
    card.get_by_label("Once a day").check()
    card.get_by_role("button", name="Save").click()
    page.get_by_text("Saved “VP, anywhere”.").wait_for()
    card = page.locator(".alert-item").first
    card.get_by_role("button", name="Pause").click()
    page.get_by_text("Paused “VP, anywhere”.").wait_for()
    assert Subscription.objects.get().status == Status.PAUSED

    page.locator(".alert-item").first.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete the alert").click()
    page.get_by_text("Deleted “VP, anywhere”.").wait_for()
    assert not Subscription.objects.exists()


def _session_cookie(live_server, user) -> dict:
    from django.conf import settings

    from tests.support.clients import client_for

    client = client_for(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }

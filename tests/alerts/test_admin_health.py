"""Operators see alerts and delivery health in the admin; recruiters see none of it."""

from __future__ import annotations

import pytest

from alerts.models import Delivery
from outbox.kinds import Kind as EmailKind
from outbox.models import Email
from tests.alerts.factories import SubscriptionFactory
from tests.factories import (
    CompanyFactory,
    LiveListingFactory,
    OperatorFactory,
    RecruiterUserFactory,
)
from tests.support.clients import client_for


@pytest.fixture
def outbox(db):
    subscription = SubscriptionFactory(email="reader@example.com", name="VP roles")
    # composed into an email whose last attempt failed; it waits to be retried
    email = Email.objects.create(
        kind=EmailKind.ALERT,
        key="alert:health",
        from_email="jobs@localhost",
        to=["reader@example.com"],
        subject="New role",
        message_id="<alert.health@testserver>",
        attempts=1,
        last_error="SMTP 451",
    )
    Delivery.objects.create(subscription=subscription, listing=LiveListingFactory(), email=email)
    return subscription


def test_operators_see_the_outbox_and_its_health(outbox):
    client = client_for(OperatorFactory(username="ops"))
    page = client.get("/admin/alerts/delivery/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Delivery health" in html
    assert "Email failing, waiting to retry</th><td>1</td>" in html
    assert "SMTP 451" in html  # the row's email's last error
    assert client.get("/admin/alerts/subscription/").status_code == 200
    detail = client.get(f"/admin/alerts/subscription/{outbox.pk}/change/")
    assert "reader@example.com" in detail.content.decode()
    emails = client.get("/admin/outbox/email/")
    assert emails.status_code == 200
    assert "Outbox health" in emails.content.decode()
    assert "reader@example.com" in emails.content.decode()


def test_recruiters_cannot_see_subscribers(outbox):
    recruiter = RecruiterUserFactory(username="rita", recruiter=CompanyFactory())
    client = client_for(recruiter)
    for path in [
        "/admin/alerts/delivery/",
        "/admin/alerts/subscription/",
        "/admin/outbox/email/",
        f"/admin/alerts/subscription/{outbox.pk}/change/",
    ]:
        assert client.get(path).status_code in (302, 403, 404), path
    assert "reader@example.com" not in client.get("/admin/").content.decode()

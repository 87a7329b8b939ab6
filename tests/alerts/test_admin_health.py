"""Operators see alerts and delivery health in the admin; recruiters see none of it."""

from __future__ import annotations

import pytest
from django.test import Client

from alerts.models import Delivery
from tests.alerts.factories import SubscriptionFactory
from tests.factories import (
    CompanyFactory,
    LiveListingFactory,
    OperatorFactory,
    RecruiterUserFactory,
)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def outbox(db):
    subscription = SubscriptionFactory(email="reader@example.com", name="VP roles")
    Delivery.objects.create(
        subscription=subscription, listing=LiveListingFactory(), last_error="SMTP 451"
    )
    return subscription


def test_operators_see_the_outbox_and_its_health(outbox):
    client = client_for(OperatorFactory(username="ops"))
    page = client.get("/admin/alerts/delivery/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Delivery health" in html and "Failing, waiting to retry" in html
    assert client.get("/admin/alerts/subscription/").status_code == 200
    detail = client.get(f"/admin/alerts/subscription/{outbox.pk}/change/")
    assert "reader@example.com" in detail.content.decode()


def test_recruiters_cannot_see_subscribers(outbox):
    recruiter = RecruiterUserFactory(username="rita", recruiter=CompanyFactory())
    client = client_for(recruiter)
    for path in [
        "/admin/alerts/delivery/",
        "/admin/alerts/subscription/",
        f"/admin/alerts/subscription/{outbox.pk}/change/",
    ]:
        assert client.get(path).status_code in (302, 403, 404), path
    assert "reader@example.com" not in client.get("/admin/").content.decode()

"""End to end with real parts: the web views in this process, a real Celery worker on the
real Redis broker, and a real SMTP server (aiosmtpd) that the worker sends to."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from alerts.models import Delivery, Status, Subscription
from listings.services import listing_publish
from tests.factories import CompanyFactory, ListingFactory
from tests.support.outbox import nothing_more_arrives
from tests.support.waiting import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SEARCH = "level=vp&workplace=remote&kpi=nps"


def links(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def path_of(url: str) -> str:
    return urlsplit(url).path


def remote_vp(company, title: str, **extra):
    fields = {
        "company": company,
        "title": title,
        "level": "vp",
        "workplace": "remote",
        "city": "",
        "region": "",
        "country": "",
        "applicant_countries": ["US", "GB"],
        "kpis": [{"code": "nps", "target": "+40"}, {"code": "csat"}],
        "salary_min": 190_000,
        "salary_max": 240_000,
    }
    fields.update(extra)
    return ListingFactory(**fields)


def test_subscribe_confirm_publish_receive_exactly_one_email_then_unsubscribe(
    celery_worker_factory, smtp_sink
):
    celery_worker_factory(EMAIL_URL=smtp_sink.url)
    company = CompanyFactory(name="Northwind Care")
    browser = Client()

    # 1. subscribe: the confirmation email arrives through the worker and SMTP
    response = browser.post(
        f"/alerts/new/?{SEARCH}",
        {"email": "jordan@example.com", "name": "Remote VP with NPS", "frequency": "instant"},
    )
    assert response.status_code == 200
    assert smtp_sink.wait_for(1, timeout=30), "no confirmation email"
    confirmation = smtp_sink.messages[0]
    assert confirmation["To"] == "jordan@example.com"
    text, _ = links(confirmation)
    confirm_url = re.search(r"http://testserver(/alerts/confirm/\S+/)", text).group(1)

    # nothing is sent for a posting published before confirmation
    listing_publish(listing=remote_vp(company, "VP Support before confirming"))
    assert nothing_more_arrives(smtp_sink) == 0

    # 2. confirm (GET shows a button, the POST confirms)
    assert browser.get(confirm_url).status_code == 200
    assert browser.post(confirm_url).status_code == 200
    subscription = Subscription.objects.get()
    assert subscription.status == Status.ACTIVE

    # 3. publish one matching and one non-matching posting: exactly one email
    matching = remote_vp(company, "VP, Customer Experience")
    listing_publish(listing=matching)
    listing_publish(listing=ListingFactory(company=company, level="director", title="Director"))
    assert smtp_sink.wait_for(2, timeout=30), "no alert email"
    assert nothing_more_arrives(smtp_sink) == 0, "a second alert email arrived"
    alert = smtp_sink.messages[1]
    assert alert["To"] == "jordan@example.com"
    assert alert["Subject"] == "New role: VP, Customer Experience at Northwind Care"
    unsubscribe = re.fullmatch(
        r"<(http://testserver/alerts/unsubscribe/[^>]+/)>", alert["List-Unsubscribe"].strip()
    )
    assert unsubscribe
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "job-alerts.testserver" in alert["List-Id"]
    assert alert.get_content_type() == "multipart/alternative"
    text, html = links(alert)
    for part in (text, html):
        assert "VP, Customer Experience" in part and "Northwind Care" in part
        assert f"http://testserver/jobs/{matching.slug}/" in part
        assert "USD 190,000–240,000 per year" in part
        assert "NPS" in part and "CSAT" in part
        assert "Remote (United States of America, United Kingdom)" in part
        assert "VP / Head of · Remote · NPS" in part
        assert unsubscribe.group(1) in part
        assert "http://testserver/alerts/manage/" in part
    assert Delivery.objects.get().sent_at is not None

    # 4. editing the live posting (and "publishing" it again) does not alert again
    matching.title = "VP, Customer Experience (Americas)"
    matching.save()
    listing_publish(listing=matching)
    assert nothing_more_arrives(smtp_sink) == 0

    # 5. one-click unsubscribe: a bare POST, no cookies, no CSRF token
    response = Client(enforce_csrf_checks=True).post(
        path_of(unsubscribe.group(1)),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200 and not response.cookies
    listing_publish(listing=remote_vp(company, "VP Support, EMEA"))
    assert nothing_more_arrives(smtp_sink) == 0, "an email arrived after unsubscribing"
    assert smtp_sink.count() == 2


def test_a_daily_digest_through_the_worker_skips_empty_alerts(celery_worker_factory, smtp_sink):
    from datetime import timedelta

    from django.utils import timezone

    from alerts.tasks import run_digests
    from tests.alerts.factories import DailySubscriptionFactory
    from tests.factories import LiveListingFactory

    celery_worker_factory(EMAIL_URL=smtp_sink.url)
    now = timezone.now()
    DailySubscriptionFactory(
        email="vp@example.com", criteria={"level": ["vp"]}, watermark=now - timedelta(days=1)
    )
    DailySubscriptionFactory(
        email="nothing@example.com",
        criteria={"level": ["director"]},
        watermark=now - timedelta(days=1),
    )
    LiveListingFactory(level="vp", title="VP One", date_posted=now - timedelta(hours=3))
    LiveListingFactory(level="vp", title="VP Two", date_posted=now - timedelta(hours=2))
    result = run_digests.delay("daily")
    assert result.get(timeout=30) == {"chunks": 1}  # one collection task for both alerts
    assert smtp_sink.wait_for(1, timeout=30)
    assert nothing_more_arrives(smtp_sink) == 0
    message = smtp_sink.messages[0]
    assert message["To"] == "vp@example.com"
    assert message["Subject"].strip().startswith("Your daily alert: 2 new roles")
    # run again (beat firing twice): nothing is due, nothing is sent
    assert run_digests.delay("daily").get(timeout=30) == {"chunks": 0}
    assert nothing_more_arrives(smtp_sink) == 0
    assert wait_until(lambda: Delivery.objects.filter(sent_at__isnull=False).count() == 2)

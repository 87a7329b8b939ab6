"""What an alert email holds: every posting's essentials, the criteria, and list headers."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from alerts.emails import alert_message
from alerts.models import Delivery, Frequency
from tests.alerts.factories import SubscriptionFactory
from tests.factories import CompanyFactory, LiveListingFactory, RemoteListingFactory
from tests.support.outbox import send_alerts_now

SITE = "https://jobs.example.org"


@pytest.fixture
def postings(db):
    acme = CompanyFactory(name="Acme & Sons")
    return [
        RemoteListingFactory(
            company=acme,
            title="VP, Customer Experience <Global>",
            level="vp",
            salary_min=180_000,
            salary_max=230_000,
            currency="USD",
            applicant_countries=["US", "CA"],
            kpis=[{"code": "nps", "target": "+45"}, {"code": "csat", "target": "92%"}],
        ),
        LiveListingFactory(
            title="Senior Director, Support Operations",
            level="senior_director",
            city="Dublin",
            region="",
            country="IE",
            workplace="hybrid",
            salary_min=None,
            salary_max=None,
            kpis=[{"code": "fcr"}],
        ),
    ]


@override_settings(SITE_URL=SITE)
def test_an_alert_email_carries_each_posting_the_criteria_and_one_click_unsubscribe(postings):
    subscription = SubscriptionFactory(
        email="reader@example.com",
        name="Senior CX roles",
        frequency=Frequency.DAILY,
        criteria={"level": ["senior_director", "vp"], "kpi": ["nps"], "salary_min": 180_000},
    )
    for posting in postings:
        Delivery.objects.create(subscription=subscription, listing=posting)
    report = send_alerts_now([subscription.pk])
    assert (report.emails, report.sent_rows) == (1, 2)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.com"]
    assert message.subject == "Your daily alert: 2 new roles for “Senior CX roles”"

    headers = message.extra_headers
    unsubscribe = re.fullmatch(
        r"<(https://jobs\.example\.org/alerts/unsubscribe/[^/>]+/)>", headers["List-Unsubscribe"]
    )
    assert unsubscribe, headers["List-Unsubscribe"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Id"] == '"CX Leaders job alerts" <job-alerts.jobs.example.org>'
    assert headers["Message-ID"].endswith("@jobs.example.org>")

    text = message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    criteria = "Senior Director or VP / Head of · NPS · Salary ≥ 180,000"
    for part in (text, html.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")):
        assert "VP, Customer Experience <Global>" in part
        assert "Acme & Sons" in part
        assert "VP / Head of" in part and "Senior Director" in part
        assert "Remote (United States of America, Canada)" in part
        assert "Dublin, Ireland · Hybrid" in part
        assert "USD 180,000–230,000 per year" in part
        assert "NPS" in part and "CSAT" in part and "First-contact resolution" in part
        assert criteria in part
        assert unsubscribe.group(1) in part
        assert f"{SITE}/alerts/manage/" in part
        for posting in postings:
            assert f"{SITE}/jobs/{posting.slug}/" in part
    # markup in a title is escaped in the HTML part, not interpreted
    assert "&lt;Global&gt;" in html and "<Global>" not in html

    # the header's URL is the one-click endpoint itself
    path = unsubscribe.group(1).removeprefix(SITE)
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "unsubscribed"


def test_an_instant_alert_for_one_posting_names_it_in_the_subject(postings):
    subscription = SubscriptionFactory(frequency=Frequency.INSTANT)
    message = alert_message(subscription=subscription, listings=postings[:1], delivery_ids=[7])
    assert message.subject == "New role: VP, Customer Experience <Global> at Acme & Sons"
    again = alert_message(subscription=subscription, listings=postings[:1], delivery_ids=[7])
    assert message.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]


def test_a_signed_in_candidates_email_links_to_their_alerts_page(postings, candidate):
    subscription = SubscriptionFactory(user=candidate, email=candidate.email)
    message = alert_message(subscription=subscription, listings=postings, delivery_ids=[1, 2])
    assert "http://testserver/me/alerts/" in message.body


def test_a_long_digest_lists_fifty_and_links_to_the_rest(db):
    subscription = SubscriptionFactory(frequency=Frequency.WEEKLY, criteria={"level": ["director"]})
    listings = [LiveListingFactory(title=f"Director {n}") for n in range(53)]
    message = alert_message(
        subscription=subscription, listings=listings, delivery_ids=list(range(53))
    )
    assert message.body.count("/jobs/director-") == 50
    assert "And 3 more: http://testserver/jobs/?level=director" in message.body

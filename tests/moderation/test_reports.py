"""Anyone reports a live posting; reports wait in the operators' queue with counts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from listings.choices import ModerationAction, ReportStatus, Status
from listings.models import ModerationEvent, Report
from listings.report_views import REPORTS_PER_HOUR
from tests.admin.helpers import transition_url
from tests.factories import (
    ClosedListingFactory,
    ExpiredListingFactory,
    ListingFactory,
    LiveListingFactory,
)
from tests.support.clients import body, client_for

pytestmark = pytest.mark.django_db


def report_url(listing_or_slug) -> str:
    slug = getattr(listing_or_slug, "slug", listing_or_slug)
    return reverse("listings:report", kwargs={"slug": slug})


def visitor(address: str = "198.51.100.7") -> Client:
    return Client(REMOTE_ADDR=address, enforce_csrf_checks=False)


def test_an_anonymous_visitor_reports_a_live_posting(company):
    posting = LiveListingFactory(company=company, title="VP Customer Care")
    page = visitor().get(report_url(posting))
    assert page.status_code == 200
    body = page.content.decode()
    assert "VP Customer Care" in body and "Scam, phishing or asks for payment" in body

    response = visitor().post(
        report_url(posting), {"reason": "scam", "note": "They ask for a $200 training fee."}
    )
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    report = Report.objects.get()
    assert (report.listing, report.reason, report.note, report.status) == (
        posting,
        "scam",
        "They ask for a $200 training fee.",
        ReportStatus.OPEN,
    )
    # nothing about the visitor is kept: the row has no address, agent or account
    stored = " ".join(str(v) for v in Report.objects.values().get().values())
    assert "198.51.100.7" not in stored
    assert response.cookies.get("sessionid") is None


def test_the_posting_page_links_to_the_report_form(company):
    posting = LiveListingFactory(company=company)
    assert report_url(posting) in visitor().get(posting.get_absolute_url()).content.decode()


def test_a_report_without_a_reason_is_shown_again_with_the_problem(company):
    posting = LiveListingFactory(company=company)
    response = visitor().post(report_url(posting), {"reason": "nonsense", "note": "hm"})
    assert response.status_code == 400
    assert "Please choose what is wrong" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "factory", [ListingFactory, ClosedListingFactory, ExpiredListingFactory], ids=str
)
def test_only_live_postings_can_be_reported_and_others_look_missing(company, factory):
    hidden = factory(company=company, title="Unannounced Role")
    for method in ("get", "post"):
        response = getattr(visitor(), method)(report_url(hidden), {"reason": "scam"})
        missing = getattr(visitor(), method)(report_url("no-such-posting"), {"reason": "scam"})
        assert response.status_code == missing.status_code == 404
        assert body(response) == body(missing)
        assert "Unannounced Role" not in response.content.decode()
    assert not Report.objects.exists()


def test_one_address_reporting_the_same_posting_again_is_thanked_not_counted(company):
    posting = LiveListingFactory(company=company)
    for _ in range(3):
        response = visitor().post(report_url(posting), {"reason": "misleading"})
        assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert Report.objects.count() == 1
    visitor("203.0.113.9").post(report_url(posting), {"reason": "misleading"})
    assert Report.objects.count() == 2


def test_an_address_sending_too_many_reports_is_slowed_down(company):
    postings = [LiveListingFactory(company=company) for _ in range(REPORTS_PER_HOUR + 1)]
    for posting in postings[:REPORTS_PER_HOUR]:
        assert visitor().post(report_url(posting), {"reason": "scam"}).status_code == 200
    response = visitor().post(report_url(postings[-1]), {"reason": "scam"})
    assert response.status_code == 429
    assert "Too many reports" in response.content.decode()
    assert Report.objects.count() == REPORTS_PER_HOUR
    # another address is not affected
    assert (
        visitor("192.0.2.44").post(report_url(postings[-1]), {"reason": "scam"}).status_code == 200
    )


def test_reports_land_in_the_operators_queue_with_counts(operator, company):
    busy = LiveListingFactory(company=company, title="Often Reported Role")
    quiet = LiveListingFactory(company=company, title="Once Reported Role")
    for reason in ("scam", "misleading", "filled"):
        Report.objects.create(listing=busy, reason=reason)
    Report.objects.create(listing=quiet, reason="other", note="Odd title")
    Report.objects.create(listing=quiet, reason="scam", status=ReportStatus.DISMISSED)

    queue = client_for(operator).get(reverse("admin:listings_report_changelist"))
    body = queue.content.decode()
    assert queue.status_code == 200
    # open ones only, by default, each with its posting's open count
    assert body.count("Often Reported Role") == 3 and body.count("Once Reported Role") == 1
    assert '<td class="field-on_posting">3</td>' in body
    assert '<td class="field-on_posting">1</td>' in body
    home = client_for(operator).get(reverse("admin:index")).content.decode()
    assert "<strong>4</strong> open reports</a> on 2 postings" in home
    reported = client_for(operator).get(
        reverse("admin:listings_listing_changelist") + "?reported=open"
    )
    assert "Often Reported Role" in reported.content.decode()


def test_dismissing_closes_the_reports_and_records_it(operator, company):
    posting = LiveListingFactory(company=company)
    Report.objects.create(listing=posting, reason="scam")
    Report.objects.create(listing=posting, reason="other")
    assert client_for(operator).post(transition_url(posting, "dismiss")).status_code == 302
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DISMISSED}
    event = ModerationEvent.objects.get(listing=posting)
    assert (event.action, event.actor) == (ModerationAction.REPORT_DISMISSED, operator)
    posting.refresh_from_db()
    assert posting.status == Status.PUBLISHED


def test_recruiters_never_see_the_report_queue(owner, outsider, company):
    posting = LiveListingFactory(company=company)
    report = Report.objects.create(listing=posting, reason="scam", note="secret note")
    for user in (owner, outsider):
        client = client_for(user)
        assert client.get(reverse("admin:listings_report_changelist")).status_code == 403
        change = client.get(reverse("admin:listings_report_change", args=[report.pk]))
        assert change.status_code == 403
        assert "secret note" not in change.content.decode()
        assert client.post(transition_url(posting, "dismiss")).status_code in (403, 404)
    assert Report.objects.get().status == ReportStatus.OPEN

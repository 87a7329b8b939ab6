"""Operators return a posting in review, or unpublish a live one, with a reason that
the recruiters are emailed and see on the posting; every step is recorded."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from listings.choices import ModerationAction, ReportStatus, Status
from listings.models import ModerationEvent, Report
from outbox.models import Email
from tests.admin.helpers import change_url, transition_url
from tests.factories import ListingFactory, LiveListingFactory
from tests.support.clients import body, client_for
from tests.support.outbox import deliver_outbox

pytestmark = pytest.mark.django_db

REASON = "Add the salary range: the board shows pay on every posting."


def moderate_url(listing, name: str) -> str:
    return reverse("admin:listings_listing_moderate", args=[listing.pk, name])


def test_operator_returns_a_posting_with_a_reason_the_recruiters_read(
    owner, colleague, operator, company
):
    posting = ListingFactory(company=company, status=Status.REVIEW, title="VP Member Care")
    form = client_for(operator).get(moderate_url(posting, "return"))
    assert form.status_code == 200
    assert "Reason for the recruiter" in form.content.decode()

    response = client_for(operator).post(moderate_url(posting, "return"), {"reason": REASON})
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.status == Status.DRAFT
    assert posting.returned_reason == REASON

    event = ModerationEvent.objects.get(listing=posting)
    assert (event.action, event.actor, event.reason) == (
        ModerationAction.RETURNED,
        operator,
        REASON,
    )
    # the recruiter sees it on the posting and in the list
    page = client_for(owner).get(change_url(posting)).content.decode()
    assert REASON in page and "Returned by the board" in page
    assert "operator" in page  # the history names who
    listing_page = client_for(owner).get(reverse("admin:listings_listing_changelist"))
    assert "Returned" in listing_page.content.decode()
    # and is emailed, through the outbox, as are the colleagues
    email = Email.objects.get(kind="moderation")
    assert sorted(email.to) == ["colleague@brightline.example", "owner@brightline.example"]
    assert deliver_outbox() == 1
    (sent,) = mail.outbox
    assert "VP Member Care" in sent.subject and "needs changes" in sent.subject
    assert REASON in sent.body and change_url(posting) in sent.body


def test_resubmitting_clears_the_reason_and_the_history_keeps_it(owner, operator, company):
    posting = ListingFactory(company=company, status=Status.REVIEW)
    client_for(operator).post(moderate_url(posting, "return"), {"reason": REASON})
    assert client_for(owner).post(transition_url(posting, "submit")).status_code == 302
    posting.refresh_from_db()
    assert posting.status == Status.REVIEW and posting.returned_reason == ""
    actions = list(
        ModerationEvent.objects.filter(listing=posting).values_list("action", "actor__username")
    )
    assert actions == [("submitted", "owner"), ("returned", "operator")]


def test_a_blank_reason_is_refused_and_nothing_changes(operator, company):
    posting = ListingFactory(company=company, status=Status.REVIEW)
    response = client_for(operator).post(moderate_url(posting, "return"), {"reason": "   "})
    assert response.status_code == 400
    assert "Give the recruiter a reason." in response.content.decode()
    posting.refresh_from_db()
    assert posting.status == Status.REVIEW
    assert not ModerationEvent.objects.exists() and not Email.objects.exists()


def test_unpublishing_takes_the_posting_off_every_public_page(owner, operator, company):
    posting = LiveListingFactory(company=company, title="Director of Guest Services")
    Report.objects.create(listing=posting, reason="scam")
    Report.objects.create(listing=posting, reason="misleading")
    assert client_for(owner).get(posting.get_absolute_url()).status_code == 200
    assert "Director of Guest Services" in client_for(owner).get("/jobs/").content.decode()

    response = client_for(operator).post(
        moderate_url(posting, "unpublish"), {"reason": "Asks candidates for a fee."}
    )
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.status == Status.DRAFT and not posting.is_live
    assert posting.date_posted is not None  # kept: republishing never makes it "new"
    from django.test import Client

    visitor = Client()
    assert visitor.get(posting.get_absolute_url()).status_code == 404
    assert "Director of Guest Services" not in visitor.get("/jobs/").content.decode()
    assert "Director of Guest Services" not in visitor.get("/jobs/feed/").content.decode()
    # its reports count as acted on, by whom
    assert set(Report.objects.values_list("status", "handled_by__username")) == {
        (ReportStatus.ACTIONED, "operator")
    }
    page = client_for(owner).get(change_url(posting)).content.decode()
    assert "Unpublished by the board" in page and "Asks candidates for a fee." in page
    assert Email.objects.get(kind="moderation").subject.endswith("was unpublished")


@pytest.mark.parametrize("name", ["return", "unpublish"])
def test_recruiters_cannot_moderate_their_own_postings(owner, company, name):
    status = Status.REVIEW if name == "return" else Status.PUBLISHED
    factory = LiveListingFactory if name == "unpublish" else ListingFactory
    posting = factory(company=company, status=status)
    client = client_for(owner)
    assert client.get(moderate_url(posting, name)).status_code == 403
    assert client.post(moderate_url(posting, name), {"reason": "x"}).status_code == 403
    assert client.post(transition_url(posting, name)).status_code == 403
    posting.refresh_from_db()
    assert posting.status == status
    assert not ModerationEvent.objects.exists()


@pytest.mark.parametrize("name", ["return", "unpublish"])
def test_another_companys_recruiter_gets_the_same_404_as_for_a_missing_posting(
    outsider, company, name
):
    posting = ListingFactory(company=company, status=Status.REVIEW, title="Secret Title")
    client = client_for(outsider)
    response = client.post(moderate_url(posting, name), {"reason": "x"})
    assert response.status_code == 404
    missing = client.post(
        reverse("admin:listings_listing_moderate", args=[987654, name]), {"reason": "x"}
    )
    assert (missing.status_code, body(missing)) == (404, body(response))
    assert "Secret Title" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_admin_login(company):
    from django.test import Client

    posting = ListingFactory(company=company, status=Status.REVIEW)
    response = Client().post(moderate_url(posting, "return"), {"reason": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    posting.refresh_from_db()
    assert posting.status == Status.REVIEW


def test_a_step_that_no_longer_applies_changes_nothing(operator, company):
    posting = ListingFactory(company=company)  # a draft: nothing to return
    response = client_for(operator).post(moderate_url(posting, "return"), {"reason": REASON})
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.status == Status.DRAFT and posting.moderation_reason == ""
    assert not ModerationEvent.objects.exists()

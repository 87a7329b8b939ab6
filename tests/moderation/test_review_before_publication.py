"""A company the operators have not vouched for publishes only through review."""

from __future__ import annotations

import pytest
from django.urls import reverse

from listings.choices import ModerationAction, Status
from listings.models import ModerationEvent
from tests.admin.helpers import change_url, posting_data, transition_url
from tests.factories import ListingFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def test_recruiter_of_an_untrusted_company_cannot_publish_by_button(owner, company):
    draft = ListingFactory(company=company)
    response = client_for(owner).post(transition_url(draft, "publish"))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.date_posted is None


def test_recruiter_of_an_untrusted_company_cannot_publish_by_action(owner, company):
    draft = ListingFactory(company=company)
    response = client_for(owner).post(
        reverse("admin:listings_listing_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "is for the board" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_form_offers_submit_for_review_instead_of_publish(owner, company):
    draft = ListingFactory(company=company)
    page = client_for(owner).get(change_url(draft)).content.decode()
    assert 'name="_saveandsubmit"' in page
    assert 'name="_saveandpublish"' not in page
    assert "transition-publish" not in page
    assert "transition-submit" in page


def test_save_and_publish_forged_by_an_untrusted_recruiter_only_saves(owner, company):
    draft = ListingFactory(company=company)
    data = posting_data(company, title="Head of Member Care", _saveandpublish="1")
    response = client_for(owner).post(change_url(draft), data, follow=True)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.title == "Head of Member Care"
    assert draft.status == Status.DRAFT
    assert "published by the board" in response.content.decode()


def test_submitting_records_who_and_when_and_the_operator_publishes(owner, operator, company):
    draft = ListingFactory(company=company)
    assert client_for(owner).post(transition_url(draft, "submit")).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.REVIEW
    submitted = ModerationEvent.objects.get(listing=draft)
    assert (submitted.action, submitted.actor) == (ModerationAction.SUBMITTED, owner)

    assert client_for(operator).post(transition_url(draft, "publish")).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.is_live
    published = ModerationEvent.objects.filter(listing=draft).first()
    assert (published.action, published.actor) == (ModerationAction.PUBLISHED, operator)
    assert published.at >= submitted.at


def test_a_trusted_companys_recruiter_publishes_and_it_is_recorded(outsider):
    company = outsider.recruiter_profile.company
    draft = ListingFactory(company=company)
    assert client_for(outsider).post(transition_url(draft, "publish")).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    event = ModerationEvent.objects.get(listing=draft)
    assert (event.action, event.actor) == (ModerationAction.PUBLISHED, outsider)


def test_the_review_queue_on_the_admin_home_counts_for_operators_only(owner, operator, company):
    for _ in range(3):
        ListingFactory(company=company, status=Status.REVIEW)
    ListingFactory(company=company)  # a draft is not in the queue
    home = client_for(operator).get(reverse("admin:index")).content.decode()
    assert "<strong>3</strong> postings in review" in home
    assert "moderation-queue" not in client_for(owner).get(reverse("admin:index")).content.decode()

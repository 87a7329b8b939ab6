"""What passed review stays what passed review: edits by a company the operators have
not marked trusted go back to review, what an operator took down stays down until an
operator puts it back, and a stale form never undoes a moderation step."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from listings.choices import ModerationAction, Status
from listings.models import Company, ModerationEvent
from listings.services import listing_unpublish
from tests.admin.helpers import change_url, posting_data, transition_url
from tests.factories import ListingFactory, LiveListingFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def edit(user, listing, **changes):
    """Post the posting's form as the admin shows it, with `changes`."""
    valid = listing.valid_through
    if valid is not None:
        changes = {
            "valid_through_0": f"{valid:%Y-%m-%d}",
            "valid_through_1": f"{valid:%H:%M:%S}",
            **changes,
        }
    data = posting_data(listing.company, **changes)
    response = client_for(user).post(change_url(listing), data, follow=True)
    assert response.redirect_chain, response.context["adminform"].form.errors
    return response


def test_an_untrusted_recruiters_edit_of_a_live_posting_goes_back_to_review(owner, company):
    live = LiveListingFactory(company=company)
    response = edit(owner, live, description="Now with a link to a fee-paying course.")
    assert "back in review" in response.content.decode()
    live.refresh_from_db()
    assert live.status == Status.REVIEW
    assert live.description == "Now with a link to a fee-paying course."
    assert Client().get(live.get_absolute_url()).status_code == 404  # off the public pages
    event = ModerationEvent.objects.get(listing=live)
    assert (event.action, event.actor, event.reason) == (
        ModerationAction.SUBMITTED,
        owner,
        "Changed while published.",
    )


def test_an_edit_while_in_review_is_recorded_for_the_operator(owner, company):
    waiting = ListingFactory(company=company, status=Status.REVIEW)
    edit(owner, waiting, title="Head of Member Care")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.title) == (Status.REVIEW, "Head of Member Care")
    assert ModerationEvent.objects.get(listing=waiting).reason == "Changed while in review."


def test_a_trusted_companys_edit_stays_live(outsider):
    live = LiveListingFactory(company=outsider.recruiter_profile.company)
    edit(outsider, live, title="VP of Customer Experience, EMEA")
    live.refresh_from_db()
    assert (live.status, live.title) == (Status.PUBLISHED, "VP of Customer Experience, EMEA")
    assert not ModerationEvent.objects.exists()


def test_what_an_operator_unpublished_a_trusted_recruiter_cannot_publish_again(outsider, operator):
    live = LiveListingFactory(company=outsider.recruiter_profile.company)
    listing_unpublish(listing=live, by=operator, reason="Misleading pay.")
    page = client_for(outsider).get(change_url(live)).content.decode()
    assert "transition-publish" not in page and 'name="_saveandpublish"' not in page
    assert client_for(outsider).post(transition_url(live, "publish")).status_code == 403
    live.refresh_from_db()
    assert live.status == Status.DRAFT
    # it goes through review: submitted, then an operator publishes, which answers the reason
    assert client_for(outsider).post(transition_url(live, "submit")).status_code == 302
    assert client_for(operator).post(transition_url(live, "publish")).status_code == 302
    live.refresh_from_db()
    assert live.is_live and live.moderation_action == "" and live.moderation_reason == ""


def test_closing_an_unpublished_posting_does_not_bring_its_page_back(owner, operator, company):
    live = LiveListingFactory(company=company)
    listing_unpublish(listing=live, by=operator, reason="Discriminatory wording.")
    assert client_for(owner).post(transition_url(live, "close")).status_code == 302
    live.refresh_from_db()
    assert live.status == Status.CLOSED
    assert Client().get(live.get_absolute_url()).status_code == 404


def test_a_form_opened_before_an_unpublish_does_not_undo_it(outsider, operator):
    live = LiveListingFactory(company=outsider.recruiter_profile.company)
    form = client_for(outsider).get(change_url(live))  # the recruiter opens the form...
    assert form.status_code == 200
    listing_unpublish(listing=live, by=operator, reason="Asks for a fee.")  # ...meanwhile
    edit(outsider, live, title="VP Customer Care (edited)")  # ...and saves it
    live.refresh_from_db()
    assert live.title == "VP Customer Care (edited)"
    assert (live.status, live.moderation_action) == (Status.DRAFT, ModerationAction.UNPUBLISHED)
    assert live.moderation_reason == "Asks for a fee."


def test_operators_mark_a_company_trusted_and_recruiters_cannot(owner, operator, company):
    url = reverse("admin:listings_company_change", args=[company.pk])
    assert 'name="trusted"' in client_for(operator).get(url).content.decode()
    assert 'name="trusted"' not in client_for(owner).get(url).content.decode()
    data = {
        "name": company.name,
        "industry": company.industry_id,
        "size": company.size,
        "headquarters": "",
        "website": "",
        "logo_url": "",
        "description": "",
        "trusted": "on",
    }
    assert client_for(operator).post(url, data).status_code == 302
    assert Company.objects.get(pk=company.pk).trusted


def test_the_history_shows_an_operator_not_their_name_to_recruiters(owner, operator, company):
    waiting = ListingFactory(company=company, status=Status.REVIEW)
    client_for(operator).post(
        reverse("admin:listings_listing_moderate", args=[waiting.pk, "return"]),
        {"reason": "Add the pay range."},
    )
    page = client_for(owner).get(change_url(waiting)).content.decode()
    assert "by an operator" in page and "by operator" not in page

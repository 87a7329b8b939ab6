"""Lifecycle from the admin: actions on the changelist and buttons on the posting form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from listings.models import Listing
from tests.admin.helpers import ADD_URL, CHANGELIST_URL, change_url, posting_data, transition_url
from tests.factories import (
    ClosedListingFactory,
    ExpiredListingFactory,
    ListingFactory,
    LiveListingFactory,
)

pytestmark = pytest.mark.django_db


def run_action(client, action: str, *listings):
    return client.post(
        CHANGELIST_URL, {"action": action, "_selected_action": [x.pk for x in listings]}
    )


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_publish_action_makes_a_complete_draft_live(client_for, owner, company):
    draft = ListingFactory(company=company)
    response = run_action(client_for(owner), "publish_selected", draft)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "published"
    assert draft.is_live
    assert draft.date_posted is not None
    assert Listing.objects.live().filter(pk=draft.pk).exists()


def test_publish_action_explains_what_an_incomplete_draft_lacks(client_for, owner, company):
    draft = ListingFactory(company=company, responsibilities=[], description=" ")
    response = run_action(client_for(owner), "publish_selected", draft)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.date_posted is None
    [text] = message_texts(response)
    assert "was not published" in text
    assert "at least one responsibility" in text
    assert "a description" in text


def test_publish_button_on_the_form_shows_the_problem(client_for, owner, company):
    draft = ListingFactory(company=company, responsibilities=[])
    client = client_for(owner)
    response = client.post(transition_url(draft, "publish"), follow=True)
    assert response.redirect_chain[-1][0] == change_url(draft)
    html = response.content.decode()
    assert "was not published" in html
    assert "at least one responsibility" in html
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_republishing_an_edited_posting_keeps_date_posted(client_for, owner, company):
    posted = timezone.now() - timedelta(days=20)
    closed = ClosedListingFactory(company=company, date_posted=posted)
    client_for(owner).post(transition_url(closed, "publish"))
    closed.refresh_from_db()
    assert closed.status == "published"
    assert closed.date_posted == posted


def test_close_action_takes_a_posting_off_the_public_pages(client_for, owner, company):
    live = LiveListingFactory(company=company)
    run_action(client_for(owner), "close_selected", live)
    live.refresh_from_db()
    assert live.status == "closed"
    assert live.closed_at is not None
    assert not Listing.objects.live().filter(pk=live.pk).exists()


def test_extend_action_adds_thirty_days_and_rearms_the_reminder(client_for, owner, company):
    live = LiveListingFactory(
        company=company,
        valid_through=timezone.now() + timedelta(days=2),
        expiry_reminder_sent_at=timezone.now(),
    )
    before = live.valid_through
    run_action(client_for(owner), "extend_selected", live)
    live.refresh_from_db()
    assert live.valid_through == before + timedelta(days=30)
    assert live.expiry_reminder_sent_at is None


def test_extend_revives_an_expired_posting_from_today(client_for, owner, company):
    expired = ExpiredListingFactory(company=company)
    client_for(owner).post(transition_url(expired, "extend"))
    expired.refresh_from_db()
    assert expired.is_live
    assert expired.valid_through > timezone.now() + timedelta(days=29)


def test_extend_does_not_apply_to_a_draft(client_for, owner, company):
    draft = ListingFactory(company=company)
    response = run_action(client_for(owner), "extend_selected", draft)
    draft.refresh_from_db()
    assert draft.valid_through is None
    assert "does not apply" in message_texts(response)[0]


def test_submit_for_review_moves_a_draft_to_review(client_for, owner, company):
    draft = ListingFactory(company=company)
    run_action(client_for(owner), "submit_for_review", draft)
    draft.refresh_from_db()
    assert draft.status == "review"
    assert not Listing.objects.live().filter(pk=draft.pk).exists()


def test_duplicate_creates_a_draft_copy_and_opens_it(client_for, colleague, company):
    live = LiveListingFactory(company=company, title="VP Support")
    response = run_action(client_for(colleague), "duplicate_selected", live)
    copy = Listing.objects.exclude(pk=live.pk).get()
    assert response.status_code == 302
    assert response["Location"] == change_url(copy)
    assert copy.status == "draft"
    assert copy.company == company
    assert copy.created_by == colleague
    assert copy.date_posted is None
    assert copy.slug != live.slug
    assert copy.kpis == live.kpis
    assert copy.responsibilities == live.responsibilities


def test_duplicate_button_redirects_to_the_copy(client_for, owner, company):
    live = LiveListingFactory(company=company)
    response = client_for(owner).post(transition_url(live, "duplicate"))
    copy = Listing.objects.exclude(pk=live.pk).get()
    assert response["Location"] == change_url(copy)


def test_transitions_need_a_post(client_for, owner, company):
    draft = ListingFactory(company=company)
    response = client_for(owner).get(transition_url(draft, "publish"))
    assert response.status_code == 405
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_unknown_transition_is_a_404(client_for, owner, company):
    draft = ListingFactory(company=company)
    assert client_for(owner).post(transition_url(draft, "delete")).status_code == 404


def test_buttons_match_the_postings_status(client_for, owner, company):
    client = client_for(owner)
    draft = ListingFactory(company=company)
    draft_html = client.get(change_url(draft)).content.decode()
    assert "Submit for review</button>" in draft_html
    assert "Publish</button>" in draft_html
    assert "Extend 30 days</button>" not in draft_html
    assert f'href="/jobs/{draft.slug}/" class="viewsitelink"' in draft_html
    assert ">Preview</a>" in draft_html

    live = LiveListingFactory(company=company)
    live_html = client.get(change_url(live)).content.decode()
    assert ">View on site</a>" in live_html
    assert "Close</button>" in live_html
    assert "Extend 30 days</button>" in live_html
    assert "Publish</button>" not in live_html
    assert "Submit for review</button>" not in live_html
    assert "Duplicate</button>" in live_html


def test_save_and_publish_from_the_add_form(client_for, owner, company):
    data = posting_data(company, _saveandpublish="Save and publish")
    response = client_for(owner).post(ADD_URL, data)
    listing = Listing.objects.get()
    assert response["Location"] == change_url(listing)
    assert listing.status == "published"
    assert listing.is_live


def test_actions_are_run_per_object_with_the_recruiters_rights(
    client_for, owner, company, other_company
):
    mine = ListingFactory(company=company)
    theirs = ListingFactory(company=other_company)
    run_action(client_for(owner), "publish_selected", mine, theirs)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == "published"
    assert theirs.status == "draft"


def test_expiry_filters(client_for, owner, company):
    soon = LiveListingFactory(
        company=company, title="Soon role", valid_through=timezone.now() + timedelta(days=3)
    )
    later = LiveListingFactory(company=company, title="Later role")
    expired = ExpiredListingFactory(company=company, title="Expired role")
    client = client_for(owner)
    rows = client.get(CHANGELIST_URL, {"expiry": "soon"}).context["cl"].result_list
    assert list(rows) == [soon]
    rows = client.get(CHANGELIST_URL, {"expiry": "expired"}).context["cl"].result_list
    assert list(rows) == [expired]
    html = client.get(CHANGELIST_URL).content.decode()
    assert "Expired</td>" in html  # status column tells expired apart from live
    assert later.title in html


def test_changelist_search_by_company_and_city(client_for, operator, company, other_company):
    a = LiveListingFactory(company=company, title="Role A", city="Leeds")
    b = LiveListingFactory(company=other_company, title="Role B", city="Austin")
    client = client_for(operator)
    assert list(client.get(CHANGELIST_URL, {"q": "Contoso"}).context["cl"].result_list) == [b]
    assert list(client.get(CHANGELIST_URL, {"q": "Leeds"}).context["cl"].result_list) == [a]

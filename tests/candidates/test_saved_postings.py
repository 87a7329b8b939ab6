"""Saving postings: a POST with CSRF, idempotent, listed under /me/saved/ with their state."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from candidates.models import SavedPosting
from tests.factories import (
    ClosedListingFactory,
    ExpiredListingFactory,
    ListingFactory,
    LiveListingFactory,
)


@pytest.mark.django_db
def test_saving_twice_keeps_one_row_and_unsaving_twice_is_harmless(owner_client, owner, listing):
    save = reverse("candidates:save", args=[listing.slug])
    unsave = reverse("candidates:unsave", args=[listing.slug])
    for _ in range(2):
        response = owner_client.post(save)
        assert response.status_code == 302
        assert response["Location"] == listing.get_absolute_url()
    assert SavedPosting.objects.filter(user=owner, listing=listing).count() == 1
    for _ in range(2):
        assert owner_client.post(unsave).status_code == 302
    assert not SavedPosting.objects.filter(user=owner).exists()


@pytest.mark.django_db
def test_saving_needs_a_csrf_token(owner, listing):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("candidates:save", args=[listing.slug]))
    assert response.status_code == 403
    assert not SavedPosting.objects.exists()


@pytest.mark.django_db
def test_a_get_saves_nothing(owner_client, owner, listing):
    response = owner_client.get(reverse("candidates:save", args=[listing.slug]))
    assert response.status_code == 302
    assert not SavedPosting.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_and_back_to_the_posting(client, listing):
    response = client.post(reverse("candidates:save", args=[listing.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert listing.get_absolute_url() in response["Location"].replace("%2F", "/")
    assert not SavedPosting.objects.exists()


@pytest.mark.django_db
def test_back_goes_to_the_page_it_came_from_never_elsewhere(owner_client, listing):
    save = reverse("candidates:save", args=[listing.slug])
    response = owner_client.post(save, {"next": "/jobs/?level=vp&page=2"})
    assert response["Location"] == "/jobs/?level=vp&page=2"
    for evil in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
        response = owner_client.post(save, {"next": evil})
        assert response["Location"] == listing.get_absolute_url(), evil


@pytest.mark.django_db
def test_drafts_and_unknown_slugs_cannot_be_saved(owner_client):
    draft = ListingFactory()
    assert owner_client.post(reverse("candidates:save", args=[draft.slug])).status_code == 404
    assert owner_client.post(reverse("candidates:save", args=["no-such-role"])).status_code == 404
    assert not SavedPosting.objects.exists()


@pytest.mark.django_db
def test_the_saved_list_marks_closed_and_expired_postings(owner_client, owner):
    live = LiveListingFactory(title="Open role")
    closed = ClosedListingFactory(title="Closed role")
    expired = ExpiredListingFactory(title="Expired role")
    for listing in [live, closed, expired]:
        SavedPosting.objects.create(user=owner, listing=listing)
    html = owner_client.get(reverse("candidates:saved")).content.decode()
    assert f'href="{live.get_absolute_url()}"' in html
    assert f'href="{closed.get_absolute_url()}"' not in html
    assert f'href="{expired.get_absolute_url()}"' not in html
    assert html.count("tag-ok") == 1
    assert ">Closed<" in html and ">Expired<" in html


@pytest.mark.django_db
def test_a_closed_posting_can_still_be_removed_from_the_list(owner_client, owner):
    closed = ClosedListingFactory()
    SavedPosting.objects.create(user=owner, listing=closed)
    response = owner_client.post(reverse("candidates:unsave", args=[closed.slug]))
    assert response["Location"] == reverse("candidates:saved")
    assert not SavedPosting.objects.exists()


@pytest.mark.django_db
def test_the_save_button_include_reflects_the_saved_state(owner, listing):
    request = RequestFactory().get("/jobs/")
    request.user = owner
    template = Template(
        '{% include "candidates/_save_button.html" with listing=listing saved_ids=saved_ids %}'
    )
    unsaved = template.render(
        Context({"listing": listing, "saved_ids": set(), "user": owner, "request": request})
    )
    saved = template.render(
        Context({"listing": listing, "saved_ids": {listing.pk}, "user": owner, "request": request})
    )
    assert reverse("candidates:save", args=[listing.slug]) in unsaved
    assert 'aria-pressed="false"' in unsaved
    assert reverse("candidates:unsave", args=[listing.slug]) in saved
    assert 'aria-pressed="true"' in saved
    assert 'name="next" value="/jobs/"' in saved


@pytest.mark.django_db
def test_saved_ids_for_a_page_of_results_take_one_query(owner, django_assert_num_queries):
    listings = LiveListingFactory.create_batch(12)
    for listing in listings[::3]:
        SavedPosting.objects.create(user=owner, listing=listing)
    request = RequestFactory().get("/jobs/")
    request.user = owner
    template = Template(
        "{% load candidates %}{% saved_listing_ids listings as ids %}"
        "{% for l in listings %}{% if l.pk in ids %}S{% else %}-{% endif %}"
        "{% endfor %}"
    )
    with django_assert_num_queries(1):
        out = template.render(Context({"listings": listings, "request": request}))
    assert out == "S--" * 4

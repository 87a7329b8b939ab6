"""The candidate's pieces on a posting page: match score with reasons, save, applied state."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates import services
from candidates.matching import match_for
from candidates.models import SavedPosting


@pytest.mark.django_db
def test_anonymous_visitors_are_invited_to_sign_in_for_a_score(client, listing):
    html = client.get(listing.get_absolute_url()).content.decode()
    assert "Sign in to see a match score" in html
    assert "match-score" not in html
    assert f"{reverse('account_login')}?next=" in html


@pytest.mark.django_db
def test_a_candidate_sees_the_score_and_every_reason(owner_client, owner_profile, listing):
    html = owner_client.get(listing.get_absolute_url()).content.decode()
    match = match_for(owner_profile, listing)
    assert f'data-score="{match.score}"' in html
    for reason in match.reasons:
        assert reason.label in html
        assert f"{reason.points}/{reason.max_points}" in html


@pytest.mark.django_db
def test_a_candidate_without_a_profile_is_invited_to_build_one(owner_client, listing):
    html = owner_client.get(listing.get_absolute_url()).content.decode()
    assert "Fill in your profile to see how well this role fits you" in html


@pytest.mark.django_db
def test_save_and_unsave_from_the_posting_page(owner_client, owner, listing):
    url = listing.get_absolute_url()
    html = owner_client.get(url).content.decode()
    assert reverse("candidates:save", args=[listing.slug]) in html
    response = owner_client.post(reverse("candidates:save", args=[listing.slug]), {"next": url})
    assert response["Location"] == url
    html = owner_client.get(url).content.decode()
    assert reverse("candidates:unsave", args=[listing.slug]) in html
    assert 'aria-pressed="true"' in html
    assert SavedPosting.objects.filter(user=owner, listing=listing).exists()


@pytest.mark.django_db
def test_after_applying_the_posting_says_so_instead_of_offering_to_apply(
    owner_client, owner_profile, listing
):
    html = owner_client.get(listing.get_absolute_url()).content.decode()
    assert reverse("candidates:apply", args=[listing.slug]) in html
    application = services.application_submit(user=owner_profile.user, listing=listing)
    html = owner_client.get(listing.get_absolute_url()).content.decode()
    assert "You applied on" in html
    assert application.get_absolute_url() in html
    assert reverse("candidates:apply", args=[listing.slug]) not in html

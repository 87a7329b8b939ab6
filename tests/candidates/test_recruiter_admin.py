"""Recruiters read their company's applications in the admin and move their status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates import services
from candidates.models import Application
from tests.candidates.factories import ProfileFactory, pdf_upload
from tests.support.clients import client_for

CHANGELIST = reverse("admin:candidates_application_changelist")


def change_url(application):
    return reverse("admin:candidates_application_change", args=[application.pk])


@pytest.fixture
def applications(owner_profile, outsider_profile, listing, other_listing):
    mine = services.application_submit(user=owner_profile.user, listing=listing, cover_note="Hi")
    theirs = services.application_submit(user=outsider_profile.user, listing=other_listing)
    return mine, theirs


@pytest.mark.django_db
def test_a_recruiter_lists_only_applications_to_their_companys_postings(applications, recruiter):
    mine, theirs = applications
    html = client_for(recruiter).get(CHANGELIST).content.decode()
    assert mine.candidate_name in html
    assert theirs.candidate_name not in html
    assert "Director of Support" not in html  # not even in the posting filter


@pytest.mark.django_db
def test_another_companys_application_cannot_be_opened_or_changed(applications, recruiter):
    _, theirs = applications
    client = client_for(recruiter)
    response = client.get(change_url(theirs))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert theirs.candidate_name not in client.get(response["Location"]).content.decode()
    client.post(change_url(theirs), {"status": "declined"})
    theirs.refresh_from_db()
    assert theirs.status == "new"


@pytest.mark.django_db
def test_a_recruiter_moves_the_status_and_the_candidate_sees_it(applications, recruiter):
    mine, _ = applications
    client = client_for(recruiter)
    page = client.get(change_url(mine)).content.decode()
    assert "Download résumé" in page
    assert reverse("candidates:application_resume", args=[mine.pk]) in page
    assert "Hi" in page
    response = client.post(change_url(mine), {"status": "interviewing"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "interviewing"
    assert mine.status_changed_at is not None
    candidate_page = client_for(mine.candidate).get(reverse("candidates:applications"))
    assert "Interviewing" in candidate_page.content.decode()


@pytest.mark.django_db
def test_only_the_status_can_be_changed(applications, recruiter, other_listing):
    mine, _ = applications
    client_for(recruiter).post(
        change_url(mine),
        {
            "status": "offer",
            "candidate_name": "Changed",
            "cover_note": "Changed",
            "listing": other_listing.pk,
            "candidate_email": "x@example.com",
        },
    )
    mine.refresh_from_db()
    assert mine.status == "offer"
    assert mine.candidate_name == "Olivia Owner"
    assert mine.cover_note == "Hi"
    assert mine.listing != other_listing


@pytest.mark.django_db
def test_an_unknown_status_is_refused(applications, recruiter):
    mine, _ = applications
    response = client_for(recruiter).post(change_url(mine), {"status": "hired!"})
    assert response.status_code == 200
    mine.refresh_from_db()
    assert mine.status == "new"


@pytest.mark.django_db
def test_recruiters_cannot_add_or_delete_applications(applications, recruiter):
    mine, _ = applications
    client = client_for(recruiter)
    assert client.get(reverse("admin:candidates_application_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:candidates_application_delete", args=[mine.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Application.objects.filter(pk=mine.pk).exists()


@pytest.mark.django_db
def test_operators_see_every_application(applications, operator):
    html = client_for(operator).get(CHANGELIST).content.decode()
    for application in applications:
        assert application.candidate_name in html


@pytest.mark.django_db
def test_a_cover_note_with_markup_is_escaped_in_the_admin(owner_profile, listing, recruiter):
    application = services.application_submit(
        user=owner_profile.user, listing=listing, cover_note="<script>alert(1)</script>"
    )
    html = client_for(recruiter).get(change_url(application)).content.decode()
    assert "<script>alert(1)</script>" not in html


@pytest.mark.django_db
def test_recruiters_browse_only_profiles_they_may_see(recruiter, listing):
    visible = ProfileFactory(visibility="recruiters", full_name="Vera Visible")
    ProfileFactory(visibility="private", full_name="Pia Private")
    applied = ProfileFactory(visibility="private", full_name="Amy Applied")
    services.resume_replace(profile=applied, upload=pdf_upload())
    services.application_submit(user=applied.user, listing=listing)
    client = client_for(recruiter)
    html = client.get(reverse("admin:candidates_profile_changelist")).content.decode()
    assert "Vera Visible" in html and "Amy Applied" in html
    assert "Pia Private" not in html
    applied_page = client.get(
        reverse("admin:candidates_profile_change", args=[applied.pk])
    ).content.decode()
    assert reverse("candidates:profile_resume", args=[applied.pk]) in applied_page
    visible_page = client.get(
        reverse("admin:candidates_profile_change", args=[visible.pk])
    ).content.decode()
    assert reverse("candidates:profile_resume", args=[visible.pk]) not in visible_page


@pytest.mark.django_db
def test_the_recruiters_group_holds_the_permissions_it_needs():
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name="Recruiters").permissions.values_list("codename", flat=True)
    )
    assert {"view_application", "change_application", "view_profile"} <= codenames
    assert "delete_application" not in codenames
    assert "change_profile" not in codenames

"""An invited-then-removed colleague, from their own browser: the admin and the
company's postings are closed to them at once; the postings they made stay."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from candidates import services as candidate_services
from listings.models import Invitation, Listing, Recruiter
from tests.candidates.factories import CandidateUserFactory, ProfileFactory, pdf_upload
from tests.factories import ListingFactory, LiveListingFactory
from tests.support.clients import client_for
from tests.team.conftest import PASSWORD, join_data, join_path

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def joined(invite, company):
    """Nadia, invited and joined through the link: her own browser, signed in."""
    invitation = invite("nadia@northwind.example")
    browser = Client()
    assert browser.post(join_path(invitation), join_data()).status_code == 302
    user = User.objects.get(email="nadia@northwind.example")
    return browser, user


@pytest.fixture
def company_things(company, joined):
    """A draft Nadia wrote, a live posting, and an application with a résumé."""
    _, nadia = joined
    draft = ListingFactory(company=company, title="Confidential Support Lead", created_by=nadia)
    live = LiveListingFactory(company=company, title="Director of Care Operations")
    candidate = CandidateUserFactory(username="quentin", email="quentin@example.com")
    profile = ProfileFactory(user=candidate, full_name="Quentin Private")
    candidate_services.resume_replace(profile=profile, upload=pdf_upload("q.pdf"))
    application = candidate_services.application_submit(user=candidate, listing=live)
    return {"draft": draft, "live": live, "application": application}


def remove(by, user) -> None:
    url = reverse("admin:listings_recruiter_remove", args=[user.recruiter_profile.pk])
    response = client_for(by).post(url)
    assert response.status_code == 302


def test_before_removal_the_joined_colleague_reaches_the_companys_things(joined, company_things):
    browser, _ = joined
    assert company_things["draft"].title in browser.get("/admin/listings/listing/").content.decode()
    assert browser.get(company_things["draft"].get_absolute_url()).status_code == 200
    resume = reverse("candidates:application_resume", args=[company_things["application"].pk])
    assert browser.get(resume).status_code == 200


def test_a_removed_colleagues_next_admin_request_is_refused(joined, company_things, owner):
    browser, nadia = joined
    remove(owner, nadia)
    draft = company_things["draft"]
    for url in (
        "/admin/",
        "/admin/listings/listing/",
        f"/admin/listings/listing/{draft.pk}/change/",
        "/admin/listings/invitation/",
    ):
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
        assert draft.title not in response.content.decode()
    # signed out everywhere: the old session no longer names her
    assert not browser.get("/").wsgi_request.user.is_authenticated


def test_a_removed_colleague_cannot_see_the_companys_postings_or_applications(
    joined, company_things, owner
):
    browser, nadia = joined
    remove(owner, nadia)
    assert browser.get(company_things["draft"].get_absolute_url()).status_code == 404
    resume = reverse("candidates:application_resume", args=[company_things["application"].pk])
    assert browser.get(resume).status_code == 404
    changed = browser.post(
        f"/admin/listings/listing/{company_things['draft'].pk}/change/", {"title": "Hijacked"}
    )
    assert changed["Location"].startswith("/admin/login/")
    company_things["draft"].refresh_from_db()
    assert company_things["draft"].title == "Confidential Support Lead"


def test_a_removed_colleague_cannot_sign_in_again(joined, owner):
    _, nadia = joined
    remove(owner, nadia)
    fresh = Client()
    response = fresh.post(
        "/admin/login/?next=/admin/", {"username": nadia.email, "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, with its error
    assert not response.wsgi_request.user.is_authenticated
    assert not fresh.login(username=nadia.username, password=PASSWORD)


def test_removal_takes_staff_status_group_and_row_and_leaves_the_postings(
    joined, company_things, owner, company
):
    _, nadia = joined
    remove(owner, nadia)
    nadia.refresh_from_db()
    assert not nadia.is_staff and not nadia.groups.exists()
    assert not Recruiter.objects.filter(user=nadia).exists()
    draft = Listing.objects.get(pk=company_things["draft"].pk)
    assert draft.company == company and draft.created_by == nadia
    assert Invitation.objects.get(email=nadia.email).accepted_by == nadia


def test_a_lead_may_remove_themselves_while_another_lead_remains(owner, colleague):
    from listings import team

    team.recruiter_set_lead(recruiter=colleague.recruiter_profile, is_lead=True, by=owner)
    client = client_for(owner)
    url = reverse("admin:listings_recruiter_remove", args=[owner.recruiter_profile.pk])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert not Recruiter.objects.filter(user=owner).exists()


def test_an_operator_deleting_a_recruiter_in_the_recruiter_admin_removes_them_the_same_way(
    operator, joined
):
    browser, nadia = joined
    url = f"/admin/listings/recruiter/{nadia.recruiter_profile.pk}/delete/"
    response = client_for(operator).post(url, {"post": "yes"})
    assert response.status_code == 302
    nadia.refresh_from_db()
    assert not nadia.is_staff and not Recruiter.objects.filter(user=nadia).exists()
    assert browser.get("/admin/")["Location"].startswith("/admin/login/")


def test_removing_a_lead_withdraws_the_invitations_they_sent(owner, colleague, company):
    """A lead about to leave cannot keep a way back in through an invitation of their own."""
    from listings import team

    team.recruiter_set_lead(recruiter=colleague.recruiter_profile, is_lead=True, by=owner)
    own_way_back = team.invitation_create(
        company=company, email="olive.private@example.com", by=owner
    )
    colleagues_invite = team.invitation_create(
        company=company, email="someone@northwind.example", by=colleague
    )
    way_back_link = join_path(own_way_back)
    team.recruiter_remove(recruiter=owner.recruiter_profile, by=colleague)
    own_way_back.refresh_from_db()
    colleagues_invite.refresh_from_db()
    assert own_way_back.revoked_at is not None
    assert colleagues_invite.is_pending
    assert Client().get(way_back_link).status_code == 410

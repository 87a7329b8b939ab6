"""The emailed link: GET shows the invitation, POST joins once; every other link is
refused with one clear page."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client
from django.utils import timezone

from listings import team
from listings.models import Invitation, Recruiter
from tests.candidates.factories import CandidateUserFactory
from tests.factories import ListingFactory, LiveListingFactory
from tests.team.conftest import PASSWORD, join_data, join_path

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_the_join_page_names_the_company_the_inviter_and_the_address(invite, client, company):
    invitation = invite("nadia@northwind.example")
    page = client.get(join_path(invitation))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Join Northwind Support" in content
    assert "Olive Owner" in content and "nadia@northwind.example" in content
    assert 'autocomplete="new-password"' in content and 'for="id_full_name"' in content
    assert page["Cache-Control"].startswith("max-age=0")


def test_opening_the_link_does_not_use_it_up(invite, client):
    """Mail scanners follow links: only the POST joins."""
    invitation = invite()
    path = join_path(invitation)
    for _ in range(3):
        assert client.get(path).status_code == 200
    invitation.refresh_from_db()
    assert invitation.is_pending and invitation.accepted_at is None
    assert not User.objects.filter(email=invitation.email).exists()


def test_joining_sets_the_password_and_lands_in_the_admin_seeing_only_that_company(
    invite, company, other_company
):
    own = ListingFactory(company=company, title="Director of Support Operations")
    foreign = LiveListingFactory(company=other_company, title="VP Care at Contoso")
    invitation = invite("nadia@northwind.example")
    client = Client()
    response = client.post(join_path(invitation), join_data())
    assert response.status_code == 302 and response["Location"] == "/admin/"

    user = User.objects.get(email="nadia@northwind.example")
    assert user.is_staff and not user.is_superuser and user.check_password(PASSWORD)
    assert user.get_full_name() == "Nadia Newhire"
    assert list(user.groups.values_list("name", flat=True)) == ["Recruiters"]
    recruiter = Recruiter.objects.get(user=user)
    assert recruiter.company == company and not recruiter.is_lead
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == user

    home = client.get("/admin/")
    assert home.status_code == 200 and "Welcome to Northwind Support" in home.content.decode()
    postings = client.get("/admin/listings/listing/").content.decode()
    assert own.title in postings and foreign.title not in postings
    gone = client.get(f"/admin/listings/listing/{foreign.pk}/change/")
    assert gone.status_code == 302 and gone["Location"] == "/admin/"

    # and the password works on the admin's own sign-in form, with the address
    fresh = Client()
    login = fresh.post(
        "/admin/login/?next=/admin/", {"username": "nadia@northwind.example", "password": PASSWORD}
    )
    assert login.status_code == 302 and login["Location"] == "/admin/"


def test_the_link_works_once(invite, client):
    invitation = invite()
    path = join_path(invitation)
    assert client.post(path, join_data()).status_code == 302
    again = Client()
    for response in (again.get(path), again.post(path, join_data("Someone Else"))):
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
    assert User.objects.filter(email=invitation.email).count() == 1
    assert User.objects.get(email=invitation.email).get_full_name() == "Nadia Newhire"


def test_an_expired_invitation_is_refused(invite, client):
    invitation = invite()
    path = join_path(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for response in (client.get(path), client.post(path, join_data())):
        assert response.status_code == 410
        assert "has expired" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_a_link_signed_longer_ago_than_the_validity_is_refused(invite, client, settings):
    invitation = invite()
    eight_days_ago = timezone.now().timestamp() - 8 * 86400
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        old_token = team.invitation_token(invitation)
    response = client.post(f"/team/join/{old_token}/", join_data())
    assert response.status_code == 410 and "has expired" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature
        lambda token: token[: len(token) // 2],  # cut short by a mail program
        lambda token: signing.dumps([1, "guessed"], salt="some.other.salt"),
        lambda token: "x" * 500,
    ],
    ids=["signature", "cut-short", "other-salt", "too-long"],
)
def test_a_tampered_link_is_refused_with_one_plain_page(invite, client, tamper):
    invitation = invite()
    token = join_path(invitation).split("/")[3]
    response = client.post(f"/team/join/{tamper(token)}/", join_data())
    assert response.status_code == 404
    content = response.content.decode()
    assert "This link is not valid" in content and "Northwind" not in content
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_a_well_signed_link_with_the_wrong_nonce_or_an_unknown_id_is_refused(invite, client):
    invitation = invite()
    for payload in ([invitation.pk, "not-the-nonce"], [invitation.pk + 1000, invitation.nonce]):
        token = signing.dumps(payload, salt=team.TOKEN_SALT)
        response = client.get(f"/team/join/{token}/")
        assert response.status_code == 404
        assert "Northwind" not in response.content.decode()


def test_a_revoked_invitation_is_refused(invite, owner, client):
    invitation = invite()
    path = join_path(invitation)
    team.invitation_revoke(invitation=invitation, by=owner)
    for response in (client.get(path), client.post(path, join_data())):
        assert response.status_code == 410
        assert "withdrawn" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_a_weak_or_mismatched_password_is_refused_and_the_link_still_works(invite, client):
    invitation = invite("nadia@northwind.example")
    path = join_path(invitation)
    weak = client.post(path, join_data(password="short"))
    assert weak.status_code == 400
    assert "too short" in weak.content.decode()
    assert 'role="alert"' in weak.content.decode()
    mismatch = client.post(
        path, {"full_name": "Nadia", "password1": PASSWORD, "password2": PASSWORD + "x"}
    )
    assert mismatch.status_code == 400 and "differ" in mismatch.content.decode()
    like_address = client.post(path, join_data(password="nadia@northwind.example"))
    assert like_address.status_code == 400
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert client.post(path, join_data()).status_code == 302


def test_an_address_that_already_has_an_account_is_refused_and_told_what_to_do(invite, client):
    candidate = CandidateUserFactory(username="nadia", email="nadia@northwind.example")
    invitation = invite("nadia@northwind.example")
    path = join_path(invitation)
    for response in (client.get(path), client.post(path, join_data())):
        assert response.status_code == 409
        content = response.content.decode()
        assert "already has an account" in content and "operators" in content
    candidate.refresh_from_db()
    assert not candidate.is_staff and not Recruiter.objects.filter(user=candidate).exists()
    assert candidate.check_password("correct horse battery")
    invitation.refresh_from_db()
    assert invitation.is_pending  # nothing happened: the operators can still sort it out


def test_the_service_refuses_an_existing_account_even_when_the_page_did_not_see_it(invite):
    invitation = invite("late@northwind.example")
    CandidateUserFactory(username="late", email="LATE@northwind.example")
    with pytest.raises(team.AccountExists):
        team.invitation_accept(invitation=invitation, password=PASSWORD, full_name="Late Comer")
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert User.objects.filter(email__iexact="late@northwind.example").count() == 1


def test_joining_needs_the_forms_csrf_token(invite):
    invitation = invite()
    client = Client(enforce_csrf_checks=True)
    path = join_path(invitation)
    assert client.get(path).status_code == 200
    assert client.post(path, join_data()).status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_pending

"""Who may see a company's team and who may change it, each from the outsider's side:
another company's lead, a colleague who is not a lead, an anonymous visitor."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from listings import team
from listings.models import Invitation, Recruiter
from outbox.models import Email
from tests.support.clients import body, client_for

pytestmark = pytest.mark.django_db

TEAM = "/admin/listings/invitation/"
INVITE = "/admin/listings/invitation/invite/"


def revoke_url(invitation) -> str:
    return reverse("admin:listings_invitation_revoke", args=[invitation.pk])


def remove_url(recruiter) -> str:
    return reverse("admin:listings_recruiter_remove", args=[recruiter.pk])


def lead_url(recruiter) -> str:
    return reverse("admin:listings_recruiter_lead", args=[recruiter.pk])


# --------------------------------------------------------------------------- seeing


def test_every_recruiter_of_the_company_sees_its_team_and_pending_invitations(
    invite, owner, colleague
):
    invite("pending.person@northwind.example")
    for user in (owner, colleague):
        page = client_for(user).get(TEAM)
        assert page.status_code == 200
        content = page.content.decode()
        assert "Team: Northwind Support" in content
        assert "Olive Owner" in content and "Colin League" in content
        assert "pending.person@northwind.example" in content


def test_the_lead_gets_the_invite_form_and_buttons_and_a_colleague_does_not(
    invite, owner, colleague
):
    invite()
    lead_page = client_for(owner).get(TEAM).content.decode()
    assert 'action="/admin/listings/invitation/invite/"' in lead_page
    assert remove_url(colleague.recruiter_profile) in lead_page
    colleague_page = client_for(colleague).get(TEAM).content.decode()
    assert "/invite/" not in colleague_page and "/remove/" not in colleague_page
    assert "Lead recruiters (Olive Owner)" in colleague_page


def test_the_team_appears_in_the_admin_menu_as_team(owner):
    home = client_for(owner).get("/admin/").content.decode()
    assert f'<a href="{TEAM}"' in home and ">Team<" in home


def test_outsider_does_not_see_another_companys_team(invite, company, outsider, owner):
    invite("secret.hire@northwind.example")
    client = client_for(outsider)
    own = client.get(TEAM).content.decode()
    assert "Contoso Care" in own
    assert "Northwind" not in own and "secret.hire" not in own and owner.email not in own
    forged = client.get(f"{TEAM}?company={company.pk}")
    missing = client.get(f"{TEAM}?company=987654321")
    assert forged.status_code == missing.status_code == 404
    assert body(forged) == body(missing)


def test_anonymous_visitors_are_sent_to_the_sign_in_page(invite, owner, colleague):
    invitation = invite()
    client = Client()
    for url in (
        TEAM,
        INVITE,
        revoke_url(invitation),
        remove_url(colleague.recruiter_profile),
        lead_url(colleague.recruiter_profile),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
        response = client.post(url, {"company": invitation.company_id, "email": "x@y.example"})
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Invitation.objects.count() == 1
    assert Recruiter.objects.filter(pk=colleague.recruiter_profile.pk).exists()


def test_a_candidate_signed_in_on_the_site_cannot_open_the_team_pages(invite):
    from tests.candidates.factories import CandidateUserFactory

    invitation = invite()
    client = client_for(CandidateUserFactory(username="cand"))
    assert client.get(TEAM)["Location"].startswith("/admin/login/")
    response = client.post(INVITE, {"company": invitation.company_id, "email": "a@b.example"})
    assert response["Location"].startswith("/admin/login/")
    assert Invitation.objects.count() == 1


# --------------------------------------------------------------------------- inviting


def test_the_lead_invites_a_colleague_from_the_team_page(owner, company):
    client = client_for(owner)
    response = client.post(INVITE, {"company": company.pk, "email": "New.Hire@Northwind.example"})
    assert response.status_code == 302
    assert response["Location"] == f"{TEAM}?company={company.pk}"
    invitation = Invitation.objects.get()
    assert (invitation.company, invitation.email, invitation.invited_by) == (
        company,
        "new.hire@northwind.example",
        owner,
    )
    assert Email.objects.filter(key=f"invitation:{invitation.pk}").exists()
    assert "An invitation is on its way" in client.get(response["Location"]).content.decode()


def test_a_colleague_who_is_not_a_lead_cannot_invite(colleague, company):
    response = client_for(colleague).post(INVITE, {"company": company.pk, "email": "x@y.example"})
    assert response.status_code == 403
    assert not Invitation.objects.exists() and not Email.objects.exists()
    with pytest.raises(PermissionDenied):
        team.invitation_create(company=company, email="x@y.example", by=colleague)


def test_outsider_cannot_invite_into_another_company_even_with_its_id_in_the_post(
    outsider, company, other_company
):
    client = client_for(outsider)
    forged = client.post(INVITE, {"company": company.pk, "email": "mole@contoso.example"})
    missing = client.post(INVITE, {"company": 987654321, "email": "mole@contoso.example"})
    assert forged.status_code == missing.status_code == 404
    assert body(forged) == body(missing)
    assert not Invitation.objects.filter(company=company).exists()
    with pytest.raises(PermissionDenied):
        team.invitation_create(company=company, email="mole@contoso.example", by=outsider)
    # the only company their POST can name is their own
    client.post(INVITE, {"company": other_company.pk, "email": "real@contoso.example"})
    assert list(Invitation.objects.values_list("company", "email")) == [
        (other_company.pk, "real@contoso.example")
    ]


def test_an_operator_invites_into_any_company(operator, company, other_company):
    client = client_for(operator)
    listing = client.get(TEAM).content.decode()
    assert "Northwind Support" in listing and "Contoso Care" in listing
    assert client.get(f"{TEAM}?company={company.pk}").status_code == 200
    for target in (company, other_company):
        response = client.post(INVITE, {"company": target.pk, "email": f"hire@{target.slug}.ex"})
        assert response.status_code == 302
    assert set(Invitation.objects.values_list("company", flat=True)) == {
        company.pk,
        other_company.pk,
    }
    row = Email.objects.filter(kind="invitation").first()
    assert row.subject.startswith("The CX Leaders team invited you")
    assert row.reply_to == []


def test_an_address_that_is_already_a_recruiter_is_refused_without_naming_the_company(
    owner, colleague, outsider, company
):
    client = client_for(owner)
    own = client.post(INVITE, {"company": company.pk, "email": colleague.email.upper()})
    assert own.status_code == 400
    assert "already one of Northwind Support" in own.content.decode()
    theirs = client.post(INVITE, {"company": company.pk, "email": outsider.email})
    assert theirs.status_code == 400
    content = theirs.content.decode()
    assert "another company" in content and "Contoso" not in content
    assert not Invitation.objects.exists()


def test_a_malformed_address_is_refused(owner, company):
    response = client_for(owner).post(INVITE, {"company": company.pk, "email": "not an address"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_company_sends_at_most_the_daily_number_of_invitations(owner, company, settings):
    settings.TEAM_INVITATIONS_PER_DAY = 3
    for n in range(3):
        team.invitation_create(company=company, email=f"p{n}@northwind.example", by=owner)
    with pytest.raises(ValidationError, match="the most we send in a day"):
        team.invitation_create(company=company, email="p9@northwind.example", by=owner)
    response = client_for(owner).post(INVITE, {"company": company.pk, "email": "p9@n.example"})
    assert response.status_code == 400 and "Try again tomorrow" in response.content.decode()
    assert Invitation.objects.count() == 3


def test_the_daily_limit_does_not_bind_operators(operator, company, settings):
    settings.TEAM_INVITATIONS_PER_DAY = 1
    for n in range(3):
        team.invitation_create(company=company, email=f"p{n}@northwind.example", by=operator)
    assert Invitation.objects.count() == 3


# --------------------------------------------------------------------------- revoking


def test_the_lead_revokes_a_pending_invitation(invite, owner):
    invitation = invite()
    client = client_for(owner)
    assert client.get(revoke_url(invitation)).status_code == 200  # a confirmation page
    invitation.refresh_from_db()
    assert invitation.is_pending
    response = client.post(revoke_url(invitation))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_a_colleague_who_is_not_a_lead_cannot_revoke(invite, colleague):
    invitation = invite()
    client = client_for(colleague)
    assert client.get(revoke_url(invitation)).status_code == 403
    assert client.post(revoke_url(invitation)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_outsider_gets_404_for_another_companys_invitation_as_for_a_missing_one(invite, outsider):
    invitation = invite()
    client = client_for(outsider)
    missing = reverse("admin:listings_invitation_revoke", args=[987654321])
    for method in ("get", "post"):
        theirs = getattr(client, method)(revoke_url(invitation))
        absent = getattr(client, method)(missing)
        assert theirs.status_code == absent.status_code == 404
        assert body(theirs) == body(absent)
    invitation.refresh_from_db()
    assert invitation.is_pending
    with pytest.raises(PermissionDenied):
        team.invitation_revoke(invitation=invitation, by=outsider)


# --------------------------------------------------------------------------- removing, leads


def test_a_colleague_who_is_not_a_lead_cannot_remove_anyone_or_name_a_lead(owner, colleague):
    client = client_for(colleague)
    for url in (remove_url(owner.recruiter_profile), lead_url(colleague.recruiter_profile)):
        assert client.get(url).status_code == 403
        assert client.post(url, {"is_lead": "1"}).status_code == 403
    owner.recruiter_profile.refresh_from_db()
    colleague.recruiter_profile.refresh_from_db()
    assert not colleague.recruiter_profile.is_lead
    with pytest.raises(PermissionDenied):
        team.recruiter_remove(recruiter=owner.recruiter_profile, by=colleague)


def test_outsider_gets_404_for_another_companys_recruiter_as_for_a_missing_one(
    owner, colleague, outsider
):
    client = client_for(outsider)
    for make_url in (remove_url, lead_url):
        missing = make_url(type("Missing", (), {"pk": 987654321}))
        for method in ("get", "post"):
            theirs = getattr(client, method)(make_url(colleague.recruiter_profile))
            absent = getattr(client, method)(missing)
            assert theirs.status_code == absent.status_code == 404
            assert body(theirs) == body(absent)
    assert Recruiter.objects.filter(user=colleague).exists()
    colleague.refresh_from_db()
    assert colleague.is_staff
    with pytest.raises(PermissionDenied):
        team.recruiter_remove(recruiter=colleague.recruiter_profile, by=outsider)
    with pytest.raises(PermissionDenied):
        team.recruiter_set_lead(recruiter=colleague.recruiter_profile, is_lead=True, by=outsider)


def test_the_lead_names_a_colleague_lead_who_can_then_invite(owner, colleague, company):
    response = client_for(owner).post(lead_url(colleague.recruiter_profile), {"is_lead": "1"})
    assert response.status_code == 302
    colleague.recruiter_profile.refresh_from_db()
    assert colleague.recruiter_profile.is_lead
    invited = client_for(colleague).post(INVITE, {"company": company.pk, "email": "a@b.example"})
    assert invited.status_code == 302 and Invitation.objects.count() == 1


def test_the_last_lead_can_neither_remove_themselves_nor_step_down(owner, colleague):
    client = client_for(owner)
    recruiter = owner.recruiter_profile
    assert "The only lead" in client.get(TEAM).content.decode()
    client.post(remove_url(recruiter))
    client.post(lead_url(recruiter), {"is_lead": "0"})
    recruiter.refresh_from_db()
    owner.refresh_from_db()
    assert recruiter.is_lead and owner.is_staff and owner.has_usable_password()
    with pytest.raises(ValidationError, match="only lead recruiter"):
        team.recruiter_remove(recruiter=recruiter, by=owner)
    # with a second lead, stepping down works
    team.recruiter_set_lead(recruiter=colleague.recruiter_profile, is_lead=True, by=owner)
    team.recruiter_set_lead(recruiter=recruiter, is_lead=False, by=owner)
    recruiter.refresh_from_db()
    assert not recruiter.is_lead


def test_operators_keep_the_recruiter_admin_and_see_who_leads(operator, owner, colleague):
    client = client_for(operator)
    changelist = client.get("/admin/listings/recruiter/")
    assert changelist.status_code == 200
    assert "lead recruiter" in changelist.content.decode().lower()
    change = client.get(f"/admin/listings/recruiter/{colleague.recruiter_profile.pk}/change/")
    assert change.status_code == 200 and 'name="is_lead"' in change.content.decode()

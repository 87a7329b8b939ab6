"""Nobody reads or changes another candidate's data by changing an id in a URL.

Three kinds of people per rule: the owner, someone with a legitimate reason (the
posting company's recruiters, operators) and outsiders (another candidate, another
company's recruiter, an anonymous visitor), who get a 404 that confirms nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates import services
from candidates.models import Application, Profile, SavedPosting
from tests.candidates.factories import ProfileFactory, pdf_upload
from tests.factories import LiveListingFactory, UserFactory
from tests.support.clients import client_for


@pytest.fixture
def application(owner_profile, listing):
    return services.application_submit(user=owner_profile.user, listing=listing, cover_note="Hi")


# ------------------------------------------------------------------ application résumé copies


@pytest.mark.django_db
def test_the_candidate_the_companys_recruiters_and_operators_can_download_the_copy_sent(
    application, owner, recruiter, colleague_recruiter, operator
):
    url = reverse("candidates:application_resume", args=[application.pk])
    for user in [owner, recruiter, colleague_recruiter, operator]:
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_outsiders_get_404_for_an_application_resume(
    application, outsider, other_recruiter, outsider_profile
):
    url = reverse("candidates:application_resume", args=[application.pk])
    staff_without_company = UserFactory(username="staffer", is_staff=True)
    for user in [outsider, other_recruiter, staff_without_company, None]:
        assert client_for(user).get(url).status_code == 404, user


@pytest.mark.django_db
def test_a_recruiter_who_is_deactivated_loses_access(application, recruiter):
    client = client_for(recruiter)
    recruiter.is_active = False
    recruiter.save()
    url = reverse("candidates:application_resume", args=[application.pk])
    assert client.get(url).status_code in (302, 404)
    assert not Application.objects.visible_to(recruiter).exists()


# ------------------------------------------------------------------ current résumé of a profile


@pytest.mark.django_db
def test_a_profiles_current_resume_is_for_its_owner_operators_and_companies_applied_to(
    owner_profile, listing, recruiter, other_recruiter, outsider, operator
):
    url = reverse("candidates:profile_resume", args=[owner_profile.pk])
    # before applying: only the owner and operators
    assert client_for(owner_profile.user).get(url).status_code == 200
    assert client_for(operator).get(url).status_code == 200
    for user in [recruiter, other_recruiter, outsider, None]:
        assert client_for(user).get(url).status_code == 404, user
    services.application_submit(user=owner_profile.user, listing=listing)
    assert client_for(recruiter).get(url).status_code == 200
    for user in [other_recruiter, outsider, None]:
        assert client_for(user).get(url).status_code == 404, user


@pytest.mark.django_db
def test_visible_to_recruiters_does_not_share_the_resume(owner_profile, other_recruiter):
    owner_profile.visibility = "recruiters"
    owner_profile.save()
    url = reverse("candidates:profile_resume", args=[owner_profile.pk])
    assert client_for(other_recruiter).get(url).status_code == 404


@pytest.mark.django_db
def test_the_own_resume_url_only_ever_serves_the_signed_in_candidates_file(
    owner_profile, outsider_profile
):
    response = client_for(outsider_profile.user).get(reverse("candidates:resume_download"))
    assert response.status_code == 200
    assert "oscar-outsider" in response["Content-Disposition"]
    assert client_for(None).get(reverse("candidates:resume_download")).status_code == 302


# ------------------------------------------------------------------ /me/ pages


@pytest.mark.django_db
def test_another_candidates_application_page_is_404(application, outsider, recruiter):
    url = reverse("candidates:application_detail", args=[application.pk])
    assert client_for(application.candidate).get(url).status_code == 200
    # recruiters read applications in the admin, not on the candidate's page
    for user in [outsider, recruiter]:
        assert client_for(user).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


@pytest.mark.django_db
def test_lists_under_me_show_only_the_signed_in_candidates_rows(
    application, owner, outsider, outsider_profile, listing, other_listing
):
    SavedPosting.objects.create(user=owner, listing=other_listing)
    services.application_submit(user=outsider, listing=other_listing)
    outsider_client = client_for(outsider)
    saved = outsider_client.get(reverse("candidates:saved")).content.decode()
    assert other_listing.title not in saved
    applications = outsider_client.get(reverse("candidates:applications")).content.decode()
    assert other_listing.title in applications
    assert listing.title not in applications
    dashboard = outsider_client.get(reverse("candidates:dashboard")).content.decode()
    assert "Oscar Outsider" in dashboard and "Olivia Owner" not in dashboard


@pytest.mark.django_db
def test_unsaving_only_touches_the_signed_in_candidates_saved_row(owner, outsider, listing):
    SavedPosting.objects.create(user=owner, listing=listing)
    response = client_for(outsider).post(reverse("candidates:unsave", args=[listing.slug]))
    assert response.status_code == 302
    assert SavedPosting.objects.filter(user=owner, listing=listing).exists()


@pytest.mark.django_db
def test_profile_forms_only_ever_edit_the_signed_in_candidates_profile(
    owner_profile, outsider_profile
):
    client = client_for(outsider_profile.user)
    response = client.post(
        reverse("candidates:profile_edit"),
        {
            "full_name": "Hijacked",
            "user": owner_profile.user_id,
            "id": owner_profile.pk,
            "pk": owner_profile.pk,
            "budget_currency": "USD",
            "desired_currency": "USD",
            "visibility": "private",
        },
    )
    assert response.status_code == 302
    owner_profile.refresh_from_db()
    outsider_profile.refresh_from_db()
    assert owner_profile.full_name == "Olivia Owner"
    assert outsider_profile.full_name == "Hijacked"
    assert outsider_profile.user_id != owner_profile.user_id


@pytest.mark.django_db
def test_every_candidate_url_turns_anonymous_visitors_away(application, owner_profile, listing):
    anonymous = client_for(None)
    for name, args in [
        ("candidates:dashboard", []),
        ("candidates:profile_edit", []),
        ("candidates:resume", []),
        ("candidates:resume_download", []),
        ("candidates:saved", []),
        ("candidates:applications", []),
        ("candidates:application_detail", [application.pk]),
        ("candidates:account", []),
        ("candidates:account_delete", []),
        ("candidates:apply", [listing.slug]),
    ]:
        response = anonymous.get(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_login")), name
    for name, args in [
        ("candidates:application_resume", [application.pk]),
        ("candidates:profile_resume", [owner_profile.pk]),
    ]:
        assert anonymous.get(reverse(name, args=args)).status_code == 404, name


@pytest.mark.django_db
def test_ids_that_do_not_exist_are_404_not_500(owner_client):
    for name in ["application_detail", "application_resume"]:
        assert owner_client.get(reverse(f"candidates:{name}", args=[999999])).status_code == 404
    assert owner_client.get(reverse("candidates:profile_resume", args=[999999])).status_code == 404
    assert owner_client.get("/me/applications/abc/").status_code == 404
    assert owner_client.get("/me/applications/99999999999999999999999/").status_code == 404


@pytest.mark.django_db
def test_a_missing_file_on_disk_is_a_404(owner_profile):
    owner_profile.resume.storage.delete(owner_profile.resume.name)
    assert (
        client_for(owner_profile.user).get(reverse("candidates:resume_download")).status_code == 404
    )


@pytest.mark.django_db
def test_resume_files_have_no_public_url(owner_profile, client):
    with pytest.raises(NotImplementedError):
        owner_profile.resume.url  # noqa: B018
    name = owner_profile.resume.name
    for guess in [f"/media/{name}", f"/private/{name}", f"/static/{name}", f"/{name}"]:
        assert client.get(guess).status_code == 404, guess


@pytest.mark.django_db
def test_recruiters_see_profiles_that_are_visible_or_applied_and_no_others(
    recruiter, other_recruiter, listing
):
    visible = ProfileFactory(visibility="recruiters")
    private = ProfileFactory(visibility="private")
    applied = ProfileFactory(visibility="private")
    services.resume_replace(profile=applied, upload=pdf_upload())
    services.application_submit(user=applied.user, listing=listing)
    assert set(Profile.objects.visible_to_recruiter(recruiter)) == {visible, applied}
    assert set(Profile.objects.visible_to_recruiter(other_recruiter)) == {visible}
    assert private not in Profile.objects.visible_to_recruiter(recruiter)
    assert not Profile.objects.visible_to_recruiter(UserFactory()).exists()


@pytest.mark.django_db
def test_applications_for_recruiter_never_include_another_companys(
    application, recruiter, other_recruiter, operator
):
    other = LiveListingFactory(company=other_recruiter.recruiter_profile.company)
    services.application_submit(user=application.candidate, listing=other)
    assert list(Application.objects.for_recruiter(recruiter)) == [application]
    assert [a.listing for a in Application.objects.for_recruiter(other_recruiter)] == [other]
    assert Application.objects.for_recruiter(operator).count() == 2
    assert not Application.objects.for_recruiter(application.candidate).exists()


@pytest.mark.django_db
def test_a_recruiter_who_also_applied_somewhere_sees_each_application_once(
    owner_profile, listing, recruiter, colleague_recruiter, other_recruiter
):
    # a recruiter of another company applies, as a candidate, to a company with two recruiters
    from tests.candidates.factories import ProfileFactory

    profile = ProfileFactory(user=other_recruiter, full_name="Otto")
    services.resume_replace(profile=profile, upload=pdf_upload())
    application = services.application_submit(user=other_recruiter, listing=listing)
    assert list(Application.objects.visible_to(other_recruiter)) == [application]
    url = reverse("candidates:application_resume", args=[application.pk])
    assert client_for(other_recruiter).get(url).status_code == 200

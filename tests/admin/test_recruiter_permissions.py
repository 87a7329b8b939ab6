"""Row-level permissions: a recruiter sees and changes only their own company's postings."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from listings.models import Listing
from tests.admin.helpers import ADD_URL, CHANGELIST_URL, change_url, posting_data, transition_url
from tests.factories import (
    CompanyFactory,
    ListingFactory,
    LiveListingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_posting(company):
    return LiveListingFactory(company=company, title="Director of Support Operations")


@pytest.fixture
def foreign_posting(other_company):
    return LiveListingFactory(company=other_company, title="VP Customer Care at Contoso")


def test_recruiter_sees_only_own_companys_postings_in_the_changelist(
    client_for, owner, own_posting, foreign_posting
):
    response = client_for(owner).get(CHANGELIST_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert own_posting.title in content
    assert foreign_posting.title not in content
    assert list(response.context["cl"].result_list) == [own_posting]


def test_colleague_can_open_and_change_a_posting_of_the_same_company(
    client_for, colleague, own_posting
):
    client = client_for(colleague)
    response = client.get(change_url(own_posting))
    assert response.status_code == 200
    assert 'id="listing_form"' in response.content.decode()


# change and history: the admin's "does not exist" redirect to the index, as for a
# missing id; delete: refused outright, recruiters delete no posting at all
@pytest.mark.parametrize(("view", "status"), [("change", 302), ("history", 302), ("delete", 403)])
def test_recruiter_cannot_open_another_companys_posting(
    client_for, outsider, own_posting, view, status
):
    client = client_for(outsider)
    response = client.get(f"/admin/listings/listing/{own_posting.pk}/{view}/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == "/admin/"
        response = client.get(response["Location"])
        assert response.status_code == 200
    content = response.content.decode()
    assert 'id="listing_form"' not in content
    assert own_posting.title not in content
    assert own_posting.slug not in content


def test_recruiter_cannot_post_to_another_companys_posting(client_for, outsider, own_posting):
    client = client_for(outsider)
    response = client.post(
        change_url(own_posting),
        posting_data(own_posting.company, title="Hijacked"),
    )
    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert response["Location"] == "/admin/"
    own_posting.refresh_from_db()
    assert own_posting.title == "Director of Support Operations"


@pytest.mark.parametrize("name", ["close", "extend", "duplicate", "publish", "submit"])
def test_recruiter_cannot_run_a_transition_on_another_companys_posting(
    client_for, outsider, own_posting, name
):
    before = Listing.objects.count()
    response = client_for(outsider).post(transition_url(own_posting, name))
    assert response.status_code == 404
    own_posting.refresh_from_db()
    assert own_posting.status == "published"
    assert Listing.objects.count() == before


def test_recruiter_actions_ignore_another_companys_ids(
    client_for, outsider, own_posting, foreign_posting
):
    response = client_for(outsider).post(
        CHANGELIST_URL,
        {"action": "close_selected", "_selected_action": [own_posting.pk, foreign_posting.pk]},
    )
    assert response.status_code == 302
    own_posting.refresh_from_db()
    foreign_posting.refresh_from_db()
    assert own_posting.status == "published"
    assert foreign_posting.status == "closed"


def test_recruiter_cannot_filter_the_changelist_onto_another_company(
    client_for, outsider, own_posting
):
    response = client_for(outsider).get(
        CHANGELIST_URL, {"company__id__exact": own_posting.company_id}
    )
    assert response.status_code == 200  # the recruiter's own rows, filtered to nothing
    assert list(response.context["cl"].result_list) == []
    assert own_posting.title not in response.content.decode()


def test_operator_sees_every_companys_postings(client_for, operator, own_posting, foreign_posting):
    response = client_for(operator).get(CHANGELIST_URL)
    content = response.content.decode()
    assert own_posting.title in content
    assert foreign_posting.title in content
    # and can filter by company, which recruiters cannot
    assert "By company" in content
    response = client_for(operator).get(change_url(own_posting))
    assert response.status_code == 200


def test_company_filter_is_for_operators_only(client_for, owner, own_posting):
    content = client_for(owner).get(CHANGELIST_URL).content.decode()
    assert "By company" not in content
    assert "By status" in content
    assert "By expiry" in content


def test_recruiter_cannot_delete_a_posting_but_an_operator_can(
    client_for, owner, operator, own_posting
):
    client = client_for(owner)
    assert client.get(f"/admin/listings/listing/{own_posting.pk}/delete/").status_code == 403
    changelist = client.get(CHANGELIST_URL).content.decode()
    assert "delete_selected" not in changelist
    response = client.post(
        CHANGELIST_URL, {"action": "delete_selected", "_selected_action": [own_posting.pk]}
    )
    assert Listing.objects.filter(pk=own_posting.pk).exists()
    assert response.status_code == 302  # "No action selected.", back to the list
    assert response["Location"] == CHANGELIST_URL

    client = client_for(operator)
    response = client.post(f"/admin/listings/listing/{own_posting.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Listing.objects.filter(pk=own_posting.pk).exists()


def test_recruiter_without_a_company_cannot_add_postings(client):
    from django.contrib.auth.models import Group

    user = UserFactory(username="loose", is_staff=True)
    user.groups.add(Group.objects.get(name="Recruiters"))
    client.force_login(user)
    assert client.get(ADD_URL).status_code == 403
    company = CompanyFactory()
    response = client.post(ADD_URL, posting_data(company))
    assert response.status_code == 403
    assert not Listing.objects.exists()


def test_recruiter_sees_only_own_company_in_company_admin(
    client_for, owner, company, other_company
):
    client = client_for(owner)
    response = client.get("/admin/listings/company/")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [company]
    assert client.get(f"/admin/listings/company/{company.pk}/change/").status_code == 200
    other = client.get(f"/admin/listings/company/{other_company.pk}/change/")
    assert other.status_code == 302  # the admin's "does not exist" redirect
    assert other["Location"] == "/admin/"
    assert other_company.name not in client.get(other["Location"]).content.decode()
    assert client.get("/admin/listings/company/add/").status_code == 403


def test_recruiter_cannot_change_company_profile(client_for, owner, company):
    client = client_for(owner)
    response = client.post(
        f"/admin/listings/company/{company.pk}/change/",
        {"name": "Renamed", "industry": company.industry_id},
    )
    assert response.status_code == 403
    company.refresh_from_db()
    assert company.name == "Northwind Support"


@pytest.mark.parametrize("url", ["/admin/listings/recruiter/", "/admin/listings/industry/"])
def test_recruiters_and_industries_are_for_operators_only(client_for, owner, operator, url):
    assert client_for(owner).get(url).status_code == 403
    assert client_for(operator).get(url).status_code == 200


def test_admin_index_shows_a_recruiter_only_postings_and_companies(client_for, owner):
    content = client_for(owner).get("/admin/").content.decode()
    assert "/admin/listings/listing/" in content
    assert "/admin/listings/company/" in content
    assert "/admin/listings/recruiter/" not in content
    assert "/admin/listings/industry/" not in content
    assert "/admin/auth/user/" not in content


def test_operator_linking_a_recruiter_makes_them_staff_in_the_group(client_for, operator):
    company = CompanyFactory()
    user = UserFactory(username="newhire")
    response = client_for(operator).post(
        "/admin/listings/recruiter/add/", {"user": user.pk, "company": company.pk}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_staff
    assert user.groups.filter(name="Recruiters").exists()
    assert user.recruiter_profile.company == company


def test_transitions_are_logged_in_the_history(client_for, owner, company):
    draft = ListingFactory(company=company)
    client_for(owner).post(transition_url(draft, "publish"))
    assert LogEntry.objects.filter(object_id=str(draft.pk), change_message="Published.").exists()


def test_inactive_or_non_staff_users_get_the_login_page(client, own_posting):
    user = UserFactory(username="candidate")
    client.force_login(user)
    response = client.get(change_url(own_posting))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_company_autocomplete_lists_only_the_recruiters_company(
    client_for, outsider, company, other_company
):
    response = client_for(outsider).get(
        "/admin/autocomplete/",
        {"app_label": "listings", "model_name": "listing", "field_name": "company", "term": ""},
    )
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == [str(other_company.pk)]


def test_operator_add_form_offers_every_company(client_for, operator, company, other_company):
    client = client_for(operator)
    assert client.get(ADD_URL).status_code == 200
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "listings", "model_name": "listing", "field_name": "company", "term": ""},
    )
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {str(company.pk), str(other_company.pk)}

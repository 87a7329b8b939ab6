"""The recruiter's posting form: who is hiring, and a confidential search that would give
its client away is refused on the field that does, with nothing saved."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from listings.choices import PostedBy
from listings.models import Listing
from tests.admin.helpers import ADD_URL, change_url, posting_data
from tests.confidential.conftest import (
    CLIENT,
    CLIENT_LOGO,
    CLIENT_SITE,
    DESCRIPTOR,
    confidential_fields,
)
from tests.factories import ListingFactory, RecruiterUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recruiter(firm):
    return RecruiterUserFactory(username="halden", recruiter=firm)


def search_data(firm, **overrides) -> dict:
    """A complete confidential search as the browser posts it (None drops a field)."""
    search = {
        "posted_by": "search_firm",
        "client_name": CLIENT,
        "client_website": CLIENT_SITE,
        "client_logo_url": CLIENT_LOGO,
        "confidential": "on",
        "client_descriptor": DESCRIPTOR,
        "hiring_contact_name": "Jane Doe",
        "hiring_contact_title": "Partner",
        "industries": ["financial-services"],
        "description": "Lead customer experience for a fast-growing digital lender.",
    }
    return posting_data(firm, **{**search, **overrides})


def refused(client, data: dict, field: str) -> list[str]:
    """POST the form; it must come back (200) with an error on `field`, shown on the
    page, and nothing saved. Returns the field's errors."""
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    errors = list(response.context["adminform"].form.errors.get(field, []))
    assert errors, response.context["adminform"].form.errors
    page = response.content.decode()
    assert "errornote" in page
    # the message is shown on that field (its own error list), not only at the top
    shown = page.split(f'id="id_{field}_error"', 1)[1].split("</ul>", 1)[0]
    assert escape(errors[0]) in shown, field
    assert not Listing.objects.exists()
    return errors


def test_the_form_has_a_who_is_hiring_fieldset(client, recruiter):
    client.force_login(recruiter)
    page = client.get(ADD_URL).content.decode()
    assert "Who is hiring" in page
    for field in [
        "posted_by",
        "client_name",
        "client_website",
        "client_logo_url",
        "confidential",
        "client_descriptor",
        "hiring_contact_name",
        "hiring_contact_title",
    ]:
        assert f'name="{field}"' in page, field


def test_a_recruiter_saves_a_confidential_search_with_every_field(client, recruiter, firm):
    client.force_login(recruiter)
    response = client.post(ADD_URL, search_data(firm, client_website="quillfeatherbank.com"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    listing = Listing.objects.get()
    assert listing.company == firm
    assert listing.posted_by == PostedBy.SEARCH_FIRM
    assert listing.client_name == CLIENT
    assert listing.client_website == "https://quillfeatherbank.com"  # https assumed
    assert listing.client_logo_url == CLIENT_LOGO
    assert listing.confidential is True
    assert listing.client_descriptor == DESCRIPTOR
    assert (listing.hiring_contact_name, listing.hiring_contact_title) == ("Jane Doe", "Partner")
    # the firm's own industry is not the client's
    assert listing.industries == ["financial-services"]
    assert "quillfeather" not in listing.slug and "halden-search-partners" in listing.slug


def test_a_form_that_does_not_say_who_posts_posts_as_the_employer(client, recruiter, firm):
    client.force_login(recruiter)
    data = posting_data(firm)
    data.pop("posted_by", None)
    assert client.post(ADD_URL, data).status_code == 302
    assert Listing.objects.get().posted_by == PostedBy.EMPLOYER


def test_a_confidential_search_needs_a_descriptor(client, recruiter, firm):
    client.force_login(recruiter)
    errors = refused(client, search_data(firm, client_descriptor=""), "client_descriptor")
    assert "shows this instead of its name" in errors[0]


def test_a_search_firm_names_its_client(client, recruiter, firm):
    client.force_login(recruiter)
    refused(client, search_data(firm, client_name="", confidential=None), "client_name")


def test_only_a_search_can_be_confidential(client, recruiter, firm):
    client.force_login(recruiter)
    data = posting_data(firm, posted_by="employer", confidential="on")
    assert refused(client, data, "confidential") == [
        "Only a search firm's posting can be confidential."
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "You will report to the COO of Quillfeather Bank."),
        ("description", "You will report to the COO of QUILLFEATHER BANK."),
        ("description", "Read more on quillfeatherbank.com/about before applying."),
        ("title", "VP Customer Experience, Quillfeather Bank"),
        ("responsibilities", "Lead service at quillfeather bank across three sites."),
        ("client_descriptor", "Quillfeather Bank, a Series C fintech"),
        ("hiring_contact_title", "COO, Quillfeather Bank"),
        ("bonus", "Quillfeather Bank's annual plan: 30%"),
        ("kpis", None),  # a KPI's target
    ],
)
def test_public_text_naming_the_client_is_refused(client, recruiter, firm, field, value):
    client.force_login(recruiter)
    if field == "kpis":
        data = search_data(firm, kpis__csat__target="≥ 90%, as at Quillfeather Bank")
    else:
        data = search_data(firm, **{field: value})
    errors = refused(client, data, field)
    assert "the search is confidential" in errors[0]


@pytest.mark.parametrize(
    "url",
    [
        "https://quillfeatherbank.com/careers/vp-cx",
        "https://www.quillfeatherbank.com/careers",
        "https://careers.quillfeatherbank.com/jobs/123",
    ],
)
def test_an_apply_url_on_the_clients_domain_is_refused(client, recruiter, firm, url):
    client.force_login(recruiter)
    data = search_data(firm, apply_method="url", apply_url=url)
    assert refused(client, data, "apply_url") == [
        "This is the client's site: the search is confidential."
    ]


def test_an_apply_address_on_the_clients_domain_is_refused(client, recruiter, firm):
    client.force_login(recruiter)
    data = search_data(firm, apply_method="email", apply_email="talent@quillfeatherbank.com")
    refused(client, data, "apply_email")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("apply_url", "https://haldensearch.example.com/jobs/quillfeather-bank-vp-cx"),
        ("apply_email", "quillfeather.bank@haldensearch.example.com"),
    ],
)
def test_where_to_apply_may_not_name_the_client_either(client, recruiter, firm, field, value):
    client.force_login(recruiter)
    method = "url" if field == "apply_url" else "email"
    data = search_data(firm, apply_method=method, **{field: value})
    assert refused(client, data, field) == [
        "This names the client (“Quillfeather Bank”): the search is confidential."
    ]


def test_the_firms_own_apply_page_is_fine(client, recruiter, firm):
    client.force_login(recruiter)
    data = search_data(
        firm, apply_method="url", apply_url="https://haldensearch.example.com/apply/vp-cx"
    )
    assert client.post(ADD_URL, data).status_code == 302


def test_a_disclosed_search_may_name_its_client_anywhere(client, recruiter, firm):
    client.force_login(recruiter)
    data = search_data(
        firm,
        confidential=None,
        client_descriptor="",
        description=f"{CLIENT} is a digital bank.",
        apply_method="url",
        apply_url="https://careers.quillfeatherbank.com/jobs/1",
    )
    assert client.post(ADD_URL, data).status_code == 302
    assert Listing.objects.get().hirer.name == CLIENT


def test_making_a_posting_confidential_in_the_change_form_checks_it_too(client, recruiter, firm):
    client.force_login(recruiter)
    listing = ListingFactory(
        company=firm, **confidential_fields(confidential=False, client_descriptor="")
    )
    listing.description = f"{CLIENT} is hiring."
    listing.save()
    data = search_data(firm, description=f"{CLIENT} is hiring.")
    response = client.post(change_url(listing), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["description"]
    listing.refresh_from_db()
    assert listing.confidential is False


def test_duplicating_a_search_keeps_who_is_hiring(firm):
    original = ListingFactory(company=firm, **confidential_fields())
    copy = original.duplicate()
    for field in [
        "posted_by",
        "client_name",
        "client_website",
        "client_logo_url",
        "confidential",
        "client_descriptor",
        "hiring_contact_name",
        "hiring_contact_title",
    ]:
        assert getattr(copy, field) == getattr(original, field), field
    copy.full_clean()
    assert copy.slug != original.slug and "quillfeather" not in copy.slug

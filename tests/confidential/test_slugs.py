"""A posting's address never names a confidential client: slugs come from the title and
the firm's name, and a search made confidential after its slug named the client gets a
new one (the old address goes, since it would give the client away)."""

from __future__ import annotations

import pytest

from listings.choices import PostedBy
from listings.models import Listing
from tests.admin.helpers import change_url
from tests.confidential.conftest import CLIENT, DESCRIPTOR, confidential_fields
from tests.confidential.test_admin_form import search_data
from tests.factories import ListingFactory, LiveListingFactory, RecruiterUserFactory

pytestmark = pytest.mark.django_db


def test_a_searchs_slug_is_made_of_the_title_and_the_firm(firm):
    listing = ListingFactory(company=firm, **confidential_fields())
    assert listing.slug.startswith("vp-customer-experience-halden-search-partners")
    disclosed = ListingFactory(company=firm, **confidential_fields(confidential=False))
    assert "quillfeather" not in disclosed.slug  # not even for a disclosed search


def test_turning_a_search_confidential_keeps_a_slug_that_never_named_the_client(firm):
    listing = LiveListingFactory(company=firm, **confidential_fields(confidential=False))
    slug = listing.slug
    listing.confidential, listing.client_descriptor = True, DESCRIPTOR
    listing.full_clean()
    listing.save()
    listing.refresh_from_db()
    assert listing.slug == slug  # links already shared keep working


def test_a_search_whose_title_named_the_client_gets_a_new_address_when_made_confidential(
    client, firm
):
    recruiter = RecruiterUserFactory(username="halden", recruiter=firm)
    listing = LiveListingFactory(
        company=firm,
        **confidential_fields(
            title=f"VP Customer Experience, {CLIENT}", confidential=False, client_descriptor=""
        ),
    )
    old_url = listing.get_absolute_url()
    assert "quillfeather-bank" in listing.slug
    assert client.get(f"/jobs/?q={CLIENT}").content.decode().count(old_url) == 1

    # the recruiter takes the name out of the title and makes the search confidential
    client.force_login(recruiter)
    valid = listing.valid_through
    data = search_data(
        firm,
        valid_through_0=valid.strftime("%Y-%m-%d"),
        valid_through_1=valid.strftime("%H:%M:%S"),
    )
    response = client.post(change_url(listing), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()

    listing.refresh_from_db()
    assert listing.confidential and listing.title == "VP of Customer Experience"
    assert "quillfeather" not in listing.slug
    assert listing.slug.startswith("vp-of-customer-experience-halden-search-partners")
    assert client.get(old_url).status_code == 404
    page = client.get(listing.get_absolute_url()).content.decode()
    assert DESCRIPTOR in page and "quillfeather" not in page.lower()
    # and the search vector forgot the name with it
    assert listing.get_absolute_url() not in client.get(f"/jobs/?q={CLIENT}").content.decode()
    assert not Listing.objects.search("Quillfeather").exists()


def test_a_new_slug_is_saved_even_by_a_save_of_some_fields(firm):
    listing = LiveListingFactory(
        company=firm,
        posted_by=PostedBy.SEARCH_FIRM,
        client_name=CLIENT,
        title=f"Head of Care at {CLIENT}",
    )
    # written past validation (a script, a shell): the address is still made safe
    Listing.objects.filter(pk=listing.pk).update(confidential=True, client_descriptor=DESCRIPTOR)
    listing.refresh_from_db()
    listing.extend(days=5)  # save(update_fields=[...]) without "slug"
    listing.refresh_from_db()
    assert "quillfeather" not in listing.slug
    assert listing.slug.startswith("head-of-care-at-halden-search-partners")

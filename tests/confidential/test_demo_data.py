"""seed_demo makes a few search firms, with named and confidential searches that pass the
same validation as the admin's, and hiring contacts on some postings."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from listings import demo_content as vocab
from listings.choices import PostedBy
from listings.models import Company, Listing

pytestmark = pytest.mark.django_db


def seed(**options) -> None:
    call_command("seed_demo", stdout=StringIO(), **options)


def test_the_demo_has_search_firms_with_named_and_confidential_searches():
    seed(listings=300, companies=40, seed=1)
    firms = Company.objects.filter(name__in=vocab.SEARCH_FIRMS)
    assert firms.count() == 3
    searches = Listing.objects.filter(posted_by=PostedBy.SEARCH_FIRM).select_related("company")
    assert set(searches.values_list("company__name", flat=True)) == set(vocab.SEARCH_FIRMS)
    confidential = [p for p in searches if p.confidential]
    disclosed = [p for p in searches if not p.confidential]
    assert confidential and disclosed
    for p in searches:
        p.full_clean()  # the validation a recruiter's form runs
        assert p.client_name and p.client_name not in vocab.SEARCH_FIRMS
        assert p.description.startswith(f"{p.company.name} has been retained by ")
    for p in confidential:
        assert p.client_descriptor and p.hirer.name == p.client_descriptor
        assert p.client_name.lower() not in p.slug.replace("-", " ")
        assert p.client_name not in p.description
        assert f"a confidential client ({p.client_descriptor})" in p.description
    for p in disclosed:
        assert p.client_name in p.description and p.hirer.name == p.client_name
    # every employer posting is still its company's own
    assert not Listing.objects.exclude(company__in=firms).exclude(posted_by=PostedBy.EMPLOYER)
    contacts = Listing.objects.exclude(hiring_contact_name="")
    assert 0.2 * 315 < contacts.count() < 0.6 * 315
    assert contacts.exclude(hiring_contact_title="").count() == contacts.count()


def test_the_same_seed_gives_the_same_clients():
    def clients():
        return list(
            Listing.objects.order_by("slug").values_list(
                "slug", "client_name", "confidential", "client_descriptor", "hiring_contact_name"
            )
        )

    seed(listings=120, companies=14, seed=3, reset=True)
    first = clients()
    assert any(row[1] for row in first)
    seed(listings=120, companies=14, seed=3, reset=True)
    assert clients() == first


def test_a_small_run_without_a_firms_slot_has_no_searches():
    seed(listings=10, companies=4, seed=2)
    assert not Listing.objects.filter(posted_by=PostedBy.SEARCH_FIRM).exists()

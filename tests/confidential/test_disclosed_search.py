"""A disclosed search names its client on every surface, with the firm beside it; the
employer's own postings are untouched."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.confidential import html
from tests.confidential.conftest import (
    FIRM,
    OPEN_CLIENT,
    OPEN_CLIENT_LOGO,
    OPEN_CLIENT_SITE,
)
from tests.factories import IndustryFactory, LiveListingFactory
from tests.listings.pages import jsonld_blocks

pytestmark = pytest.mark.django_db

ROLE = "Director of Member Services"


@pytest.fixture(autouse=True)
def insurance(db):
    return IndustryFactory(slug="insurance", name="Insurance")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_posting_page_names_the_client_and_the_firm_that_posts_for_it(client, world):
    text = page(client, world.disclosed.get_absolute_url())
    assert html.title(text) == f"{ROLE} at {OPEN_CLIENT} · CX Leaders"
    assert html.texts(text, cls="posting-company") == [f"{OPEN_CLIENT} · Insurance"]
    assert html.texts(text, cls="posting-via") == [f"via {FIRM} (executive search)"]
    assert html.texts(text, cls="company-card-name") == [OPEN_CLIENT]
    assert html.texts(text, cls="posted-by") == [f"Posted by {FIRM} (executive search)"]
    assert html.texts(text, cls="confidential-note") == []
    assert f'<a href="{world.firm.get_absolute_url()}">{FIRM}</a>' in text
    assert f'src="{OPEN_CLIENT_LOGO}"' in text
    assert f'<a href="{OPEN_CLIENT_SITE}" rel="nofollow noopener">Company website</a>' in text
    assert html.texts(text, cls="hiring-contact") == ["Marcus Ellison, Chief Customer Officer"]


def test_json_ld_names_the_client_as_the_hiring_organization(client, world):
    (data,) = jsonld_blocks(page(client, world.disclosed.get_absolute_url()))
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "name": OPEN_CLIENT,
        "sameAs": OPEN_CLIENT_SITE,
        "logo": OPEN_CLIENT_LOGO,
    }
    assert data["identifier"]["name"] == OPEN_CLIENT
    assert data["industry"] == "Insurance"
    # schema.org has no property for a named hiring manager: the contact stays on the page
    assert "Marcus Ellison" not in str(data)


def test_lists_and_feeds_show_the_client_via_the_firm(client, world):
    results = page(client, "/jobs/?level=director")
    assert html.texts(results, cls="company") == [OPEN_CLIENT]
    assert html.texts(results, cls="listing-via") == [f"via {FIRM}"]
    channel = ET.fromstring(client.get("/jobs/feed/?level=director").content).find("channel")
    (item,) = channel.findall("item")
    assert item.findtext("title") == f"{ROLE} at {OPEN_CLIENT}"
    assert item.findtext("description").startswith(f"{OPEN_CLIENT} (via {FIRM}) · ")


@pytest.mark.parametrize("query", ["Brackenridge", "Brackenridge Mutual", '"Brackenridge Mutual"'])
def test_searching_for_a_disclosed_clients_name_finds_its_posting(client, world, query):
    results = page(client, f"/jobs/?q={query}")
    assert world.disclosed.get_absolute_url() in results
    assert world.confidential.get_absolute_url() not in results
    # the client's name is in the heading tier, as a company's name is
    assert "<strong>1</strong> role" in results


def test_an_employers_own_posting_still_shows_the_company(client, db):
    listing = LiveListingFactory(title="VP of Care")
    text = page(client, listing.get_absolute_url())
    company = listing.company
    assert html.title(text) == f"VP of Care at {company.name} · CX Leaders"
    assert html.texts(text, cls="posting-company") == [f"{company.name} · Software & SaaS"]
    assert html.texts(text, cls="posting-via") == []
    assert html.texts(text, cls="posted-by") == []
    (data,) = jsonld_blocks(text)
    assert data["hiringOrganization"]["name"] == company.name

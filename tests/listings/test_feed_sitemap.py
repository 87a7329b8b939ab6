"""RSS and Atom feeds of the search, the sitemap index and its sections, robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from listings.choices import Level, Workplace
from listings.models import Listing
from tests.factories import (
    ClosedListingFactory,
    CompanyFactory,
    ExpiredListingFactory,
    ListingFactory,
    LiveListingFactory,
    RemoteListingFactory,
)

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


def days_ago(n: float):
    return timezone.now() - timedelta(days=n)


def rss_items(client, query: str = "") -> list[ET.Element]:
    response = client.get("/jobs/feed/" + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).findall("channel/item")


def rss_links(client, query: str = "") -> list[str]:
    return [item.findtext("link") for item in rss_items(client, query)]


def absolute(listing) -> str:
    return "http://testserver" + listing.get_absolute_url()


# --------------------------------------------------------------------------- RSS


def test_rss_item_carries_title_link_summary_date_company_and_categories(client):
    listing = LiveListingFactory(
        title="VP Customer Experience",
        level=Level.VP,
        function="customer_experience",
        description="Lead **every** channel. See [our values](https://x.example).",
    )

    (item,) = rss_items(client)

    assert item.findtext("title") == f"VP Customer Experience at {listing.company.name}"
    assert item.findtext("link") == absolute(listing)
    assert item.findtext("guid") == absolute(listing)
    description = item.findtext("description")
    assert "Lead every channel. See our values." in description
    assert "**" not in description
    assert "USD 150,000–190,000 per year" in description
    assert item.findtext(DC_CREATOR) == listing.company.name
    assert [c.text for c in item.findall("category")] == ["VP / Head of", "Customer experience"]
    pub = item.findtext("pubDate")
    assert pub == listing.date_posted.strftime("%a, %d %b %Y %H:%M:%S +0000")


def test_rss_channel_points_at_the_search_it_follows(client):
    channel = ET.fromstring(client.get("/jobs/feed/?level=vp&page=3").content).find("channel")
    assert channel.findtext("link") == "http://testserver/jobs/?level=vp"


def test_feed_lists_the_newest_fifty_live_postings_newest_first(client):
    listings = [
        LiveListingFactory(title=f"Director {n:02d}", date_posted=days_ago(n + 1))
        for n in range(52)
    ]
    ListingFactory(title="Draft")
    ExpiredListingFactory(title="Expired")
    ClosedListingFactory(title="Closed")

    links = rss_links(client)

    assert links == [absolute(x) for x in listings[:50]]


def test_feed_honours_the_search_parameters(client):
    vp = LiveListingFactory(level=Level.VP)
    LiveListingFactory(level=Level.DIRECTOR)
    remote_vp = RemoteListingFactory(level=Level.VP)

    assert set(rss_links(client, "?level=vp")) == {absolute(vp), absolute(remote_vp)}
    assert rss_links(client, "?level=vp&workplace=remote") == [absolute(remote_vp)]


def test_feed_with_malformed_parameters_still_applies_the_valid_ones(client):
    vp = LiveListingFactory(level=Level.VP)
    LiveListingFactory(level=Level.DIRECTOR)
    query = "?level=vp&level=%3Cscript%3E&salary_min=lots&posted=9999&team_size_min=-1&q=" + (
        "x" * 500
    )
    response = client.get("/jobs/feed/" + query)
    assert response.status_code == 200
    query_ok = "?level=vp&level=nonsense&salary_min=lots&posted=9999"
    assert rss_links(client, query_ok) == [absolute(vp)]


def test_hostile_description_arrives_in_the_feed_as_inert_text(client):
    LiveListingFactory(description="Hi <script>alert(1)</script><img src=x onerror=alert(2)> there")
    (item,) = rss_items(client)
    description = item.findtext("description")
    assert "<script" not in description
    assert "alert" not in description
    assert "onerror" not in description
    assert "Hi there" in description


# --------------------------------------------------------------------------- Atom


def test_atom_feed_lists_live_postings_with_author_and_links(client):
    listing = LiveListingFactory(title="Head of Support")
    ExpiredListingFactory(title="Expired role")

    response = client.get("/jobs/feed/atom/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall("a:entry", ATOM_NS)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext("a:title", namespaces=ATOM_NS).startswith("Head of Support")
    assert entry.find("a:link", ATOM_NS).get("href") == absolute(listing)
    assert entry.findtext("a:author/a:name", namespaces=ATOM_NS) == listing.company.name
    terms = [c.get("term") for c in entry.findall("a:category", ATOM_NS)]
    assert terms == ["Director", "Customer service"]


def test_atom_feed_honours_the_search_parameters(client):
    remote = RemoteListingFactory()
    LiveListingFactory(workplace=Workplace.HYBRID)
    root = ET.fromstring(client.get("/jobs/feed/atom/?workplace=remote").content)
    hrefs = [e.find("a:link", ATOM_NS).get("href") for e in root.findall("a:entry", ATOM_NS)]
    assert hrefs == [absolute(remote)]


# --------------------------------------------------------------------------- sitemap


def sitemap_urls(client, path: str) -> dict[str, str | None]:
    response = client.get(path)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        url.findtext("s:loc", namespaces=SITEMAP_NS): url.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("s:url", SITEMAP_NS)
    }


def test_sitemap_index_points_at_each_section_with_absolute_urls(client):
    LiveListingFactory()

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locs = [
        s.findtext("s:loc", namespaces=SITEMAP_NS) for s in root.findall("s:sitemap", SITEMAP_NS)
    ]
    assert locs == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-jobs.xml",
        "http://testserver/sitemap-companies.xml",
    ]
    for loc in locs:
        assert client.get(loc.removeprefix("http://testserver")).status_code == 200


def test_sitemap_lists_live_postings_with_their_last_change(client):
    live = LiveListingFactory()
    ListingFactory()
    ExpiredListingFactory()
    ClosedListingFactory()

    urls = sitemap_urls(client, "/sitemap-jobs.xml")

    live.refresh_from_db()
    assert urls == {absolute(live): live.updated_at.date().isoformat()}


def test_sitemap_lists_only_companies_with_live_roles(client):
    hiring = CompanyFactory()
    LiveListingFactory(company=hiring)
    quiet = CompanyFactory()
    ExpiredListingFactory(company=quiet)
    ListingFactory(company=quiet)

    urls = sitemap_urls(client, "/sitemap-companies.xml")

    assert list(urls) == ["http://testserver" + hiring.get_absolute_url()]


def test_company_lastmod_follows_its_newest_role_change(client):
    company = CompanyFactory()
    listing = LiveListingFactory(company=company)
    Listing.objects.filter(pk=listing.pk).update(updated_at=timezone.now() + timedelta(days=3))
    urls = sitemap_urls(client, "/sitemap-companies.xml")
    expected = (timezone.now() + timedelta(days=3)).date().isoformat()
    assert urls["http://testserver" + company.get_absolute_url()] == expected


def test_sitemap_lists_the_home_and_search_pages(client):
    urls = sitemap_urls(client, "/sitemap-pages.xml")
    assert set(urls) == {"http://testserver/", "http://testserver/jobs/"}


@pytest.mark.parametrize(
    "path", ["/sitemap-nonsense.xml", "/sitemap-jobs.xml?p=abc", "/sitemap-jobs.xml?p=99"]
)
def test_bad_sitemap_addresses_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_sitemap_is_paginated_through_the_index_when_large(client, monkeypatch):
    from listings import sitemaps

    monkeypatch.setattr(sitemaps.ListingSitemap, "limit", 2)
    listings = LiveListingFactory.create_batch(5)

    root = ET.fromstring(client.get("/sitemap.xml").content)
    locs = [
        s.findtext("s:loc", namespaces=SITEMAP_NS) for s in root.findall("s:sitemap", SITEMAP_NS)
    ]
    job_pages = [loc for loc in locs if "sitemap-jobs" in loc]
    assert job_pages == [
        "http://testserver/sitemap-jobs.xml",
        "http://testserver/sitemap-jobs.xml?p=2",
        "http://testserver/sitemap-jobs.xml?p=3",
    ]
    seen: set[str] = set()
    for loc in job_pages:
        seen |= set(sitemap_urls(client, loc.removeprefix("http://testserver")))
    assert seen == {absolute(x) for x in listings}


# --------------------------------------------------------------------------- robots.txt


def test_robots_txt_allows_crawling_keeps_private_areas_out_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    for private in ("/admin/", "/me/", "/accounts/", "/alerts/"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /jobs/" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/jobs/feed/", "/jobs/feed/atom/"])
def test_control_characters_in_a_company_name_or_an_old_posting_leave_the_feed_valid_xml(
    client, path
):
    listing = LiveListingFactory(title="VP Support")
    # written past the forms (an operator's company admin, a posting saved before they
    # cleaned input): XML cannot carry these characters
    type(listing.company).objects.filter(pk=listing.company_id).update(name="Acme\x0b\x01 Care")
    Listing.objects.filter(pk=listing.pk).update(title="VP\x08 Support", description="a\x1bb")
    response = client.get(path)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    text = ET.tostring(root, encoding="unicode")
    assert "Acme   Care" in text and "VP  Support" in text

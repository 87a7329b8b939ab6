"""A posting past valid_through, or closed, leaves every public surface by itself (no cron)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from listings.choices import Status
from listings.models import Listing
from listings.services import listing_publish
from tests.factories import ListingFactory, LiveListingFactory, OperatorFactory
from tests.listings.pages import jsonld_blocks, robots_meta

pytestmark = pytest.mark.django_db

NOTICE = "This role is no longer accepting applications."


def expire(listing: Listing) -> None:
    """Let valid_through pass, as time would: the status stays "published"."""
    Listing.objects.filter(pk=listing.pk).update(
        valid_through=timezone.now() - timedelta(seconds=1)
    )
    listing.refresh_from_db()


def close(listing: Listing) -> None:
    listing.close()


def public_urls(client, listing: Listing) -> dict[str, str]:
    """Where a live posting shows up, keyed by surface, as the public sees each one."""
    return {
        "home": client.get("/").content.decode(),
        "company page": client.get(listing.company.get_absolute_url()).content.decode(),
        "rss feed": client.get("/jobs/feed/").content.decode(),
        "atom feed": client.get("/jobs/feed/atom/").content.decode(),
        "sitemap": client.get("/sitemap-jobs.xml").content.decode(),
        "search": client.get("/jobs/").content.decode(),
    }


def sitemap_companies(client) -> list[str]:
    root = ET.fromstring(client.get("/sitemap-companies.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return [loc.text for loc in root.findall("s:url/s:loc", ns)]


@pytest.mark.parametrize("end", [expire, close], ids=["expired", "closed"])
def test_ended_posting_leaves_every_public_surface(client, end):
    listing = LiveListingFactory(title="VP of Global Support Operations")
    url = listing.get_absolute_url()
    before = public_urls(client, listing)
    for surface, body in before.items():
        assert url in body, f"a live posting is missing from the {surface}"
    assert "http://testserver" + listing.company.get_absolute_url() in sitemap_companies(client)

    end(listing)

    after = public_urls(client, listing)
    for surface, body in after.items():
        assert url not in body, f"an ended posting is still on the {surface}"
    assert sitemap_companies(client) == []


def test_expiry_needs_no_job_to_flip_the_status(client):
    listing = LiveListingFactory()
    expire(listing)
    assert listing.status == Status.PUBLISHED
    assert not Listing.objects.live().filter(pk=listing.pk).exists()
    assert client.get("/").context["total"] == 0


@pytest.mark.parametrize("end", [expire, close], ids=["expired", "closed"])
def test_ended_posting_page_stays_reachable_with_a_notice_and_noindex(client, end):
    listing = LiveListingFactory()
    assert jsonld_blocks(client.get(listing.get_absolute_url()).content.decode())

    end(listing)
    response = client.get(listing.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert NOTICE in html
    assert listing.title in html
    assert robots_meta(html) == ["noindex"]
    assert response["X-Robots-Tag"] == "noindex"
    assert jsonld_blocks(html) == []
    assert 'id="apply"' not in html
    assert "How to apply" not in html


def test_expired_posting_page_says_when_it_closed(client):
    listing = LiveListingFactory()
    expire(listing)
    html = client.get(listing.get_absolute_url()).content.decode()
    assert f"It closed on {listing.valid_through.strftime('%-d %B %Y')}" in html


def test_operator_sees_an_expired_posting_as_the_public_does(client):
    listing = LiveListingFactory()
    expire(listing)
    client.force_login(OperatorFactory())
    html = client.get(listing.get_absolute_url()).content.decode()
    assert NOTICE in html
    assert "Preview — not public" not in html


def test_extending_an_expired_posting_brings_it_back(client):
    listing = LiveListingFactory()
    expire(listing)
    listing.extend(days=30)
    assert listing.get_absolute_url() in client.get("/").content.decode()
    assert jsonld_blocks(client.get(listing.get_absolute_url()).content.decode())


# --------------------------------------------------------------------------- date_posted


def test_editing_a_published_posting_keeps_its_date_posted(client):
    older = ListingFactory(title="Director of Care")
    listing_publish(listing=older, now=timezone.now() - timedelta(days=3))
    newer = LiveListingFactory(
        title="VP of Service", date_posted=timezone.now() - timedelta(days=1)
    )
    posted = older.date_posted

    older.title = "Director of Customer Care"
    older.responsibilities = [*older.responsibilities, "Run the quarterly business review."]
    older.save()
    older.refresh_from_db()

    assert older.date_posted == posted
    newest = [x.pk for x in client.get("/").context["newest"]]
    assert newest == [newer.pk, older.pk], "an edit must not make a posting new again"
    feed = ET.fromstring(client.get("/jobs/feed/").content)
    titles = [item.findtext("title") for item in feed.iter("item")]
    assert titles[0].startswith("VP of Service")
    data = jsonld_blocks(client.get(older.get_absolute_url()).content.decode())[0]
    assert data["datePosted"] == posted.isoformat()


def test_republishing_after_close_keeps_the_first_date_posted():
    listing = ListingFactory()
    listing_publish(listing=listing, now=timezone.now() - timedelta(days=10))
    first = listing.date_posted
    listing.close()
    listing_publish(listing=listing)
    listing.refresh_from_db()
    assert listing.date_posted == first
    assert listing.status == Status.PUBLISHED


def test_publishing_again_while_live_changes_nothing():
    listing = ListingFactory()
    listing_publish(listing=listing)
    first = (listing.date_posted, listing.valid_through)
    listing_publish(listing=listing)
    listing.refresh_from_db()
    assert (listing.date_posted, listing.valid_through) == first

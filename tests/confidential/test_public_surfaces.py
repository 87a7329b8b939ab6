"""A confidential search gives its client away on no public surface.

Every page, feed, sitemap section, structured-data block and email that could show the
posting is fetched and searched for the client's name, website, domain and logo (in any
case); each must also show the descriptor or the firm, so an empty or broken page cannot
pass. Where the page says who is hiring, the exact element is checked too: had it gone
back to the posting's company (the firm) or to the client fields, these tests fail.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.test import Client

from listings.models import Listing, SearchEntry
from tests.confidential import html
from tests.confidential.conftest import (
    CLIENT,
    CONTACT,
    DESCRIPTOR,
    FIRM,
    FIRM_LOGO,
    FIRM_SITE,
    OPEN_CLIENT,
    assert_nothing_of_the_client,
)
from tests.listings.pages import jsonld_blocks
from tests.support.outbox import send_alerts_now

pytestmark = pytest.mark.django_db

BYLINE = f"{DESCRIPTOR} (confidential search by {FIRM})"
ROLE = "VP Customer Experience"


def fetch(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # the headers too: nothing of the client in a Link, a filename or a redirect either
    return (
        "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        + "\n"
        + (response.content.decode())
    )


def detail(world) -> str:
    return world.confidential.get_absolute_url()


# surface: world -> (url, what the page must show), for anyone, signed in or not
PUBLIC = {
    "home": lambda w: ("/", [DESCRIPTOR, FIRM]),
    "search": lambda w: ("/jobs/", [DESCRIPTOR, FIRM]),
    "search for the role": lambda w: ("/jobs/?q=customer+experience", [DESCRIPTOR, FIRM]),
    "search for the firm": lambda w: ("/jobs/?q=Halden", [DESCRIPTOR, FIRM]),
    "search by level and industry": lambda w: (
        "/jobs/?level=vp&industry=financial-services",
        [DESCRIPTOR, FIRM],
    ),
    "posting page": lambda w: (detail(w), [DESCRIPTOR, FIRM, CONTACT]),
    "report page": lambda w: (detail(w) + "report/", [DESCRIPTOR, ROLE]),
    "rss": lambda w: ("/jobs/feed/", [DESCRIPTOR, FIRM]),
    "atom": lambda w: ("/jobs/feed/atom/", [DESCRIPTOR, FIRM]),
    "rss of the search": lambda w: ("/jobs/feed/?q=customer+experience&level=vp", [DESCRIPTOR]),
    "sitemap index": lambda w: ("/sitemap.xml", ["sitemap-jobs.xml"]),
    "sitemap of pages": lambda w: ("/sitemap-pages.xml", ["/jobs/"]),
    "sitemap of jobs": lambda w: ("/sitemap-jobs.xml", [detail(w)]),
    "sitemap of companies": lambda w: ("/sitemap-companies.xml", [w.firm.get_absolute_url()]),
    "firm's company page": lambda w: (w.firm.get_absolute_url(), [DESCRIPTOR, FIRM]),
    "pay insights": lambda w: ("/salaries/", ["VP / Head of"]),
    "pay insights for the role": lambda w: (
        "/salaries/?level=vp&function=customer_experience",
        ["VP / Head of"],
    ),
    "alert subscription": lambda w: ("/alerts/new/?level=vp", ["1</strong> open role"]),
    "robots.txt": lambda w: ("/robots.txt", ["sitemap.xml"]),
}


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "candidate"])
@pytest.mark.parametrize("surface", list(PUBLIC))
def test_no_public_surface_shows_the_client(client, world, surface, signed_in):
    if signed_in:
        client.force_login(world.candidate)  # match box, saved state: more to leak
    url, shown = PUBLIC[surface](world)
    text = fetch(client, url)
    assert_nothing_of_the_client(text, surface)
    for words in shown:
        assert words in text, f"{surface} should show {words!r}"


def test_candidate_pages_show_the_descriptor_and_never_the_client(client, world):
    client.force_login(world.candidate)
    slug = world.confidential.slug
    pages = {"saved": "/me/saved/", "dashboard": "/me/"}
    apply_page = fetch(client, f"/me/apply/{slug}/")
    assert_nothing_of_the_client(apply_page, "the apply page")
    assert html.texts(apply_page, tag="h1") == [f"Apply to {DESCRIPTOR}"]
    assert f"Confidential search by {FIRM}" in apply_page

    # apply for real: the confirmation, the application and the list
    response = client.post(f"/me/apply/{slug}/", {"cover_note": "Glad to talk."}, follow=True)
    assert response.status_code == 200
    confirmation = response.content.decode()
    assert_nothing_of_the_client(confirmation, "the application page after applying")
    assert f"Your application to {BYLINE} is sent." in confirmation
    application = world.candidate.applications.get()
    pages["application"] = f"/me/applications/{application.pk}/"
    pages["applications"] = "/me/applications/"
    for name, url in pages.items():
        text = fetch(client, url)
        assert_nothing_of_the_client(text, name)
        assert DESCRIPTOR in text and FIRM in text, name
        assert DESCRIPTOR in html.texts(text, cls="listing-company"), name


def test_the_firms_own_application_email_may_name_the_client(client, world):
    client.force_login(world.candidate)
    client.post(f"/me/apply/{world.confidential.slug}/", {"cover_note": "Hello."})
    from tests.support.outbox import deliver_outbox

    deliver_outbox()
    (message,) = [m for m in mail.outbox if m.to == ["searches@haldensearch.example.com"]]
    # it goes to the search firm, which knows its client
    assert f"Client: {CLIENT} (confidential search" in message.body


def test_the_alert_email_names_the_descriptor_and_the_firm_only(world):
    report = send_alerts_now([world.subscription.pk])
    assert report.emails == 1
    (message,) = mail.outbox
    html_part = message.alternatives[0][0]
    everything = "\n".join(
        [
            message.subject,
            message.body,
            html_part,
            *(f"{k}: {v}" for k, v in message.extra_headers.items()),
        ]
    )
    assert_nothing_of_the_client(everything, "the alert email")
    assert message.subject == f"New role: {ROLE} at {DESCRIPTOR}"
    assert f"{BYLINE} · VP / Head of" in message.body
    assert BYLINE in html_part


def test_the_posting_page_says_who_is_hiring_through_the_descriptor(client, world):
    page = fetch(client, detail(world))
    assert html.title(page) == f"{ROLE} at {DESCRIPTOR} · CX Leaders"
    assert html.meta(page, "description").startswith(f"VP / Head of role at {BYLINE}:")
    assert html.texts(page, cls="posting-company") == [f"{DESCRIPTOR} · Financial services"]
    assert html.texts(page, cls="posting-via") == [
        f"Confidential search by {FIRM} (executive search)"
    ]
    assert html.texts(page, cls="company-card-name") == [DESCRIPTOR]
    assert html.texts(page, cls="confidential-note") == [
        f"Confidential search by {FIRM}: the client’s name is not published."
    ]
    assert html.texts(page, cls="posted-by") == [f"Posted by {FIRM} (executive search)"]
    assert f'<a href="{world.firm.get_absolute_url()}">{FIRM}</a>' in page
    assert html.texts(page, cls="hiring-contact") == [CONTACT]
    # the firm's own logo and site are not the client's either: the card shows neither
    assert "<img" not in "".join(page.split('class="card company-card hirer-card"')[1:2])
    assert "Company website" not in page


def test_json_ld_names_the_search_firm_and_nothing_of_the_client(client, world):
    (data,) = jsonld_blocks(fetch(client, detail(world)))
    assert_nothing_of_the_client(json.dumps(data, ensure_ascii=False), "the JSON-LD")
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "name": FIRM,
        "sameAs": FIRM_SITE,
        "logo": FIRM_LOGO,
    }
    assert data["identifier"]["name"] == FIRM
    assert data["industry"] == "Financial services"  # the role's, not a guess from the firm
    assert data["title"] == ROLE


def test_lists_show_the_descriptor_with_the_firm_and_the_disclosed_client_by_name(client, world):
    for url, name_class in [
        ("/", "listing-company"),
        ("/jobs/", "company"),
        (world.firm.get_absolute_url(), "listing-company"),
    ]:
        page = fetch(client, url)
        assert sorted(html.texts(page, cls=name_class)) == sorted([DESCRIPTOR, OPEN_CLIENT]), url
        assert sorted(html.texts(page, cls="listing-via")) == sorted(
            [f"Confidential search by {FIRM}", f"via {FIRM}"]
        ), url


ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


def test_feeds_title_the_role_by_descriptor_and_credit_the_firm(client, world):
    channel = ET.fromstring(client.get("/jobs/feed/").content).find("channel")
    items = {i.findtext("link").rsplit("/jobs/", 1)[1]: i for i in channel.findall("item")}
    item = items[f"{world.confidential.slug}/"]
    assert item.findtext("title") == f"{ROLE} at {DESCRIPTOR}"
    assert item.findtext(DC_CREATOR) == FIRM
    assert item.findtext("description").startswith(BYLINE)
    feed = ET.fromstring(client.get("/jobs/feed/atom/").content)
    titles = {e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")}
    assert f"{ROLE} at {DESCRIPTOR}" in titles
    assert {e.findtext(f"{ATOM}author/{ATOM}name") for e in feed.findall(f"{ATOM}entry")} == {FIRM}


def test_searching_for_the_clients_name_finds_nothing(client, world):
    for query in ("Quillfeather", CLIENT, f'"{CLIENT}"', "quillfeatherbank"):
        page = fetch(client, f"/jobs/?q={query}")
        assert world.confidential.get_absolute_url() not in page, query
        assert "No roles match all of this" in page, query
        feed = ET.fromstring(client.get("/jobs/feed/", {"q": query}).content)
        assert feed.find("channel").findall("item") == [], query
        assert "<strong>0</strong> open roles match" in fetch(client, f"/alerts/new/?q={query}")
    assert not Listing.objects.search("Quillfeather").exists()
    assert not SearchEntry.objects.live().search("Quillfeather").exists()
    # while the role itself is found by what it says
    assert (
        SearchEntry.objects.live()
        .search("customer experience digital lender")
        .filter(listing_id=world.confidential.pk)
        .exists()
    )

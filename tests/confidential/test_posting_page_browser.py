"""In Chromium, at desktop and phone widths: a confidential search's page reads as the
descriptor and the firm, a disclosed one as the client via the firm, and neither
overflows a phone's width (screenshots kept in test-artifacts/ for people to look at)."""

from __future__ import annotations

import pytest

from tests.confidential.conftest import (
    CLIENT_WORD,
    DESCRIPTOR,
    FIRM,
    OPEN_CLIENT,
    confidential_fields,
)
from tests.conftest import ARTIFACTS
from tests.factories import LiveListingFactory
from tests.support.browser import sideways_overflow

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def searches(firm):
    confidential = LiveListingFactory(company=firm, **confidential_fields())
    disclosed = LiveListingFactory(
        company=firm,
        **confidential_fields(
            title="Director of Member Services",
            level="director",
            client_name=OPEN_CLIENT,
            client_website="https://www.brackenridgemutual.example",
            client_logo_url="",  # the page would fetch it from the network
            confidential=False,
            client_descriptor="",
            hiring_contact_name="Marcus Ellison",
            hiring_contact_title="Chief Customer Officer",
            description=f"{OPEN_CLIENT} insures homes and cars across the Midwest.",
        ),
    )
    return {"confidential": confidential, "disclosed": disclosed}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_search_postings_read_well_in_a_browser(live_server, browser, searches, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    try:
        for kind, listing in searches.items():
            page.goto(live_server.url + listing.get_absolute_url())
            header = " ".join(page.locator(".posting-header").inner_text().split())
            aside = " ".join(page.locator(".posting-aside").inner_text().split())
            if kind == "confidential":
                assert DESCRIPTOR in header and f"Confidential search by {FIRM}" in header
                assert DESCRIPTOR in aside and f"Posted by {FIRM} (executive search)" in aside
                assert "hiring contact" in header.lower() and "Jane Doe" in header
                assert CLIENT_WORD not in page.content().lower()
            else:
                assert OPEN_CLIENT in header and f"via {FIRM}" in header
                assert OPEN_CLIENT in aside and "Company website" in aside
            # nothing sticks out sideways on a phone
            overflow = sideways_overflow(page)
            assert overflow <= 0, (kind, width, overflow)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"search-{kind}-{width}.png"), full_page=True)
        page.goto(live_server.url + "/jobs/")
        rows = [" ".join(t.split()) for t in page.locator(".listing-meta").all_inner_texts()]
        assert any(f"{DESCRIPTOR} Confidential search by {FIRM}" in r for r in rows), rows
        assert any(f"{OPEN_CLIENT} via {FIRM}" in r for r in rows), rows
        page.screenshot(path=str(ARTIFACTS / f"search-results-{width}.png"), full_page=True)
    finally:
        context.close()

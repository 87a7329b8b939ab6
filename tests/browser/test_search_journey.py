"""A job seeker searches, filters, sorts, pages and opens a result in Chromium."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import LiveListingFactory, RemoteListingFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_search_filter_sort_page_and_open_a_result(live_server, page):
    now = timezone.now()
    for i in range(25):
        LiveListingFactory(
            title=f"Director of Customer Care {i:02d}",
            level="director",
            salary_min=100_000 + i * 1_000,
            salary_max=150_000 + i * 1_000,
            date_posted=now - timedelta(hours=i + 1),
        )
    RemoteListingFactory(
        title="VP Customer Experience",
        level="vp",
        salary_min=240_000,
        salary_max=300_000,
        kpis=[{"code": "nps", "target": "+50"}],
        description="Lead customer experience across every channel.",
        date_posted=now - timedelta(days=3),
    )
    LiveListingFactory(title="Senior Director, Contact Centers", level="senior_director")

    page.goto(live_server.url + "/")
    page.get_by_label("Search roles").first.fill("customer")
    page.get_by_label("Search roles").first.press("Enter")
    page.wait_for_url("**/jobs/?q=customer*")
    assert "27 roles" in page.get_by_role("status").first.inner_text()

    # filter by level with the facet checkbox (the script submits the form)
    vp_box = page.locator("fieldset.facet").filter(has_text="Level").get_by_label("VP / Head of")
    vp_box.check()
    page.wait_for_url("**level=vp*")
    cards = page.locator(".listing-card h2")
    assert cards.all_inner_texts() == ["VP Customer Experience"]
    assert page.locator(".chip", has_text="VP / Head of").is_visible()

    # remove the chip: back to every match
    page.locator(".chip", has_text="VP / Head of").click()
    page.wait_for_load_state()
    assert "27 roles" in page.get_by_role("status").first.inner_text()

    # sort by salary: the VP role pays most
    page.get_by_role("link", name="Highest salary").click()
    page.wait_for_url("**sort=salary*")
    assert cards.first.inner_text() == "VP Customer Experience"

    # page 2 of 2
    page.get_by_role("link", name="Next →").click()
    page.wait_for_url("**page=2*")
    assert page.locator(".pagination .current").inner_text() == "2"
    assert cards.count() == 7

    # open a result
    page.get_by_role("link", name="Previous").click()
    page.wait_for_url("**page=1*")
    assert cards.first.inner_text() == "VP Customer Experience"
    cards.first.get_by_role("link").click()
    page.wait_for_url("**/jobs/vp-customer-experience*/")
    assert page.get_by_role("heading", level=1).inner_text() == "VP Customer Experience"

"""The posting figures and the dashboard in Chromium at desktop and phone widths: drawn
under the strict CSP without a complaint, no sideways scroll of the page, the chart
that fits the width shown (screenshots in test-artifacts/)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from listings import stats
from listings.models import PostingDay
from tests.conftest import ARTIFACTS
from tests.factories import CompanyFactory, LiveListingFactory, RecruiterUserFactory
from tests.support.browser import sideways_overflow, sign_in, watch_csp


def a_month_of_figures(listing, scale: int) -> None:
    today = stats.utc_today()
    PostingDay.objects.bulk_create(
        PostingDay(
            listing=listing,
            day=today - timedelta(days=n),
            visitors=scale * (20 + (n * 7) % 13),
            views=scale * (28 + (n * 11) % 17),
            impressions=scale * (300 + (n * 37) % 120),
            apply_clicks=(n * 5) % 4,
            applications=n % 3,
            saves=n % 2,
            alert_emails=scale * (n % 5),
        )
        for n in range(45)
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_figures_pages_render_cleanly_at_desktop_and_phone_width(live_server, browser):
    company = CompanyFactory(name="Meridian Bank")
    RecruiterUserFactory(username="figures-owner", recruiter=company)
    listing = LiveListingFactory(
        company=company, title="VP, Customer Service Operations and Contact-Centre Transformation"
    )
    a_month_of_figures(listing, 3)
    for n, title in enumerate(["Director of Customer Experience", "Head of Support, EMEA"]):
        a_month_of_figures(LiveListingFactory(company=company, title=title), n + 1)
    paths = {
        "change-form": f"/admin/listings/listing/{listing.pk}/change/",
        "posting-figures": f"/admin/listings/listing/{listing.pk}/figures/",
        "dashboard": "/admin/listings/listing/figures/",
    }
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda exc, problems=problems: problems.append(str(exc)))
        watch_csp(page, problems)
        page.on(
            "response",
            lambda r, problems=problems: (
                r.status >= 400
                and not r.url.endswith("/favicon.ico")  # the admin links none
                and problems.append(f"{r.status} {r.url}")
            ),
        )
        sign_in(page, live_server.url, "figures-owner")
        for name, path in paths.items():
            page.goto(live_server.url + path)
            if name == "posting-figures":
                page.click("summary:has-text('day by day')")
            assert sideways_overflow(page) <= 0, f"{path} scrolls sideways at {width}px"
            if name != "dashboard":
                shown = page.locator(".posting-chart svg:visible")
                assert shown.count() == 1
                variant = "wide" if width > 767 else "narrow"
                assert shown.get_attribute("id").endswith(variant)
                box = shown.bounding_box()
                assert box["width"] <= width
                # pygal's lines are drawn (their colours come from the nonce'd style)
                stroke = page.evaluate(
                    "getComputedStyle(document.querySelector("
                    "'.posting-chart svg:not([hidden]) .serie-0 .line')).stroke"
                )
                assert stroke not in ("", "none")
            ARTIFACTS.mkdir(exist_ok=True)
            shot = ARTIFACTS / f"figures-{name}-{width}.png"
            if name == "change-form":  # the figures, not the whole form
                page.locator(".posting-figures").screenshot(path=str(shot))
            else:
                page.screenshot(path=str(shot), full_page=True)
        context.close()
        assert problems == [], problems

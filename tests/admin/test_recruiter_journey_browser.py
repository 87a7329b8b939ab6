"""The recruiter's journey in Chromium: sign in, post with the KPI table, publish, see it live."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from listings.models import Listing
from tests.factories import CompanyFactory, RecruiterUserFactory
from tests.support.browser import sign_in, watch_csp

TITLE = "VP of Customer Experience, Journey Test"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_recruiter_posts_publishes_and_another_company_cannot_see_it(
    live_server, browser, page, recruiters_group
):
    company = CompanyFactory(name="Journey Mutual", trusted=True)  # publishes itself
    RecruiterUserFactory(username="journey-owner", recruiter=company)
    RecruiterUserFactory(username="journey-outsider", recruiter=CompanyFactory(name="Elsewhere"))
    csp_reports = watch_csp(page, [])
    base = live_server.url

    # -- the owner writes a posting for their company
    sign_in(page, base, "journey-owner")
    page.click("a[href='/admin/listings/listing/add/']")
    page.wait_for_url(re.compile(r".*/admin/listings/listing/add/$"))
    company_select = page.locator("#id_company")
    assert company_select.locator("option").all_inner_texts() == ["Journey Mutual"]
    page.fill("#id_title", TITLE)
    page.select_option("#id_level", "vp")
    page.select_option("#id_function", "customer_experience")
    page.fill("#id_team_size", "180")
    page.fill("#id_budget", "12000000")
    page.check("input[name=channels][value=chat]")
    # the KPI table: typing a target ticks the KPI (static JS), NPS ticked by hand
    page.fill("input[name=kpis__csat__target]", "≥ 92%")
    assert page.is_checked("input[name=kpis][value=csat]")
    page.check("input[name=kpis][value=nps]")
    page.fill(
        "#id_responsibilities",
        "Lead customer experience across four regions.\nOwn CSAT and NPS with the board.",
    )
    page.fill("#id_technologies", "salesforce service cloud, Genesys Cloud")
    page.fill("#id_salary_min", "220000")
    page.fill("#id_salary_max", "270000")
    page.fill("#id_city", "Boston")
    page.fill("#id_region", "MA")
    page.select_option("#id_country", "US")
    page.select_option("#id_workplace", "hybrid")
    page.fill("#id_description", "Build a **calm**, data-led customer experience function.")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    listing = Listing.objects.get(title=TITLE)
    assert listing.company == company
    assert listing.status == "draft"
    assert listing.kpis == [{"code": "csat", "target": "≥ 92%"}, {"code": "nps", "target": ""}]
    assert listing.technologies == ["Salesforce Service Cloud", "Genesys Cloud"]
    # the KPI table shows what was saved
    assert page.input_value("input[name=kpis__csat__target]") == "≥ 92%"
    assert page.is_checked("input[name=kpis][value=nps]")

    # -- publish with the button on the form
    page.click("button.transition-publish")
    page.wait_for_selector(".messagelist .success")
    assert "is published" in page.inner_text(".messagelist")
    listing.refresh_from_db()
    assert listing.status == "published"
    assert listing.is_live
    assert page.locator("a.viewsitelink", has_text="View on site").get_attribute("href") == (
        f"/jobs/{listing.slug}/"
    )

    # -- it is on every public surface
    page.goto(base + "/")
    assert TITLE in page.content()
    page.goto(base + f"/companies/{company.slug}/")
    assert TITLE in page.content()
    feed = page.request.get(base + "/jobs/feed/")
    assert feed.ok
    assert TITLE in feed.text()
    assert f"/jobs/{listing.slug}/" in sitemap_text(page, base)
    assert not csp_reports, csp_reports

    # -- a recruiter of another company sees nothing of it
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = context.new_page()
    try:
        sign_in(other, base, "journey-outsider")
        other.goto(base + "/admin/listings/listing/")
        assert TITLE not in other.content()
        response = other.goto(base + f"/admin/listings/listing/{listing.pk}/change/")
        assert response.status in (200, 403, 404)  # after the redirect to the admin index
        assert urlsplit(other.url).path != f"/admin/listings/listing/{listing.pk}/change/"
        assert other.locator("#listing_form").count() == 0
        assert TITLE not in other.content()
    finally:
        context.close()


def sitemap_text(page, base: str) -> str:
    """The index and every section it lists, fetched from the live server."""
    index = page.request.get(base + "/sitemap.xml")
    assert index.ok
    texts = [index.text()]
    for loc in re.findall(r"<loc>([^<]+)</loc>", index.text()):
        section = page.request.get(
            base + urlsplit(loc).path + (f"?{urlsplit(loc).query}" if urlsplit(loc).query else "")
        )
        assert section.ok
        texts.append(section.text())
    return "\n".join(texts)

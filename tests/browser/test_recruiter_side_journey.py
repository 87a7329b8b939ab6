"""The recruiter's side end to end, in Chromium (issue 12's journey).

A lead recruiter of a search firm invites a colleague; the colleague accepts, posts a
confidential role for a client; an operator returns it with a reason; the colleague
fixes it and submits it again; the operator publishes it; a visitor views it and
clicks apply; the next day's fold shows the view and the click in the admin.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from listings.models import Listing, ModerationEvent, PostingDay
from listings.stats import fold_days, utc_today
from outbox.models import Email
from tests.factories import CompanyFactory, OperatorFactory, RecruiterUserFactory
from tests.support.browser import sign_in, watch_csp

NEW_PASSWORD = "Harbour-lights-2026"
CLIENT = "Quillfeather Bank"
DESCRIPTOR = "Series C fintech, 2,000 employees"
TITLE = "VP of Customer Experience, confidential search"
REASON = "State the salary range: every role on the board shows its pay."
JOIN_LINK = re.compile(r"https?://[^/\s]+(/team/join/[^/\s\"<]+/)")
# A desktop Chrome: the headless browser's own user agent says "HeadlessChrome", which
# the analytics rightly take for a bot.
VISITOR_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def saved(page) -> None:
    """Wait for the admin's answer to a form; fail with its errors if it refused."""
    page.wait_for_selector(".messagelist li, .errornote")
    if page.locator(".errornote").count():
        errors = page.locator(".errorlist").all_inner_texts()
        raise AssertionError(f"the form was refused: {errors}")


@pytest.fixture
def new_page(browser):
    """Pages in browsers of their own (one person each), all closed after the test, so
    the live server's keep-alive connections end with them."""
    contexts = []

    def make(**options):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_invite_post_confidentially_return_fix_publish_view_click_and_see_the_figures(
    live_server, page, new_page
):
    firm = CompanyFactory(name="Halden Search Partners", trusted=False)
    lead = RecruiterUserFactory(username="halden-lead", recruiter=firm)
    lead.recruiter_profile.is_lead = True
    lead.recruiter_profile.save()
    OperatorFactory(username="board-operator")
    base = live_server.url
    csp: list[str] = []
    watch = lambda p: watch_csp(p, csp)  # noqa: E731
    watch(page)

    # -- the lead invites a colleague from the Team page
    sign_in(page, base, "halden-lead")
    page.get_by_role("link", name="Team", exact=True).first.click()
    page.get_by_label("Colleague's work email").fill("ines.partner@halden.example")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_selector(".messagelist .success")
    body = Email.objects.get(kind="invitation", to=["ines.partner@halden.example"]).body
    link = base + JOIN_LINK.search(body).group(1)

    # -- the colleague accepts: sets a password and lands in the admin
    colleague = new_page()
    watch(colleague)
    colleague.goto(link)
    colleague.get_by_label("Your full name").fill("Ines Partner")
    colleague.get_by_label("Choose a password").fill(NEW_PASSWORD)
    colleague.get_by_label("The same password again").fill(NEW_PASSWORD)
    colleague.get_by_role("button", name="Join Halden Search Partners").click()
    colleague.wait_for_url(base + "/admin/")

    # -- and posts a confidential role for a client, submitted for review
    colleague.goto(base + "/admin/listings/listing/add/")
    assert colleague.locator("#id_company option").all_inner_texts() == [firm.name]
    colleague.fill("#id_title", TITLE)
    colleague.select_option("#id_level", "vp")
    colleague.select_option("#id_function", "customer_experience")
    colleague.check("input[name=posted_by][value=search_firm]")
    colleague.fill("#id_client_name", CLIENT)
    colleague.fill("#id_client_website", "https://quillfeather.example")
    colleague.check("#id_confidential")
    colleague.fill("#id_client_descriptor", DESCRIPTOR)
    colleague.fill("#id_hiring_contact_name", "Ines Partner")
    colleague.fill("#id_hiring_contact_title", "Partner, Halden Search Partners")
    colleague.fill("#id_team_size", "320")
    colleague.fill(
        "#id_responsibilities",
        "Lead customer experience across the bank's digital channels.\nOwn CSAT and NPS.",
    )
    colleague.fill("#id_city", "London")
    colleague.select_option("#id_country", "GB")
    colleague.select_option("#id_workplace", "hybrid")
    colleague.select_option("#id_apply_method", "url")
    colleague.fill("#id_apply_url", base + "/apply-with-halden/")
    colleague.fill("#id_description", "A confidential search for a fast-growing fintech.")
    assert colleague.locator("input[name=_saveandpublish]").count() == 0
    colleague.click("input[name=_saveandsubmit]")
    saved(colleague)
    listing = Listing.objects.get(title=TITLE)
    assert (listing.status, listing.company, listing.confidential) == ("review", firm, True)
    assert listing.created_by.email == "ines.partner@halden.example"

    # -- an operator returns it with a reason
    operator = new_page()
    watch(operator)
    sign_in(operator, base, "board-operator")
    operator.get_by_role("link", name=re.compile(r"1 posting in review")).click()
    operator.get_by_role("link", name=TITLE).click()
    operator.get_by_role("link", name="Return with a reason…").click()
    operator.get_by_label("Reason for the recruiter").fill(REASON)
    operator.get_by_role("button", name="Return with a reason").click()
    operator.wait_for_selector(".messagelist .success")
    listing.refresh_from_db()
    assert listing.status == "draft"

    # -- the colleague sees the reason, fixes the posting and submits it again
    colleague.goto(base + f"/admin/listings/listing/{listing.pk}/change/")
    assert REASON in colleague.inner_text(".listing-status-summary")
    colleague.fill("#id_salary_min", "180000")
    colleague.fill("#id_salary_max", "220000")
    colleague.select_option("#id_currency", "GBP")
    colleague.click("input[name=_saveandsubmit]")
    saved(colleague)
    listing.refresh_from_db()
    assert (listing.status, listing.salary_max, listing.returned_reason) == (
        "review",
        220000,
        "",
    )

    # -- the operator publishes it
    operator.goto(base + f"/admin/listings/listing/{listing.pk}/change/")
    operator.click("button.transition-publish")
    operator.wait_for_selector(".messagelist .success")
    listing.refresh_from_db()
    assert listing.is_live
    steps = list(
        ModerationEvent.objects.filter(listing=listing)
        .order_by("at", "id")
        .values_list("action", "actor__username")
    )
    assert steps == [
        ("submitted", "ines.partner@halden.example"),
        ("returned", "board-operator"),
        ("submitted", "ines.partner@halden.example"),
        ("published", "board-operator"),
    ]

    # -- a visitor views it (the client's name nowhere) and clicks apply
    visitor = new_page(user_agent=VISITOR_AGENT)
    watch(visitor)
    visitor.goto(base + f"/jobs/{listing.slug}/")
    text = visitor.content()
    assert DESCRIPTOR in text and "Halden Search Partners" in text
    assert CLIENT.lower() not in text.lower() and "quillfeather" not in text.lower()
    with visitor.expect_navigation(url=re.compile(r".*/apply-with-halden/$")):
        visitor.get_by_role("link", name=re.compile(r"^Apply")).first.click()

    # -- the next day's fold, and the figures in the admin
    fold_days(today=utc_today() + timedelta(days=1))
    day = PostingDay.objects.get(listing=listing, day=utc_today())
    assert (day.views, day.visitors, day.apply_clicks) == (1, 1, 1)
    colleague.goto(base + f"/admin/listings/listing/{listing.pk}/change/")
    totals = colleague.locator(".posting-figures-totals")
    for label in ("Views", "Apply clicks"):
        row = totals.locator("tr", has=colleague.locator("th", has_text=re.compile(f"^{label}$")))
        assert row.locator("td").all_inner_texts() == ["1", "1"], label
    assert not csp, csp

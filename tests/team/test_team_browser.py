"""The whole invitation in Chromium: the lead invites from the Team page, the colleague
follows the emailed link, chooses a password and lands in the admin limited to the
company. Screenshots of both pages, desktop and phone, go to test-artifacts/."""

from __future__ import annotations

import re

import pytest

from listings.models import Invitation
from outbox.models import Email
from tests.conftest import ARTIFACTS
from tests.factories import ListingFactory, LiveListingFactory
from tests.support.browser import sign_in, watch_csp
from tests.team.conftest import JOIN_LINK, PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_lead_invites_a_colleague_who_joins_and_sees_only_the_company(
    live_server, browser, page, company, other_company, owner, colleague, outsider, operator
):
    own = ListingFactory(company=company, title="Director of Support Operations")
    foreign = LiveListingFactory(company=other_company, title="VP Care at Contoso")
    csp = watch_csp(page, [])
    base = live_server.url

    # -- the lead opens the Team page from the admin's menu and invites
    sign_in(page, base, owner.username)
    page.get_by_role("link", name="Team", exact=True).first.click()
    page.wait_for_url(re.compile(r".*/admin/listings/invitation/.*"))
    page.get_by_label("Colleague's work email").fill("nadia.newhire@northwind.example")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_selector(".messagelist .success")
    assert page.locator("#team-invitations").get_by_text("nadia.newhire@northwind.example")
    shoot(page, "team-page")
    page.get_by_role("link", name="Remove Colin League").click()
    assert page.get_by_role("heading", name="Remove Colin League from Northwind Support?")
    shoot(page, "team-remove-confirm")
    page.get_by_role("link", name="Cancel, back to the team").click()
    assert page.get_by_role("rowheader", name="Colin League").is_visible()

    # -- the colleague follows the link in the email
    invitation = Invitation.objects.get(email="nadia.newhire@northwind.example")
    body = Email.objects.get(key=f"invitation:{invitation.pk}").body
    link = base + JOIN_LINK.search(body).group(1)
    join = browser.new_context(viewport=DESKTOP).new_page()
    watch_csp(join, csp)
    join.goto(link)
    assert join.get_by_role("heading", name="Join Northwind Support's recruiters").is_visible()
    join.get_by_label("Your full name").fill("Nadia Newhire")
    join.get_by_label("Choose a password").fill("short")
    join.get_by_label("The same password again").fill("short")
    join.get_by_role("button", name="Join Northwind Support").click()
    join.wait_for_selector("#form-errors")
    shoot(join, "team-join-errors")
    join.get_by_label("Choose a password").fill(PASSWORD)
    join.get_by_label("The same password again").fill(PASSWORD)
    shoot(join, "team-join")
    join.get_by_role("button", name="Join Northwind Support").click()
    join.wait_for_url(base + "/admin/")
    join.goto(base + "/admin/listings/listing/")
    content = join.content()
    assert own.title in content and foreign.title not in content
    join.goto(link)  # used: one clear page
    assert join.get_by_role("heading", name="This invitation has already been used").is_visible()
    shoot(join, "team-join-used")
    join.context.close()

    # -- an operator sees every company's team
    ops = browser.new_context(viewport=DESKTOP).new_page()
    sign_in(ops, base, operator.username)
    ops.goto(base + "/admin/listings/invitation/")
    assert ops.get_by_role("link", name="Contoso Care").is_visible()
    shoot(ops, "team-companies")
    ops.context.close()
    assert csp == []

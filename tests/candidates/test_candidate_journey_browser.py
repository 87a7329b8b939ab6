"""The whole candidate journey in Chromium, and the recruiter's side of it in the admin."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from candidates.models import Application
from tests.candidates.factories import pdf_bytes
from tests.factories import CompanyFactory, LiveListingFactory, RecruiterUserFactory
from tests.support.browser import sign_in

PASSWORD = "Quiet-harbour-42"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_up_build_a_profile_apply_and_follow_the_status(
    live_server, page, browser, eager_celery, tmp_path, recruiters_group
):
    company = CompanyFactory(name="Northwind Support")
    listing = LiveListingFactory(
        company=company,
        title="VP Customer Experience",
        level="vp",
        min_leadership_years=10,
        kpis=[{"code": "nps", "target": "60"}, {"code": "csat", "target": "92%"}],
        salary_min=200_000,
        salary_max=240_000,
        workplace="remote",
        country="",
        city="",
        region="",
        applicant_countries=["US", "CA"],
    )
    RecruiterUserFactory(username="rita", email="rita@northwind.example", recruiter=company)
    url = live_server.url

    # sign up, then confirm by the link the app mailed
    page.goto(url + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("morgan.lee@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Check your inbox").wait_for()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["morgan.lee@example.com"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm my address").click()

    # straight to the profile form, signed in
    page.get_by_role("heading", name="Your profile", level=1).wait_for()
    page.get_by_label("Your name").fill("Morgan Lee")
    page.get_by_label("Headline").fill("VP Customer Experience, B2B SaaS")
    page.get_by_label("Current level").select_option("senior_director")
    page.get_by_label("Years leading customer-service teams").fill("12")
    page.get_by_label("Largest team led (people)").fill("380")
    page.get_by_label("NPS", exact=True).check()
    page.get_by_label("NPS before", exact=True).fill("31")
    page.get_by_label("NPS after", exact=True).fill("58")
    page.get_by_label("CSAT", exact=True).check()
    page.get_by_label("Software & SaaS").check()
    page.get_by_label("VP / Head of").check()
    page.get_by_label("Minimum annual salary").fill("210000")
    page.get_by_label("Remote").check()
    page.get_by_label("Countries you would work in").select_option(["US"])
    page.get_by_role("button", name="Save profile").click()

    # no résumé yet: the app asks for one
    page.get_by_role("heading", name="Your résumé", level=1).wait_for()
    resume = tmp_path / "Morgan Lee CV.pdf"
    resume.write_bytes(pdf_bytes("Morgan Lee"))
    page.get_by_label("Résumé").set_input_files(str(resume))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("Your résumé is uploaded.").wait_for()
    assert page.get_by_role("link", name="Morgan Lee CV.pdf").is_visible()

    # find the posting and see how well it fits
    page.goto(url + "/jobs/")
    page.get_by_role("link", name="VP Customer Experience").first.click()
    page.get_by_role("heading", name="VP Customer Experience", level=1).wait_for()
    score = page.locator(".match-score strong").inner_text()
    assert score == "100"
    assert page.locator(".match-reasons li").count() == 7
    assert "You have moved 2 of its 2" in page.locator(".match-box").inner_text()

    # save it
    page.get_by_role("button", name=re.compile(r"^Save")).click()
    page.get_by_text("Saved “VP Customer Experience”.").wait_for()
    assert page.locator(".save-button.is-saved").is_visible()
    page.goto(url + "/me/saved/")
    assert page.get_by_role("link", name="VP Customer Experience").is_visible()

    # apply with a note
    page.goto(url + listing.get_absolute_url())
    page.get_by_role("link", name="Apply for this role").click()
    page.get_by_label("Cover note (optional)").fill("Happy to talk this week.")
    page.get_by_role("button", name="Send application").click()
    page.get_by_text("Your application to Northwind Support is sent.").wait_for()
    assert [m.to for m in mail.outbox[1:]] == [["rita@northwind.example"]]
    assert "Morgan Lee" in mail.outbox[1].subject

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Applications").click()
    row = page.locator(".applications-table tbody tr")
    assert row.count() == 1
    assert "VP Customer Experience" in row.inner_text() and "Received" in row.inner_text()

    # the recruiter moves it along in the admin
    recruiter_context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = recruiter_context.new_page()
    sign_in(admin, url, "rita")
    admin.goto(url + "/admin/candidates/application/")
    admin.get_by_role("link", name="Morgan Lee").click()
    admin.get_by_text("Happy to talk this week.").wait_for()
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download résumé").click()
    assert download.value.suggested_filename == "morgan-lee-resume.pdf"
    admin.get_by_label("Status").select_option("interviewing")
    admin.get_by_role("button", name="Save", exact=True).click()
    admin.get_by_text("was changed successfully").wait_for()
    recruiter_context.close()
    assert Application.objects.get().status == "interviewing"

    # the candidate sees the change
    page.reload()
    assert "Interviewing" in page.locator(".applications-table tbody tr").inner_text()
    page.goto(url + listing.get_absolute_url())
    assert "You applied on" in page.locator(".applied-state").inner_text()

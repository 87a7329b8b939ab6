"""Home, posting and company pages as the public, recruiters and operators see them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from listings.choices import ApplyMethod, Level, Status
from listings.models import Listing
from tests.factories import (
    ClosedListingFactory,
    CompanyFactory,
    ExpiredListingFactory,
    ListingFactory,
    LiveListingFactory,
    OperatorFactory,
    RecruiterUserFactory,
    UserFactory,
)
from tests.listings.pages import jsonld_blocks, links, robots_meta
from tests.support.browser import sideways_overflow

pytestmark = pytest.mark.django_db


def days_ago(n: int):
    return timezone.now() - timedelta(days=n)


# --------------------------------------------------------------------------- home


def test_home_counts_live_roles_by_level_and_links_each_to_the_search(client):
    LiveListingFactory.create_batch(2, level=Level.DIRECTOR)
    LiveListingFactory(level=Level.VP)
    ListingFactory(level=Level.VP)  # draft
    ExpiredListingFactory(level=Level.VP)
    ClosedListingFactory(level=Level.SENIOR_DIRECTOR)

    response = client.get("/")

    assert response.status_code == 200
    counts = {row["value"]: row["count"] for row in response.context["levels"]}
    assert counts == {"director": 2, "senior_director": 0, "vp": 1}
    assert response.context["total"] == 3
    hrefs = {a.get("href") for a in links(response.content.decode())}
    assert {"/jobs/?level=director", "/jobs/?level=senior_director", "/jobs/?level=vp"} <= hrefs


def test_home_shows_the_ten_newest_live_roles_newest_first(client):
    for n in range(12):
        LiveListingFactory(title=f"Director of Support {n:02d}", date_posted=days_ago(n + 1))
    ListingFactory(title="Draft role nobody may see")

    response = client.get("/")

    html = response.content.decode()
    shown = [listing.title for listing in response.context["newest"]]
    assert shown == [f"Director of Support {n:02d}" for n in range(10)]
    assert "Director of Support 10" not in html
    assert "Draft role nobody may see" not in html
    assert html.index("Director of Support 00") < html.index("Director of Support 01")


def test_home_result_card_shows_what_a_seeker_scans_for(client):
    listing = LiveListingFactory(
        title="VP Customer Experience",
        level=Level.VP,
        kpis=[
            {"code": "csat", "target": "90%"},
            {"code": "nps", "target": "+40"},
            {"code": "fcr", "target": ""},
            {"code": "aht", "target": "6 min"},
            {"code": "enps", "target": "+20"},
        ],
    )

    html = client.get("/").content.decode()

    assert f'href="{listing.get_absolute_url()}"' in html
    assert listing.company.name in html
    assert "VP / Head of" in html
    assert listing.location_display in html
    assert "USD 150,000–190,000 per year" in html
    for short in ("CSAT", "NPS", "FCR", "AHT"):
        assert f'<li class="tag tag-kpi">{short}</li>' in html
    assert "eNPS" not in html  # at most four KPI tags on a card
    assert listing.date_posted.strftime("%-d %b %Y") in html


def test_home_without_roles_says_so(client):
    html = client.get("/").content.decode()
    assert "No roles are open right now" in html


# --------------------------------------------------------------------------- posting page


def test_posting_page_shows_the_whole_posting(client):
    listing = LiveListingFactory(
        title="Senior Director, Customer Care",
        level=Level.SENIOR_DIRECTOR,
        bonus="20% annual target",
        equity="RSUs over four years",
        kpis=[{"code": "csat", "target": "≥ 90%"}, {"code": "cost_per_contact", "target": ""}],
    )

    response = client.get(listing.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Senior Director, Customer Care</h1>" in html
    assert f'href="{listing.company.get_absolute_url()}"' in html
    for text in [
        "Senior Director",
        "Customer service",  # function
        "Full-time",
        "Austin, TX, United States of America · Hybrid",
        "USD 150,000–190,000 per year",
        # scope at a glance
        "People led</dt><dd>120",
        "Managers reporting in</dt><dd>8",
        "Annual budget owned</dt><dd>USD 9M",
        "Geographic scope</dt><dd>National",
        "Channels</dt><dd>Voice, Email, Chat",
        # KPIs with targets
        "<td>CSAT</td><td>≥ 90%</td>",
        "<td>Cost per contact</td><td>—</td>",
        # requirements
        "Eight years leading support teams.",
        "At least 8 years",
        "Budget management",
        "Data analysis",
        "Zendesk",
        "Genesys Cloud",
        "Software &amp; SaaS",
        # compensation
        "20% annual target",
        "RSUs over four years",
        # Markdown rendered
        "Build a <strong>calm</strong>, data-driven customer service function.",
    ]:
        assert text in html, text
    ol = html.split('id="responsibilities-heading"')[1].split("</ol>")[0]
    assert "<ol><li>Lead a 120-person support organisation across three sites.</li>" in ol
    # the reading order: scope, responsibilities, requirements, compensation, description, apply
    order = [
        "scope-heading",
        "responsibilities-heading",
        "requirements-heading",
        "compensation-heading",
        "description-heading",
        "apply-heading",
    ]
    positions = [html.index(f'id="{anchor}"') for anchor in order]
    assert positions == sorted(positions)
    assert robots_meta(html) == []


def test_posting_page_posted_date_and_deadline(client):
    listing = LiveListingFactory()
    html = client.get(listing.get_absolute_url()).content.decode()
    # a valid datetime attribute: whole seconds (HTML allows at most three decimals)
    assert f'datetime="{listing.date_posted:%Y-%m-%dT%H:%M:%S%z}"' in html
    assert listing.valid_through.strftime("%-d %B %Y") in html


def test_external_url_application_links_to_the_companys_page(client):
    listing = LiveListingFactory(
        apply_method=ApplyMethod.URL, apply_url="https://careers.example.com/jobs/42"
    )
    html = client.get(listing.get_absolute_url()).content.decode()
    # through the counting redirect (listings/stats_views.py), which lands on the page
    out = f"{listing.get_absolute_url()}apply/out/"
    apply = [a for a in links(html) if a.get("href") == out]
    assert apply, "no link to the application page"
    assert apply[0]["rel"] == "nofollow noopener"
    assert client.get(out)["Location"] == "https://careers.example.com/jobs/42"


def test_email_application_gives_a_mailto_link_with_the_role_as_subject(client):
    listing = LiveListingFactory(
        title="Director, Contact Centre", apply_method=ApplyMethod.EMAIL, apply_email="hr@x.example"
    )
    html = client.get(listing.get_absolute_url()).content.decode()
    hrefs = [a.get("href") for a in links(html)]
    out = f"{listing.get_absolute_url()}apply/out/"  # the counting redirect
    assert out in hrefs
    assert (
        client.get(out)["Location"]
        == "mailto:hr@x.example?subject=Application%3A%20Director%2C%20Contact%20Centre"
    )


def test_hostile_external_apply_url_is_never_rendered_as_a_link(client):
    listing = LiveListingFactory(apply_method=ApplyMethod.URL)
    Listing.objects.filter(pk=listing.pk).update(apply_url="javascript:alert(1)")
    html = client.get(listing.get_absolute_url()).content.decode()
    assert "javascript:" not in html
    assert "Contact " in html


def test_in_app_apply_leads_to_the_candidates_apply_page(client):
    listing = LiveListingFactory(apply_method=ApplyMethod.IN_APP)
    html = client.get(listing.get_absolute_url()).content.decode()
    hrefs = [a.get("href") for a in links(html)]
    assert f"/me/apply/{listing.slug}/" in hrefs


# --------------------------------------------------------------------------- who sees a draft


@pytest.fixture
def draft():
    return ListingFactory(title="Unannounced VP of Support")


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_unpublished_posting_is_not_found_for_the_public(client, status):
    listing = ListingFactory(status=status)
    response = client.get(listing.get_absolute_url())
    assert response.status_code == 404
    assert listing.title not in response.content.decode()


def test_unpublished_posting_is_not_found_for_a_signed_in_candidate(client, draft):
    client.force_login(UserFactory())
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_recruiter_of_another_company_cannot_preview_a_draft(client, draft):
    outsider = RecruiterUserFactory(recruiter__company=CompanyFactory())
    client.force_login(outsider)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_former_recruiter_no_longer_staff_cannot_preview(client, draft):
    former = RecruiterUserFactory(recruiter__company=draft.company, is_staff=False)
    client.force_login(former)
    assert client.get(draft.get_absolute_url()).status_code == 404


def _assert_preview(response, listing):
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview — not public" in html
    assert listing.title in html
    assert robots_meta(html) == ["noindex"]
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert jsonld_blocks(html) == []
    assert "no longer accepting applications" not in html


def test_recruiter_of_the_company_previews_the_draft(client, draft):
    colleague = RecruiterUserFactory(recruiter__company=draft.company)
    client.force_login(colleague)
    _assert_preview(client.get(draft.get_absolute_url()), draft)


def test_operator_previews_any_draft(client, draft):
    client.force_login(OperatorFactory())
    _assert_preview(client.get(draft.get_absolute_url()), draft)


def test_posting_closed_before_it_was_ever_published_stays_private(client):
    listing = ListingFactory()
    listing.close()
    assert client.get(listing.get_absolute_url()).status_code == 404


def test_posting_scheduled_for_later_is_not_public_yet(client):
    listing = LiveListingFactory(
        date_posted=timezone.now() + timedelta(days=2),
        valid_through=timezone.now() + timedelta(days=40),
    )
    assert client.get(listing.get_absolute_url()).status_code == 404
    assert client.get("/").context["total"] == 0


# --------------------------------------------------------------------------- bad addresses


@pytest.mark.parametrize(
    "path",
    [
        "/jobs/no-such-role/",
        "/jobs/" + "a" * 2000 + "/",
        "/jobs/%C3%BCnic%C3%B6de/",
        "/jobs/..%2F..%2Fetc%2Fpasswd/",
        "/jobs/%00/",
        "/jobs/'%20OR%201=1--/",
        "/companies/no-such-company/",
        "/companies/" + "b" * 2000 + "/",
        "/companies/%3Cscript%3E/",
    ],
)
def test_bad_slugs_are_not_found_never_a_server_error(client, path):
    assert client.get(path).status_code == 404


# --------------------------------------------------------------------------- company page


def test_company_page_shows_the_company_and_only_its_live_roles(client):
    company = CompanyFactory(
        name="Meridian Bank",
        headquarters="Toronto, Canada",
        website="https://meridian.example.com",
        logo_url="https://cdn.example.com/meridian.png",
        description="A **digital bank** for 4 million customers.",
    )
    live = LiveListingFactory(company=company, title="VP Customer Operations")
    ListingFactory(company=company, title="Draft Director role")
    ExpiredListingFactory(company=company, title="Expired Director role")
    ClosedListingFactory(company=company, title="Closed Director role")
    LiveListingFactory(title="Another company's role")

    response = client.get(company.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Meridian Bank</h1>" in html
    assert "Software &amp; SaaS" in html
    assert "1,001–5,000 employees" in html
    assert "Toronto, Canada" in html
    assert 'href="https://meridian.example.com"' in html
    assert 'src="https://cdn.example.com/meridian.png"' in html
    assert "A <strong>digital bank</strong> for 4 million customers." in html
    assert f'href="{live.get_absolute_url()}"' in html
    for hidden in ("Draft Director role", "Expired Director role", "Closed Director role"):
        assert hidden not in html
    assert "Another company&#x27;s role" not in html and "Another company's role" not in html
    assert response.context["live_count"] == 1
    assert robots_meta(html) == []


def test_company_page_paginates_its_roles(client):
    company = CompanyFactory()
    for n in range(23):
        LiveListingFactory(company=company, title=f"Role {n:02d}", date_posted=days_ago(n + 1))

    first = client.get(company.get_absolute_url())
    second = client.get(company.get_absolute_url() + "?page=2")
    junk = client.get(company.get_absolute_url() + "?page=abc")

    assert len(first.context["page_obj"]) == 20
    assert [x.title for x in second.context["page_obj"]] == ["Role 20", "Role 21", "Role 22"]
    assert junk.status_code == 200
    assert junk.context["page_obj"].number == 1


def test_company_without_open_roles_says_so_and_is_not_indexed(client):
    company = CompanyFactory()
    ExpiredListingFactory(company=company)
    response = client.get(company.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "has no open roles right now" in html
    assert robots_meta(html) == ["noindex"]


def test_public_pages_stay_within_a_small_query_budget(client, django_assert_max_num_queries):
    company = CompanyFactory()
    listings = [LiveListingFactory(company=company) for _ in range(15)]
    with django_assert_max_num_queries(8):
        client.get("/")
    with django_assert_max_num_queries(8):
        client.get(company.get_absolute_url())
    with django_assert_max_num_queries(8):
        client.get(listings[0].get_absolute_url())


# --------------------------------------------------------------------------- in a browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_render_cleanly_in_chromium_at_desktop_and_phone_width(live_server, browser):
    company = CompanyFactory(name="Meridian Bank")
    listing = LiveListingFactory(
        company=company,
        title="VP, Customer Service Operations and Contact-Centre Transformation",
        apply_method=ApplyMethod.URL,
        apply_url="https://careers.example.com/1",
    )
    paths = ["/", listing.get_absolute_url(), company.get_absolute_url()]
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda exc, problems=problems: problems.append(str(exc)))
        page.on(
            "console",
            lambda msg, problems=problems: msg.type == "error" and problems.append(msg.text),
        )
        for path in paths:
            page.goto(live_server.url + path)
            assert sideways_overflow(page) <= 0, f"{path} scrolls sideways at {width}px"
        page.goto(live_server.url + listing.get_absolute_url())
        apply = page.get_by_role("link", name="Apply on Meridian Bank’s site")
        assert apply.is_visible()
        # through the counting redirect, which sends the browser on to the page
        assert apply.get_attribute("href") == f"{listing.get_absolute_url()}apply/out/"
        context.close()
        assert problems == [], problems

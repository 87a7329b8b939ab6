"""One posting's figures in the admin (its change form and its figures page): totals
that are PostingDay's sums, a 30-day SVG chart safe under the CSP and labelled, the
same figures in a table. The company's recruiters see them; another company's recruiter
gets 404, an anonymous visitor the login page; operators see every posting's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db.models import Sum
from django.urls import reverse

from listings import stats
from listings.admin_stats import FIGURES
from listings.models import PostingDay
from tests.factories import ListingFactory, LiveListingFactory
from tests.stats.helpers import number, tables
from tests.support.clients import body

pytestmark = pytest.mark.django_db

FIELDS = [f.field for f in FIGURES]
LABELS = [f.label for f in FIGURES]


def day(n: int):
    return stats.utc_today() - timedelta(days=n)


@pytest.fixture
def posting(company):
    listing = LiveListingFactory(company=company, title="VP of Customer Care")
    for n, base in [(0, 5), (3, 11), (29, 2), (30, 100), (200, 1000)]:  # 30 and 200: older
        PostingDay.objects.create(
            listing=listing,
            day=day(n),
            **{field: base + index for index, field in enumerate(FIELDS)},
        )
    return listing


def sums(listing, since=None) -> list[int]:
    rows = PostingDay.objects.filter(listing=listing)
    if since is not None:
        rows = rows.filter(day__gte=since)
    totals = rows.aggregate(**{f: Sum(f) for f in FIELDS})
    return [totals[f] or 0 for f in FIELDS]


def figures_url(listing) -> str:
    return reverse("admin:listings_listing_figures", args=[listing.pk])


def change_url(listing) -> str:
    return reverse("admin:listings_listing_change", args=[listing.pk])


def assert_shows_the_figures(response, listing) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    found = tables(html)
    totals = found["Totals"]
    assert totals[0] == ["Figure", "Last 30 days", "All time"]
    assert [row[0] for row in totals[1:]] == LABELS
    assert [number(row[1]) for row in totals[1:]] == sums(listing, since=day(29))
    assert [number(row[2]) for row in totals[1:]] == sums(listing)
    days = found["Last 30 days, newest first"]
    assert days[0] == ["Day", *LABELS]
    assert len(days) == 1 + 30
    by_day = {row[0]: [number(v) for v in row[1:]] for row in days[1:]}
    for n in (0, 3, 29):
        row = PostingDay.objects.get(listing=listing, day=day(n))
        assert by_day[f"{day(n):%a %-d %b}"] == [getattr(row, f) for f in FIELDS]
    assert sum(map(sum, by_day.values())) == sum(sums(listing, since=day(29)))
    assert_a_safe_labelled_chart(response, html)


def assert_a_safe_labelled_chart(response, html: str) -> None:
    svgs = re.findall(r"<svg [^>]*class=\"pygal-chart.*?</svg>", html, re.S)
    assert len(svgs) == 2  # wide and narrow; the stylesheet shows one
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    for svg in svgs:
        assert 'role="img"' in svg
        labelled = re.search(r'aria-labelledby="([^"]+) ([^"]+)"', svg)
        title_id, desc_id = labelled.groups()
        assert re.search(rf'<title id="{title_id}">Views, visitors and applications', svg)
        assert re.search(rf'<desc id="{desc_id}">Line chart of the posting', svg)
        assert "<script" not in svg and " style=" not in svg
        assert re.findall(r"<style[^>]*>", svg) == [f'<style nonce="{nonce}">']
        assert "<path" in svg  # the lines are drawn
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_owner_sees_totals_chart_and_days_on_the_change_form(client_for, owner, posting):
    assert_shows_the_figures(client_for(owner).get(change_url(posting)), posting)


def test_the_figures_page_shows_the_same(client_for, owner, posting):
    response = client_for(owner).get(figures_url(posting))
    assert_shows_the_figures(response, posting)
    assert "VP of Customer Care" in response.content.decode()


def test_a_colleague_sees_them_too(client_for, colleague, posting):
    assert_shows_the_figures(client_for(colleague).get(figures_url(posting)), posting)
    assert_shows_the_figures(client_for(colleague).get(change_url(posting)), posting)


def test_an_operator_sees_any_companys_posting_figures(client_for, operator, posting):
    assert_shows_the_figures(client_for(operator).get(figures_url(posting)), posting)


def test_another_companys_recruiter_gets_404_as_for_a_posting_that_does_not_exist(
    client_for, outsider, posting
):
    client = client_for(outsider)
    response = client.get(figures_url(posting))
    missing = client.get(reverse("admin:listings_listing_figures", args=[987654321]))
    assert response.status_code == missing.status_code == 404
    assert body(response) == body(missing).replace(b"987654321", str(posting.pk).encode())
    assert b"Customer Care" not in response.content
    # nor do the figures leak through the change form's "does not exist" redirect
    followed = client.get(change_url(posting), follow=True)
    assert b"posting-figures" not in followed.content and b"pygal-chart" not in followed.content


def test_anonymous_visitors_are_sent_to_the_admin_login(client, posting):
    for url in (figures_url(posting), change_url(posting)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
        assert b"Customer Care" not in response.content


def test_a_signed_in_candidate_is_sent_to_the_admin_login_too(client, posting):
    from tests.candidates.factories import CandidateUserFactory

    client.force_login(CandidateUserFactory())
    response = client.get(figures_url(posting))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_posting_without_figures_yet_says_so(client_for, owner, company):
    listing = LiveListingFactory(company=company)
    html = client_for(owner).get(figures_url(listing)).content.decode()
    assert "Nothing has been counted yet." in html
    assert [number(r[2]) for r in tables(html)["Totals"][1:]] == [0] * len(FIGURES)


def test_a_draft_never_published_has_no_figures_on_its_form(client_for, owner, company):
    draft = ListingFactory(company=company)
    html = client_for(owner).get(change_url(draft)).content.decode()
    assert "posting-figures" not in html


def test_the_change_list_links_to_the_dashboard(client_for, owner):
    html = client_for(owner).get(reverse("admin:listings_listing_changelist")).content.decode()
    assert f'href="{reverse("admin:listings_listing_dashboard")}"' in html

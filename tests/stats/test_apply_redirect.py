"""/jobs/<slug>/apply/out/ counts a click on the external apply link or email address and
redirects to the posting's own target, never to one from the request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from listings.choices import ApplyMethod
from listings.models import Listing
from tests.factories import (
    ClosedListingFactory,
    ExpiredListingFactory,
    ListingFactory,
    LiveListingFactory,
)
from tests.listings.pages import links
from tests.stats.helpers import counted, visit

pytestmark = pytest.mark.django_db


def out_url(listing) -> str:
    return reverse("listings:apply-out", args=[listing.slug])


def test_an_external_application_redirects_to_the_postings_page_and_counts(client):
    listing = LiveListingFactory(
        apply_method=ApplyMethod.URL, apply_url="https://careers.example.com/jobs/42?src=cx"
    )
    response = visit(client, out_url(listing))
    assert response.status_code == 302
    assert response["Location"] == "https://careers.example.com/jobs/42?src=cx"
    assert counted("apply_clicks", listing) == 1
    visit(client, out_url(listing))
    assert counted("apply_clicks", listing) == 2


def test_an_email_application_redirects_to_a_mailto_with_the_role_as_subject(client):
    listing = LiveListingFactory(
        title="Director, Contact Centre", apply_method=ApplyMethod.EMAIL, apply_email="hr@x.example"
    )
    response = visit(client, out_url(listing))
    assert response.status_code == 302
    assert (
        response["Location"]
        == "mailto:hr@x.example?subject=Application%3A%20Director%2C%20Contact%20Centre"
    )
    assert counted("apply_clicks", listing) == 1


def test_the_redirect_is_kept_by_no_cache_and_listed_by_no_search_engine(client):
    listing = LiveListingFactory(apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1")
    response = visit(client, out_url(listing))
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.parametrize(
    "query",
    [
        "?next=https://evil.example/",
        "?url=https://evil.example/",
        "?to=//evil.example",
        "?apply_url=javascript:alert(1)",
    ],
)
def test_no_parameter_can_point_the_redirect_elsewhere(client, query):
    listing = LiveListingFactory(apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1")
    response = visit(client, out_url(listing) + query)
    assert response["Location"] == "https://jobs.example/1"


def test_a_posting_whose_stored_target_is_not_a_safe_link_is_404(client):
    listing = LiveListingFactory(apply_method=ApplyMethod.URL)
    Listing.objects.filter(pk=listing.pk).update(apply_url="javascript:alert(1)")
    assert visit(client, out_url(listing)).status_code == 404
    email = LiveListingFactory(apply_method=ApplyMethod.EMAIL)
    Listing.objects.filter(pk=email.pk).update(apply_email="a@b.example\r\nBcc: x@y.example")
    assert visit(client, out_url(email)).status_code == 404


@pytest.mark.parametrize(
    "make",
    [
        lambda: LiveListingFactory(apply_method=ApplyMethod.IN_APP),
        lambda: ListingFactory(apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1"),
        lambda: ExpiredListingFactory(
            apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1"
        ),
        lambda: ClosedListingFactory(
            apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1"
        ),
    ],
    ids=["in-app", "draft", "expired", "closed"],
)
def test_in_app_draft_and_ended_postings_have_no_redirect(client, make):
    listing = make()
    assert visit(client, out_url(listing)).status_code == 404
    assert counted("apply_clicks", listing) == 0


def test_an_unknown_posting_is_404(client):
    assert visit(client, "/jobs/no-such-posting/apply/out/").status_code == 404


def test_the_draft_stays_404_for_its_own_recruiter(client_for, owner, company):
    draft = ListingFactory(
        company=company, apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1"
    )
    assert visit(client_for(owner), out_url(draft)).status_code == 404


def test_post_is_refused(client):
    listing = LiveListingFactory(apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1")
    assert client.post(out_url(listing)).status_code == 405


def test_the_posting_page_links_through_the_redirect_with_nofollow(client):
    url_posting = LiveListingFactory(
        apply_method=ApplyMethod.URL, apply_url="https://careers.example.com/jobs/42"
    )
    mail_posting = LiveListingFactory(apply_method=ApplyMethod.EMAIL, apply_email="hr@x.example")
    for listing in (url_posting, mail_posting):
        html = visit(client, listing.get_absolute_url()).content.decode()
        through = [a for a in links(html) if a.get("href") == out_url(listing)]
        assert through, "no link through the counting redirect"
        assert all("nofollow" in (a.get("rel") or "") for a in through)
        assert "https://careers.example.com/jobs/42" not in [a.get("href") for a in links(html)]
        assert "mailto:" not in " ".join(a.get("href") or "" for a in links(html))
    assert len([a for a in links(html) if a.get("href") == out_url(mail_posting)]) == 2


def test_a_preview_links_straight_to_the_target_without_counting(client_for, owner, company):
    draft = ListingFactory(
        company=company, apply_method=ApplyMethod.URL, apply_url="https://jobs.example/draft"
    )
    html = visit(client_for(owner), draft.get_absolute_url()).content.decode()
    hrefs = [a.get("href") for a in links(html)]
    assert "https://jobs.example/draft" in hrefs
    assert out_url(draft) not in hrefs

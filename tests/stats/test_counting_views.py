"""A live posting's page counts a view and its visitor in Redis: unique visitors per
day, without cookies; previews, the company's own staff, operators and HEAD do not count."""

from __future__ import annotations

import pytest

from tests.factories import ExpiredListingFactory, ListingFactory, LiveListingFactory
from tests.stats.helpers import BROWSER, PHONE, counted, visit, visitors

pytestmark = pytest.mark.django_db


def test_a_page_view_counts_one_view_and_one_visitor(client):
    listing = LiveListingFactory()
    assert visit(client, listing.get_absolute_url()).status_code == 200
    assert counted("views", listing) == 1
    assert visitors(listing) == 1


def test_the_same_address_and_browser_twice_is_one_visitor_with_two_views(client):
    listing = LiveListingFactory()
    visit(client, listing.get_absolute_url(), address="198.51.100.4")
    visit(client, listing.get_absolute_url(), address="198.51.100.4")
    assert counted("views", listing) == 2
    assert visitors(listing) == 1


def test_another_address_or_another_browser_is_another_visitor(client):
    listing = LiveListingFactory()
    visit(client, listing.get_absolute_url(), address="198.51.100.4", agent=BROWSER)
    visit(client, listing.get_absolute_url(), address="198.51.100.5", agent=BROWSER)
    visit(client, listing.get_absolute_url(), address="198.51.100.4", agent=PHONE)
    assert counted("views", listing) == 3
    assert visitors(listing) == 3


def test_one_visitor_of_two_postings_is_a_visitor_of_each(client):
    first, second = LiveListingFactory(), LiveListingFactory()
    visit(client, first.get_absolute_url())
    visit(client, second.get_absolute_url())
    assert (counted("views", first), visitors(first)) == (1, 1)
    assert (counted("views", second), visitors(second)) == (1, 1)


@pytest.mark.parametrize("proxies", [1, 2])
def test_behind_trusted_proxies_the_forwarded_address_tells_visitors_apart(
    client, settings, proxies
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    listing = LiveListingFactory()
    # the same proxy in front (REMOTE_ADDR), two clients behind it
    hops = ", 10.0.0.2" * (proxies - 1)
    visit(client, listing.get_absolute_url(), HTTP_X_FORWARDED_FOR=f"198.51.100.4{hops}")
    visit(client, listing.get_absolute_url(), HTTP_X_FORWARDED_FOR=f"198.51.100.5{hops}")
    # a client cannot pose as many by prepending addresses of its own
    visit(client, listing.get_absolute_url(), HTTP_X_FORWARDED_FOR=f"1.1.1.1, 198.51.100.5{hops}")
    assert visitors(listing) == 2


def test_head_requests_and_prefetches_are_not_counted(client):
    listing = LiveListingFactory()
    assert client.head(listing.get_absolute_url(), HTTP_USER_AGENT=BROWSER).status_code == 200
    visit(client, listing.get_absolute_url(), HTTP_SEC_PURPOSE="prefetch")
    visit(client, listing.get_absolute_url(), HTTP_PURPOSE="prefetch")
    assert counted("views", listing) == 0
    visit(client, listing.get_absolute_url())
    assert counted("views", listing) == 1


def test_an_ended_posting_page_is_not_counted(client):
    listing = ExpiredListingFactory()
    assert visit(client, listing.get_absolute_url()).status_code == 200
    assert counted("views", listing) == 0


def test_the_companys_own_recruiters_preview_and_page_views_are_not_counted(
    client_for, owner, colleague, company
):
    draft = ListingFactory(company=company)
    live = LiveListingFactory(company=company)
    client = client_for(owner)
    assert visit(client, draft.get_absolute_url()).status_code == 200  # the preview
    assert visit(client, live.get_absolute_url()).status_code == 200
    assert visit(client_for(colleague), live.get_absolute_url()).status_code == 200
    assert counted("views", draft) == 0
    assert counted("views", live) == 0


def test_operators_are_not_counted_but_another_companys_recruiter_is(
    client_for, operator, outsider, company
):
    live = LiveListingFactory(company=company)
    visit(client_for(operator), live.get_absolute_url())
    assert counted("views", live) == 0
    visit(client_for(outsider), live.get_absolute_url())
    assert counted("views", live) == 1

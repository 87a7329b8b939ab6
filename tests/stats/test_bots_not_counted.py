"""Crawlers, scripts and requests without a user agent are not counted anywhere."""

from __future__ import annotations

import pytest

from listings import stats
from listings.choices import ApplyMethod
from tests.factories import LiveListingFactory
from tests.stats.helpers import BROWSER, GOOGLEBOT, all_keys, counted, visit

pytestmark = pytest.mark.django_db

BOTS = [
    GOOGLEBOT,
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/124.0.0.0 Safari/537.36",
    "",
    "   ",
]


@pytest.mark.parametrize("agent", BOTS)
def test_bots_views_impressions_and_apply_clicks_are_not_counted(client, agent):
    listing = LiveListingFactory(apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1")
    assert visit(client, listing.get_absolute_url(), agent=agent).status_code == 200
    assert visit(client, "/jobs/", agent=agent).status_code == 200
    assert visit(client, f"{listing.get_absolute_url()}apply/out/", agent=agent).status_code == 302
    assert all_keys() == []
    # the same requests from a browser are
    visit(client, listing.get_absolute_url(), agent=BROWSER)
    visit(client, "/jobs/", agent=BROWSER)
    visit(client, f"{listing.get_absolute_url()}apply/out/", agent=BROWSER)
    assert [counted(f, listing) for f in stats.REDIS_FIELDS] == [1, 1, 1]


def test_no_user_agent_header_at_all_is_a_bot(client):
    listing = LiveListingFactory()
    client.get(listing.get_absolute_url(), REMOTE_ADDR="203.0.113.9")
    assert counted("views", listing) == 0


def test_a_browser_is_not_a_bot_and_googlebot_is():
    assert not stats.is_bot(BROWSER)
    assert stats.is_bot(GOOGLEBOT)
    assert stats.is_bot("")

"""Counting sets no cookie and keeps no address or user agent: Redis holds counts, an
anonymous HyperLogLog per posting and day, and the day's random salt (48 hours)."""

from __future__ import annotations

import pytest

from listings import stats
from listings.choices import ApplyMethod
from tests.factories import LiveListingFactory
from tests.stats.helpers import BROWSER, all_keys, counted, visit, visitors

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.77"


def everything_in_redis() -> bytes:
    client = stats.page_client()
    dump = b""
    for key in all_keys():
        dump += key + b"\n"
        kind = client.type(key)
        if kind == b"hash":
            for field, value in client.hgetall(key).items():
                dump += field + b"=" + value + b"\n"
        else:  # strings: the salt and the HyperLogLogs
            dump += client.get(key) + b"\n"
    return dump


def test_no_cookie_is_set_and_no_address_or_user_agent_is_kept(client):
    listing = LiveListingFactory(apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1")
    responses = [
        visit(client, listing.get_absolute_url(), address=ADDRESS),
        visit(client, "/jobs/", address=ADDRESS),
        visit(client, f"{listing.get_absolute_url()}apply/out/", address=ADDRESS),
    ]
    for response in responses:
        assert "Set-Cookie" not in response.headers
        assert not response.cookies
    assert counted("views", listing) == 1 and visitors(listing) == 1  # it did count
    dump = everything_in_redis()
    assert ADDRESS.encode() not in dump
    assert ADDRESS.replace(".", "").encode() not in dump
    assert b"Chrome" not in dump and BROWSER.encode() not in dump
    # and nothing of the sort in the keys' names either: day, figure, posting id
    day = stats.utc_today().isoformat()
    assert {key.decode() for key in all_keys()} == {
        f"pstats:{day}:views",
        f"pstats:{day}:impressions",
        f"pstats:{day}:apply_clicks",
        f"pstats:{day}:visitors:{listing.pk}",
        f"pstats:{day}:salt",
    }


def test_the_salt_expires_within_48_hours_and_the_counts_within_8_days(client):
    listing = LiveListingFactory()
    visit(client, listing.get_absolute_url())
    redis = stats.page_client()
    day = stats.utc_today()
    assert 0 < redis.ttl(stats.salt_key(day)) <= 48 * 3600
    for key in all_keys():
        if key != stats.salt_key(day).encode():
            assert 0 < redis.ttl(key) <= 8 * 86400, key


def test_the_salt_is_random_and_shared_by_every_process(client):
    listing = LiveListingFactory()
    visit(client, listing.get_absolute_url())
    salt = stats.page_client().get(stats.salt_key(stats.utc_today()))
    assert len(salt) == 64
    # another process (no salt in memory) uses the same one: the visitor is the same
    stats.forget_salts()
    visit(client, listing.get_absolute_url())
    assert visitors(listing) == 1
    assert stats.page_client().get(stats.salt_key(stats.utc_today())) == salt


def test_a_new_salt_makes_yesterdays_visitor_a_stranger():
    """Without the salt a visitor id cannot be recomputed from an address."""
    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=ADDRESS)
    day = stats.utc_today()
    first = stats._visitor_id(request, day, b"a" * 64)
    assert first == stats._visitor_id(request, day, b"a" * 64)
    assert first != stats._visitor_id(request, day, b"b" * 64)

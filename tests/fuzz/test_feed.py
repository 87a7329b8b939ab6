"""/jobs/feed/ and /jobs/feed/atom/ under any query string: always a well-formed feed of
live postings, never a 5xx, whatever the parameters (known, repeated, huge, broken)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import example, given
from hypothesis import strategies as st

from listings.filters import ListingFilter
from tests.fuzz.strategies import FUZZ, NASTY, query_pairs, raw_query

pytestmark = pytest.mark.django_db

# every ListingFilter parameter, plus page (the feed drops it) and strangers
KEYS = [*ListingFilter.base_filters, "page", "format", ""]
ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = st.sampled_from(["/jobs/feed/", "/jobs/feed/atom/"])


def feed_links(path: str, response) -> set[str]:
    assert response.status_code == 200, response.status_code
    root = ET.fromstring(response.content)  # well-formed XML, or this raises
    if path.endswith("atom/"):
        return {e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")}
    return {item.findtext("link") for item in root.iter("item")}


def live_links(listings) -> set[str]:
    return {"http://testserver" + listing.get_absolute_url() for listing in listings}


@FUZZ
@given(path=FEEDS, params=query_pairs(KEYS))
@example(path="/jobs/feed/", params=[("level", "vp"), ("level", "vp"), ("level", "\x00")])
@example(path="/jobs/feed/atom/", params=[("q", "a" * 5000), ("salary_min", "1e309")])
def test_the_feed_survives_any_parameters(listings, path, params):
    response = Client().get(path + "?" + urlencode(params))
    assert feed_links(path, response) <= live_links(listings)


@FUZZ
@given(path=FEEDS, raw=raw_query(KEYS))
@example(path="/jobs/feed/", raw="q=%ff%fe&level=%c3%28&country=%00&sort=%%")
@example(path="/jobs/feed/atom/", raw="page=%ed%a0%80&&==&q=" + "x" * 20_000)
def test_the_feed_survives_any_raw_query_string(listings, path, raw):
    response = Client().get(path + "?" + raw)
    assert feed_links(path, response) <= live_links(listings)


@FUZZ
@given(level=st.sampled_from(["vp", "director"]), junk=query_pairs(KEYS, NASTY))
def test_junk_next_to_a_valid_filter_leaves_the_filter_in_force(listings, level, junk):
    """A malformed parameter is dropped, never turned into an empty or a full feed."""
    params = [("level", level), *((k, v) for k, v in junk if k not in ("level", "q"))]
    links = feed_links("/jobs/feed/", Client().get("/jobs/feed/?" + urlencode(params)))
    assert links <= live_links(x for x in listings if x.level == level)

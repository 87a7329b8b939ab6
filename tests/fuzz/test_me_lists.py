"""Every /me/ page and list with hostile query strings (`?page=` above all): always
the page, on a page that exists, never a 5xx; the same for someone signed out, who is
sent to sign in."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import FUZZ, NASTY, NASTY_STRINGS, raw_query

pytestmark = pytest.mark.django_db

PAGES = [
    "/me/",
    "/me/profile/",
    "/me/resume/",
    "/me/saved/",
    "/me/applications/",
    "/me/alerts/",
    "/me/account/",
    "/me/account/delete/",
]
KEYS = ["page", "next", "sort", "q", "x"]
PAGE = st.one_of(
    NASTY,
    st.integers().map(str),
    st.sampled_from(["1", "2", "last", "first", "0", "-0", "1.0", "0x10", " 1", "1 ", "²"]),
)


def assert_shown(path: str, response) -> None:
    assert response.status_code == 200, (path, response.status_code)
    page = response.context.get("page_obj")
    if page is not None:
        assert 1 <= page.number <= page.paginator.num_pages


@FUZZ
@given(path=st.sampled_from(PAGES), pages=st.lists(PAGE, min_size=1, max_size=3), junk=NASTY)
def test_every_me_page_survives_any_page_number(candidate_client, history, path, pages, junk):
    query = urlencode([*(("page", p) for p in pages), ("x", junk)])
    assert_shown(path, candidate_client.get(f"{path}?{query}"))


@FUZZ
@given(path=st.sampled_from(PAGES), raw=raw_query(KEYS))
def test_every_me_page_survives_any_raw_query_string(candidate_client, history, path, raw):
    assert_shown(path, candidate_client.get(f"{path}?{raw}"))


@FUZZ
@given(
    which=st.sampled_from(["applications", "alerts/delete"]),
    pk=st.one_of(st.integers(-5, 10**20).map(str), st.sampled_from(NASTY_STRINGS)),
)
def test_detail_pages_survive_any_id(candidate_client, history, which, pk):
    path = f"/me/{which.split('/')[0]}/{pk}/" + ("delete/" if "/" in which else "")
    response = candidate_client.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)


@FUZZ
@given(path=st.sampled_from(PAGES), raw=raw_query(KEYS))
def test_signed_out_every_me_page_asks_to_sign_in(db, path, raw):
    response = Client().get(f"{path}?{raw}")
    if response.status_code == 400:
        # Django refuses to redirect to a URL over 16,384 characters: a request for
        # one gets 400 (DisallowedRedirect), never a 5xx
        assert len(raw) > 5_000
        return
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith("/accounts/login/?next=")

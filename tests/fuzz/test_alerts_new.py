"""/alerts/new/ under any query string and any form, signed out and signed in.

tests/alerts/test_hostile_input.py fuzzes the signed-out POST with encoded
parameters; here raw query strings (broken escapes, invalid UTF-8, huge values) and
the signed-in path, where an alert is created at once: no 5xx, an invalid form saves
nothing, a valid one saves the alert that was asked for.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.test import Client
from hypothesis import event, example, given
from hypothesis import strategies as st

from alerts.criteria import CRITERIA, alert_filterset, criteria_from
from alerts.models import Frequency, Subscription
from tests.fuzz.strategies import FUZZ, MESSY, NASTY, form_of, query_pairs, raw_query

pytestmark = pytest.mark.django_db

KEYS = [*CRITERIA, "sort", "page", "posted", "x", ""]
FORM = form_of(
    valid={"name": MESSY, "frequency": st.sampled_from(Frequency.values), "email": st.emails()},
    hostile={"x": NASTY},
    required=("name", "frequency", "email"),
)


def criteria_of(query: str) -> dict:
    """The criteria the page reads from `query` (what an alert must be saved with)."""
    return criteria_from(alert_filterset(QueryDict(query)))


@FUZZ
@given(raw=raw_query(KEYS))
@example(raw="q=%ff%fe&level=%c3%28&salary_min=%00&industry=%ed%a0%80")
def test_the_subscribe_page_survives_any_raw_query_string(db, raw):
    response = Client().get("/alerts/new/?" + raw)
    assert response.status_code == 200
    assert response.context["form"].is_bound is False


@FUZZ
@given(raw=raw_query(KEYS), form=FORM)
@example(raw="level=vp&q=%ff", form={"email": "a@example.com", "name": "x", "frequency": "daily"})
def test_subscribing_signed_out_survives_any_raw_query_string(db, raw, form):
    cache.clear()  # the per-address limit must not answer for the form
    before = Subscription.objects.count()
    response = Client().post("/alerts/new/?" + raw, form)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert response.context["form"].errors
        assert Subscription.objects.count() == before
        event("invalid")
        return
    event("saved")
    saved = Subscription.objects.latest("id")
    assert saved.user is None and saved.email == form["email"].strip()
    assert saved.name == " ".join(form["name"].split())
    assert saved.frequency == form["frequency"]
    assert saved.criteria == criteria_of(response.wsgi_request.META["QUERY_STRING"])


@FUZZ
@given(params=query_pairs(KEYS), form=FORM)
@example(
    params=[("level", "vp"), ("level", "\x00")], form={"name": " VP\x0b", "frequency": "weekly"}
)
@example(params=[("q", "a" * 5000)], form={"name": "\x00", "frequency": "daily"})
def test_subscribing_signed_in_survives_any_form(candidate_client, candidate, params, form):
    Subscription.objects.filter(user=candidate).delete()  # far from the per-person cap
    query = urlencode(params)
    response = candidate_client.post("/alerts/new/?" + query, form)
    assert response.status_code in (302, 400), response.status_code
    mine = Subscription.objects.filter(user=candidate)
    if response.status_code == 400:
        assert response.context["form"].errors
        assert not mine.exists()
        event("invalid")
        return
    event("saved")
    (alert,) = mine
    # an account's alert goes to its verified address, whatever the form says
    assert alert.email == candidate.email
    assert alert.name == " ".join(form["name"].split())
    assert alert.frequency == form["frequency"]
    assert alert.criteria == criteria_of(query)

"""Whatever arrives in a query string, a form or a link, the alert pages never answer 5xx."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alerts import tokens
from alerts.matching import CRITERIA
from alerts.models import Subscription
from tests.alerts.factories import SubscriptionFactory

NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "\x00",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "%",
            "_",
            "\\",
            "-1",
            "1e309",
            "NaN",
            "9" * 40,
            "vp\x00",
            '"unterminated',
            "a" * 5000,
            "ü" * 300,
            "😀",
            "..%2F..%2Fetc%2Fpasswd",
        ]
    ),
)
PARAMS = st.lists(
    st.tuples(st.sampled_from([*CRITERIA, "sort", "page", "posted", "x", ""]), NASTY),
    max_size=12,
)
HOSTILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@HOSTILE
@given(params=PARAMS)
def test_the_subscribe_page_survives_any_query_string(params):
    response = Client().get("/alerts/new/?" + urlencode(params))
    assert response.status_code == 200


@pytest.mark.django_db
@HOSTILE
@given(
    params=PARAMS,
    form=st.dictionaries(st.sampled_from(["email", "name", "frequency", "x"]), NASTY, max_size=4),
)
def test_subscribing_survives_any_form(params, form):
    response = Client().post("/alerts/new/?" + urlencode(params), form)
    assert response.status_code in (200, 400, 429)


@pytest.mark.django_db
@HOSTILE
@given(
    token=NASTY,
    method=st.sampled_from(["get", "post"]),
    page=st.sampled_from(["confirm", "unsubscribe", "manage"]),
)
def test_emailed_links_survive_any_token(token, method, page):
    path = f"/alerts/{page}/{quote(token, safe='')}/"
    response = getattr(Client(), method)(path, {"action": "pause", "name": token})
    assert response.status_code in (200, 302, 400, 404, 410), response.status_code


@pytest.mark.django_db
@HOSTILE
@given(form=st.dictionaries(st.sampled_from(["action", "name", "frequency"]), NASTY, max_size=3))
def test_the_manage_link_survives_any_form(form):
    subscription = SubscriptionFactory()
    path = f"/alerts/manage/{tokens.make(subscription.pk, tokens.MANAGE)}/"
    response = Client().post(path, form)
    assert response.status_code in (200, 302, 400)
    subscription.refresh_from_db()
    assert len(subscription.name) <= 120


@pytest.mark.django_db
@HOSTILE
@given(
    form=st.dictionaries(st.text(max_size=20), NASTY, max_size=4),
    pk=st.one_of(st.integers(-5, 10**12).map(str), NASTY.map(lambda t: quote(t, safe=""))),
    action=st.sampled_from(["", "pause/", "resume/", "delete/"]),
)
def test_the_account_pages_survive_any_id_and_form(candidate, form, pk, action):
    client = Client()
    client.force_login(candidate)
    response = client.post(f"/me/alerts/{pk}/{action}", form)
    assert response.status_code < 500
    assert Subscription.objects.filter(user=candidate).count() == 0

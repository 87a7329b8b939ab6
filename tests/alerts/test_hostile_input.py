"""Whatever arrives in a query string, a form or a link, the alert pages never answer 5xx."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from alerts import tokens
from alerts.criteria import CRITERIA, alert_filterset, criteria_from
from alerts.models import Frequency, Subscription
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


SUBSCRIBE_FORM = st.fixed_dictionaries(
    {},
    optional={
        "email": st.one_of(st.emails(), NASTY),
        "name": NASTY,
        "frequency": st.one_of(st.sampled_from(Frequency.values), NASTY),
        "x": NASTY,
    },
)
VALID_FORM = {"email": "pat@example.com", "name": "  VP   roles ", "frequency": "weekly"}


@pytest.mark.django_db
def test_subscribing_survives_any_form():
    """Every example reaches the form: the limiter is reset before each one, so a 429
    can never stand in for the form's answer (a test below proves the limiter itself)."""
    ran: list[int] = []
    outcomes: list[str] = []

    @HOSTILE
    @given(params=PARAMS, form=SUBSCRIBE_FORM)
    @example(params=[("level", "vp"), ("q", "support")], form=VALID_FORM)
    @example(params=[("level", "\x00")], form={"email": "not an address", "name": "x"})
    def subscribe(params, form):
        ran.append(1)
        cache.clear()  # a fresh per-address and per-email count for this example
        before = Subscription.objects.count()
        response = Client().post("/alerts/new/?" + urlencode(params), form)
        assert response.status_code in (200, 400), response.status_code
        bound = response.context.get("form")
        if response.status_code == 400:
            # the form ran and said why; nothing was stored
            assert bound is not None and bound.is_bound and bound.errors
            assert Subscription.objects.count() == before
            outcomes.append("invalid")
            return
        # accepted: exactly one pending subscription, holding what was sent
        assert Subscription.objects.count() == before + 1
        saved = Subscription.objects.latest("id")
        assert saved.email == form["email"].strip()
        assert saved.name == " ".join(form["name"].split())
        assert saved.frequency == form["frequency"]
        expected = criteria_from(alert_filterset(QueryDict(urlencode(params))))
        assert saved.criteria == expected
        outcomes.append("saved")

    subscribe()
    assert len(ran) >= HOSTILE.max_examples
    assert len(outcomes) == len(ran), "every example must reach the form, none a 429"
    assert set(outcomes) == {"invalid", "saved"}, "both branches must be reached"


@pytest.mark.django_db
def test_the_limiter_still_answers_429_past_its_limit(settings):
    """The fuzz above resets the limiter; here it is left alone and must stop the flood."""
    limit, _window = settings.ALERTS_SUBSCRIBE_LIMIT_PER_IP
    hostile = {"email": "\x00", "name": "<script>", "frequency": "1e309"}
    codes = [Client().post("/alerts/new/?level=vp", hostile).status_code for _ in range(limit)]
    assert codes == [400] * limit  # every anonymous POST counts, valid or not
    response = Client().post("/alerts/new/?level=vp", VALID_FORM)
    assert response.status_code == 429
    assert response.context["limited"] == "ip"
    assert Subscription.objects.count() == 0


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

"""Every form under /me/ with hostile values: the profile, applying, saving and
unsaving postings (and their `next`), the candidate's alerts, deleting the account.

For every example: no 5xx; an invalid form is shown again with its errors and changes
nothing; a valid one saves what was sent (after the documented clean-up: surrounding
whitespace and control characters go).
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import event, example, given
from hypothesis import strategies as st

from alerts.models import Frequency, Subscription
from alerts.models import Status as AlertStatus
from candidates.choices import CurrentLevel, Visibility
from candidates.models import Application, Profile, SavedPosting
from listings.choices import KPI, TECHNOLOGY_SUGGESTIONS, Level, Skill, Workplace
from money.currencies import Currency
from tests.alerts.factories import SubscriptionFactory
from tests.fuzz.strategies import FUZZ, MESSY, NASTY, form_of

pytestmark = pytest.mark.django_db

# what the candidates' forms take out of free text
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cleaned(text: str) -> str:
    return CONTROL.sub("", text).strip()


def many(values) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(list(values)), max_size=4, unique=True)


def within(low: int, high: int) -> st.SearchStrategy[str]:
    return st.one_of(st.integers(low, high).map(str), st.just(""))


TEXTS = ("full_name", "headline", "current_title", "summary")
NUMBERS = ("leadership_years", "largest_team", "largest_budget", "desired_salary_min")
MULTI = ("desired_levels", "workplaces", "skills", "industries", "countries", "technologies")
PROFILE_FORM = form_of(
    valid={
        **dict.fromkeys(TEXTS, MESSY),
        "current_level": st.sampled_from(CurrentLevel.values),
        "leadership_years": within(0, 50),
        "largest_team": within(1, 10_000),
        "largest_budget": within(1, 10**9),
        "desired_salary_min": within(1_000, 10_000_000),
        "budget_currency": st.sampled_from(Currency.values),
        "desired_currency": st.sampled_from(Currency.values),
        "visibility": st.sampled_from(Visibility.values),
        "desired_levels": many(Level.values),
        "workplaces": many(Workplace.values),
        "skills": many(Skill.values),
        "industries": many(["software-saas", "insurance"]),
        "countries": many(["US", "DE", "GB"]),
        "technologies": many(TECHNOLOGY_SUGGESTIONS[:4]),
        "other_technologies": MESSY,
        "kpi_nps": st.just("on"),
        "kpi_nps_before": st.text(max_size=10).map(lambda t: t.replace("\x00", "")),
        "kpi_csat_after": st.sampled_from(["58", "93%", ""]),
    },
    hostile={
        "leadership_years": st.one_of(st.integers().map(str), NASTY),
        "largest_team": st.one_of(st.integers().map(str), NASTY),
        "desired_levels": st.lists(NASTY, max_size=3),
        "countries": st.lists(NASTY, max_size=3),
        "kpi_nps": st.sampled_from(["on", "off", "", "\x00"]),
        f"kpi_{KPI.values[-1]}_before": NASTY,
        "x": NASTY,
    },
    required=("visibility", "budget_currency", "desired_currency"),
)


def profile_row(profile: Profile) -> dict:
    return Profile.objects.filter(pk=profile.pk).values().get()


def assert_form_shown_again(response, status: int = 200) -> None:
    assert response.status_code == status, response.status_code
    form = response.context["form"]
    assert form.is_bound and form.errors


@FUZZ
@given(form=PROFILE_FORM)
@example(form={"full_name": "  Casey\x07 Candidate ", "leadership_years": "12"})
@example(form={"full_name": "\x00", "largest_team": "1e309"})
@example(form={"kpi_nps": "on", "kpi_nps_before": "9" * 30})
def test_the_profile_form_survives_anything(candidate_client, profile, form):
    before = profile_row(profile)
    response = candidate_client.post("/me/profile/", form)
    assert response.status_code < 500
    if response.status_code != 302:
        assert_form_shown_again(response)
        assert profile_row(profile) == before
        event("invalid")
        return
    event("saved")
    profile.refresh_from_db()
    for name in TEXTS:
        assert getattr(profile, name) == cleaned(form.get(name, "")), name
    for name in NUMBERS:
        sent = form.get(name, "").strip()
        assert getattr(profile, name) == (int(sent) if sent else None), name
    for name in MULTI:
        if name != "technologies":
            assert set(getattr(profile, name)) == set(form.get(name, [])), name
    assert set(form.get("technologies", [])) <= set(profile.technologies)
    assert {k["code"] for k in profile.kpis_moved} >= (
        {"nps"} if form.get("kpi_nps") == "on" else set()
    )


@FUZZ
@given(form=st.dictionaries(st.sampled_from(["cover_note", "next", "x"]), NASTY, max_size=3))
@example(form={"cover_note": " Why\x0b now \x00"})
@example(form={"cover_note": "a" * 3001})
@example(form={"cover_note": "  Happy to talk.\x1b "})
def test_applying_survives_any_cover_note(candidate_client, profile, listings, form):
    listing = listings[0]
    Application.objects.filter(listing=listing).delete()  # a fresh chance to apply
    response = candidate_client.post(f"/me/apply/{listing.slug}/", form)
    assert response.status_code < 500
    applications = Application.objects.filter(candidate=profile.user, listing=listing)
    if response.status_code != 302:
        assert_form_shown_again(response)
        assert not applications.exists()
        event("invalid")
        return
    event("applied")
    (application,) = applications
    assert application.cover_note == cleaned(form.get("cover_note", ""))
    assert application.candidate_name == profile.full_name


NEXT = st.one_of(
    NASTY,
    st.sampled_from(
        [
            "/me/saved/",
            "https://evil.example/",
            "//evil.example",
            "///evil.example",
            "\\\\evil.example",
            "/\\evil.example",
            "http:/evil.example",
            " //evil.example",
            "\x00//evil.example",
            "/jobs/\r\nLocation: https://evil.example",
            "javascript:alert(1)",
        ]
    ),
)


@FUZZ
@given(
    action=st.sampled_from(["save", "unsave"]),
    method=st.sampled_from(["get", "post"]),
    next_url=NEXT,
    where=st.sampled_from(["form", "query"]),
)
@example(action="save", method="post", next_url="//evil.example", where="form")
@example(action="unsave", method="post", next_url="/jobs/\r\nX: y", where="query")
def test_saving_survives_any_next_and_never_leaves_the_site(
    candidate_client, candidate, listings, action, method, next_url, where
):
    listing = listings[1]
    was_saved = SavedPosting.objects.filter(user=candidate, listing=listing).exists()
    path = f"/me/saved/{listing.slug}/{action}/"
    if where == "query":
        response = getattr(candidate_client, method)(path, {"next": next_url})
    else:
        response = getattr(candidate_client, method)(path, data={"next": next_url})
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert "\n" not in location and "\r" not in location
    assert url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"}), location
    now_saved = SavedPosting.objects.filter(user=candidate, listing=listing).exists()
    if method == "get":
        assert now_saved == was_saved  # a link never changes anything
    else:
        assert now_saved == (action == "save")


ALERT_FORM = form_of(
    valid={"name": MESSY, "frequency": st.sampled_from(Frequency.values)},
    hostile={"x": NASTY},
    required=("name", "frequency"),
)


@FUZZ
@given(form=ALERT_FORM, prefixed=st.booleans())
@example(form={"name": "  VP \x0b roles\n", "frequency": "weekly"}, prefixed=True)
@example(form={"name": "\x00", "frequency": "hourly"}, prefixed=True)
def test_renaming_an_alert_survives_any_form(candidate_client, candidate, history, form, prefixed):
    alert = history[0]
    before = Subscription.objects.filter(pk=alert.pk).values().get()
    data = {f"alert-{alert.pk}-{k}" if prefixed else k: v for k, v in form.items()}
    response = candidate_client.post(f"/me/alerts/{alert.pk}/", data)
    assert response.status_code in (302, 400), response.status_code
    alert.refresh_from_db()
    if response.status_code == 400:
        rows = [r for r in response.context["rows"] if r["subscription"].pk == alert.pk]
        assert rows and rows[0]["form"].is_bound and rows[0]["form"].errors
        assert Subscription.objects.filter(pk=alert.pk).values().get() == before
        event("invalid")
        return
    event("saved")
    assert alert.name == " ".join(form["name"].split())
    assert alert.frequency == form["frequency"]


@FUZZ
@given(
    action=st.sampled_from(["pause", "resume", "delete", "profile"]),
    form=st.dictionaries(st.text(max_size=10), NASTY, max_size=3),
)
def test_alert_buttons_survive_any_form(candidate_client, candidate, profile, action, form):
    alert = SubscriptionFactory(user=candidate, email=candidate.email)
    path = "/me/alerts/profile/" if action == "profile" else f"/me/alerts/{alert.pk}/{action}/"
    response = candidate_client.post(path, form)
    assert response.status_code == 302, response.status_code
    state = Subscription.objects.filter(pk=alert.pk).values_list("status", flat=True).first()
    expected = {
        "pause": AlertStatus.PAUSED,
        "resume": AlertStatus.ACTIVE,
        "delete": None,
        "profile": AlertStatus.ACTIVE,
    }[action]
    assert state == expected


@FUZZ
@given(form=st.dictionaries(st.sampled_from(["password", "confirm", "x"]), NASTY, max_size=3))
@example(form={"password": "correct horse battery"})  # the password without the tick
@example(form={"confirm": "on", "password": "\x00"})
def test_deleting_the_account_survives_any_form(candidate_client, candidate, history, form):
    response = candidate_client.post("/me/account/delete/", form)
    assert_form_shown_again(response)
    assert get_user_model().objects.filter(pk=candidate.pk).exists()
    assert Subscription.objects.filter(user=candidate).count() == len(history)
    assert Application.objects.filter(candidate=candidate).exists()


@pytest.mark.parametrize("next_url", ["0", "saved", "candidates:saved", "admin:index"])
def test_a_next_that_is_not_a_path_falls_back_instead_of_failing(
    candidate_client, candidate, listings, next_url
):
    """Regression: `next` passed the same-site check and went to redirect(), which
    takes a string without "/" or "." for a view name: "0" answered 500."""
    listing = listings[1]
    response = candidate_client.post(f"/me/saved/{listing.slug}/save/", {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == listing.get_absolute_url()
    assert SavedPosting.objects.filter(user=candidate, listing=listing).exists()

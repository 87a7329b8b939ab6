"""A signed-in candidate's alerts at /me/alerts/: list, rename, frequency, pause, delete,
the profile alert; every alert is the owner's alone."""

from __future__ import annotations

import pytest
from django.test import Client

from alerts.models import Frequency, Kind, Status, Subscription
from tests.alerts.factories import SubscriptionFactory
from tests.factories import LiveListingFactory
from tests.support.clients import client_for


@pytest.fixture
def alert(candidate):
    return SubscriptionFactory(
        user=candidate, email=candidate.email, name="Remote VP", criteria={"level": ["vp"]}
    )


def test_the_list_shows_each_alert_in_words_with_todays_count(alert, candidate):
    LiveListingFactory(level="vp")
    LiveListingFactory(level="vp")
    response = client_for(candidate).get("/me/alerts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Remote VP" in html and "VP / Head of" in html
    assert "2 open roles</a> match today" in html
    assert "no email sent yet" in html


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get("/me/alerts/")
    assert response.status_code == 302 and "next=/me/alerts/" in response["Location"]


def test_rename_and_change_frequency(alert, candidate):
    prefix = f"alert-{alert.pk}"
    response = client_for(candidate).post(
        f"/me/alerts/{alert.pk}/", {f"{prefix}-name": "Weekly VP", f"{prefix}-frequency": "weekly"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.name, alert.frequency) == ("Weekly VP", Frequency.WEEKLY)


def test_an_invalid_change_is_explained_and_saves_nothing(alert, candidate):
    prefix = f"alert-{alert.pk}"
    response = client_for(candidate).post(
        f"/me/alerts/{alert.pk}/", {f"{prefix}-name": "", f"{prefix}-frequency": "hourly"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    alert.refresh_from_db()
    assert (alert.name, alert.frequency) == ("Remote VP", Frequency.INSTANT)


def test_pause_resume_and_delete(alert, candidate):
    client = client_for(candidate)
    client.post(f"/me/alerts/{alert.pk}/pause/")
    alert.refresh_from_db()
    assert alert.status == Status.PAUSED
    assert "Paused" in client.get("/me/alerts/").content.decode()
    client.post(f"/me/alerts/{alert.pk}/resume/")
    alert.refresh_from_db()
    assert alert.status == Status.ACTIVE
    confirm_page = client.get(f"/me/alerts/{alert.pk}/delete/")
    assert (
        confirm_page.status_code == 200 and "Delete “Remote VP”?" in confirm_page.content.decode()
    )
    assert Subscription.objects.filter(pk=alert.pk).exists()  # a GET deletes nothing
    client.post(f"/me/alerts/{alert.pk}/delete/")
    assert not Subscription.objects.filter(pk=alert.pk).exists()


def test_another_candidates_alert_is_a_404_everywhere(alert, outsider):
    client = client_for(outsider)
    prefix = f"alert-{alert.pk}"
    assert "Remote VP" not in client.get("/me/alerts/").content.decode()
    for method, path, data in [
        (
            "post",
            f"/me/alerts/{alert.pk}/",
            {f"{prefix}-name": "Mine", f"{prefix}-frequency": "daily"},
        ),
        ("post", f"/me/alerts/{alert.pk}/pause/", {}),
        ("post", f"/me/alerts/{alert.pk}/resume/", {}),
        ("get", f"/me/alerts/{alert.pk}/delete/", {}),
        ("post", f"/me/alerts/{alert.pk}/delete/", {}),
    ]:
        assert getattr(client, method)(path, data).status_code == 404, path
    alert.refresh_from_db()
    assert (alert.name, alert.status) == ("Remote VP", Status.ACTIVE)


def test_get_on_an_action_url_changes_nothing(alert, candidate):
    client = client_for(candidate)
    assert client.get(f"/me/alerts/{alert.pk}/pause/").status_code == 405
    alert.refresh_from_db()
    assert alert.status == Status.ACTIVE


def test_a_profile_alert_follows_the_profile(candidate):
    from tests.candidates.factories import ProfileFactory

    profile = ProfileFactory(
        user=candidate,
        desired_levels=["senior_director", "vp"],
        workplaces=["remote", "hybrid"],
        countries=["US", "CA"],
        desired_salary_min=190_000,
        leadership_years=12,
    )
    client = client_for(candidate)
    assert "Roles that match your profile" in client.get("/me/alerts/").content.decode()
    response = client.post("/me/alerts/profile/")
    assert response.status_code == 302
    alert = Subscription.objects.get(user=candidate, kind=Kind.PROFILE)
    assert alert.status == Status.ACTIVE and alert.email == candidate.email
    assert alert.criteria == {
        "level": ["senior_director", "vp"],
        "workplace": ["remote", "hybrid"],
        "country": ["US", "CA"],
        "salary_min": 190_000,
        "salary_currency": "USD",
        "experience": 12,
    }
    # a second click refreshes it instead of making another
    client.post("/me/alerts/profile/")
    assert Subscription.objects.filter(user=candidate, kind=Kind.PROFILE).count() == 1
    # changing the profile changes the alert
    profile.desired_levels = ["vp"]
    profile.desired_salary_min = None
    profile.save()
    alert.refresh_from_db()
    assert alert.levels == ["vp"] and alert.salary_min is None
    # and it matches what the profile asks for
    from django.utils import timezone

    from alerts.matching import matching_subscription_ids

    fits = LiveListingFactory(
        level="vp",
        workplace="remote",
        country="",
        applicant_countries=["CA"],
        min_leadership_years=10,
    )
    too_senior = LiveListingFactory(
        level="vp",
        workplace="remote",
        country="",
        applicant_countries=["CA"],
        min_leadership_years=15,
    )
    now = timezone.now()
    assert matching_subscription_ids(fits.pk, now=now) == [alert.pk]
    assert matching_subscription_ids(too_senior.pk, now=now) == []


def test_an_unverified_account_cannot_make_a_profile_alert(db):
    from tests.factories import UserFactory

    user = UserFactory(username="unverified")
    response = client_for(user).post("/me/alerts/profile/", follow=True)
    assert "Verify your email address first" in response.content.decode()
    assert not Subscription.objects.exists()


def test_deleting_the_account_deletes_its_alerts(alert, candidate):
    from candidates.services import account_delete

    stranger = SubscriptionFactory(email="stranger@example.com")
    anonymous_same_address = SubscriptionFactory(email="CASEY@example.com")
    account_delete(user=candidate)
    assert list(Subscription.objects.values_list("pk", flat=True)) == [stranger.pk]
    assert not Subscription.objects.filter(pk__in=[alert.pk, anonymous_same_address.pk]).exists()

"""Subscribing from a search: criteria in words, double opt-in, no enumeration, rate limits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from alerts import tokens
from alerts.models import Delivery, Frequency, Status, Subscription
from listings.services import listing_publish
from outbox.kinds import Kind as EmailKind
from outbox.models import Email
from tests.alerts.factories import SubscriptionFactory
from tests.factories import ListingFactory, LiveListingFactory, RemoteListingFactory
from tests.support.outbox import deliver_outbox

SEARCH = "level=senior_director&level=vp&workplace=remote&kpi=nps&salary_min=180000"


def confirm_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/alerts/confirm/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def roles(db):
    LiveListingFactory(
        level="vp",
        workplace="remote",
        country="",
        applicant_countries=["US"],
        salary_max=200_000,
        kpis=[{"code": "nps"}],
    )
    LiveListingFactory(level="director")  # does not match the search


def test_the_form_shows_the_criteria_in_words_and_how_many_roles_match_today(client, roles):
    response = client.get(f"/alerts/new/?{SEARCH}")
    assert response.status_code == 200
    html = response.content.decode()
    for words in ["Senior Director", "VP / Head of", "Remote", "NPS", "Salary ≥ 180,000"]:
        assert words in html
    assert re.search(r"<strong>1</strong> open role match", html)
    # the suggested name is the criteria in one line
    assert "Senior Director or VP / Head of · Remote · NPS · Salary ≥ 180,000" in html
    assert 'name="email"' in html and 'value="instant"' in html and 'value="weekly"' in html


def test_sort_page_and_posted_are_not_part_of_an_alert(client, db):
    response = client.get("/alerts/new/?level=vp&sort=salary&page=3&posted=7")
    html = response.content.decode()
    assert 'action="/alerts/new/?level=vp"' in html
    assert "Last 7 days" not in html


def test_unknown_values_are_left_out_and_explained(client, db):
    response = client.get("/alerts/new/?level=ceo&level=vp&salary_min=lots")
    assert response.status_code == 200
    html = response.content.decode()
    assert "“ceo” is not a known level value" in html
    assert 'action="/alerts/new/?level=vp"' in html


def test_anonymous_subscription_waits_for_the_emailed_confirmation(
    client, roles, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/alerts/new/?{SEARCH}",
            {"email": "pat@example.com", "name": "Remote VP roles", "frequency": "daily"},
        )
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.status == Status.PENDING
    assert subscription.levels == ["senior_director", "vp"]
    assert subscription.workplaces == ["remote"] and subscription.kpis == ["nps"]
    assert subscription.salary_min == 180_000
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pat@example.com"]
    assert "Confirm your job alert" in message.subject
    html = message.alternatives[0][0]
    assert confirm_link(message) in html

    # a GET (a mail scanner) shows a button and confirms nothing
    link = confirm_link(message)
    page = client.get(link)
    assert page.status_code == 200 and "Confirm the alert" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Status.PENDING

    confirmed = client.post(link)
    assert confirmed.status_code == 200
    assert "Your alert is on" in confirmed.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Status.ACTIVE and subscription.confirmed_at


def test_nothing_is_sent_before_confirmation(
    client, db, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/alerts/new/?level=vp",
            {"email": "p@example.com", "name": "VP", "frequency": "instant"},
        )
    mail.outbox.clear()
    posting = ListingFactory(level="vp")
    with django_capture_on_commit_callbacks(execute=True):
        listing_publish(listing=posting)
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(
    client, db, eager_celery, django_capture_on_commit_callbacks
):
    SubscriptionFactory(email="known@example.com", criteria={"level": ["vp"]})
    pages = []
    for email in ["known@example.com", "nobody@example.com"]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/alerts/new/?level=vp", {"email": email, "name": "VP", "frequency": "daily"}
            )
        assert response.status_code == 200
        pages.append(response.content.decode().replace(email, "ADDRESS"))
    assert pages[0] == pages[1]
    # both addresses get a confirmation link; neither response says which is known
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.com", "nobody@example.com"]


def test_confirming_an_alert_the_address_already_has_keeps_one(
    client, db, eager_celery, django_capture_on_commit_callbacks
):
    existing = SubscriptionFactory(email="dup@example.com", criteria={"level": ["vp"]})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/alerts/new/?level=vp",
            {"email": "dup@example.com", "name": "VP again", "frequency": "daily"},
        )
    response = client.post(confirm_link(mail.outbox[0]))
    assert "You already have this alert" in response.content.decode()
    assert list(Subscription.objects.values_list("pk", flat=True)) == [existing.pk]


def test_an_expired_confirmation_link_confirms_nothing(client, db):
    subscription = SubscriptionFactory(status=Status.PENDING, criteria={"level": ["vp"]})
    token = tokens.make(subscription.pk, tokens.CONFIRM)
    with override_settings(ALERTS_CONFIRM_MAX_AGE_SECONDS=-1):
        for method in (client.get, client.post):
            response = method(f"/alerts/confirm/{token}/")
            assert response.status_code == 410
            assert "expired" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Status.PENDING


def test_a_tampered_or_foreign_token_is_refused(client, db):
    subscription = SubscriptionFactory(status=Status.PENDING)
    good = tokens.make(subscription.pk, tokens.CONFIRM)
    forged = signing.dumps(subscription.pk, salt="something else")
    unsubscribe_token = tokens.make(subscription.pk, tokens.UNSUBSCRIBE)
    for token in [good[:-2] + "xx", forged, unsubscribe_token, "x" * 300]:
        assert client.post(f"/alerts/confirm/{token}/").status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == Status.PENDING


@override_settings(ALERTS_SUBSCRIBE_LIMIT_PER_EMAIL=(2, 3600))
def test_too_many_requests_for_one_address_get_429_and_a_clear_message(
    client, db, eager_celery, django_capture_on_commit_callbacks
):
    codes = []
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/alerts/new/?level=vp",
                {"email": "Flood@Example.com", "name": f"VP {n}", "frequency": "daily"},
                REMOTE_ADDR=f"10.0.0.{n}",
            )
        codes.append(response.status_code)
    assert codes == [200, 200, 429]
    assert "Too many requests for this address" in response.content.decode()
    assert len(mail.outbox) == 2
    assert Subscription.objects.count() == 2


@override_settings(ALERTS_SUBSCRIBE_LIMIT_PER_IP=(3, 3600))
def test_too_many_requests_from_one_ip_get_429(client, db):
    codes = [
        client.post(
            "/alerts/new/",
            {"email": f"p{n}@example.com", "name": "All", "frequency": "daily"},
            REMOTE_ADDR="192.0.2.7",
        ).status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    other_ip = client.post(
        "/alerts/new/",
        {"email": "q@example.com", "name": "All", "frequency": "daily"},
        REMOTE_ADDR="192.0.2.8",
    )
    assert other_ip.status_code == 200


def test_a_bad_form_says_what_is_wrong(client, db):
    response = client.post(
        "/alerts/new/?level=vp", {"email": "not-an-address", "name": "   ", "frequency": "hourly"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "Select a valid choice" in html
    assert not Subscription.objects.exists()


def test_a_verified_candidate_subscribes_without_an_opt_in_email(client, candidate):
    client.force_login(candidate)
    page = client.get("/alerts/new/?level=vp&workplace=remote")
    assert "casey@example.com" in page.content.decode()
    assert 'name="email"' not in page.content.decode()
    response = client.post(
        "/alerts/new/?level=vp&workplace=remote", {"name": "Remote VP", "frequency": "instant"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/me/alerts/")
    subscription = Subscription.objects.get()
    assert subscription.status == Status.ACTIVE
    assert subscription.user == candidate and subscription.email == "casey@example.com"
    assert subscription.frequency == Frequency.INSTANT
    assert not Email.objects.exists() and deliver_outbox() == 0
    assert mail.outbox == []
    # the same search again does not make a second alert
    client.post("/alerts/new/?workplace=remote&level=vp", {"name": "Again", "frequency": "daily"})
    assert Subscription.objects.count() == 1


def test_an_unverified_candidate_confirms_by_email_and_the_alert_joins_the_account_later(
    client, db, eager_celery, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory(username="newbie", email="newbie@example.com")
    client.force_login(user)
    page = client.get("/alerts/new/?level=vp")
    assert 'name="email"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/alerts/new/?level=vp",
            {"email": "newbie@example.com", "name": "VP", "frequency": "daily"},
        )
    EmailAddress.objects.create(user=user, email="newbie@example.com", verified=True, primary=True)
    client.post(confirm_link(mail.outbox[0]))
    subscription = Subscription.objects.get()
    assert subscription.status == Status.ACTIVE and subscription.user == user


def test_a_confirmation_email_is_written_with_the_request_and_sent_once(db):
    from alerts.services import confirmation_enqueue, subscription_request

    subscription = subscription_request(
        email="once@example.com", criteria={"level": ["vp"]}, name="VP", frequency="daily"
    )
    # the request's transaction put it in the outbox; asking again enqueues nothing
    email = Email.objects.get()
    assert email.kind == EmailKind.ALERT_CONFIRMATION and email.to == ["once@example.com"]
    assert subscription.confirmation_sent_at is not None
    assert confirmation_enqueue(subscription=subscription) is False
    assert Email.objects.count() == 1
    # sent once, however often the sender runs
    assert deliver_outbox() == 1
    assert deliver_outbox() == 0
    assert [m.to for m in mail.outbox] == [["once@example.com"]]


def test_a_confirmation_is_enqueued_once_and_only_for_a_pending_alert(db):
    from alerts.services import confirmation_enqueue

    pending = SubscriptionFactory(status=Status.PENDING)
    assert confirmation_enqueue(subscription=pending) is True
    assert confirmation_enqueue(subscription=pending) is False
    assert confirmation_enqueue(subscription=SubscriptionFactory()) is False  # already active
    assert Email.objects.count() == 1


def test_unconfirmed_requests_are_forgotten_after_the_link_expires(db):
    from alerts.services import alerts_cleanup

    old = SubscriptionFactory(status=Status.PENDING, created_at=timezone.now() - timedelta(days=9))
    fresh = SubscriptionFactory(status=Status.PENDING)
    active = SubscriptionFactory(created_at=timezone.now() - timedelta(days=30))
    assert alerts_cleanup() == 1
    assert set(Subscription.objects.values_list("pk", flat=True)) == {fresh.pk, active.pk}
    assert not Subscription.objects.filter(pk=old.pk).exists()


def test_a_remote_role_open_to_a_country_counts_for_that_country(client, db):
    RemoteListingFactory(applicant_countries=["DE"])
    response = client.get("/alerts/new/?country=DE")
    assert re.search(r"<strong>1</strong> open role match", response.content.decode())
    assert reverse("alerts:new") == "/alerts/new/"


@override_settings(ALERTS_SUBSCRIBE_LIMIT_PER_IP=(1, 3600), ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_each_client_has_its_own_limit(client, db):
    def post(forwarded: str) -> int:
        return client.post(
            "/alerts/new/",
            {"email": "p@example.com", "name": "All", "frequency": "daily"},
            REMOTE_ADDR="10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert post("203.0.113.5") == 200
    assert post("203.0.113.5") == 429
    assert post("203.0.113.6") == 200  # another client behind the same proxy
    assert post("198.51.100.9, 203.0.113.6") == 429  # a spoofed first hop changes nothing

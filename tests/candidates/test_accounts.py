"""Accounts through django-allauth: email login, mandatory verification, throttling."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from outbox.kinds import Kind as EmailKind
from outbox.models import Email
from tests.candidates.factories import CandidateUserFactory
from tests.factories import PASSWORD, UserFactory
from tests.support.outbox import deliver_outbox

LINK = re.compile(r"https?://\S+")


def sign_up(client, email="new.leader@example.com", password="Quiet-harbour-42"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password},
    )


def link_in(message) -> str:
    return LINK.search(message.body).group(0)


@pytest.mark.django_db
def test_sign_up_sends_a_confirmation_link_and_the_account_waits_for_it(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = get_user_model().objects.get(email="new.leader@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    # the request only put the email in the outbox; the outbox sends it
    assert mail.outbox == []
    assert list(Email.objects.values_list("kind", "to")) == [
        (EmailKind.ACCOUNT, ["new.leader@example.com"])
    ]
    assert deliver_outbox() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.leader@example.com"]
    assert message.subject == "CX Leaders: Confirm your email address"
    assert "example.com" not in message.body.replace("new.leader@example.com", "")
    # not signed in yet
    assert client.get(reverse("candidates:dashboard")).status_code == 302


@pytest.mark.django_db
def test_the_link_in_the_email_confirms_the_address_and_signs_in(client):
    sign_up(client)
    deliver_outbox()
    link = link_in(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert b"Confirm my address" in page.content
    # a GET alone (a mail scanner following the link) confirms nothing
    assert not EmailAddress.objects.get(email="new.leader@example.com").verified
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.leader@example.com").verified
    assert response["Location"] == reverse("candidates:profile_edit")
    assert client.get(reverse("candidates:dashboard")).status_code == 200


@pytest.mark.django_db
def test_an_unverified_account_cannot_sign_in_until_confirmed(client):
    sign_up(client)
    client.logout()
    mail.outbox.clear()
    response = client.post(
        reverse("account_login"),
        {"login": "new.leader@example.com", "password": "Quiet-harbour-42"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("candidates:dashboard")).status_code == 302


@pytest.mark.django_db
def test_sign_in_is_by_email_and_lands_on_the_profile(client):
    CandidateUserFactory(username="casey", email="casey@example.com")
    response = client.post(
        reverse("account_login"), {"login": "casey@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    # the username is not a login
    client.logout()
    response = client.post(reverse("account_login"), {"login": "casey", "password": PASSWORD})
    assert response.status_code == 200
    assert b"errorlist" in response.content


@pytest.mark.django_db
def test_failed_sign_ins_are_throttled_per_account(client):
    CandidateUserFactory(username="target", email="target@example.com")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": "target@example.com", "password": "wrong"}
        )
        assert b"Too many failed login attempts" not in response.content
    # now even the right password is refused for a while
    response = client.post(
        reverse("account_login"), {"login": "target@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content
    assert client.get(reverse("candidates:dashboard")).status_code == 302


@pytest.mark.django_db
def test_failed_sign_ins_are_throttled_per_ip_across_accounts(client):
    CandidateUserFactory(username="last", email="last@example.com")
    for n in range(20):
        client.post(
            reverse("account_login"), {"login": f"guess{n}@example.com", "password": "wrong"}
        )
    response = client.post(
        reverse("account_login"), {"login": "last@example.com", "password": PASSWORD}
    )
    assert b"Too many failed login attempts" in response.content


@pytest.mark.django_db
def test_sign_out_is_a_post_and_a_get_only_asks(client):
    user = CandidateUserFactory()
    client.force_login(user)
    page = client.get(reverse("account_logout"))
    assert page.status_code == 200
    assert client.get(reverse("candidates:dashboard")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("candidates:dashboard")).status_code == 302


@pytest.mark.django_db
def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    CandidateUserFactory(username="forgetful", email="forgetful@example.com")
    response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    assert deliver_outbox() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "CX Leaders: Reset your password"
    link = link_in(mail.outbox[0])
    page = client.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(
        form_url, {"password1": "Brand-new-lantern-7", "password2": "Brand-new-lantern-7"}
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(username="forgetful", password="Brand-new-lantern-7")


@pytest.mark.django_db
def test_password_change_needs_the_old_password(client):
    user = CandidateUserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "nope",
            "password1": "Brand-new-lantern-7",
            "password2": "Brand-new-lantern-7",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Brand-new-lantern-7",
            "password2": "Brand-new-lantern-7",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-new-lantern-7")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_email_verification_sent",
    ],
)
def test_account_pages_wear_the_site_design(client, name):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html
    assert "auth-card" in html
    assert "/static/css/site.css" in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.django_db
def test_signed_in_account_pages_show_the_me_menu(client):
    client.force_login(CandidateUserFactory())
    for name in ["account_change_password", "account_email"]:
        html = client.get(reverse(name)).content.decode()
        assert 'class="me-nav"' in html, name


@pytest.mark.django_db
def test_me_pages_send_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("candidates:saved"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=/me/saved/")


@pytest.mark.django_db
def test_signing_up_with_a_taken_address_reveals_nothing_and_tells_the_owner(client):
    UserFactory(username="existing", email="taken@example.com")
    response = sign_up(client, email="taken@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert deliver_outbox() == 1
    assert len(mail.outbox) == 1
    assert "already exists" in mail.outbox[0].body

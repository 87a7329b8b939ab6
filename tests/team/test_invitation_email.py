"""Inviting puts one email in the outbox, in the same transaction; it reaches the
invited address through the real SMTP path and carries a working link."""

from __future__ import annotations

import pytest
from django.db import transaction

from listings import team
from listings.models import Invitation
from outbox.models import Email
from tests.support.outbox import deliver_outbox
from tests.team.conftest import JOIN_LINK, join_path

pytestmark = pytest.mark.django_db


def test_the_invited_colleague_receives_one_email_with_a_link_that_opens_the_join_page(
    invite, owner, company, smtp_backend, client
):
    invitation = invite("Nadia.Newhire@Northwind.example")
    assert invitation.email == "nadia.newhire@northwind.example"  # kept as allauth keeps it
    row = Email.objects.get(kind="invitation")
    assert row.to == ["nadia.newhire@northwind.example"]
    assert row.reply_to == [owner.email]  # a question goes to the colleague who invited
    assert "Olive Owner" in row.subject and company.name in row.subject

    assert deliver_outbox() == 1
    assert smtp_backend.count() == 1
    message = smtp_backend.messages[0]
    assert str(message["To"]) == "nadia.newhire@northwind.example"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = JOIN_LINK.search(text)
    assert link and link.group(0) in html
    page = client.get(link.group(1))
    assert page.status_code == 200
    assert company.name in page.content.decode()


def test_a_sent_invitation_keeps_no_copy_of_its_secret_link(invite, smtp_backend):
    invitation = invite()
    path = join_path(invitation)
    assert deliver_outbox() == 1
    row = Email.objects.get(kind="invitation")
    assert row.sent_at is not None
    assert path not in row.body + row.html
    assert row.body == "" and row.html == ""


def test_an_invitation_rolled_back_leaves_no_email(invite):
    with pytest.raises(RuntimeError), transaction.atomic():
        invite()
        assert Email.objects.filter(kind="invitation").count() == 1
        raise RuntimeError("the page failed after inviting")
    assert not Email.objects.filter(kind="invitation").exists()
    assert not Invitation.objects.exists()


def test_inviting_the_same_address_again_replaces_the_old_link_and_cancels_its_email(
    invite, client
):
    first = invite("again@northwind.example")
    old_path = join_path(first)
    second = invite("again@northwind.example")
    new_path = join_path(second)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.is_pending
    old_email = Email.objects.get(key=f"invitation:{first.pk}")
    assert old_email.failed_at is not None and old_email.failure == Email.Failure.CANCELLED
    assert deliver_outbox() == 1  # only the new one goes out
    assert client.get(old_path).status_code == 410
    assert client.get(new_path).status_code == 200


def test_revoking_an_unsent_invitation_cancels_its_email(invite, owner):
    invitation = invite()
    assert team.invitation_revoke(invitation=invitation, by=owner) is True
    row = Email.objects.get(key=f"invitation:{invitation.pk}")
    assert row.failure == Email.Failure.CANCELLED
    assert deliver_outbox() == 0

"""Two acceptances of one link at the same moment make one account: the conditional
UPDATE of the invitation decides, whatever each request read before."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from listings import team
from listings.models import Invitation, Recruiter
from tests.support.waiting import sessions_waiting_on_a_lock, wait_until
from tests.team.conftest import PASSWORD

User = get_user_model()


@pytest.mark.django_db(transaction=True)
def test_two_racing_acceptances_of_one_link_make_one_account(invite):
    invitation = invite("race@northwind.example")
    # both requests loaded the invitation while it was pending, as two form posts would
    first_copy = Invitation.objects.get(pk=invitation.pk)
    second_copy = Invitation.objects.get(pk=invitation.pk)
    first_holds_it, release = threading.Event(), threading.Event()
    real_create = team.recruiter_create
    results: dict[str, object] = {}

    def create_slowly(**kwargs):
        # the first request has taken the row and waits, uncommitted, inside its transaction
        if threading.current_thread().name == "first":
            first_holds_it.set()
            assert release.wait(20)
        return real_create(**kwargs)

    def accept(name: str, copy: Invitation) -> None:
        try:
            results[name] = team.invitation_accept(
                invitation=copy, password=PASSWORD, full_name=f"{name.title()} Racer"
            )
        except Exception as exc:  # what the second request gets is the assertion
            results[name] = exc
        finally:
            connection.close()

    with mock.patch("listings.team.recruiter_create", create_slowly):
        first = threading.Thread(target=accept, args=("first", first_copy), name="first")
        first.start()
        assert first_holds_it.wait(20)
        second = threading.Thread(target=accept, args=("second", second_copy), name="second")
        second.start()
        # the second UPDATE waits for the first's row lock
        assert wait_until(sessions_waiting_on_a_lock, timeout=20, interval=0.05), (
            "the second acceptance never reached the row"
        )
        release.set()
        first.join(30)
        second.join(30)

    assert isinstance(results["first"], User), results
    assert isinstance(results["second"], team.InvitationProblem), results
    assert results["second"].reason == team.InvitationProblem.USED
    assert User.objects.filter(email="race@northwind.example").count() == 1
    assert Recruiter.objects.filter(user__email="race@northwind.example").count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_by == results["first"]

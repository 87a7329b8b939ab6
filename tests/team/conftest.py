"""The team's people: owner (a lead), colleague (not a lead), outsider (another company's
lead), operator; and helpers to invite and to follow the emailed link."""

from __future__ import annotations

import re

import pytest

from listings import team
from listings.models import Invitation, Recruiter
from outbox.models import Email
from tests.factories import CompanyFactory, OperatorFactory, RecruiterUserFactory

PASSWORD = "Quiet-harbour-42"
JOIN_LINK = re.compile(r"http://testserver(/team/join/[^/\s\"<]+/)")


def make_lead(user):
    Recruiter.objects.filter(user=user).update(is_lead=True)
    user.refresh_from_db()
    return user


@pytest.fixture
def company(db):
    return CompanyFactory(name="Northwind Support")


@pytest.fixture
def other_company(db):
    return CompanyFactory(name="Contoso Care")


@pytest.fixture
def owner(company):
    return make_lead(
        RecruiterUserFactory(
            username="owner",
            email="owner@northwind.example",
            first_name="Olive",
            last_name="Owner",
            recruiter=company,
        )
    )


@pytest.fixture
def colleague(company):
    return RecruiterUserFactory(
        username="colleague",
        email="colleague@northwind.example",
        first_name="Colin",
        last_name="League",
        recruiter=company,
    )


@pytest.fixture
def outsider(other_company):
    return make_lead(
        RecruiterUserFactory(
            username="outsider", email="outsider@contoso.example", recruiter=other_company
        )
    )


@pytest.fixture
def operator(db):
    return OperatorFactory(username="operator", email="ops@cxleaders.example")


@pytest.fixture
def invite(company, owner):
    """Invite an address into `company` (by its lead, unless told) through the service."""

    def make(email: str = "new.hire@northwind.example", *, into=None, by=None) -> Invitation:
        return team.invitation_create(company=into or company, email=email, by=by or owner)

    return make


def join_path(invitation: Invitation) -> str:
    """The path of the link in the invitation's email, as the recipient reads it."""
    row = Email.objects.get(key=f"invitation:{invitation.pk}")
    match = JOIN_LINK.search(row.body)
    assert match, row.body
    assert match.group(0) in row.html
    return match.group(1)


def join_data(name: str = "Nadia Newhire", password: str = PASSWORD) -> dict:
    return {"full_name": name, "password1": password, "password2": password}

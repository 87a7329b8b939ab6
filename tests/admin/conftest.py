"""Three staff users for permission tests: owner and colleague (same company), outsider."""

from __future__ import annotations

import pytest

from tests.factories import CompanyFactory, OperatorFactory, RecruiterUserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def company(db):
    # trusted: its recruiters publish themselves (tests/moderation covers review)
    return CompanyFactory(name="Northwind Support", trusted=True)


@pytest.fixture
def other_company(db):
    return CompanyFactory(name="Contoso Care", trusted=True)


@pytest.fixture
def owner(company):
    return RecruiterUserFactory(username="owner", recruiter=company)


@pytest.fixture
def colleague(company):
    return RecruiterUserFactory(username="colleague", recruiter=company)


@pytest.fixture
def outsider(other_company):
    return RecruiterUserFactory(username="outsider", recruiter=other_company)


@pytest.fixture
def operator(db):
    return OperatorFactory(username="operator")


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def recruiters_group(transactional_db):
    """The Recruiters group of migration 0002, again: a transactional test's flush removes it."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Recruiters")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="listings",
            codename__in=["view_listing", "add_listing", "change_listing", "view_company"],
        )
    )
    return group

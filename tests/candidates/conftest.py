"""Fixtures for candidates: three candidates (owner, other, outsider), two companies
each with a recruiter, an operator, and Celery running tasks in-process."""

from __future__ import annotations

import pytest

from candidates import services
from tests.candidates.factories import CandidateUserFactory, ProfileFactory, pdf_upload
from tests.factories import (
    CompanyFactory,
    LiveListingFactory,
    OperatorFactory,
    RecruiterUserFactory,
)


@pytest.fixture
def company(db):
    return CompanyFactory(name="Northwind Support")


@pytest.fixture
def other_company(db):
    return CompanyFactory(name="Contoso Care")


@pytest.fixture
def listing(company):
    return LiveListingFactory(company=company, title="VP Customer Experience", level="vp")


@pytest.fixture
def other_listing(other_company):
    return LiveListingFactory(company=other_company, title="Director of Support")


@pytest.fixture
def recruiter(company):
    return RecruiterUserFactory(username="rita", email="rita@northwind.example", recruiter=company)


@pytest.fixture
def colleague_recruiter(company):
    return RecruiterUserFactory(username="carl", email="carl@northwind.example", recruiter=company)


@pytest.fixture
def other_recruiter(other_company):
    return RecruiterUserFactory(
        username="otto", email="otto@contoso.example", recruiter=other_company
    )


@pytest.fixture
def operator(db):
    return OperatorFactory(username="ops")


@pytest.fixture
def owner(db):
    return CandidateUserFactory(username="owner", email="owner@example.com")


@pytest.fixture
def outsider(db):
    return CandidateUserFactory(username="outsider", email="outsider@example.com")


@pytest.fixture
def owner_profile(owner):
    profile = ProfileFactory(user=owner, full_name="Olivia Owner")
    services.resume_replace(profile=profile, upload=pdf_upload("Olivia CV.pdf"))
    profile.refresh_from_db()
    return profile


@pytest.fixture
def outsider_profile(outsider):
    profile = ProfileFactory(user=outsider, full_name="Oscar Outsider")
    services.resume_replace(profile=profile, upload=pdf_upload("oscar.pdf"))
    profile.refresh_from_db()
    return profile


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def recruiters_group(transactional_db):
    """The Recruiters group and its permissions from the data migrations, again: a
    transactional test's flush empties the tables they filled."""
    import importlib

    from django.contrib.auth.models import Group, Permission

    listings_migration = importlib.import_module(
        "listings.migrations.0002_search_trigger_and_recruiters"
    )
    ours = importlib.import_module("candidates.migrations.0002_recruiter_permissions")
    group, _ = Group.objects.get_or_create(name="Recruiters")
    for app_label, model, actions in listings_migration.RECRUITER_PERMISSIONS:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )
    for app_label, codename in ours.RECRUITER_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return group

"""Fixtures for candidates: three candidates (owner, other, outsider), two companies
each with a recruiter, an operator, and Celery running tasks in-process."""

from __future__ import annotations

import pytest

from tests.candidates.factories import CandidateUserFactory, profile_with_resume
from tests.factories import (
    CompanyFactory,
    LiveListingFactory,
    OperatorFactory,
    RecruiterUserFactory,
)
from tests.support.clients import client_for


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
    return profile_with_resume("Olivia CV.pdf", user=owner, full_name="Olivia Owner")


@pytest.fixture
def outsider_profile(outsider):
    return profile_with_resume("oscar.pdf", user=outsider, full_name="Oscar Outsider")


@pytest.fixture
def owner_client(owner):
    return client_for(owner)


@pytest.fixture
def outsider_client(outsider):
    return client_for(outsider)

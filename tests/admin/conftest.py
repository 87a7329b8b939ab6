"""Three staff users for permission tests: owner and colleague (same company), outsider."""

from __future__ import annotations

import pytest

from tests.factories import CompanyFactory, OperatorFactory, RecruiterUserFactory


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

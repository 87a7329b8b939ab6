"""A company the operators have not marked trusted, its recruiters, another company's
recruiter and an operator: everything here goes through review."""

from __future__ import annotations

import pytest

from tests.factories import CompanyFactory, OperatorFactory, RecruiterUserFactory


@pytest.fixture
def company(db):
    return CompanyFactory(name="Brightline Care", trusted=False)


@pytest.fixture
def owner(company):
    return RecruiterUserFactory(
        username="owner", email="owner@brightline.example", recruiter=company
    )


@pytest.fixture
def colleague(company):
    return RecruiterUserFactory(
        username="colleague", email="colleague@brightline.example", recruiter=company
    )


@pytest.fixture
def outsider(db):
    other = CompanyFactory(name="Contoso Care", trusted=True)
    return RecruiterUserFactory(
        username="outsider", email="outsider@contoso.example", recruiter=other
    )


@pytest.fixture
def operator(db):
    return OperatorFactory(username="operator", email="operator@board.example")

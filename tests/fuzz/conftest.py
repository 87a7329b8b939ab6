"""Fixtures for the fuzz tests: a company with a recruiter, live postings, a candidate
with a complete profile, a résumé, saved postings, applications and alerts."""

from __future__ import annotations

import pytest

from alerts.models import Status as AlertStatus
from candidates.storage import private_storage
from tests.alerts.factories import SubscriptionFactory
from tests.candidates.factories import (
    ApplicationFactory,
    CandidateUserFactory,
    SavedPostingFactory,
    profile_with_resume,
)
from tests.factories import CompanyFactory, LiveListingFactory, RecruiterUserFactory
from tests.support.clients import client_for


def stored_resumes() -> set[str]:
    """Names of the résumé files in private storage (whatever the backend)."""
    try:
        return set(private_storage().listdir("resumes")[1])
    except FileNotFoundError:
        return set()


@pytest.fixture
def company(db):
    return CompanyFactory(name="Northwind Support", trusted=True)  # publishes itself


@pytest.fixture
def recruiter(company):
    return RecruiterUserFactory(username="rita", recruiter=company)


@pytest.fixture
def recruiter_client(recruiter):
    return client_for(recruiter)


@pytest.fixture
def listings(company):
    return [
        LiveListingFactory(company=company, title="VP Customer Experience", level="vp"),
        LiveListingFactory(company=company, title="Director of Support", workplace="onsite"),
        LiveListingFactory(
            company=company,
            title="Head of Customer Success",
            workplace="remote",
            city="",
            region="",
            country="",
            applicant_countries=["US", "DE"],
        ),
    ]


@pytest.fixture
def candidate(db):
    return CandidateUserFactory(username="casey", email="casey@example.com")


@pytest.fixture
def profile(candidate):
    return profile_with_resume("casey.pdf", user=candidate, full_name="Casey Candidate")


@pytest.fixture
def candidate_client(candidate):
    return client_for(candidate)


@pytest.fixture
def history(candidate, profile, listings):
    """Something on every /me/ list: saved postings, applications, alerts."""
    for listing in listings[:2]:
        SavedPostingFactory(user=candidate, listing=listing)
    ApplicationFactory(candidate=candidate, listing=listings[0])
    return [
        SubscriptionFactory(user=candidate, email=candidate.email, status=AlertStatus.ACTIVE)
        for _ in range(2)
    ]

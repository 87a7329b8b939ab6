"""Fixtures for alerts: candidates with a verified address (the SMTP server, waiting and
outbox helpers are shared: tests/support)."""

from __future__ import annotations

import pytest


@pytest.fixture
def candidate(db):
    """A signed-up candidate with a verified address (allauth)."""
    from tests.candidates.factories import CandidateUserFactory

    return CandidateUserFactory(username="casey", email="casey@example.com")


@pytest.fixture
def outsider(db):
    from tests.candidates.factories import CandidateUserFactory

    return CandidateUserFactory(username="olive", email="olive@example.com")

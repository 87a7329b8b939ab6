"""Posting figures: the admin's three staff users and an operator, and the counting state
(Redis keys, the breaker, the day's salt) fresh for each test."""

from __future__ import annotations

import pytest

from listings import stats
from tests.admin.conftest import (  # noqa: F401 - fixtures shared with the admin tests
    colleague,
    company,
    operator,
    other_company,
    outsider,
    owner,
)


@pytest.fixture(autouse=True)
def _fresh_counting():
    """The test Redis is flushed before each test (tests/conftest.py); so is this
    process's memory of it."""
    stats.breaker.reset()
    stats.forget_salts()
    yield
    stats.breaker.reset()
    stats.forget_salts()

"""Fixtures for the outbox: a mail server that is down (the server that is up, and Django's
SMTP backend pointed at it, are tests/conftest.py's `smtp_sink` and `smtp_backend`)."""

from __future__ import annotations

import pytest


@pytest.fixture
def closed_port(settings):
    """The mail server is down: nothing listens on the SMTP port."""
    from tests.support.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2
    return settings.EMAIL_PORT

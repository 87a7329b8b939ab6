"""Fixtures for the outbox: Django's SMTP backend pointed at the test's SMTP server."""

from __future__ import annotations

import pytest


@pytest.fixture
def smtp_backend(settings, smtp_sink):
    """Send through real SMTP to `smtp_sink` from this process."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    return smtp_sink


@pytest.fixture
def closed_port(settings):
    """The mail server is down: nothing listens on the SMTP port."""
    from tests.support.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2
    return settings.EMAIL_PORT

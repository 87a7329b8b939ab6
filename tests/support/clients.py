"""Django test clients signed in as a user (Chromium's sign-in: tests/support/browser.py)."""

from __future__ import annotations

from django.test import Client


def client_for(user) -> Client:
    """A new test client signed in as `user` (without the sign-in form); None: anonymous."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client

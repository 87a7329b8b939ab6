"""Django test clients signed in as a user (Chromium's sign-in: tests/support/browser.py)."""

from __future__ import annotations

import re

from django.test import Client


def client_for(user) -> Client:
    """A new test client signed in as `user` (without the sign-in form); None: anonymous."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# what a page carries that is new on every request: CSP nonces, masked CSRF tokens
_PER_REQUEST = re.compile(rb' nonce="[^"]*"|(name="csrfmiddlewaretoken" value=)"[^"]*"')


def body(response) -> bytes:
    """A response's body without what changes on every request, so that two answers
    can be compared byte for byte: "the same 404 as for a missing id"."""
    return _PER_REQUEST.sub(
        lambda m: (m.group(1) or b"") + (b'""' if m.group(1) else b""), response.content
    )

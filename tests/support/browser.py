"""Chromium through Playwright: signing in to the admin, and what a page complained about
or how it is laid out."""

from __future__ import annotations

from tests.factories import PASSWORD

CSP = "Content Security Policy"


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in to the admin in a Playwright page, as a person would, and wait for it."""
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(base_url + "/admin/")


def watch_csp(page, into: list[str]) -> list[str]:
    """Add to `into` every Content-Security-Policy complaint the page logs; `into`."""
    page.on("console", lambda message: into.append(message.text) if CSP in message.text else None)
    return into


def sideways_overflow(page) -> int:
    """How many pixels the page scrolls sideways (0 or less: it fits its width)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

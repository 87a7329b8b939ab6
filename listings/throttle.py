"""Counting requests against a limit, in the shared cache: the one definition for every
form anonymous visitors can post (alert sign-ups, posting reports) and for failed
sign-ins to the admin.

Counts live in the shared cache (Redis), so every web process sees them. If the cache
is unreachable the request is let through: an outage must not stop a form.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def rate_limit_count(*, key: str, window: int) -> int | None:
    """Count one request against `key` (the count starts over `window` seconds after
    its first); the new count, or None when the cache is unreachable."""
    try:
        if cache.add(key, 1, window):
            return 1
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, window)
            return 1
    except Exception:
        logger.exception("rate-limit cache unavailable")
        return None


def rate_limit_hit(*, key: str, limit: int, window: int) -> bool:
    """Count one request against `key`; True while within `limit` per `window` seconds."""
    count = rate_limit_count(key=key, window=window)
    return count is None or count <= limit


def rate_limit_reached(*, key: str, limit: int) -> bool:
    """True when `key` has already counted `limit` requests (this one not counted)."""
    try:
        return (cache.get(key) or 0) >= limit
    except Exception:
        logger.exception("rate-limit cache unavailable")
        return False

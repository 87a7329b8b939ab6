"""Counting requests against a limit, in the shared cache (one definition for every form
that anonymous visitors can post: alert sign-ups, posting reports)."""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def rate_limit_hit(*, key: str, limit: int, window: int) -> bool:
    """Count one request against `key`; True while within `limit` per `window` seconds.

    Counts live in the shared cache (Redis), so every web process sees them. If the
    cache is unreachable the request is let through: an outage must not stop a form.
    """
    try:
        if cache.add(key, 1, window):
            return True
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, window)
            count = 1
    except Exception:
        logger.exception("rate-limit cache unavailable")
        return True
    return count <= limit

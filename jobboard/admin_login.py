"""Throttle failed sign-ins on /admin/login/ (allauth throttles the candidates' sign-in).

At most ADMIN_LOGIN_MAX_FAILURES failed attempts per username and per client address
within ADMIN_LOGIN_WINDOW seconds; past that the form answers 429 until the window
ends. Counters live in the shared cache (Redis), so every web process sees them.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

WINDOW = 15 * 60
MAX_PER_USERNAME = 5
MAX_PER_ADDRESS = 20


def _client_address(request) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    trusted = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    if trusted and len(hops) >= trusted:
        return hops[-trusted]
    return request.META.get("REMOTE_ADDR", "unknown")


def _keys(request) -> list[tuple[str, int]]:
    username = (request.POST.get("username") or "").strip().lower()[:150]
    digest = hashlib.sha256(username.encode()).hexdigest()[:24]
    return [
        (f"admin-login:user:{digest}", MAX_PER_USERNAME),
        (f"admin-login:ip:{_client_address(request)}", MAX_PER_ADDRESS),
    ]


def throttled(login_view):
    @wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        keys = _keys(request)
        if any((cache.get(key) or 0) >= limit for key, limit in keys):
            response = render(request, "429.html", {"retry_minutes": WINDOW // 60}, status=429)
            response["Retry-After"] = str(WINDOW)
            return response
        response = login_view(request, *args, **kwargs)
        # A failed sign-in re-renders the form (200); success redirects.
        if response.status_code == 200:
            for key, _limit in keys:
                cache.add(key, 0, timeout=WINDOW)
                cache.incr(key)
        return response

    return view

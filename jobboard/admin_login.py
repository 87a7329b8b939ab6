"""Throttle failed sign-ins on /admin/login/ (allauth throttles the candidates' sign-in).

At most ADMIN_LOGIN_MAX_FAILURES failed attempts per username and per client address
within ADMIN_LOGIN_WINDOW seconds; past that the form answers 429 until the window
ends. Counted by listings.throttle, like every other limit: in the shared cache (Redis),
so every web process sees them, and a cache outage lets sign-ins through.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.shortcuts import render

from listings.throttle import rate_limit_count, rate_limit_reached
from listings.visitors import client_address

WINDOW = 15 * 60
MAX_PER_USERNAME = 5
MAX_PER_ADDRESS = 20


def _keys(request) -> list[tuple[str, int]]:
    username = (request.POST.get("username") or "").strip().lower()[:150]
    digest = hashlib.sha256(username.encode()).hexdigest()[:24]
    return [
        (f"admin-login:user:{digest}", MAX_PER_USERNAME),
        (f"admin-login:ip:{client_address(request)}", MAX_PER_ADDRESS),
    ]


def throttled(login_view):
    @wraps(login_view)
    def view(request, *args, **kwargs):
        if request.method != "POST":
            return login_view(request, *args, **kwargs)
        keys = _keys(request)
        if any(rate_limit_reached(key=key, limit=limit) for key, limit in keys):
            response = render(request, "429.html", {"retry_minutes": WINDOW // 60}, status=429)
            response["Retry-After"] = str(WINDOW)
            return response
        response = login_view(request, *args, **kwargs)
        # A failed sign-in re-renders the form (200); success redirects.
        if response.status_code == 200:
            for key, _limit in keys:
                rate_limit_count(key=key, window=WINDOW)
        return response

    return view

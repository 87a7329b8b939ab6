"""Who is asking: the client's address, as far as the proxies in front can be trusted."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: behind TRUSTED_PROXY_COUNT proxies, the hop the outermost
    trusted one saw (a client can prepend anything to X-Forwarded-For, so only the
    hops our own proxies appended count); without proxies, REMOTE_ADDR."""
    trusted = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    if trusted:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted][:64]
    return request.META.get("REMOTE_ADDR", "") or "unknown"

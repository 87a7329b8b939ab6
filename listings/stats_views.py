"""The counting redirect: /jobs/<slug>/apply/out/ counts a click on a posting's external
apply link or email address, then sends the browser there."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from listings.choices import ApplyMethod
from listings.models import Listing
from listings.rendering import mailto, safe_http_url
from listings.stats import record_apply_click


class _ApplyRedirect(HttpResponseRedirect):
    allowed_schemes = ["http", "https", "mailto"]


def apply_target(listing: Listing) -> str:
    """Where a posting's applications go: its own http(s) page or a mailto: of its own
    address ("" for an in-app posting, or one whose target is not a safe link). Never
    anything from the request, so the redirect cannot be pointed elsewhere."""
    if listing.apply_method == ApplyMethod.URL:
        return safe_http_url(listing.apply_url)
    if listing.apply_method == ApplyMethod.EMAIL:
        return mailto(listing.apply_email, subject=f"Application: {listing.title}")
    return ""


@require_safe
def apply_out(request: HttpRequest, slug: str) -> HttpResponse:
    listing = get_object_or_404(Listing.objects.live(), slug=slug)
    target = apply_target(listing)
    if not target:
        raise Http404("This posting takes no applications elsewhere.")
    record_apply_click(request, listing)  # Redis only, never fails the redirect
    response = _ApplyRedirect(target)
    # every click reaches us (no cache keeps the redirect), and no search engine lists it
    patch_cache_control(response, private=True, no_store=True)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response

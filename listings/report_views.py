"""Anyone may report a live posting to the operators: /jobs/<slug>/report/.

No account is needed and nothing about the visitor is kept: the report holds the
reason and the note. Counts per client address (hashed, in the shared cache) limit how
many reports one address sends, and the same address reporting the same posting again
within a day is thanked but not stored twice. Any slug that is not a live posting
(unknown, draft, closed, expired) gets the same 404 as an unknown one, so the page
tells nothing that the public pages do not.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from listings.forms import ReportForm
from listings.models import Listing
from listings.services import report_create
from listings.throttle import rate_limit_hit
from listings.visitors import client_address

REPORTS_PER_HOUR = 10
REPORT_WINDOW = 3600
SAME_POSTING_WINDOW = 24 * 3600


def _address_key(request: HttpRequest) -> str:
    raw = f"{settings.SECRET_KEY}:{client_address(request)}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str) -> HttpResponse:
    listing = Listing.objects.live().select_related("company").filter(slug=slug).first()
    if listing is None:
        raise Http404("No such posting.")
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = {"listing": listing, "form": form}
    if request.method == "GET":
        return render(request, "listings/report.html", context)
    address = _address_key(request)
    if not rate_limit_hit(
        key=f"report:address:{address}", limit=REPORTS_PER_HOUR, window=REPORT_WINDOW
    ):
        context["limited"] = True
        response = render(request, "listings/report.html", context, status=429)
        response["Retry-After"] = str(REPORT_WINDOW)
        return response
    if not form.is_valid():
        return render(request, "listings/report.html", context, status=400)
    # once per address and posting a day: a second report is thanked, not stored
    if rate_limit_hit(
        key=f"report:posting:{listing.pk}:{address}", limit=1, window=SAME_POSTING_WINDOW
    ):
        report_create(
            listing=listing, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
        )
    return render(request, "listings/report_sent.html", {"listing": listing})

"""Public pages: home, a posting, a company. (/jobs/ lives in search_views.py.)"""

from __future__ import annotations

import contextlib
import dataclasses
import logging

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control

from listings.access import may_manage_company
from listings.choices import Level
from listings.insights import Position, pay_position
from listings.models import Company, Industry, Listing, SearchEntry
from listings.pay import round_figure
from listings.search import in_order, live_counts
from listings.stats import record_view

HOME_NEWEST = 10
COMPANY_PAGE_SIZE = 20

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    counts = live_counts()
    by_level = counts.facets["level"]
    levels = [
        {"value": value, "label": label, "count": by_level.get(value, 0)}
        for value, label in Level.choices
    ]
    newest = Listing.objects.live().with_company().newest_first()[:HOME_NEWEST]
    return render(
        request,
        "listings/home.html",
        {"levels": levels, "total": counts.total, "newest": newest},
    )


def listing_detail(request: HttpRequest, slug: str) -> HttpResponse:
    listing = get_object_or_404(Listing.objects.with_company(), slug=slug)
    preview = False
    if not listing.has_public_page:
        if not may_manage_company(request.user, listing.company_id):
            raise Http404("No such posting.")
        preview = True
    is_open = listing.is_live and not preview
    if is_open:
        record_view(request, listing)  # Redis only, never fails the page
    industries = list(
        Industry.objects.filter(slug__in=listing.industries).values_list("name", flat=True)
    )
    response = render(
        request,
        "listings/listing_detail.html",
        {
            "listing": listing,
            "company": listing.company,
            "preview": preview,
            "is_open": is_open,
            "has_ended": not is_open and not preview,
            "noindex": not is_open,
            "industries": industries,
            "pay_position": _pay_position(listing),
        },
    )
    if preview:
        # A draft must not be kept by a shared cache or shown to the next visitor.
        patch_cache_control(response, private=True, no_store=True)
    if not is_open:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _pay_position(listing: Listing) -> Position | None:
    """Where the posting's range sits in its slice (the median rounded as /salaries/
    shows it); None, and a log line, if insights fail: the page never breaks for them."""
    # In a transaction (ATOMIC_REQUESTS, tests) a failed query would spoil the rest of
    # the request: a savepoint keeps it to this call. In autocommit it cannot spoil it.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with guard:
            position = pay_position(listing)
    except Exception:
        logger.exception("Pay position of listing %s could not be computed", listing.pk)
        return None
    if position is None:
        return None
    return dataclasses.replace(position, median=round_figure(position.median))


def company_detail(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(Company.objects.select_related("industry"), slug=slug)
    # Count and order on the narrow search rows, then load the page's postings.
    entries = (
        SearchEntry.objects.live().filter(company_id=company.pk).order_by("-date_posted", "-pk")
    )
    page = Paginator(entries.values_list("pk", flat=True), COMPANY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = in_order(Listing.objects.with_company(), list(page.object_list))
    return render(
        request,
        "listings/company_detail.html",
        {"company": company, "page_obj": page, "live_count": page.paginator.count},
    )

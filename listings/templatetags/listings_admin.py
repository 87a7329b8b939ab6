"""The admin index's panel for operators: what waits for moderation."""

from __future__ import annotations

from django import template
from django.urls import reverse

from listings.access import is_operator
from listings.choices import ReportStatus, Status
from listings.models import Listing, Report

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_queue(context) -> dict | None:
    """Counts and links of the review queue and the open reports (operators only)."""
    if not is_operator(context["request"].user):
        return None
    listings = reverse("admin:listings_listing_changelist")
    open_reports = Report.objects.filter(status=ReportStatus.OPEN)
    return {
        "in_review": Listing.objects.filter(status=Status.REVIEW).count(),
        "in_review_url": f"{listings}?status__exact={Status.REVIEW}",
        "open_reports": open_reports.count(),
        "reported_postings": open_reports.values("listing").distinct().count(),
        "reports_url": reverse("admin:listings_report_changelist"),
    }

"""Emails about postings, rendered from templates/emails/ (plain text and HTML)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from listings.models import Listing


def admin_change_url(listing: Listing) -> str:
    """The absolute admin URL of a posting, for links in emails."""
    return settings.SITE_URL + reverse("admin:listings_listing_change", args=[listing.pk])


def expiry_reminder_message(*, listing: Listing, recipients: list[str]) -> EmailMultiAlternatives:
    """“Your posting expires on …”, with a link to extend or close it in the admin."""
    context = {
        "listing": listing,
        "company": listing.company,
        "valid_through": listing.valid_through,
        "admin_url": admin_change_url(listing),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    subject = f"Your posting “{listing.title}” expires on {listing.valid_through:%d %b %Y}"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a header never carries a newline
        body=render_to_string("emails/listing_expiring.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        render_to_string("emails/listing_expiring.html", context), "text/html"
    )
    return message

"""Emails about postings, rendered from templates/emails/ (plain text and HTML)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from listings.choices import ModerationAction
from listings.models import Listing


def admin_change_url(listing: Listing) -> str:
    """The absolute admin URL of a posting, for links in emails."""
    return settings.SITE_URL + reverse("admin:listings_listing_change", args=[listing.pk])


def templated_message(
    *, subject: str, template: str, context: dict, to: list[str], reply_to: list[str] = ()
) -> EmailMultiAlternatives:
    """An automatic email from `template`.txt and `template`.html (templates/emails/)."""
    context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # a header never carries a newline
        body=render_to_string(f"emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=list(reply_to),
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    return message


def expiry_reminder_message(*, listing: Listing, recipients: list[str]) -> EmailMultiAlternatives:
    """“Your posting expires on …”, with a link to extend or close it in the admin."""
    return templated_message(
        subject=f"Your posting “{listing.title}” expires on {listing.valid_through:%d %b %Y}",
        template="listing_expiring",
        context={
            "listing": listing,
            "company": listing.company,
            "valid_through": listing.valid_through,
            "admin_url": admin_change_url(listing),
        },
        to=recipients,
    )


def moderation_message(*, listing: Listing, event, recipients: list[str]) -> EmailMultiAlternatives:
    """“Your posting was returned / unpublished”, with the operator's reason and a link."""
    unpublished = event.action == ModerationAction.UNPUBLISHED
    what = "was unpublished" if unpublished else "needs changes before it is published"
    return templated_message(
        subject=f"Your posting “{listing.title}” {what}",
        template="listing_moderation",
        context={
            "listing": listing,
            "company": listing.company,
            "reason": event.reason,
            "unpublished": unpublished,
            "admin_url": admin_change_url(listing),
        },
        to=recipients,
    )

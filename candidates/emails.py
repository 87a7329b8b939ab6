"""Mail the candidates app sends."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from listings.services import company_recipients

logger = logging.getLogger(__name__)


def recruiter_emails_for(listing) -> list[str]:
    """Who hears about applications to `listing`: its company's active recruiters,
    else whoever created the posting."""
    emails = company_recipients(listing.company)
    if not emails and listing.created_by_id and listing.created_by.email:
        emails = [listing.created_by.email]
    return emails


def application_received_message(application) -> EmailMultiAlternatives | None:
    """ "New application": tells the recruiters that `application` arrived (None when
    the posting has no recruiter address).

    The mail names the candidate and links to the application in the admin; the
    résumé is not attached (it is downloaded through a permission-checked link)."""
    listing = application.listing
    to = recruiter_emails_for(listing)
    if not to:
        logger.warning("application %s: no recruiter address for %s", application.pk, listing)
        return None
    context = {
        "application": application,
        "listing": listing,
        "SITE_NAME": settings.SITE_NAME,
        "admin_url": settings.SITE_URL
        + reverse("admin:candidates_application_change", args=[application.pk]),
    }
    subject = f"New application: {application.candidate_name} for {listing.title}"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.splitlines())[:200],
        body=render_to_string("emails/candidates_application_received.txt", context),
        to=to,
        reply_to=[application.candidate_email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(
        render_to_string("emails/candidates_application_received.html", context), "text/html"
    )
    return message

"""Alert emails, rendered from templates/emails/alert_*.{txt,html}.

Every alert email is a list message in the RFC 2369/2919/8058 sense: it carries
List-Id, a List-Unsubscribe https URL that a POST with no cookies turns off at
once (List-Unsubscribe-Post: List-Unsubscribe=One-Click), and the same link
visibly in both parts.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from alerts import tokens
from alerts.criteria import criteria_summary
from alerts.models import Frequency, Subscription
from listings.models import Listing
from outbox.services import site_host

MAX_LISTED = 50


def list_id() -> str:
    return f'"{settings.SITE_NAME} job alerts" <job-alerts.{site_host()}>'


def _one_line(text: str) -> str:
    return " ".join(str(text).split())  # a header never carries a newline


def posting_summary(listing: Listing, pay_currency: str = "") -> dict:
    """What an alert says of one posting; its pay also in the alert's currency."""
    salary = listing.salary_display
    if salary and pay_currency and (approx := listing.pay.approx_in(pay_currency)):
        salary = f"{salary} ({approx})"
    return {
        "title": listing.title,
        # listing.hirer: a confidential search shows its descriptor, never the client
        "company": listing.hirer.byline,
        "level": listing.get_level_display(),
        "function": listing.get_function_display(),
        "where": listing.location_display,
        "salary": salary,
        "kpis": [row["label"] for row in listing.kpi_rows],
        "team_size": listing.team_size,
        "url": settings.SITE_URL + listing.get_absolute_url(),
    }


def subject_for(subscription: Subscription, listings: list[Listing]) -> str:
    count = len(listings)
    if subscription.frequency == Frequency.INSTANT:
        if count == 1:
            only = listings[0]
            return _one_line(f"New role: {only.title} at {only.hirer.name}")
        return _one_line(f"{count} new roles for “{subscription.name}”")
    period = "daily" if subscription.frequency == Frequency.DAILY else "weekly"
    noun = "role" if count == 1 else "roles"
    return _one_line(f"Your {period} alert: {count} new {noun} for “{subscription.name}”")


def alert_message(
    *, subscription: Subscription, listings: list[Listing], delivery_ids: list[int]
) -> EmailMultiAlternatives:
    """One alert email: the new postings for one subscription, newest first."""
    listings = sorted(listings, key=lambda item: (item.date_posted, item.pk), reverse=True)
    shown = listings[:MAX_LISTED]
    criteria = subscription.criteria
    unsubscribe = tokens.unsubscribe_url(subscription.pk)
    context = {
        "subscription": subscription,
        "postings": [posting_summary(listing, subscription.salary_currency) for listing in shown],
        "more": len(listings) - len(shown),
        "count": len(listings),
        "criteria_summary": criteria_summary(criteria),
        "frequency": subscription.get_frequency_display().lower(),
        "search_url": settings.SITE_URL + subscription.search_url,
        "manage_url": tokens.manage_url(subscription),
        "unsubscribe_url": unsubscribe,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    # The same rows always give the same Message-ID: a resend after a crash between
    # the server's "250 OK" and our bookkeeping is recognisably the same message.
    digest = hashlib.sha256(",".join(map(str, sorted(delivery_ids))).encode()).hexdigest()[:20]
    message = EmailMultiAlternatives(
        subject=subject_for(subscription, listings),
        body=render_to_string("emails/alert_postings.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": list_id(),
            "Auto-Submitted": "auto-generated",
            "Message-ID": f"<alert.{subscription.pk}.{digest}@{site_host()}>",
        },
    )
    message.attach_alternative(render_to_string("emails/alert_postings.html", context), "text/html")
    return message


def confirmation_message(*, subscription: Subscription) -> EmailMultiAlternatives:
    """“Confirm your alert”: the double opt-in link; nothing else is sent before it is used."""
    criteria = subscription.criteria
    context = {
        "subscription": subscription,
        "criteria_summary": criteria_summary(criteria),
        "frequency": subscription.get_frequency_display().lower(),
        "confirm_url": tokens.confirm_url(subscription.pk),
        "valid_days": settings.ALERTS_CONFIRM_MAX_AGE_SECONDS // 86400,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=_one_line(f"Confirm your job alert “{subscription.name}”"),
        body=render_to_string("emails/alert_confirm.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("emails/alert_confirm.html", context), "text/html")
    return message

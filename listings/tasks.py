"""Background work on postings: the expiry reminder (Celery beat, daily)."""

from __future__ import annotations

import smtplib

from celery import shared_task

from listings.models import Listing
from listings.services import EXPIRY_REMINDER_DAYS, listing_send_expiry_reminder

# What a flaky mail server raises; anything else is a bug and should not be retried.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task(name="listings.send_expiry_reminders")
def send_expiry_reminders(days: int = EXPIRY_REMINDER_DAYS) -> int:
    """Queue one reminder per live posting expiring within `days` that has not had one."""
    ids = list(
        Listing.objects.expiring_within(days)
        .filter(expiry_reminder_sent_at__isnull=True)
        .order_by("valid_through", "id")
        .values_list("id", flat=True)
    )
    for listing_id in ids:
        send_expiry_reminder.delay(listing_id, days)
    return len(ids)


@shared_task(
    name="listings.send_expiry_reminder",
    autoretry_for=TRANSIENT_MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=8,
)
def send_expiry_reminder(listing_id: int, days: int = EXPIRY_REMINDER_DAYS) -> bool:
    """Send one posting's expiry reminder; the database claim makes reruns harmless."""
    return listing_send_expiry_reminder(listing_id=listing_id, days=days)


@shared_task(name="listings.maintain_search")
def maintain_search() -> dict:
    """Prune expired postings from the search projection and fold its count deltas."""
    from listings.search import compact_search_counts, prune_search_entries

    pruned = prune_search_entries()
    return {"pruned": pruned, "count_rows": compact_search_counts()}

"""Background work on postings: expiry reminders, search upkeep and the posting figures
(Celery beat)."""

from __future__ import annotations

from celery import shared_task

from listings.insights import compact_pay_counts, roll_pay_year
from listings.models import Listing
from listings.search import compact_search_counts, prune_search_entries
from listings.services import EXPIRY_REMINDER_DAYS, listing_queue_expiry_reminder
from listings.stats import fold_days


@shared_task(name="listings.send_expiry_reminders")
def send_expiry_reminders(days: int = EXPIRY_REMINDER_DAYS) -> int:
    """Put one reminder per live posting expiring within `days` in the outbox (once each)."""
    ids = list(
        Listing.objects.expiring_within(days)
        .filter(expiry_reminder_sent_at__isnull=True)
        .order_by("valid_through", "id")
        .values_list("id", flat=True)
    )
    return sum(listing_queue_expiry_reminder(listing_id=pk, days=days) for pk in ids)


@shared_task(name="listings.maintain_search")
def maintain_search() -> dict:
    """Prune expired postings from the search projection and fold its count deltas
    (facet counts and pay counts)."""
    pruned = prune_search_entries()
    return {
        "pruned": pruned,
        "months_rolled": roll_pay_year(),
        "count_rows": compact_search_counts(),
        "pay_rows": compact_pay_counts(),
    }


@shared_task(name="listings.fold_posting_stats")
def fold_posting_stats() -> dict:
    """Fold the posting figures of yesterday and today from Redis and the apps' tables
    into PostingDay (absolute figures: a rerun writes the same rows)."""
    return fold_days()

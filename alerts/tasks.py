"""Alert tasks: each takes ids, loads fresh rows and calls a service.

Every task may run twice (Redis delivers at least once, acks_late redelivers after
a crash): the services make that harmless through the database (unique rows,
conditional-UPDATE claims). Retry countdowns stay far below the broker's
visibility_timeout, so a waiting retry is never delivered a second time.
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.conf import settings

from alerts import services

# The longest wait between two retries, well inside the visibility timeout.
RETRY_BACKOFF_MAX = min(600, settings.CELERY_VISIBILITY_TIMEOUT // 4)


@shared_task(name="alerts.match_posting")
def match_posting(listing_id: int) -> int:
    """Record deliveries for the instant alerts a posting that just went live matches."""
    return services.posting_match(listing_id=listing_id)


@shared_task(
    name="alerts.send_alerts",
    autoretry_for=services.TRANSIENT_MAIL_ERRORS,
    retry_backoff=5,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=8,
)
def send_alerts(subscription_ids: list[int]) -> dict:
    """Send what these subscriptions are owed (claims make a rerun send nothing twice)."""
    report = services.alerts_send(subscription_ids=[int(i) for i in subscription_ids])
    return report.__dict__


@shared_task(
    name="alerts.send_confirmation",
    autoretry_for=services.TRANSIENT_MAIL_ERRORS,
    retry_backoff=5,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=8,
)
def send_confirmation(subscription_id: int) -> bool:
    """Email a pending subscription its confirmation link (once)."""
    return services.confirmation_send(subscription_id=subscription_id)


@shared_task(name="alerts.run_digests")
def run_digests(frequency: str) -> dict:
    """Start the daily or weekly digest: one collection task per range of due alerts.

    The ranges go to whichever workers are free; each collects its alerts' new
    postings into the outbox and enqueues the emails. A lost range is not lost work:
    its alerts stay due and the sweeper collects them once they are overdue.
    """
    plan = services.digest_plan(frequency=frequency)
    for id_from, id_to in plan.ranges:
        collect_digest.delay(
            frequency, plan.now.isoformat(), plan.due_before.isoformat(), id_from, id_to
        )
    return {"chunks": len(plan.ranges)}


@shared_task(name="alerts.collect_digest", time_limit=900, soft_time_limit=840)
def collect_digest(frequency: str, now: str, due_before: str, id_from: int, id_to: int) -> dict:
    """Collect one range of a digest into the outbox and enqueue its emails."""
    plan = services.DigestPlan(
        frequency=frequency,
        now=datetime.fromisoformat(now),
        due_before=datetime.fromisoformat(due_before),
        ranges=[(id_from, id_to)],
    )
    processed, with_new = services.digest_collect_chunk(plan=plan, id_from=id_from, id_to=id_to)
    return {"subscriptions": processed, "emails_due": len(with_new)}


@shared_task(name="alerts.sweep")
def sweep() -> dict:
    """Re-enqueue whatever is due and unsent (beat, every minute)."""
    return services.deliveries_sweep().__dict__


@shared_task(name="alerts.cleanup")
def cleanup() -> int:
    """Forget subscriptions never confirmed in time (beat, daily)."""
    return services.alerts_cleanup()

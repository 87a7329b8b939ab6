"""Alert tasks: each takes ids, loads fresh rows and calls a service.

Every task may run twice (Redis delivers at least once, acks_late redelivers after
a crash): the services make that harmless through the database (unique rows,
conditional-UPDATE claims). Retry countdowns stay far below the broker's
visibility_timeout, so a waiting retry is never delivered a second time.
"""

from __future__ import annotations

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


@shared_task(name="alerts.run_digests", time_limit=1800, soft_time_limit=1700)
def run_digests(frequency: str) -> dict:
    """Collect the daily or weekly digests that are due into the outbox, then send them."""
    report = services.digests_collect(frequency=frequency)
    return {"subscriptions": report.subscriptions, "emails_due": len(report.with_new)}


@shared_task(name="alerts.sweep")
def sweep() -> dict:
    """Re-enqueue whatever is due and unsent (beat, every minute)."""
    return services.deliveries_sweep().__dict__


@shared_task(name="alerts.cleanup")
def cleanup() -> int:
    """Forget subscriptions never confirmed in time (beat, daily)."""
    return services.alerts_cleanup()

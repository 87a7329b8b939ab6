"""Alert tasks: each takes ids, loads fresh rows and calls a service.

Every task may run twice (Redis delivers at least once, acks_late redelivers after
a crash): the services make that harmless through the database (unique rows,
row locks and the outbox's claims). Sending is the outbox's (outbox/tasks.py).
"""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from alerts import services
from outbox.kinds import BULK_PRIORITY


@shared_task(name=services.MATCH_TASK)
def match_posting(listing_id: int) -> int:
    """Record deliveries for the instant alerts a posting that just went live matches."""
    return services.posting_match(listing_id=listing_id)


@shared_task(name=services.COMPOSE_TASK)
def compose_alerts(subscription_ids: list[int]) -> dict:
    """Put the emails these subscriptions are owed in the outbox (a rerun adds nothing)."""
    report = services.alerts_compose(subscription_ids=[int(i) for i in subscription_ids])
    return report.__dict__


@shared_task(name="alerts.run_digests")
def run_digests(frequency: str) -> dict:
    """Start the daily or weekly digest: one collection task per range of due alerts.

    The ranges go to whichever workers are free; each collects its alerts' new
    postings into the outbox and enqueues the emails. A lost range is not lost work:
    its alerts stay due and the sweeper collects them once they are overdue.
    """
    plan = services.digest_plan(frequency=frequency)
    for id_from, id_to in plan.ranges:
        collect_digest.apply_async(
            args=(frequency, plan.now.isoformat(), plan.due_before.isoformat(), id_from, id_to),
            priority=BULK_PRIORITY,
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
    """Re-enqueue matching and composing that is due and not done (beat, every minute)."""
    return services.deliveries_sweep().__dict__


@shared_task(name="alerts.cleanup")
def cleanup() -> int:
    """Forget subscriptions never confirmed in time (beat, daily)."""
    return services.alerts_cleanup()

"""Background work for candidates: the recruiters' emails that were never queued."""

from __future__ import annotations

from celery import shared_task

from candidates import services


@shared_task(name="candidates.notify_pending")
def notify_pending() -> int:
    """Queue the recruiters' email of recent applications that have none (beat)."""
    return services.applications_notify_pending()

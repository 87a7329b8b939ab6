"""Background work for candidates: telling recruiters about new applications."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from candidates.emails import send_application_received
from candidates.models import Application

logger = logging.getLogger(__name__)

# A claim older than this belongs to a worker that died; the next attempt takes it over.
CLAIM_TTL = timedelta(minutes=10)
# Applications whose notification never left (broker down at enqueue time) are swept up.
SWEEP_AFTER = timedelta(minutes=5)


class ClaimHeld(Exception):
    """Another worker is sending this notification right now."""


@shared_task(
    name="candidates.notify_recruiters",
    autoretry_for=(OSError, ClaimHeld),
    retry_backoff=30,
    retry_backoff_max=int(CLAIM_TTL.total_seconds()) + 60,
    max_retries=12,
    acks_late=True,
)
def notify_recruiters(application_id: int) -> str:
    """Email the company's recruiters about one application, exactly once when all goes
    well and at least once when a worker dies mid-way (a claim expires after CLAIM_TTL)."""
    now = timezone.now()
    claimed = Application.objects.filter(
        Q(notify_claimed_at__isnull=True) | Q(notify_claimed_at__lt=now - CLAIM_TTL),
        pk=application_id,
        recruiters_notified_at__isnull=True,
    ).update(notify_claimed_at=now)
    if not claimed:
        application = Application.objects.filter(pk=application_id).first()
        if application is None or application.recruiters_notified_at is not None:
            return "done"
        raise ClaimHeld(application_id)
    application = Application.objects.select_related("listing", "listing__company").get(
        pk=application_id
    )
    try:
        sent_to = send_application_received(application)
    except Exception:
        Application.objects.filter(pk=application_id).update(notify_claimed_at=None)
        raise
    Application.objects.filter(pk=application_id).update(recruiters_notified_at=timezone.now())
    return f"sent to {sent_to}"


@shared_task(name="candidates.notify_pending")
def notify_pending() -> int:
    """Enqueue notifications that never left (e.g. the broker was down when applying)."""
    cutoff = timezone.now() - SWEEP_AFTER
    ids = list(
        Application.objects.filter(
            recruiters_notified_at__isnull=True, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        notify_recruiters.delay(pk)
    return len(ids)

"""Outbox tasks: send a batch of emails, and sweep (beat).

A send task may run twice (Redis delivers at least once, acks_late redelivers after
a crash): the claim in services.emails_send makes that harmless. Retry countdowns
stay far below the broker's visibility_timeout, so a waiting retry is never
delivered a second time.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from outbox import services


class MailUnavailable(Exception):
    """The mail server could not take the batch now; its rows wait with a backoff."""


@shared_task(
    name=services.SEND_TASK,
    autoretry_for=(MailUnavailable,),
    retry_backoff=5,
    retry_backoff_max=min(600, settings.CELERY_VISIBILITY_TIMEOUT // 4),
    retry_jitter=True,
    max_retries=8,
)
def send(email_ids: list[int]) -> dict:
    """Send these emails (those someone else holds or has sent are left alone)."""
    try:
        report = services.emails_send(email_ids=[int(i) for i in email_ids])
    except Exception as exc:
        # the rows were given back with their backoff; retry the batch later
        raise MailUnavailable(repr(exc)) from exc
    return report.__dict__


@shared_task(name="outbox.sweep")
def sweep() -> dict:
    """Re-enqueue what is due or abandoned; give up what is too old (beat, every minute)."""
    return services.outbox_sweep().__dict__

"""Running the outbox in the test process, as a worker would."""

from __future__ import annotations

from dataclasses import dataclass


def deliver_outbox() -> int:
    """Send every unsent email now (in this process, through EMAIL_BACKEND); the number sent."""
    from outbox.models import Email
    from outbox.services import emails_send

    ids = list(Email.objects.unsent().order_by("pk").values_list("pk", flat=True))
    return emails_send(email_ids=ids).sent if ids else 0


@dataclass
class AlertRun:
    emails: int  # alert emails sent
    sent_rows: int  # deliveries marked sent
    skipped_rows: int  # deliveries skipped when composing


def send_alerts_now(subscription_ids: list[int]) -> AlertRun:
    """Compose these subscriptions' pending deliveries and send the emails, as the
    compose and send tasks would."""
    from alerts.models import Delivery
    from alerts.services import alerts_compose
    from outbox.services import emails_send

    sent_before = Delivery.objects.sent().count()
    report = alerts_compose(subscription_ids=subscription_ids)
    ids = list(
        Delivery.objects.filter(subscription_id__in=subscription_ids, sent_at=None)
        .exclude(email=None)
        .values_list("email_id", flat=True)
        .distinct()
    )
    sent = emails_send(email_ids=ids).sent if ids else 0
    return AlertRun(
        emails=sent,
        sent_rows=Delivery.objects.sent().count() - sent_before,
        skipped_rows=report.skipped_rows,
    )


def work_idle() -> bool:
    """Nothing left in flight: every posting matched, every delivery composed, every
    email sent or given up."""
    from alerts.models import Delivery, MatchJob
    from outbox.models import Email

    return not (
        MatchJob.objects.filter(done_at=None).exists()
        or Delivery.objects.pending().exists()
        or Email.objects.unsent().exists()
    )


def nothing_more_arrives(sink, settle: float = 2.0, timeout: float = 60) -> int:
    """Wait until the work is observably done, then a bounded settle period for a late
    duplicate; the number of messages that arrived meanwhile (0 expected)."""
    from tests.support.waiting import wait_until

    before = sink.count()
    assert wait_until(work_idle, timeout=timeout), "work still in flight"
    return sink.count() - before + sink.settled(settle)


def sweep_until(predicate, timeout: float = 90) -> bool:
    """Beat runs the sweepers every minute; here they run every second until `predicate`."""
    from alerts.services import deliveries_sweep
    from outbox.services import outbox_sweep
    from tests.support.waiting import wait_until

    def tick() -> bool:
        if predicate():
            return True
        deliveries_sweep()
        outbox_sweep()
        return False

    return wait_until(tick, timeout=timeout, interval=1.0)

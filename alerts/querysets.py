"""Reads on alerts: each word ("due", "unsent", "active") is defined here once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from alerts.choices import Status


class SubscriptionQuerySet(models.QuerySet):
    def active(self) -> SubscriptionQuerySet:
        """Confirmed, not paused, not unsubscribed: the alerts that send email."""
        return self.filter(status=Status.ACTIVE)

    def for_user(self, user) -> SubscriptionQuerySet:
        """A signed-in candidate's own alerts (none for anyone else)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user).exclude(status=Status.UNSUBSCRIBED)

    def digest_due(self, frequency: str, due_before: datetime) -> SubscriptionQuerySet:
        """Active alerts of `frequency` whose last digest was at `due_before` or earlier."""
        return self.active().filter(frequency=frequency, watermark__lte=due_before)

    def unconfirmed_expired(self, now: datetime) -> SubscriptionQuerySet:
        """Pending subscriptions whose confirmation link has expired."""
        age = timedelta(seconds=settings.ALERTS_CONFIRM_MAX_AGE_SECONDS)
        return self.filter(status=Status.PENDING, created_at__lt=now - age)

    def confirmation_unqueued(self, now: datetime) -> SubscriptionQuerySet:
        """Pending subscriptions with no confirmation email queued (made before the outbox
        existed: since then it is queued in the subscribing transaction)."""
        grace = timedelta(seconds=settings.ALERTS_SWEEP_GRACE_SECONDS)
        age = timedelta(seconds=settings.ALERTS_CONFIRM_MAX_AGE_SECONDS)
        return self.filter(
            status=Status.PENDING,
            confirmation_sent_at=None,
            created_at__lt=now - grace,
            created_at__gt=now - age,
        )


class DeliveryQuerySet(models.QuerySet):
    def unsent(self) -> DeliveryQuerySet:
        """Neither sent nor skipped: still owed to the subscriber."""
        return self.filter(sent_at=None, skipped_at=None)

    def pending(self) -> DeliveryQuerySet:
        """Not yet composed into an email, nor skipped."""
        return self.filter(email=None, skipped_at=None)

    def due(self, now: datetime | None = None) -> DeliveryQuerySet:
        """Pending rows the sweeper may enqueue now (their next attempt time has come)."""
        now = now or timezone.now()
        return self.pending().filter(next_attempt_at__lte=now)

    def sent(self) -> DeliveryQuerySet:
        """Delivered to the mail server."""
        return self.filter(sent_at__isnull=False)


class MatchJobQuerySet(models.QuerySet):
    def unfinished(self, now: datetime | None = None) -> MatchJobQuerySet:
        """Postings whose instant matching has not completed within the grace period."""
        now = now or timezone.now()
        grace = timedelta(seconds=settings.ALERTS_SWEEP_GRACE_SECONDS)
        return self.filter(done_at=None, created_at__lte=now - grace)

"""Reads on the outbox: "unsent", "due" and "abandoned" are defined here once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def claim_lease() -> timedelta:
    """How long a claim protects an email; past it, the claimer is presumed dead."""
    return timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS)


class EmailQuerySet(models.QuerySet):
    def unsent(self) -> EmailQuerySet:
        """Neither sent nor given up: still to go out."""
        return self.filter(sent_at=None, failed_at=None)

    def unclaimed(self, now: datetime | None = None) -> EmailQuerySet:
        """Unsent and held by no live sender (never claimed, or the claim's lease ran out)."""
        now = now or timezone.now()
        return self.unsent().filter(Q(claimed_at=None) | Q(claimed_at__lt=now - claim_lease()))

    def due(self, now: datetime | None = None) -> EmailQuerySet:
        """Unsent emails a sender may take now: unclaimed and their next attempt has
        come, or claimed by a sender whose lease ran out (it died)."""
        now = now or timezone.now()
        return self.unsent().filter(
            Q(claimed_at=None, next_attempt_at__lte=now) | Q(claimed_at__lt=now - claim_lease())
        )

    def sent(self) -> EmailQuerySet:
        """Accepted by the mail server."""
        return self.filter(sent_at__isnull=False)

    def failed(self) -> EmailQuerySet:
        """Refused for good by the mail server, cancelled, or given up after retrying."""
        return self.filter(failed_at__isnull=False)

"""The kinds of email the board sends, and what their apps want to hear about them.

This module imports nothing of the board's apps: each app registers its kinds (in
its AppConfig.ready) with the hooks the outbox calls in the transaction that marks
an email sent or failed, so the app's own bookkeeping moves with the outbox row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


class Kind(models.TextChoices):
    ALERT = "alert", "Job alert"
    ALERT_CONFIRMATION = "alert_confirmation", "Alert confirmation"
    EXPIRY_REMINDER = "expiry_reminder", "Posting expiry reminder"
    APPLICATION_RECEIVED = "application_received", "New application (to recruiters)"
    ACCOUNT = "account", "Account email (verification, password reset…)"
    INVITATION = "invitation", "Invitation to a company's recruiters"
    MODERATION = "moderation", "Moderation decision (to recruiters)"


Hook = Callable[[list[int]], None]

# Celery priority on Redis (0 is first; the transport keeps steps 0, 3, 6 and 9): work
# people wait for goes at the default, bulk work (digests, alert emails) behind it.
BULK_PRIORITY = 6


@dataclass(frozen=True)
class KindRules:
    """What the outbox does for one kind beyond sending it.

    `sensitive`: the body carries a secret (a password-reset or verification key), so
    it is erased from the row once the email is sent or given up.
    `on_sent` / `on_failed`: called with the ids of emails of this kind that were just
    marked sent, or refused for good (or given up), inside that same transaction.
    `bulk`: sent at the broker's lower priority (BULK_PRIORITY), so a digest of
    thousands never holds up a confirmation or a password reset.
    """

    sensitive: bool = False
    bulk: bool = False
    on_sent: Hook | None = None
    on_failed: Hook | None = None


_rules: dict[str, KindRules] = {}


def register(kind: str, **rules) -> None:
    _rules[kind] = KindRules(**rules)


def rules_for(kind: str) -> KindRules:
    return _rules.get(kind, KindRules())

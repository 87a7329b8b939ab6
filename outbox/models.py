"""One row per email to send: the outbox every kind of email goes through.

An email is rendered when the thing it tells about happens, and its row is written
in that same transaction (so it exists exactly when that thing does). A sender
claims rows with a conditional UPDATE and a lease, talks SMTP outside any
transaction, and marks each row sent once the server has accepted it; a sweeper
re-enqueues what is due or was abandoned by a dead sender. `key` is unique: the
same thing to tell (this alert's rows, this subscription's confirmation…) is one row
however often it is enqueued.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from outbox.kinds import Kind
from outbox.querysets import EmailQuerySet


class Email(models.Model):
    class Failure(models.TextChoices):
        REFUSED = "refused", "Refused by the mail server"
        CANCELLED = "cancelled", "Cancelled before sending"
        EXPIRED = "expired", "Given up after retrying"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    key = models.CharField(max_length=200, unique=True)
    # what the email is about, so that it can be cancelled while unsent
    # (e.g. "subscription:12" for an alert that was unsubscribed meanwhile)
    topic = models.CharField(max_length=100, blank=True, db_default="", default="")

    from_email = models.CharField(max_length=254)
    to = ArrayField(models.CharField(max_length=254))
    reply_to = ArrayField(models.CharField(max_length=254), default=list, blank=True)
    subject = models.TextField()
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=250)

    created_at = models.DateTimeField(db_default=Now())
    next_attempt_at = models.DateTimeField(db_default=Now())
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(db_default=0, default=0)
    last_error = models.TextField(db_default="", default="", blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(
        max_length=10, choices=Failure.choices, db_default="", default="", blank=True
    )

    objects = EmailQuerySet.as_manager()

    class Meta:
        verbose_name = "email"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_email_unsent",
                condition=Q(sent_at=None, failed_at=None),
            ),
            models.Index(
                fields=["topic"],
                name="outbox_email_topic",
                condition=Q(sent_at=None, failed_at=None) & ~Q(topic=""),
            ),
            # the daily posting figures (alerts.stats) read one day's sent emails
            models.Index(
                fields=["sent_at"], name="outbox_email_sent", condition=Q(sent_at__isnull=False)
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="outbox_email_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {', '.join(self.to)}"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return self.failure or "failed"
        if self.claimed_at:
            return "sending"
        return "queued"

"""Sending email through the outbox: one mechanism for every kind the board sends.

1. `email_enqueue` writes the rendered message as a row in the caller's transaction
   (unique per `key`) and enqueues a send task once that transaction commits.
2. `emails_send` claims rows with one conditional UPDATE (the row count says what it
   owns; a claim is a lease), talks SMTP outside any transaction, and marks each row
   sent as soon as the server has accepted it.
3. A temporary failure (connection refused or dropped, timeouts, 4xx replies) gives
   the rows back with a backoff; a permanent refusal of the message or its
   recipients (5xx) marks that row failed and the batch goes on.
4. `outbox_sweep` (beat) re-enqueues rows whose next attempt has come and rows whose
   sender died holding them (lease run out), and gives up rows older than
   OUTBOX_GIVE_UP_AFTER_SECONDS.

What is left: the server accepting a message and the sender dying before its UPDATE.
The row is then sent again once the lease has run out, with the same Message-ID.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.html import strip_tags

from outbox.kinds import BULK_PRIORITY, rules_for
from outbox.models import Email
from outbox.querysets import claim_lease

logger = logging.getLogger(__name__)

SEND_BATCH = 50  # emails per send task: one SMTP connection, a few seconds of work
SWEEP_LIMIT = 20_000  # emails the sweeper re-enqueues per run
RETRY_MAX_SECONDS = 1800
SEND_TASK = "outbox.send"


# --------------------------------------------------------------------------- errors


# Enhanced status classes (RFC 3463) that speak of this message or this recipient:
# bad address (5.1), mailbox (5.2), content (5.6). Others (5.7 policy, "relay access
# denied", "client host rejected"; 5.3/5.4/5.5 system and protocol) are most often our
# configuration, which someone will fix: those are retried until given up.
_PERMANENT_CLASSES = ("5.1.", "5.2.", "5.6.")
_PERMANENT_BARE = (550, 551, 552, 553)  # replies with no enhanced code


def _reply_is_permanent(code: int, text: bytes | str) -> bool:
    if not 500 <= code < 600:
        return False
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    detail = text.strip().split(maxsplit=1)
    if detail and detail[0][:1] == "5" and detail[0].count(".") == 2:
        return detail[0].startswith(_PERMANENT_CLASSES)
    return code in _PERMANENT_BARE


def is_permanent(exc: BaseException) -> bool:
    """True when the server refused this message for good, for a reason of the message or
    of all its recipients (a 5.1/5.2/5.6 status, or 550–553 without one): sending it
    again would be refused again.

    A 5xx to the connection, the greeting, authentication or MAIL FROM, and policy
    refusals (5.7: relay denied, client rejected), say our side is misconfigured: they
    are retried like an outage, so a fixed configuration sends everything that waited.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        return bool(replies) and all(_reply_is_permanent(code, text) for code, text in replies)
    if isinstance(exc, smtplib.SMTPDataError):
        return _reply_is_permanent(exc.smtp_code, exc.smtp_error)
    return False


def is_per_message(exc: BaseException) -> bool:
    """A temporary refusal of this one message or recipient (a 4xx other than 421): the
    connection is fine and the batch goes on without it."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(400 <= code < 500 and code != 421 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return 400 <= exc.smtp_code < 500 and exc.smtp_code != 421
    return False


# --------------------------------------------------------------------------- enqueueing


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _message_id(kind: str, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"<{kind}.{digest}@{site_host()}>"


def email_enqueue(
    *, kind: str, key: str, message: EmailMessage, topic: str = "", send: bool = True
) -> Email | None:
    """Put a rendered message in the outbox, in the caller's transaction.

    Returns the new row, or None if an email with this key was already enqueued (the
    same thing is never told twice). With `send`, a send task is enqueued after the
    commit; callers writing many rows at once pass send=False and call send_on_commit.
    """
    if message.attachments:
        raise ValueError("the outbox stores no attachments; link to the file instead")
    headers, message_id = {}, None
    for name, value in message.extra_headers.items():
        if str(name).lower() == "message-id":
            message_id = str(value)
        else:
            headers[str(name)] = str(value)
    message_id = message_id or _message_id(kind, key)
    alternatives = getattr(message, "alternatives", [])
    html = next((content for content, kind_ in alternatives if kind_ == "text/html"), "")
    body = message.body
    if message.content_subtype == "html":  # an HTML-only message: keep a text part too
        html, body = message.body, strip_tags(message.body)
    if message.cc or message.bcc:
        raise ValueError("outbox emails have To recipients only")
    row = Email(
        kind=kind,
        key=key,
        topic=topic,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        reply_to=list(message.reply_to),
        subject=message.subject,
        body=body,
        html=html,
        headers=headers,
        message_id=message_id,
        # its own send task is enqueued at the commit: the sweeper leaves it that long
        next_attempt_at=timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS),
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        if Email.objects.filter(key=key).exists():
            return None
        raise
    if send:
        send_on_commit([row.pk])
    return row


def enqueue_send(email_ids: list[int]) -> int:
    """Send tasks for these emails, SEND_BATCH per task; a broker outage is logged and
    the sweeper sends them later. Returns the number of tasks enqueued."""
    ids = sorted(set(email_ids))
    if not ids:
        return 0
    by_priority: dict[int | None, list[int]] = defaultdict(list)
    try:
        for kind, of_kind in _by_kind(ids).items():
            by_priority[BULK_PRIORITY if rules_for(kind).bulk else None].extend(of_kind)
    except Exception:  # after a commit nothing may fail the page: the sweeper sends them
        logger.exception("could not read the kinds of %d emails; the sweeper will", len(ids))
        return 0
    sent = 0
    for priority, group in sorted(by_priority.items(), key=lambda item: item[0] or 0):
        group.sort()
        for start in range(0, len(group), SEND_BATCH):
            batch = group[start : start + SEND_BATCH]
            try:
                current_app.signature(SEND_TASK, args=(batch,)).apply_async(priority=priority)
            except Exception:
                logger.exception(
                    "could not enqueue %s for %d emails; the sweeper will", SEND_TASK, len(batch)
                )
                continue
            sent += 1
    return sent


def send_on_commit(email_ids: list[int]) -> None:
    if email_ids:
        ids = list(email_ids)
        transaction.on_commit(lambda: enqueue_send(ids), robust=True)


# --------------------------------------------------------------------------- sending


@dataclass
class SendReport:
    claimed: int = 0
    sent: int = 0
    refused: int = 0
    deferred: int = 0


def message_of(row: Email) -> EmailMultiAlternatives:
    """The row as Django's message, with its own Message-ID (the same on every attempt)."""
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email,
        to=list(row.to),
        reply_to=list(row.reply_to),
        headers={**row.headers, "Message-ID": row.message_id},
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def _claim(email_ids: list[int], token: uuid.UUID) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE outbox_email
               SET claimed_at = now(), claim_token = %(token)s, attempts = attempts + 1
             WHERE id = ANY (%(ids)s)
               AND sent_at IS NULL AND failed_at IS NULL
               AND (claimed_at IS NULL OR claimed_at < now() - %(lease)s)
            RETURNING id
            """,
            {"token": token, "ids": list(email_ids), "lease": claim_lease()},
        )
        return sorted(row[0] for row in cursor.fetchall())


def _by_kind(ids: list[int]) -> dict[str, list[int]]:
    kinds: dict[str, list[int]] = defaultdict(list)
    for pk, kind in Email.objects.filter(pk__in=ids).values_list("pk", "kind"):
        kinds[kind].append(pk)
    return kinds


def _with_database(action, *args):
    """Run `action`, waiting out a database restart (up to OUTBOX_DB_WAIT_SECONDS).

    Used for the bookkeeping right after the server accepted an email: giving up there
    would send it again later, so a lost connection is reopened and tried again.
    """
    deadline = time.monotonic() + settings.OUTBOX_DB_WAIT_SECONDS
    while True:
        try:
            return action(*args)
        except (OperationalError, InterfaceError):
            if time.monotonic() > deadline:
                raise
            logger.warning("database unavailable while recording a send; trying again")
            connection.close()
            time.sleep(1)


def _finished(ids: list[int], which: str) -> None:
    """After emails were marked sent or failed: erase the secrets of sensitive kinds,
    then tell the apps (their own bookkeeping). A hook's failure is logged, never undoes
    the outbox's record: the alerts sweeper reconciles what a failed hook left."""
    for kind, of_kind in _by_kind(ids).items():
        rules = rules_for(kind)
        if rules.sensitive:
            Email.objects.filter(pk__in=of_kind).update(body="", html="")
        hook = getattr(rules, which)
        if hook is None:
            continue
        try:
            with transaction.atomic():
                hook(of_kind)
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            logger.exception("outbox %s hook of %s failed for %s", which, kind, of_kind)


def _mark_sent(pk: int) -> bool:
    """Record that the server accepted the email (whoever holds the claim now)."""
    with transaction.atomic():
        marked = Email.objects.filter(pk=pk, sent_at=None, failed_at=None).update(
            sent_at=timezone.now(), claimed_at=None, claim_token=None, last_error=""
        )
        if marked:
            _finished([pk], "on_sent")
    return bool(marked)


def _mark_failed(ids: list[int], failure: str, error: str = "", *, only_token=None) -> int:
    """Give these unsent emails up for good and tell their apps.

    With `only_token`, only rows this sender holds; otherwise only rows no live sender
    holds (checked under the row lock, so a sender claiming meanwhile keeps its row).
    """
    if not ids:
        return 0
    with transaction.atomic():
        rows = Email.objects.filter(pk__in=ids)
        if only_token is not None:
            rows = rows.unsent().filter(claim_token=only_token)
        else:
            rows = rows.unclaimed()
        failed = list(rows.select_for_update().values_list("pk", flat=True))
        updates = {"failed_at": timezone.now(), "failure": failure, "claimed_at": None}
        if error:
            updates["last_error"] = error[:1000]
        Email.objects.filter(pk__in=failed).update(**updates, claim_token=None)
        _finished(failed, "on_failed")
    return len(failed)


def _release(ids: list[int], token: uuid.UUID, error: str) -> int:
    """Give claimed rows back after a failure; they are due again after a backoff."""
    if not ids:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE outbox_email
               SET claimed_at = NULL, claim_token = NULL,
                   last_error = CASE WHEN %(error)s = '' THEN last_error ELSE %(error)s END,
                   -- no error: put back unsent at the end of a batch, due again at once
                   attempts = CASE WHEN %(error)s = '' THEN attempts - 1 ELSE attempts END,
                   next_attempt_at = CASE WHEN %(error)s = '' THEN now() ELSE now() + least(
                       %(base)s * power(2, greatest(0, least(attempts - 1, 12))), %(max)s
                   ) * interval '1 second' END
             WHERE id = ANY (%(ids)s) AND claim_token = %(token)s AND sent_at IS NULL
            """,
            {
                "ids": ids,
                "token": token,
                "error": error[:1000],
                "base": settings.OUTBOX_RETRY_BASE_SECONDS,
                "max": RETRY_MAX_SECONDS,
            },
        )
        return cursor.rowcount


def _still_mine(pk: int, token: uuid.UUID) -> bool:
    """Renew the claim right before sending: a row cancelled, given up or taken over
    since the batch was claimed is left alone, and the lease covers one message, not
    the whole batch."""
    return bool(
        Email.objects.unsent().filter(pk=pk, claim_token=token).update(claimed_at=timezone.now())
    )


def _reset(mail) -> bool:
    """Make the connection ready for the next message after a refusal (RSET)."""
    try:
        mail.connection.rset()
    except Exception:
        try:
            mail.close()
        except Exception:  # already gone
            logger.debug("closing the SMTP connection failed", exc_info=True)
        return False
    return True


def emails_send(*, email_ids: list[int]) -> SendReport:
    """Send these emails if no one else is: claim, send each outside any transaction,
    mark it sent at once.

    A permanent refusal fails that one row; a temporary refusal of one message gives
    that row back with a backoff and the batch goes on; a failure of the server or
    the connection gives every unsent claimed row back and is raised, so the task
    retries. A batch stops starting new messages after OUTBOX_BATCH_SECONDS and gives
    the rest back for the next task, well inside the task's time limit.
    """
    token = uuid.uuid4()
    claimed = _claim(email_ids, token)
    report = SendReport(claimed=len(claimed))
    if not claimed:
        return report
    rows = Email.objects.in_bulk(claimed)
    remaining = list(claimed)
    mail = None
    deadline = time.monotonic() + settings.OUTBOX_BATCH_SECONDS
    try:
        for pk in claimed:
            if time.monotonic() > deadline:
                break
            if not _still_mine(pk, token):
                remaining.remove(pk)
                continue
            message = message_of(rows[pk])
            if mail is None:
                mail = get_connection(fail_silently=False)
                mail.open()
            try:
                mail.send_messages([message])
            except Exception as exc:
                if is_permanent(exc):
                    logger.warning("email %s refused for good: %r", pk, exc)
                    report.refused += _mark_failed(
                        [pk], Email.Failure.REFUSED, repr(exc), only_token=token
                    )
                elif is_per_message(exc):
                    logger.info("email %s refused for now: %r", pk, exc)
                    _release([pk], token, repr(exc))
                    report.deferred += 1
                else:
                    raise
                remaining.remove(pk)
                if not _reset(mail):
                    mail = None  # a new connection for the next message
                continue
            # accepted: from here on this row is never given back, whatever happens
            remaining.remove(pk)
            _with_database(_mark_sent, pk)
            report.sent += 1
    except BaseException as exc:
        _release(remaining, token, repr(exc))
        raise
    finally:
        if mail is not None:
            try:
                mail.close()
            except Exception:  # the connection is already gone; nothing is owed to it
                logger.debug("closing the SMTP connection failed", exc_info=True)
    _release(remaining, token, "")  # past the batch's time budget: due again at once
    return report


# --------------------------------------------------------------------------- sweeping


def emails_cancel(*, topic: str) -> int:
    """Cancel the unsent emails about `topic` that no live sender holds (e.g. an alert
    just stopped); one on the wire right now goes out."""
    ids = list(Email.objects.unclaimed().filter(topic=topic).values_list("pk", flat=True))
    return _mark_failed(ids, Email.Failure.CANCELLED)


def emails_forget(*, addresses: list[str]) -> int:
    """Forget these addresses (a person deleting their account): emails to them alone
    are deleted, and they are taken off emails that also went to others (a recruiter's
    colleagues keep theirs). Rows something still points at (an alert's deliveries,
    deleted first by their app) are kept. Returns the number of rows changed."""
    wanted = sorted({a.strip().lower() for a in addresses if a.strip()})
    if not wanted:
        return 0
    changed = 0
    with connection.cursor() as cursor:  # addresses are kept as typed: compare them lowered
        cursor.execute(
            """
            UPDATE outbox_email
               SET "to" = ARRAY(SELECT a FROM unnest("to") a WHERE lower(a) <> ALL (%(w)s))
             WHERE EXISTS (SELECT 1 FROM unnest("to") a WHERE lower(a) = ANY (%(w)s))
               AND EXISTS (SELECT 1 FROM unnest("to") a WHERE lower(a) <> ALL (%(w)s))
            """,
            {"w": wanted},
        )
        changed += cursor.rowcount
    alone = Email.objects.extra(
        where=['EXISTS (SELECT 1 FROM unnest("outbox_email"."to") a WHERE lower(a) = ANY(%s))'],
        params=[wanted],
    )
    for row in alone:
        try:
            with transaction.atomic():
                row.delete()
        except ProtectedError:
            logger.warning("email %s is still referenced; kept", row.pk)
            continue
        changed += 1
    return changed


@dataclass
class SweepReport:
    enqueued: int = 0
    abandoned: int = 0
    given_up: int = 0


def outbox_sweep(*, now: datetime | None = None) -> SweepReport:
    """Re-enqueue every email that is due or was abandoned by a dead sender; give up
    the ones older than OUTBOX_GIVE_UP_AFTER_SECONDS.

    Rows it enqueues are not due again for a grace period, so a long backlog is not
    enqueued again every minute while it drains.
    """
    now = now or timezone.now()
    report = SweepReport()
    too_old = now - timedelta(seconds=settings.OUTBOX_GIVE_UP_AFTER_SECONDS)
    stale = Email.objects.unclaimed(now).filter(created_at__lt=too_old).values_list("pk", flat=True)
    report.given_up = _mark_failed(list(stale[:SWEEP_LIMIT]), Email.Failure.EXPIRED)
    grace = now + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS)
    with transaction.atomic():
        due = list(
            Email.objects.due(now)
            .order_by("next_attempt_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", "claimed_at")[:SWEEP_LIMIT]
        )
        ids = [pk for pk, _ in due]
        report.abandoned = sum(1 for _, claimed_at in due if claimed_at is not None)
        # a claim past its lease belongs to a dead sender: it is forgotten
        Email.objects.filter(pk__in=ids).update(
            next_attempt_at=grace, claimed_at=None, claim_token=None
        )
        report.enqueued = len(ids)
        send_on_commit(ids)
    return report


def outbox_health(now: datetime | None = None) -> dict:
    """Figures for operators: what waits, how long, what keeps failing."""
    now = now or timezone.now()
    unsent = Email.objects.unsent()
    oldest = unsent.order_by("created_at").values_list("created_at", flat=True).first()
    day = now - timedelta(days=1)
    return {
        "unsent": unsent.count(),
        "oldest_unsent_minutes": int((now - oldest).total_seconds() // 60) if oldest else 0,
        "retrying": unsent.exclude(last_error="").count(),
        "sending": unsent.exclude(claimed_at=None).count(),
        "sent_last_24h": Email.objects.filter(sent_at__gte=day).count(),
        "failed_last_24h": Email.objects.filter(failed_at__gte=day).count(),
    }

"""Alert workflows: subscribing, matching new postings, digests and composing the emails.

Delivery is exactly once per (subscription, posting) as far as our side can make it:

1. A posting going live writes a MatchJob in the publishing transaction; after the
   commit a task records one Delivery row per matching instant alert. Digests
   (beat) record rows for postings that went live since each alert's watermark.
   Rows are unique per (subscription, posting): a rerun adds nothing.
2. A composer locks a subscription's pending rows, renders one email for them and
   writes it to the outbox in the same transaction, linking the rows to it: a crash
   rolls both back, a rerun finds nothing pending.
3. The outbox (outbox/services.py) sends it like every other email: claimed with a
   lease, sent outside any transaction, marked sent; its sweeper takes over what a
   dead sender abandoned. Its hooks mark the rows sent, or skipped if the server
   refused the address for good.

The one window left is the mail server accepting a message and the worker dying
before its UPDATE: the outbox sends it again with the same Message-ID.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from alerts import matching
from alerts.choices import DIGEST_PERIOD, Frequency, Kind, Status
from alerts.criteria import alert_filterset, criteria_from, default_name, querydict
from alerts.emails import alert_message, confirmation_message
from alerts.models import Delivery, MatchJob, Subscription
from candidates.models import Profile
from listings.models import Listing
from listings.throttle import rate_limit_hit
from outbox.kinds import BULK_PRIORITY
from outbox.kinds import Kind as EmailKind
from outbox.models import Email
from outbox.services import email_enqueue, emails_cancel, outbox_health, send_on_commit

logger = logging.getLogger(__name__)

COMPOSE_BATCH = 50  # subscriptions per compose task (one short transaction)
DIGEST_CHUNK = 5_000  # subscriptions per digest statement (one short transaction each)
SWEEP_LIMIT = 20_000  # rows the sweeper re-enqueues per run
DIGEST_OVERLAP_SECONDS = 600  # a publishing transaction open across a digest is still seen


# --------------------------------------------------------------------------- enqueueing


# The tasks services start, by name: alerts/tasks.py registers them (alerts/apps.py
# imports it at start) and calls services, so services never import tasks back.
MATCH_TASK = "alerts.match_posting"
COMPOSE_TASK = "alerts.compose"


def _enqueue(task_name: str, *args, bulk: bool = False) -> bool:
    """Send a task to the broker; a broker outage is logged, the sweeper catches up.
    Bulk work (composing alert emails) waits behind what people are waiting for."""
    try:
        current_app.signature(task_name, args=args).apply_async(
            priority=BULK_PRIORITY if bulk else None
        )
    except Exception:
        logger.exception("could not enqueue %s%r; the sweeper will retry", task_name, args)
        return False
    return True


def enqueue_compose(subscription_ids: list[int]) -> int:
    """Enqueue compose tasks for these subscriptions, COMPOSE_BATCH per task."""
    ids = sorted(set(subscription_ids))
    batches = [ids[i : i + COMPOSE_BATCH] for i in range(0, len(ids), COMPOSE_BATCH)]
    for batch in batches:
        _enqueue(COMPOSE_TASK, batch, bulk=True)
    return len(batches)


def enqueue_compose_on_commit(subscription_ids: list[int]) -> None:
    if subscription_ids:
        ids = list(subscription_ids)
        transaction.on_commit(lambda: enqueue_compose(ids))


def _grace(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.ALERTS_SWEEP_GRACE_SECONDS)


# --------------------------------------------------------------------------- subscribing


def verified_email(user) -> str | None:
    """The signed-in user's verified address (primary first), or None."""
    if not user.is_authenticated:
        return None
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "id")
        .values_list("email", flat=True)
        .first()
    )
    return address


def _email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def subscribe_ip_allowed(ip: str) -> bool:
    limit, window = settings.ALERTS_SUBSCRIBE_LIMIT_PER_IP
    return rate_limit_hit(key=f"alerts:subscribe:ip:{ip}", limit=limit, window=window)


def subscribe_email_allowed(email: str) -> bool:
    limit, window = settings.ALERTS_SUBSCRIBE_LIMIT_PER_EMAIL
    key = f"alerts:subscribe:email:{_email_key(email)}"
    return rate_limit_hit(key=key, limit=limit, window=window)


def _same_alert(subscription: Subscription):
    """Other live alerts of the same person with exactly these criteria."""
    owner = (
        {"user": subscription.user}
        if subscription.user_id
        else {"email__iexact": subscription.email, "user": None}
    )
    return [
        other
        for other in Subscription.objects.filter(
            **owner, status__in=[Status.ACTIVE, Status.PAUSED]
        ).exclude(pk=subscription.pk)
        if other.criteria == subscription.criteria
    ]


@transaction.atomic
def subscription_request(
    *, email: str, criteria: dict, name: str, frequency: str, now: datetime | None = None
) -> Subscription:
    """An anonymous subscription: pending until the address owner confirms by the emailed link.

    Whatever the address (new, known, already subscribed), the same thing happens:
    a pending subscription and a confirmation email, so the answer reveals nothing.
    The email is put in the outbox in this transaction.
    """
    now = now or timezone.now()
    subscription = Subscription(
        email=email.strip(),
        name=name.strip() or default_name(criteria),
        frequency=frequency,
        status=Status.PENDING,
        created_at=now,
        watermark=now,
    )
    subscription.set_criteria(criteria)
    subscription.save()
    confirmation_enqueue(subscription=subscription, now=now)
    return subscription


@transaction.atomic
def subscription_create_for_user(
    *, user, email: str, criteria: dict, name: str, frequency: str, kind: str = Kind.SEARCH
) -> tuple[Subscription, bool]:
    """An alert for a signed-in candidate with a verified address: active at once.

    Returns (subscription, created); an identical live alert is returned instead of
    a second one.
    """
    now = timezone.now()
    subscription = Subscription(
        user=user,
        email=email,
        name=name.strip() or default_name(criteria),
        frequency=frequency,
        kind=kind,
        status=Status.ACTIVE,
        created_at=now,
        confirmed_at=now,
        watermark=now,
    )
    subscription.set_criteria(criteria)
    if kind == Kind.SEARCH:
        existing = _same_alert(subscription)
        if existing:
            return existing[0], False
    subscription.save()
    return subscription, True


@dataclass
class Confirmation:
    subscription: Subscription
    confirmed: bool  # this call activated it
    duplicate_of: Subscription | None = None


@transaction.atomic
def subscription_confirm(*, subscription_id: int) -> Confirmation | None:
    """Activate a pending subscription (the link in the confirmation email was used).

    If the address already has a live alert with the same criteria, that one is kept
    and this request is dropped. If the address is a signed-in candidate's verified
    address, the alert joins their account (managed at /me/alerts/).
    """
    subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
    if subscription is None:
        return None
    if subscription.status != Status.PENDING:
        return Confirmation(subscription=subscription, confirmed=False)
    existing = _same_alert(subscription)
    if existing:
        subscription.delete()
        return Confirmation(subscription=existing[0], confirmed=False, duplicate_of=existing[0])
    owner = _verified_owner(subscription.email)
    if owner is not None:
        subscription.user = owner
        subscription.save(update_fields=["user", "updated_at"])
    subscription.confirm()
    return Confirmation(subscription=subscription, confirmed=True)


def _verified_owner(email: str):
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    return address.user if address else None


def subscription_unsubscribe(*, subscription_id: int) -> Subscription | None:
    """Stop an alert at once (one-click unsubscribe); unsent rows are skipped when met."""
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
        if subscription is None:
            return None
        subscription.unsubscribe()
        Delivery.objects.pending().filter(subscription=subscription).update(
            skipped_at=timezone.now(), skip_reason=Delivery.Skip.STOPPED
        )
        emails_cancel(topic=alert_topic(subscription.pk))  # composed, not yet on the wire
    return subscription


@transaction.atomic
def subscription_update(*, subscription: Subscription, name: str, frequency: str) -> Subscription:
    """Rename an alert or change how often it sends.

    From a digest to instant, what the digest would have carried is collected now
    and sent; from instant to a digest, the next digest starts from now (instant
    alerts have already sent what came before).
    """
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    old = subscription.frequency
    subscription.name = name.strip() or subscription.name
    fields = ["name", "updated_at"]
    if frequency != old:
        subscription.frequency = frequency
        fields.append("frequency")
        if frequency == Frequency.INSTANT:
            subscription.save(update_fields=fields)
            digest_catch_up(subscription=subscription)
            return subscription
        if old == Frequency.INSTANT:
            subscription.watermark = timezone.now()
            fields.append("watermark")
    subscription.save(update_fields=fields)
    return subscription


def digest_catch_up(*, subscription: Subscription) -> list[int]:
    """Collect, now, what a digest alert has pending (used when it turns instant)."""
    now = timezone.now()
    _, with_new = matching.record_digest_matches(
        frequency=subscription.frequency,
        now=now,
        due_before=now,
        overlap_seconds=0,
        next_attempt_at=_grace(now),
        id_from=subscription.pk,
        id_to=subscription.pk + 1,
    )
    enqueue_compose_on_commit(with_new)
    return with_new


@transaction.atomic
def subscription_pause(*, subscription: Subscription) -> bool:
    """Pause an alert: nothing more is sent, including emails composed and not yet sent
    (what is posted while paused is not sent after resuming either)."""
    paused = subscription.pause()
    if paused:
        Delivery.objects.pending().filter(subscription=subscription).update(
            skipped_at=timezone.now(), skip_reason=Delivery.Skip.STOPPED
        )
        emails_cancel(topic=alert_topic(subscription.pk))
    return paused


def subscription_resume(*, subscription: Subscription) -> bool:
    return subscription.resume()


@transaction.atomic
def subscription_delete(*, subscription: Subscription) -> None:
    """Delete an alert; its emails not yet sent are cancelled first."""
    emails_cancel(topic=alert_topic(subscription.pk))
    subscription.delete()


# --------------------------------------------------------------------------- profile alerts


PROFILE_ALERT_NAME = "Roles that match my profile"


def profile_criteria(profile) -> dict:
    """Alert criteria from a candidate profile: levels, workplaces, countries, pay, years."""
    criteria: dict = {}
    if profile.desired_levels:
        criteria["level"] = list(profile.desired_levels)
    if profile.workplaces:
        criteria["workplace"] = list(profile.workplaces)
    if profile.countries:
        criteria["country"] = list(profile.countries)
    if profile.desired_salary_min:
        criteria["salary_min"] = int(profile.desired_salary_min)
        criteria["salary_currency"] = profile.desired_currency
    if profile.leadership_years is not None:
        criteria["experience"] = int(profile.leadership_years)
    # through the FilterSet, so an alert never holds a value a search would drop
    return criteria_from(alert_filterset(querydict(criteria)))


def profile_alert_save(*, user, frequency: str = Frequency.DAILY) -> tuple[Subscription, bool]:
    """Create the candidate's "roles that match my profile" alert, or refresh its criteria."""
    email = verified_email(user)
    if email is None:
        raise PermissionError("a verified email address is needed")
    profile, _ = Profile.objects.get_or_create(user=user)
    criteria = profile_criteria(profile)
    with transaction.atomic():
        existing = (
            Subscription.objects.select_for_update().filter(user=user, kind=Kind.PROFILE).first()
        )
        if existing is not None:
            existing.set_criteria(criteria)
            existing.email = email
            if existing.status == Status.UNSUBSCRIBED:
                existing.status = Status.ACTIVE
                existing.watermark = timezone.now()
                existing.frequency = frequency
            existing.save()
            return existing, False
        try:
            with transaction.atomic():
                return subscription_create_for_user(
                    user=user,
                    email=email,
                    criteria=criteria,
                    name=PROFILE_ALERT_NAME,
                    frequency=frequency,
                    kind=Kind.PROFILE,
                )
        except IntegrityError:  # created concurrently: one profile alert per user
            return Subscription.objects.get(user=user, kind=Kind.PROFILE), False


def profile_alert_sync(*, profile) -> None:
    """Keep a profile alert's criteria in step with the profile it follows."""
    subscription = Subscription.objects.filter(user_id=profile.user_id, kind=Kind.PROFILE).first()
    if subscription is None:
        return
    subscription.set_criteria(profile_criteria(profile))
    subscription.save()


def forget_person(*, user, emails: list[str]) -> int:
    """Delete every alert kept for this user or these addresses (account deletion)."""
    lowered = {e.lower() for e in emails}
    subscriptions = Subscription.objects.filter(user=user)
    deleted, _ = subscriptions.delete()
    for email in lowered:
        count, _ = Subscription.objects.filter(email__iexact=email).delete()
        deleted += count
    return deleted


# --------------------------------------------------------------------------- matching


def posting_went_live(*, listing: Listing) -> None:
    """Record, in the publishing transaction, that a posting went live; match it after commit.

    The MatchJob row survives a broker outage or a lost task: the sweeper finds jobs
    not done and enqueues them again. One per posting, so it can never alert twice.
    """
    MatchJob.objects.bulk_create([MatchJob(listing=listing)], ignore_conflicts=True)
    pk = listing.pk
    transaction.on_commit(lambda: _enqueue(MATCH_TASK, pk))


def posting_match(*, listing_id: int, now: datetime | None = None) -> int:
    """Record a delivery for each active instant alert the live posting matches; send them.

    Idempotent: the job row is locked while it runs and marked done in the same
    transaction, and delivery rows are unique.
    """
    now = now or timezone.now()
    with transaction.atomic():
        job = MatchJob.objects.select_for_update(skip_locked=True).filter(listing_id=listing_id)
        job = job.first()
        if job is not None and job.done_at is not None:
            return 0
        if job is None and MatchJob.objects.filter(listing_id=listing_id).exists():
            return 0  # another worker holds it
        subscribers = matching.record_instant_matches(
            listing_id, now=now, next_attempt_at=_grace(now)
        )
        if job is not None:
            job.done_at = timezone.now()
            job.matched = len(subscribers)
            job.save(update_fields=["done_at", "matched"])
        enqueue_compose_on_commit(subscribers)
    return len(subscribers)


@dataclass
class DigestReport:
    frequency: str
    subscriptions: int = 0
    with_new: list[int] = field(default_factory=list)
    chunks: int = 0


@dataclass(frozen=True)
class DigestPlan:
    """One digest run: its moment, which alerts are due, and id ranges of about equal size."""

    frequency: str
    now: datetime
    due_before: datetime
    ranges: list[tuple[int, int]]


def digest_plan(
    *,
    frequency: str,
    now: datetime | None = None,
    chunk: int = DIGEST_CHUNK,
    overdue_only: bool = False,
    due_before: datetime | None = None,
) -> DigestPlan:
    """Split the due `frequency` alerts into id ranges of about `chunk` alerts each.

    Due means the last digest is a period old (or older than `due_before`, if given).
    `overdue_only` (the sweeper) takes only alerts a whole period plus eight hours
    late, i.e. whose scheduled digest was missed (beat down, a chunk task lost).
    """
    if frequency not in DIGEST_PERIOD:
        raise ValueError(f"{frequency!r} is not a digest frequency")
    now = now or timezone.now()
    late = timedelta(hours=8) if overdue_only else timedelta(0)
    if due_before is None:
        due_before = now - DIGEST_PERIOD[frequency] - late
    due = Subscription.objects.digest_due(frequency, due_before)
    ids = list(due.order_by("id").values_list("id", flat=True))
    starts = ids[::chunk]
    ends = [*starts[1:], ids[-1] + 1] if ids else []
    return DigestPlan(frequency, now, due_before, list(zip(starts, ends, strict=True)))


def digest_collect_chunk(
    *, plan: DigestPlan, id_from: int, id_to: int, enqueue: bool = True
) -> tuple[int, list[int]]:
    """Collect one range of a digest into the outbox, in one statement and one transaction.

    For each due alert, every live posting that went live since its watermark and
    matches becomes a delivery row; the watermark moves to the run's moment. An alert
    with nothing new gets no row, hence no email; one already collected is no longer
    due, so a rerun (a redelivered task, a second beat) adds nothing. The commit is
    not waited for on disk: if it were lost in a crash, rows and watermark go
    together and the digest is simply collected again.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute("SET LOCAL work_mem TO '64MB'")  # the alert × group pairs
        processed, with_new = matching.record_digest_matches(
            frequency=plan.frequency,
            now=plan.now,
            due_before=plan.due_before,
            overlap_seconds=DIGEST_OVERLAP_SECONDS,
            next_attempt_at=_grace(plan.now),
            id_from=id_from,
            id_to=id_to,
        )
        if enqueue:
            enqueue_compose_on_commit(with_new)
    return processed, with_new


def digests_collect(
    *,
    frequency: str,
    now: datetime | None = None,
    chunk: int = DIGEST_CHUNK,
    overdue_only: bool = False,
    enqueue: bool = True,
    parallel: int = 1,
    due_before: datetime | None = None,
) -> DigestReport:
    """Collect the whole digest in this process, `parallel` ranges at a time.

    The beat task fans the ranges out to the workers instead (alerts.tasks); this is
    for the sweeper, the benchmark and tests.
    """
    plan = digest_plan(
        frequency=frequency,
        now=now,
        chunk=chunk,
        overdue_only=overdue_only,
        due_before=due_before,
    )
    report = DigestReport(frequency=frequency, chunks=len(plan.ranges))

    def run(bounds: tuple[int, int]) -> tuple[int, list[int]]:
        return digest_collect_chunk(plan=plan, id_from=bounds[0], id_to=bounds[1], enqueue=enqueue)

    if parallel <= 1 or len(plan.ranges) <= 1:
        results = [run(bounds) for bounds in plan.ranges]
    else:
        from concurrent.futures import ThreadPoolExecutor

        from django.db import connections

        def in_thread(bounds: tuple[int, int]) -> tuple[int, list[int]]:
            try:
                return run(bounds)
            finally:
                connections.close_all()  # each thread had a connection of its own

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            results = list(pool.map(in_thread, plan.ranges))
    for processed, with_new in results:
        report.subscriptions += processed
        report.with_new.extend(with_new)
    return report


# --------------------------------------------------------------------------- composing


@dataclass
class ComposeReport:
    pending: int = 0
    emails: int = 0
    skipped_rows: int = 0


def alert_topic(subscription_id: int) -> str:
    """The outbox topic of an alert's emails (cancelled when it is unsubscribed)."""
    return f"subscription:{subscription_id}"


def _skip(ids: list[int], reason: str) -> int:
    return Delivery.objects.filter(pk__in=ids, skipped_at=None, sent_at=None).update(
        skipped_at=timezone.now(), skip_reason=reason
    )


@transaction.atomic
def alerts_compose(*, subscription_ids: list[int]) -> ComposeReport:
    """Turn these subscriptions' pending rows into emails in the outbox: one email per
    subscription, in one transaction (a crash rolls it all back; rows another composer
    holds are left to it)."""
    grouped = _claim_pending(subscription_ids)
    report = ComposeReport(pending=sum(len(items) for items in grouped.values()))
    if not grouped:
        return report
    subscriptions = Subscription.objects.in_bulk(list(grouped))
    listing_ids = [lid for items in grouped.values() for _, lid in items]
    live = Listing.objects.live().with_company().in_bulk(listing_ids)
    email_ids = []
    for subscription_id in sorted(grouped):
        email = _compose_one(subscriptions.get(subscription_id), grouped[subscription_id], live)
        report.skipped_rows += email.skipped
        if email.pk is not None:
            email_ids.append(email.pk)
            report.emails += 1
    send_on_commit(email_ids)
    return report


def _claim_pending(subscription_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """The pending (delivery id, listing id) rows of each subscription, row-locked; rows
    another composer holds are skipped."""
    rows = (
        Delivery.objects.pending()
        .filter(subscription_id__in=list(subscription_ids))
        .select_for_update(skip_locked=True)
        .values_list("id", "subscription_id", "listing_id")
    )
    grouped: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for delivery_id, subscription_id, listing_id in rows:
        grouped[subscription_id].append((delivery_id, listing_id))
    return grouped


@dataclass
class _Composed:
    pk: int | None  # the outbox email, or None when nothing was left to send
    skipped: int


def _compose_one(
    subscription: Subscription | None, items: list[tuple[int, int]], live: dict
) -> _Composed:
    """One subscription's email: its rows whose posting is still live, linked to one
    outbox email; the rest skipped (alert stopped, or posting gone)."""
    if subscription is None or subscription.status != Status.ACTIVE:
        return _Composed(None, _skip([d for d, _ in items], Delivery.Skip.STOPPED))
    skipped = _skip([d for d, lid in items if lid not in live], Delivery.Skip.NOT_LIVE)
    keep = [(d, live[lid]) for d, lid in items if lid in live]
    if not keep:
        return _Composed(None, skipped)
    delivery_ids = [d for d, _ in keep]
    message = alert_message(
        subscription=subscription,
        listings=[listing for _, listing in keep],
        delivery_ids=delivery_ids,
    )
    key = "alert:" + message.extra_headers["Message-ID"]
    email = email_enqueue(
        kind=EmailKind.ALERT,
        key=key,
        message=message,
        topic=alert_topic(subscription.pk),
        send=False,
    ) or Email.objects.get(key=key)
    Delivery.objects.filter(pk__in=delivery_ids).update(email=email)
    return _Composed(email.pk, skipped)


# what an alert email's end means for its deliveries
_SKIP_FOR_FAILURE = {
    Email.Failure.REFUSED: Delivery.Skip.REFUSED,
    Email.Failure.CANCELLED: Delivery.Skip.STOPPED,
    Email.Failure.EXPIRED: Delivery.Skip.GIVEN_UP,
}


def _deliveries_follow_emails(email_ids: list[int] | None = None) -> None:
    """Deliveries take their email's outcome: sent when it was sent, skipped (with the
    failure's reason) when it was refused, cancelled or given up. For these emails
    (the outbox hooks), or for every email whose deliveries have not followed yet (the
    sweeper: what a failed hook left)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE alerts_delivery d
               SET sent_at = e.sent_at,
                   skipped_at = CASE WHEN e.sent_at IS NULL THEN e.failed_at END,
                   skip_reason = CASE WHEN e.sent_at IS NULL
                       THEN COALESCE((%(reasons)s::jsonb) ->> e.failure, %(refused)s)
                       ELSE '' END
              FROM outbox_email e
             WHERE d.email_id = e.id AND d.sent_at IS NULL AND d.skipped_at IS NULL
               AND (e.sent_at IS NOT NULL OR e.failed_at IS NOT NULL)
               AND (%(every)s OR e.id = ANY (%(ids)s))
            """,
            {
                "every": email_ids is None,
                "ids": list(email_ids or []),
                "reasons": json.dumps({str(k): str(v) for k, v in _SKIP_FOR_FAILURE.items()}),
                "refused": str(Delivery.Skip.REFUSED),
            },
        )


def alert_emails_sent(email_ids: list[int]) -> None:
    """Outbox hook: the server accepted these alert emails."""
    _deliveries_follow_emails(email_ids)


def alert_emails_failed(email_ids: list[int]) -> None:
    """Outbox hook: these alert emails were refused for good, cancelled or given up."""
    _deliveries_follow_emails(email_ids)


# --------------------------------------------------------------------------- confirmation


def confirmation_enqueue(*, subscription: Subscription, now: datetime | None = None) -> bool:
    """Put the confirmation email of a pending subscription in the outbox, at most once
    (in the caller's transaction)."""
    now = now or timezone.now()
    claimed = Subscription.objects.filter(
        pk=subscription.pk, status=Status.PENDING, confirmation_sent_at=None
    ).update(confirmation_sent_at=now)
    if not claimed:
        return False
    subscription.confirmation_sent_at = now
    email_enqueue(
        kind=EmailKind.ALERT_CONFIRMATION,
        key=f"alert_confirmation:{subscription.pk}",
        message=confirmation_message(subscription=subscription),
    )
    return True


# --------------------------------------------------------------------------- sweeping


@dataclass
class SweepReport:
    match_jobs: int = 0
    deliveries: int = 0
    subscriptions: int = 0
    confirmations: int = 0
    overdue_digests: int = 0


def deliveries_sweep(*, now: datetime | None = None) -> SweepReport:
    """Re-enqueue the matching and composing that is due and not done: the safety net
    under tasks and brokers (the outbox's own sweeper does the same for sending).

    Rows the sweeper enqueues get a new next_attempt_at a grace period ahead, so a
    long backlog is not enqueued again every minute while it drains.
    """
    now = now or timezone.now()
    report = SweepReport()
    for listing_id in MatchJob.objects.unfinished(now).values_list("listing_id", flat=True)[:1000]:
        report.match_jobs += _enqueue(MATCH_TASK, listing_id)
    with transaction.atomic():
        due = Delivery.objects.due(now).order_by("next_attempt_at").values("id")[:SWEEP_LIMIT]
        subscription_ids = sorted(
            set(
                Delivery.objects.filter(id__in=due)
                .select_for_update(skip_locked=True)
                .values_list("subscription_id", flat=True)
            )
        )
        report.deliveries = Delivery.objects.filter(
            id__in=due, subscription_id__in=subscription_ids
        ).update(next_attempt_at=_grace(now))
        report.subscriptions = len(subscription_ids)
        enqueue_compose_on_commit(subscription_ids)
    _deliveries_follow_emails()  # what a failed outbox hook left
    for subscription in Subscription.objects.confirmation_unqueued(now)[:1000]:
        with transaction.atomic():
            report.confirmations += confirmation_enqueue(subscription=subscription, now=now)
    for frequency in DIGEST_PERIOD:
        report.overdue_digests += digests_collect(
            frequency=frequency, now=now, overdue_only=True
        ).subscriptions
    return report


def alerts_cleanup(*, now: datetime | None = None) -> int:
    """Delete subscriptions never confirmed before their link expired."""
    now = now or timezone.now()
    deleted, _ = Subscription.objects.unconfirmed_expired(now).delete()
    return deleted


def delivery_health(now: datetime | None = None) -> dict:
    """Figures for operators: what is owed, how late, what keeps failing."""
    now = now or timezone.now()
    unsent = Delivery.objects.unsent()
    oldest = unsent.order_by("created_at").values_list("created_at", flat=True).first()
    alert_emails = Email.objects.filter(kind=EmailKind.ALERT).unsent()
    return {
        "unsent": unsent.count(),
        "oldest_unsent_minutes": int((now - oldest).total_seconds() // 60) if oldest else 0,
        "pending": Delivery.objects.pending().count(),
        "failing": alert_emails.exclude(last_error="").count(),
        "claimed": alert_emails.exclude(claimed_at=None).count(),
        "sent_last_24h": Delivery.objects.filter(sent_at__gte=now - timedelta(days=1)).count(),
        "open_match_jobs": MatchJob.objects.filter(done_at=None).count(),
        "subscriptions_active": Subscription.objects.active().count(),
        "subscriptions_pending": Subscription.objects.filter(status=Status.PENDING).count(),
        "outbox": outbox_health(now),
    }

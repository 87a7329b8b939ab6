"""Workflows on postings that cross models or reach the outside world."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from listings import signals
from listings.access import counts_as_recruiter, is_operator, may_publish
from listings.choices import ModerationAction, ReportStatus, Status
from listings.emails import expiry_reminder_message, moderation_message
from listings.models import Company, Listing, ModerationEvent, Recruiter, Report
from outbox.kinds import Kind
from outbox.services import email_enqueue

RECRUITERS_GROUP = "Recruiters"


@transaction.atomic
def recruiter_create(*, username: str, email: str, password: str, company: Company):
    """A staff user in the Recruiters group who posts for `company`."""
    user = get_user_model().objects.create_user(
        username=username, email=email, password=password, is_staff=True
    )
    user.groups.add(Group.objects.get(name=RECRUITERS_GROUP))
    Recruiter.objects.create(user=user, company=company)
    return user


def listing_publish(*, listing: Listing, by=None, now=None) -> Listing:
    """Publish a posting (first publication fixes its date_posted), and record who did.

    The one way a posting goes live. Only `may_publish(by, listing)`: other recruiters
    submit for review. The first time a posting goes live, `posting_went_live` is sent
    in the transaction (alerts record its instant-alert job there); republishing or
    editing a posting that was already live never sends it again.
    """
    with transaction.atomic():
        _lock(listing)
        if not may_publish(by, listing):
            raise PermissionDenied(
                "Postings of your company are published by the board's operators: "
                "submit it for review."
            )
        first_time = listing.date_posted is None
        was_live = listing.status == Status.PUBLISHED and not listing.is_expired
        listing._publish(now=now)
        if not was_live:
            _record(listing, ModerationAction.PUBLISHED, by)
        if first_time and listing.date_posted is not None:
            signals.posting_went_live.send(sender=Listing, listing=listing)
    return listing


def listing_submit(*, listing: Listing, by=None) -> Listing:
    """Send a draft to the operators' review queue (clears a returned posting's reason)."""
    with transaction.atomic():
        _lock(listing)
        listing.submit_for_review()
        _record(listing, ModerationAction.SUBMITTED, by)
    return listing


def listing_edited(*, listing: Listing, by) -> bool:
    """After `by` changed a published or in-review posting: if they may not publish it,
    it waits for an operator's review again, recorded. True if it went back to review."""
    if may_publish(by, listing) or listing.status not in (Status.PUBLISHED, Status.REVIEW):
        return False
    with transaction.atomic():
        _lock(listing)
        if listing.status not in (Status.PUBLISHED, Status.REVIEW):
            return False
        was = listing.get_status_display().lower()
        listing.back_to_review()
        _record(listing, ModerationAction.SUBMITTED, by, f"Changed while {was}.")
    return True


def listing_return(*, listing: Listing, by, reason: str) -> ModerationEvent:
    """An operator sends a posting in review back to its recruiters, who are emailed the
    reason and see it on the posting until they submit it again."""
    _require_operator(by)
    with transaction.atomic():
        _lock(listing)
        listing.return_to_recruiter(reason=reason)
        event = _record(listing, ModerationAction.RETURNED, by, listing.moderation_reason)
        _tell_recruiters(listing, event)
    return event


def listing_unpublish(*, listing: Listing, by, reason: str) -> ModerationEvent:
    """An operator takes a live posting off every public page, with a reason its
    recruiters are emailed and see; the posting's open reports count as acted on."""
    _require_operator(by)
    with transaction.atomic():
        _lock(listing)
        listing.unpublish(reason=reason)
        event = _record(listing, ModerationAction.UNPUBLISHED, by, listing.moderation_reason)
        _close_reports(listing, by, ReportStatus.ACTIONED)
        _tell_recruiters(listing, event)
    return event


def reports_dismiss(*, listing: Listing, by) -> int:
    """An operator finds nothing wrong: the posting's open reports are closed, recorded."""
    _require_operator(by)
    with transaction.atomic():
        closed = _close_reports(listing, by, ReportStatus.DISMISSED)
        if closed:
            _record(
                listing,
                ModerationAction.REPORT_DISMISSED,
                by,
                f"{closed} report{'s' if closed != 1 else ''} dismissed.",
            )
    return closed


def report_create(*, listing: Listing, reason: str, note: str = "") -> Report:
    """A visitor's report on a live posting, for the operators' queue."""
    if not Listing.objects.live().filter(pk=listing.pk).exists():
        raise ValidationError("Only a live posting can be reported.")
    return Report.objects.create(listing=listing, reason=reason, note=note.strip())


def company_recipients(company: Company) -> list[str]:
    """The addresses of a company's recruiters (listings.access: active staff, not
    operators), for emails about its postings."""
    return sorted(
        {
            r.user.email
            for r in company.recruiters.select_related("user")
            if counts_as_recruiter(r.user) and r.user.email
        }
    )


def _lock(listing: Listing) -> None:
    """Lock the posting's row for the transaction and read its lifecycle afresh, so two
    steps taken at once (an operator returning what another publishes) never act on a
    status one of them no longer has: the second waits, then sees the first's result."""
    list(Listing.objects.select_for_update().filter(pk=listing.pk).values_list("pk"))
    listing.refresh_from_db(fields=Listing.LIFECYCLE_FIELDS)


def _require_operator(user) -> None:
    if not is_operator(user):
        raise PermissionDenied("Only the board's operators moderate postings.")


def _record(listing: Listing, action: str, by, reason: str = "") -> ModerationEvent:
    actor = by if by is not None and by.pk else None
    return ModerationEvent.objects.create(
        listing=listing, action=action, reason=reason, actor=actor
    )


def _close_reports(listing: Listing, by, status: str) -> int:
    return Report.objects.filter(listing=listing, status=ReportStatus.OPEN).update(
        status=status, handled_by=by, handled_at=timezone.now()
    )


def _tell_recruiters(listing: Listing, event: ModerationEvent) -> None:
    recipients = company_recipients(listing.company)
    if recipients:
        email_enqueue(
            kind=Kind.MODERATION,
            key=f"moderation:{event.pk}",
            message=moderation_message(listing=listing, event=event, recipients=recipients),
        )


@transaction.atomic
def recruiter_link(*, user, company: Company, recruiter: Recruiter | None = None) -> Recruiter:
    """Make an existing user a recruiter of `company`: staff, in the Recruiters group."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=RECRUITERS_GROUP))
    recruiter = recruiter or Recruiter(user=user)
    recruiter.user = user
    recruiter.company = company
    recruiter.save()
    return recruiter


EXPIRY_REMINDER_DAYS = 3


def listing_queue_expiry_reminder(*, listing_id: int, days: int = EXPIRY_REMINDER_DAYS) -> bool:
    """Put the "your posting expires" email to the company's recruiters in the outbox,
    at most once per posting and expiry date.

    The conditional UPDATE and the outbox row are one transaction: a rerun finds the
    reminder recorded and does nothing; a crash leaves neither. Extending the posting
    clears the mark, so the new date gets its own reminder.
    """
    with transaction.atomic():
        claimed = (
            Listing.objects.expiring_within(days)
            .filter(pk=listing_id, expiry_reminder_sent_at__isnull=True)
            .update(expiry_reminder_sent_at=timezone.now())
        )
        if not claimed:
            return False
        listing = Listing.objects.with_company().get(pk=listing_id)
        recipients = company_recipients(listing.company)
        if not recipients:
            return False
        email = email_enqueue(
            kind=Kind.EXPIRY_REMINDER,
            key=f"expiry_reminder:{listing.pk}:{listing.valid_through:%Y-%m-%d}",
            message=expiry_reminder_message(listing=listing, recipients=recipients),
        )
    return email is not None

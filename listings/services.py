"""Workflows on postings that cross models or reach the outside world."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from listings.models import Company, Listing, Recruiter

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


def listing_publish(*, listing: Listing, by=None) -> Listing:
    """Publish a posting (first publication fixes its date_posted).

    The first time a posting goes live, its instant alerts are matched after the
    commit (alerts.services.posting_went_live); republishing or editing a posting
    that was already live never alerts again.
    """
    from alerts.services import posting_went_live

    first_time = listing.date_posted is None
    with transaction.atomic():
        listing.publish(by=by)
        if first_time and listing.date_posted is not None:
            posting_went_live(listing=listing)
    return listing


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
    from django.utils import timezone

    from listings.emails import expiry_reminder_message
    from outbox.kinds import Kind
    from outbox.services import email_enqueue

    with transaction.atomic():
        claimed = (
            Listing.objects.expiring_within(days)
            .filter(pk=listing_id, expiry_reminder_sent_at__isnull=True)
            .update(expiry_reminder_sent_at=timezone.now())
        )
        if not claimed:
            return False
        listing = Listing.objects.with_company().get(pk=listing_id)
        recipients = sorted(
            {
                r.user.email
                for r in listing.company.recruiters.select_related("user")
                if r.user.is_active and r.user.email
            }
        )
        if not recipients:
            return False
        email = email_enqueue(
            kind=Kind.EXPIRY_REMINDER,
            key=f"expiry_reminder:{listing.pk}:{listing.valid_through:%Y-%m-%d}",
            message=expiry_reminder_message(listing=listing, recipients=recipients),
        )
    return email is not None

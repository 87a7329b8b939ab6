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
    """Publish a posting (first publication fixes its date_posted)."""
    with transaction.atomic():
        listing.publish(by=by)
    return listing

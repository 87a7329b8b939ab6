"""Reads on candidates' data; who is an operator or a recruiter is listings.access's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.apps import apps
from django.db import models

from candidates.choices import Visibility
from listings.access import is_active_staff, is_operator, recruiter_company
from listings.models import Company, Listing


class ProfileQuerySet(models.QuerySet):
    def visible_to_recruiter(self, user) -> ProfileQuerySet:
        """Profiles a staff user may read: all for operators; for recruiters, those
        visible to recruiters plus those who applied to their company's postings."""
        if is_operator(user):
            return self
        if recruiter_company(user) is None:  # staff who post for no company see none
            return self.none()
        return self.filter(
            models.Q(visibility=Visibility.RECRUITERS)
            | models.Q(user__in=self._applicants_to_company_of(user))
        )

    def resume_readable_by(self, user) -> ProfileQuerySet:
        """Profiles whose current résumé `user` may download: their own; operators all;
        recruiters only of candidates who applied to their company's postings."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if is_operator(user):
            return self
        condition = models.Q(user=user)
        if is_active_staff(user):
            condition |= models.Q(user__in=self._applicants_to_company_of(user))
        return self.filter(condition)

    @staticmethod
    def _applicants_to_company_of(user):
        # the model by name: candidates.models imports this module for its managers
        application = apps.get_model("candidates", "Application")
        return (
            application.objects.filter(
                listing__company__recruiters__user=user, candidate__isnull=False
            )
            .values("candidate")
            .distinct()
        )


class SavedPostingQuerySet(models.QuerySet):
    def of(self, user) -> SavedPostingQuerySet:
        """The saved postings of `user` (none for anonymous visitors)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def listing_ids(self, user, listings: Iterable | None = None) -> set[int]:
        """Ids of the postings `user` saved, among `listings` if given: one query."""
        qs = self.of(user)
        if listings is not None:
            ids = [getattr(item, "pk", item) for item in listings]
            if not ids:
                return set()
            qs = qs.filter(listing_id__in=ids)
        return set(qs.values_list("listing_id", flat=True))


class ApplicationQuerySet(models.QuerySet):
    def recruiters_not_told(self, now) -> ApplicationQuerySet:
        """Applications of the last week whose recruiters' email was never queued (made
        before the outbox existed, or while the posting had no recruiter address)."""
        return self.filter(
            recruiters_notified_at=None,
            created_at__lt=now - timedelta(minutes=5),
            created_at__gt=now - timedelta(days=7),
        )

    def of(self, user) -> ApplicationQuerySet:
        """Applications `user` sent (none for anonymous visitors)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(candidate=user)

    def for_recruiter(self, user) -> ApplicationQuerySet:
        """Applications a staff user may handle: all for operators, to their company's
        postings for recruiters, none for anyone else."""
        if is_operator(user):
            return self
        if not is_active_staff(user):
            return self.none()
        return self.filter(listing__in=Listing.objects.for_recruiter(user))

    def visible_to(self, user) -> ApplicationQuerySet:
        """Applications `user` may open (and whose résumé copy they may download):
        their own, and as staff those of `for_recruiter`."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if is_operator(user):
            return self
        condition = models.Q(candidate=user)
        if is_active_staff(user):
            # a subquery, not a join: a join through a company's several recruiters
            # would repeat the candidate's own rows
            condition |= models.Q(listing__company__in=Company.objects.for_recruiter(user))
        return self.filter(condition)

    def with_listing(self) -> ApplicationQuerySet:
        """Join the posting and its company for list pages."""
        return self.select_related("listing", "listing__company")

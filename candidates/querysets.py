"""Reads on candidates' data; each permission rule is spelled here once."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


def _is_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _is_recruiter(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


class ProfileQuerySet(models.QuerySet):
    def visible_to_recruiter(self, user) -> ProfileQuerySet:
        """Profiles a staff user may read: all for operators; for recruiters, those
        visible to recruiters plus those who applied to their company's postings."""
        from candidates.choices import Visibility

        if _is_operator(user):
            return self
        if not _is_recruiter(user):
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
        if _is_operator(user):
            return self
        condition = models.Q(user=user)
        if _is_recruiter(user):
            condition |= models.Q(user__in=self._applicants_to_company_of(user))
        return self.filter(condition)

    @staticmethod
    def _applicants_to_company_of(user):
        from candidates.models import Application

        return (
            Application.objects.filter(
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
        from datetime import timedelta

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
        from listings.models import Listing

        if _is_operator(user):
            return self
        if not _is_recruiter(user):
            return self.none()
        return self.filter(listing__in=Listing.objects.for_recruiter(user))

    def visible_to(self, user) -> ApplicationQuerySet:
        """Applications `user` may open (and whose résumé copy they may download):
        their own, and as staff those of `for_recruiter`."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if _is_operator(user):
            return self
        condition = models.Q(candidate=user)
        if _is_recruiter(user):
            # a subquery, not a join: a join through a company's several recruiters
            # would repeat the candidate's own rows
            from listings.models import Company

            condition |= models.Q(
                listing__company__in=Company.objects.filter(recruiters__user=user)
            )
        return self.filter(condition)

    def with_listing(self) -> ApplicationQuerySet:
        """Join the posting and its company for list pages."""
        return self.select_related("listing", "listing__company")

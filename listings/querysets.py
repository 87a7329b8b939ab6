"""Reads on postings and companies: each word ("live", "expiring") is defined here once."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import models
from django.utils import timezone

SEARCH_CONFIG = "english"


def search_query(text: str) -> SearchQuery:
    """The user's words as a PostgreSQL websearch query ("quotes", -exclude, or)."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def live_q(prefix: str = "") -> models.Q:
    """The condition "live" (published, posted, not expired), optionally through a relation."""
    now = timezone.now()
    return models.Q(
        **{
            f"{prefix}status": "published",
            f"{prefix}date_posted__lte": now,
            f"{prefix}valid_through__gt": now,
        }
    )


class ListingQuerySet(models.QuerySet):
    def live(self) -> ListingQuerySet:
        """Published, already posted and not past valid_through: what the public may see."""
        return self.filter(live_q())

    def expired(self) -> ListingQuerySet:
        """Published but past valid_through: left every public surface by itself."""
        return self.filter(status="published", valid_through__lte=timezone.now())

    def expiring_within(self, days: int) -> ListingQuerySet:
        """Live postings whose valid_through falls within the next `days` days."""
        return self.live().filter(valid_through__lte=timezone.now() + timedelta(days=days))

    def for_recruiter(self, user) -> ListingQuerySet:
        """Postings a staff user may manage: all for operators, their company's for recruiters."""
        if user.is_superuser:
            return self
        if not user.is_active or not user.is_staff:
            return self.none()
        return self.filter(company__recruiters__user=user)

    def with_company(self) -> ListingQuerySet:
        """Join the company (and its industry) for list rendering without extra queries."""
        return self.select_related("company", "company__industry")

    def search(self, text: str) -> ListingQuerySet:
        """Full-text match on every field, annotated with `rank`.

        The match uses the whole weighted vector; the rank uses the compact head
        vector (title and company A, KPIs, skills and technologies B), so a role
        named for the words outranks one that mentions them in passing, and ranking
        a hundred thousand matches stays cheap. Equal ranks fall back to recency.
        """
        query = search_query(text)
        return self.filter(search_vector=query).annotate(
            rank=SearchRank(models.F("head_vector"), query)
        )

    def newest_first(self) -> ListingQuerySet:
        """Newest posting first; id breaks ties so pages are stable."""
        return self.order_by("-date_posted", "-id")


class CompanyQuerySet(models.QuerySet):
    def for_recruiter(self, user) -> CompanyQuerySet:
        """Companies a staff user may act for: all for operators, their own for recruiters."""
        if user.is_superuser:
            return self
        if not user.is_active or not user.is_staff:
            return self.none()
        return self.filter(recruiters__user=user)

    def with_live_count(self) -> CompanyQuerySet:
        """Annotate each company with its number of live postings (`live_count`)."""
        return self.annotate(live_count=models.Count("listings", filter=live_q("listings__")))

"""The posting figures candidates make: in-app applications and saves, per UTC day
(registered with listings.stats in CandidatesConfig.ready)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from candidates.models import Application, SavedPosting
from listings.stats import utc_day_bounds


def _per_listing(queryset, day: date) -> dict[int, int]:
    start, end = utc_day_bounds(day)
    rows = (
        queryset.filter(created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("listing_id")
        .annotate(n=Count("id"))
        .values_list("listing_id", "n")
    )
    return dict(rows)


def applications_on(day: date) -> dict[int, int]:
    """Applications sent on `day` (UTC), per posting."""
    return _per_listing(Application.objects.all(), day)


def saves_on(day: date) -> dict[int, int]:
    """Postings saved on `day` (UTC) and still saved, per posting."""
    return _per_listing(SavedPosting.objects.all(), day)

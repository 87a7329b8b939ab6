"""The posting figure alerts make: alert emails sent that carried each posting, per UTC
day (registered with listings.stats in AlertsConfig.ready)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from alerts.models import Delivery
from listings.stats import utc_day_bounds


def alert_emails_on(day: date) -> dict[int, int]:
    """Alert emails the mail server accepted on `day` (UTC) that carried each posting:
    one per delivery whose email was sent that day (an email carries several postings,
    each posting reaches one alert at most once)."""
    start, end = utc_day_bounds(day)
    rows = (
        Delivery.objects.filter(email__sent_at__gte=start, email__sent_at__lt=end)
        .order_by()
        .values("listing_id")
        .annotate(n=Count("id"))
        .values_list("listing_id", "n")
    )
    return dict(rows)

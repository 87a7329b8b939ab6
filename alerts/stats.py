"""The posting figure alerts make: alert emails sent that carried each posting, per UTC
day (registered with listings.stats in AlertsConfig.ready)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count

from alerts.models import Delivery


def alert_emails_on(day: date) -> dict[int, int]:
    """Alert emails the mail server accepted on `day` (UTC) that carried each posting:
    one per delivery whose email was sent that day (an email carries several postings,
    each posting reaches one alert at most once)."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    rows = (
        Delivery.objects.filter(
            email__sent_at__gte=start, email__sent_at__lt=start + timedelta(days=1)
        )
        .order_by()
        .values("listing_id")
        .annotate(n=Count("id"))
        .values_list("listing_id", "n")
    )
    return dict(rows)

"""A digest split into id ranges, collected several at a time, is the same digest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alerts import matching, services
from alerts.models import Delivery, Frequency, Subscription
from tests.alerts.factories import DailySubscriptionFactory
from tests.factories import LiveListingFactory, RemoteListingFactory


@pytest.mark.django_db(transaction=True)
def test_ranges_collected_in_parallel_give_every_due_pair_once():
    now = timezone.now()
    criteria = [
        {"level": ["vp"]},
        {"level": ["director"], "country": ["US"]},
        {"workplace": ["remote"], "country": ["CA"]},
        {"salary_min": 170_000},
        {"kpi": ["csat", "fcr"]},
        {},
    ]
    alerts = [
        DailySubscriptionFactory(
            criteria=criteria[n % len(criteria)], watermark=now - timedelta(days=1)
        )
        for n in range(30)
    ]
    postings = [
        LiveListingFactory(level="vp", date_posted=now - timedelta(hours=2)),
        LiveListingFactory(level="director", date_posted=now - timedelta(hours=3)),
        RemoteListingFactory(
            level="senior_director",
            applicant_countries=["CA"],
            date_posted=now - timedelta(hours=4),
        ),
        LiveListingFactory(
            level="director", salary_max=160_000, date_posted=now - timedelta(days=3)
        ),  # before the watermark
    ]
    expected = {
        (alert_id, posting.pk)
        for posting in postings[:3]
        for alert_id in matching.matching_subscription_ids(
            posting.pk, now=now, frequency=Frequency.DAILY
        )
    }
    report = services.digests_collect(
        frequency=Frequency.DAILY, now=now, chunk=7, parallel=3, enqueue=False
    )
    assert report.chunks == 5 and report.subscriptions == 30
    got = list(Delivery.objects.values_list("subscription_id", "listing_id"))
    assert len(got) == len(set(got))
    assert set(got) == expected and expected
    assert sorted(report.with_new) == sorted({alert for alert, _ in expected})
    # every alert's watermark moved to the run's moment; a second run finds nothing due
    watermarks = Subscription.objects.filter(pk__in=[a.pk for a in alerts]).values_list(
        "watermark", flat=True
    )
    assert set(watermarks) == {now}
    assert services.digests_collect(frequency=Frequency.DAILY, now=now, parallel=3).chunks == 0

"""Alert factories, one per state tests care about."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from alerts.models import Frequency, Status, Subscription


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """An active (confirmed) alert. Pass criteria={...} in ListingFilter parameters."""

    class Meta:
        model = Subscription
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"subscriber{n}@example.com")
    name = factory.Sequence(lambda n: f"Alert {n}")
    frequency = Frequency.INSTANT
    status = Status.ACTIVE
    created_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    watermark = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))

    @classmethod
    def _create(cls, model_class, *args, criteria=None, **kwargs):
        subscription = model_class(*args, **kwargs)
        subscription.set_criteria(criteria or {})
        subscription.save()
        return subscription


class PendingSubscriptionFactory(SubscriptionFactory):
    status = Status.PENDING
    confirmed_at = None


class DailySubscriptionFactory(SubscriptionFactory):
    frequency = Frequency.DAILY


class WeeklySubscriptionFactory(SubscriptionFactory):
    frequency = Frequency.WEEKLY
    watermark = factory.LazyFunction(lambda: timezone.now() - timedelta(days=8))

"""The beat task that keeps the search projection small changes no number anyone sees."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from listings.models import Listing, SearchCount, SearchEntry
from listings.search import live_counts
from listings.tasks import maintain_search
from tests.factories import LiveListingFactory

pytestmark = pytest.mark.django_db


def test_maintenance_prunes_expired_entries_and_folds_count_deltas_without_changing_counts():
    for level in ["director", "vp", "vp", "senior_director"]:
        LiveListingFactory(level=level, kpis=[{"code": "nps"}])
    soon = LiveListingFactory(level="vp")
    Listing.objects.filter(pk=soon.pk).update(valid_through=timezone.now() + timedelta(hours=1))
    rows_before = SearchCount.objects.count()
    assert rows_before > 10  # one delta row per option per statement

    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        before = live_counts()
        assert before.total == 4
        result = maintain_search()
        after = live_counts()

    assert result["pruned"] == 1
    assert not SearchEntry.objects.filter(pk=soon.pk).exists()
    assert SearchCount.objects.count() == result["count_rows"] < rows_before
    assert (after.total, after.facets) == (before.total, before.facets)
    assert after.facets["level"] == {"director": 1, "vp": 2, "senior_director": 1}
    assert after.facets["kpi"]["nps"] == 4

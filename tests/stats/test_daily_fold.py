"""The fold writes each posting's absolute figures for a UTC day into PostingDay, from
Redis and from the tables of applications, saved postings and sent alert emails: run
twice it writes the same rows; with Redis down it keeps the Redis columns and still
folds the tables; beat runs it every 15 minutes for yesterday and today."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.conf import settings as django_settings

from alerts.models import Delivery
from candidates.models import Application, SavedPosting
from listings import stats
from listings.choices import ApplyMethod
from listings.models import Listing, PostingDay
from listings.tasks import fold_posting_stats
from tests.alerts.factories import SubscriptionFactory
from tests.candidates.factories import ApplicationFactory, SavedPostingFactory
from tests.factories import LiveListingFactory
from tests.stats.broken_redis import BrokenRedis
from tests.stats.helpers import PHONE, visit
from tests.support.outbox import send_alerts_now

pytestmark = pytest.mark.django_db

COLUMNS = (
    "visitors",
    "views",
    "impressions",
    "apply_clicks",
    "applications",
    "saves",
    "alert_emails",
)


def rows() -> list[tuple]:
    return list(
        PostingDay.objects.order_by("listing_id", "day").values_list("listing_id", "day", *COLUMNS)
    )


def figures(listing, day=None) -> dict:
    row = PostingDay.objects.get(listing=listing, day=day or stats.utc_today())
    return {c: getattr(row, c) for c in COLUMNS}


def zero(**figures) -> dict:
    return {**dict.fromkeys(COLUMNS, 0), **figures}


@pytest.fixture
def listing():
    return LiveListingFactory(apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1")


def browse(client, listing) -> None:
    """Two visitors, three views, one results page, one apply click."""
    visit(client, listing.get_absolute_url(), address="198.51.100.1")
    visit(client, listing.get_absolute_url(), address="198.51.100.1")
    visit(client, listing.get_absolute_url(), address="198.51.100.2", agent=PHONE)
    visit(client, "/jobs/")
    visit(client, f"{listing.get_absolute_url()}apply/out/")


def test_the_fold_writes_absolute_figures_and_a_second_run_writes_the_same_rows(client, listing):
    browse(client, listing)
    assert stats.stats_fold(day=stats.utc_today()) == 1
    assert figures(listing) == zero(visitors=2, views=3, impressions=1, apply_clicks=1)
    first = rows()
    stats.stats_fold(day=stats.utc_today())
    assert rows() == first
    visit(client, listing.get_absolute_url(), address="198.51.100.3")
    stats.stats_fold(day=stats.utc_today())
    assert figures(listing) == zero(visitors=3, views=4, impressions=1, apply_clicks=1)


def test_the_fold_counts_applications_saves_and_alert_emails_from_their_tables(listing):
    other = LiveListingFactory()
    ApplicationFactory.create_batch(2, listing=listing)
    ApplicationFactory(listing=other)
    SavedPostingFactory.create_batch(3, listing=listing)
    # two alerts sent with the posting, a third composed but not sent yet
    sent = [SubscriptionFactory(), SubscriptionFactory()]
    for subscription in sent:
        Delivery.objects.create(subscription=subscription, listing=listing)
        Delivery.objects.create(subscription=subscription, listing=other)
    assert send_alerts_now([s.pk for s in sent]).emails == 2
    waiting = SubscriptionFactory()
    Delivery.objects.create(subscription=waiting, listing=listing)
    stats.stats_fold(day=stats.utc_today())
    assert figures(listing) == zero(applications=2, saves=3, alert_emails=2)
    assert figures(other) == zero(applications=1, alert_emails=2)


def test_a_day_is_a_utc_day(listing):
    today = stats.utc_today()
    midnight = datetime.combine(today, time.min, tzinfo=UTC)
    late, early = ApplicationFactory(listing=listing), ApplicationFactory(listing=listing)
    Application.objects.filter(pk=late.pk).update(created_at=midnight - timedelta(seconds=1))
    Application.objects.filter(pk=early.pk).update(created_at=midnight)
    stats.fold_days(today=today)
    assert figures(listing, today - timedelta(days=1))["applications"] == 1
    assert figures(listing, today)["applications"] == 1


def test_what_the_tables_no_longer_hold_goes_back_to_zero(listing):
    saved = SavedPostingFactory(listing=listing)
    stats.stats_fold(day=stats.utc_today())
    assert figures(listing)["saves"] == 1
    SavedPosting.objects.filter(pk=saved.pk).delete()  # unsaved the same day
    stats.stats_fold(day=stats.utc_today())
    assert figures(listing)["saves"] == 0


def test_with_redis_down_the_fold_keeps_its_figures_and_still_folds_the_tables(
    client, listing, settings
):
    browse(client, listing)
    stats.stats_fold(day=stats.utc_today())
    ApplicationFactory(listing=listing)
    down = BrokenRedis("refuse").start()
    settings.REDIS_URL = down.url
    try:
        stats.stats_fold(day=stats.utc_today())
    finally:
        down.stop()
    assert figures(listing) == zero(
        visitors=2, views=3, impressions=1, apply_clicks=1, applications=1
    )


def test_with_redis_down_a_new_row_gets_the_tables_figures(listing, settings):
    ApplicationFactory(listing=listing)
    down = BrokenRedis("hang up").start()
    settings.REDIS_URL = down.url
    try:
        assert stats.stats_fold(day=stats.utc_today()) == 1
    finally:
        down.stop()
    assert figures(listing) == zero(applications=1)


def test_a_redis_that_lost_its_counts_never_lowers_a_stored_figure(client, listing):
    browse(client, listing)
    stats.stats_fold(day=stats.utc_today())
    stats.page_client().flushdb()  # a restart without persistence
    stats.forget_salts()
    visit(client, listing.get_absolute_url(), address="198.51.100.9")
    stats.stats_fold(day=stats.utc_today())
    assert figures(listing) == zero(visitors=2, views=3, impressions=1, apply_clicks=1)


def test_counts_of_a_posting_that_no_longer_exists_are_dropped(client, listing):
    gone = LiveListingFactory()
    visit(client, gone.get_absolute_url())
    visit(client, listing.get_absolute_url())
    Listing.objects.filter(pk=gone.pk).delete()
    assert stats.stats_fold(day=stats.utc_today()) == 1
    assert [row[0] for row in rows()] == [listing.pk]


def test_a_day_without_figures_writes_nothing(listing):
    assert stats.stats_fold(day=stats.utc_today()) == 0
    assert rows() == []


def test_the_task_folds_yesterday_and_today(client, listing, monkeypatch, eager_celery):
    today = stats.utc_today()
    yesterday = today - timedelta(days=1)
    monkeypatch.setattr(stats, "utc_today", lambda: yesterday)
    visit(client, listing.get_absolute_url())  # in the last minutes of yesterday
    monkeypatch.undo()
    visit(client, listing.get_absolute_url())
    visit(client, listing.get_absolute_url())
    result = fold_posting_stats.delay().get()
    assert result == {yesterday.isoformat(): 1, today.isoformat(): 1}
    assert figures(listing, yesterday)["views"] == 1
    assert figures(listing, today)["views"] == 2


def test_beat_runs_the_fold_every_15_minutes():
    from jobboard.celery import app

    entries = [
        entry
        for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "listings.fold_posting_stats"
    ]
    assert len(entries) == 1
    assert float(entries[0]["schedule"]) == 15 * 60
    assert "listings.fold_posting_stats" in app.tasks

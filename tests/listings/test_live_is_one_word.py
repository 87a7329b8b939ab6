"""“Live” has one definition (listings.lifecycle.LIVE): the ORM filter, the SQL of the
alert matcher and the Python check, all read off it, pick the same postings."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from alerts.matching import POSTING_SQL
from listings import lifecycle
from listings.choices import Status
from listings.models import Company, Listing, SearchEntry
from tests.factories import CompanyFactory, ListingFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


@pytest.fixture
def every_shape():
    """A posting of every status × posting date × end date the database accepts, the
    clock's edges included (posted exactly now, ending exactly now)."""
    now = timezone.now()
    company = CompanyFactory()
    dates = [None, now - 3 * DAY, now, now + SECOND, now + 3 * DAY]
    made = []
    for status, posted, ends in itertools.product(Status.values, dates, [*dates, now + 9 * DAY]):
        try:
            with transaction.atomic():
                listing = ListingFactory(company=company, status=Status.DRAFT)
                Listing.objects.filter(pk=listing.pk).update(
                    status=status, date_posted=posted, valid_through=ends
                )
        except IntegrityError:
            continue  # a shape the check constraints refuse (published without dates…)
        made.append(listing.pk)
    return now, company, made


def test_orm_sql_and_python_agree_on_every_shape(every_shape):
    now, _company, made = every_shape
    rows = list(Listing.objects.filter(pk__in=made))
    assert len(rows) > 40  # every status with most date shapes

    by_orm = set(Listing.objects.filter(lifecycle.live_q(now=now)).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM listings_listing WHERE {lifecycle.live_sql()}",
            {"now": now},
        )
        by_sql = {row[0] for row in cursor.fetchall()}
    by_python = {row.pk for row in rows if lifecycle.is_live(row, now=now)}

    assert by_orm == by_sql == by_python
    # the word has content: some of each side of it
    assert 0 < len(by_python) < len(rows)
    assert all(
        row.status == Status.PUBLISHED and row.date_posted <= now < row.valid_through
        for row in rows
        if row.pk in by_python
    )


def test_the_querysets_and_the_model_use_it(every_shape):
    _now, company, made = every_shape
    now = timezone.now()  # live() and is_live read the clock themselves
    live = set(Listing.objects.live().values_list("pk", flat=True))
    by_python = {row.pk for row in Listing.objects.filter(pk__in=made) if row.is_live}
    # "now" moved between the fixture and here: only the two edge shapes could differ
    edge = {
        row.pk
        for row in Listing.objects.filter(pk__in=made)
        if abs((row.date_posted or now) - now) < timedelta(minutes=1)
        or abs((row.valid_through or now) - now) < timedelta(minutes=1)
    }
    assert live - edge == by_python - edge
    assert live - edge  # not vacuous
    counted = Company.objects.filter(pk=company.pk).with_live_count().get().live_count
    assert counted == len(live & set(made))


def test_the_alert_matcher_reads_live_postings_through_it():
    assert f"WHERE {lifecycle.live_sql()}" in POSTING_SQL


def test_search_entries_share_the_clock_part():
    """Every search entry is of a published posting; its live() is the clock's terms."""
    assert (lifecycle.PUBLISHED, *lifecycle.CURRENT) == lifecycle.LIVE
    live = ListingFactory(status=Status.DRAFT)
    now = timezone.now()
    Listing.objects.filter(pk=live.pk).update(
        status=Status.PUBLISHED, date_posted=now - DAY, valid_through=now + DAY
    )
    ended = ListingFactory(status=Status.DRAFT)
    Listing.objects.filter(pk=ended.pk).update(
        status=Status.PUBLISHED, date_posted=now - 3 * DAY, valid_through=now - DAY
    )
    entries = set(SearchEntry.objects.live().values_list("listing_id", flat=True))
    assert live.pk in entries
    assert ended.pk not in entries

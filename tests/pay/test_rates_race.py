"""Exchange rates stored while postings and alerts are being written: both writes land.

A rates refresh (money.services.rates_store) reprices the search projection and the
alerts' salary floors and rebuilds the month pay counts, in its own transaction. A
recruiter saving a posting, or a seeker saving an alert, while that transaction is
still open must not be left at the old rates: once both have committed, every
comparable figure must equal a recount at the rates in the table. Real sessions on
the test database; the interleaving is made certain by events and by waiting on
PostgreSQL's own view of who waits for a lock (no sleeps).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from alerts.models import Subscription
from listings.models import Listing, SearchEntry
from tests.alerts.factories import SubscriptionFactory
from tests.factories import CompanyFactory, LiveListingFactory
from tests.pay.conftest import KNOWN_PER_EUR, store_rates, table_in_reference, to_usd
from tests.pay.counts import (
    maintained_live,
    maintained_month,
    projection_pay_is_current,
    recount_live,
    recount_month,
)
from tests.support.waiting import sessions_waiting_on_a_lock, wait_until

NEW_PER_EUR = {**KNOWN_PER_EUR, "USD": Decimal("1.25")}  # a euro: 1.10 → 1.25 USD


@pytest.fixture
def committed_rates(transactional_db):
    from money.rates import forget_rates

    store_rates(KNOWN_PER_EUR)
    yield
    forget_rates()


def _in_thread(target, errors: list) -> threading.Thread:
    def run():
        try:
            target()
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def while_rates_are_stored(write: Callable[[], None]) -> None:
    """Run `write` in its own session after the new rates are stored and before they
    commit; commit the rates once `write` has committed or waits for them."""
    errors: list = []
    rates_stored, commit_rates = threading.Event(), threading.Event()
    writer_pid: list[int] = []
    written = threading.Event()

    def refresh_rates():
        with transaction.atomic():
            store_rates(NEW_PER_EUR)
            rates_stored.set()
            assert commit_rates.wait(30), "the test never let the rates commit"

    def writer():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            writer_pid.append(cursor.fetchone()[0])
        write()
        written.set()

    refresher = _in_thread(refresh_rates, errors)
    other = None
    try:
        assert rates_stored.wait(30), errors
        other = _in_thread(writer, errors)
        assert wait_until(
            lambda: (
                written.is_set() or (writer_pid and sessions_waiting_on_a_lock(pid=writer_pid[0]))
            ),
            timeout=30,
        ), errors
    finally:  # never leave a session holding locks behind, whatever failed
        commit_rates.set()
        refresher.join(30)
        if other is not None:
            other.join(30)
    assert not refresher.is_alive() and not (other and other.is_alive())
    assert errors == []
    assert table_in_reference()["EUR"] == Decimal("1.25")


def pay_problems() -> dict:
    return {
        "projection": projection_pay_is_current(),
        "live counts agree": maintained_live() == recount_live(),
        "month counts agree": maintained_month() == recount_month(),
    }


NO_PROBLEMS = {"projection": [], "live counts agree": True, "month counts agree": True}


def test_a_posting_edited_while_rates_are_stored_is_priced_at_the_new_rates(committed_rates):
    berlin = LiveListingFactory(
        title="Berlin EUR role", currency="EUR", salary_min=150_000, salary_max=170_000
    )
    LiveListingFactory(title="Paris EUR role", currency="EUR", salary_min=90_000, salary_max=None)

    # the recruiter raises the maximum; the edit waits for the projection row the
    # refresh has repriced
    while_rates_are_stored(lambda: Listing.objects.filter(pk=berlin.pk).update(salary_max=180_000))

    assert SearchEntry.objects.get(pk=berlin.pk).pay_max_annual == 180_000
    # EUR 180,000 × 1.25 = USD 225,000 (at the old rate, 198,000)
    assert to_usd(180_000, "EUR", table_in_reference()) == 225_000
    assert pay_problems() == NO_PROBLEMS


def test_a_posting_published_while_rates_are_stored_is_priced_at_the_new_rates(
    committed_rates,
):
    company = CompanyFactory()
    LiveListingFactory(title="Paris EUR role", currency="EUR", salary_min=90_000, salary_max=None)

    # a new posting goes live (and commits) before the rates do
    while_rates_are_stored(
        lambda: LiveListingFactory(
            title="Madrid EUR role",
            company=company,
            currency="EUR",
            salary_min=100_000,
            salary_max=120_000,
        )
    )

    # EUR 120,000 × 1.25 = USD 150,000 (at the old rate, 132,000)
    madrid = SearchEntry.objects.get(listing__title="Madrid EUR role")
    assert (madrid.pay_min_annual, madrid.pay_max_annual) == (100_000, 120_000)
    assert pay_problems() == NO_PROBLEMS


def test_an_alert_saved_while_rates_are_stored_gets_the_new_floor(committed_rates):
    edited = SubscriptionFactory(criteria={"salary_min": 100_000, "salary_currency": "EUR"})

    def save_alerts():
        SubscriptionFactory(name="new", criteria={"salary_min": 160_000, "salary_currency": "EUR"})
        Subscription.objects.filter(pk=edited.pk).update(salary_min=150_000)

    while_rates_are_stored(save_alerts)

    floors = dict(Subscription.objects.values_list("name", "salary_floor"))
    # EUR 160,000 × 1.25 = 200,000 and EUR 150,000 × 1.25 = 187,500 (old: 176,000, 165,000)
    assert floors == {"new": 200_000, edited.name: 187_500}


def test_counts_compacted_while_rates_are_stored_count_each_posting_once(committed_rates):
    from listings.insights import compact_pay_counts

    for i in range(3):
        LiveListingFactory(
            title=f"EUR role {i}", currency="EUR", salary_min=100_000 + i, salary_max=None
        )
    errors: list = []
    compacted, commit_compaction = threading.Event(), threading.Event()
    refresher_pid: list[int] = []

    def compact():  # the hourly maintenance (listings.tasks.maintain_search)
        with transaction.atomic():
            compact_pay_counts()
            compacted.set()
            assert commit_compaction.wait(30), "the test never let the compaction commit"

    def refresh_rates():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            refresher_pid.append(cursor.fetchone()[0])
        store_rates(NEW_PER_EUR)

    compactor = _in_thread(compact, errors)
    refresher = None
    try:
        assert compacted.wait(30), errors
        refresher = _in_thread(refresh_rates, errors)
        # the month rebuild reaches the rows the compaction replaced, and waits for it
        assert wait_until(
            lambda: refresher_pid and sessions_waiting_on_a_lock(pid=refresher_pid[0]), timeout=30
        )
    finally:  # never leave a session holding locks behind, whatever failed
        commit_compaction.set()
        compactor.join(30)
        if refresher is not None:
            refresher.join(30)
    assert not compactor.is_alive() and not (refresher and refresher.is_alive())
    assert errors == []
    assert table_in_reference()["EUR"] == Decimal("1.25")
    assert pay_problems() == NO_PROBLEMS

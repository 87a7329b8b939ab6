"""With Redis down, refusing, hanging up or hung, every counting page still answers as
usual; after the first failure the process stops trying for a while (the breaker), so
an outage costs a page one short timeout at most, then nothing."""

from __future__ import annotations

import logging

import pytest
import redis.connection

from listings import stats
from listings.choices import ApplyMethod
from tests.factories import LiveListingFactory
from tests.stats.broken_redis import BrokenRedis
from tests.stats.helpers import counted, visit

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    clock = Clock()
    stats.breaker.clock = clock
    yield clock
    stats.breaker.clock = stats.time.monotonic


@pytest.fixture
def attempts(monkeypatch):
    """Every connection the Redis client tries to open, whatever the answer."""
    tried: list[str] = []
    real = redis.connection.UnixDomainSocketConnection._connect

    def counting(self):
        tried.append(self.path)
        return real(self)

    monkeypatch.setattr(redis.connection.UnixDomainSocketConnection, "_connect", counting)
    return tried


@pytest.fixture(params=["refuse", "hang up", "hang"])
def broken(request, settings):
    server = BrokenRedis(request.param).start()
    server.real_url = settings.REDIS_URL
    settings.REDIS_URL = server.url
    yield server
    server.stop()


def pages(listing) -> list[tuple[str, int]]:
    return [
        (listing.get_absolute_url(), 200),
        ("/jobs/", 200),
        (f"{listing.get_absolute_url()}apply/out/", 302),
    ]


def test_every_counting_page_answers_and_only_the_first_tries_redis(
    client, broken, attempts, clock
):
    listing = LiveListingFactory(apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1")
    for _ in range(3):
        for url, status in pages(listing):
            response = visit(client, url)
            assert response.status_code == status, url
    assert response["Location"] == "https://jobs.example/1"
    assert attempts == [str(broken.path)]  # one connection tried in nine requests
    if broken.mode != "refuse":
        assert broken.accepted == 1
    assert stats.breaker.is_open


def test_after_the_pause_counting_tries_again_and_resumes_when_redis_is_back(
    client, broken, attempts, clock, settings
):
    listing = LiveListingFactory()
    visit(client, listing.get_absolute_url())
    clock.now += stats.BREAKER_SECONDS - 1
    visit(client, listing.get_absolute_url())
    assert len(attempts) == 1
    clock.now += 2
    visit(client, listing.get_absolute_url())
    assert len(attempts) == 2  # tried again, failed again: paused again
    visit(client, listing.get_absolute_url())
    assert len(attempts) == 2
    # Redis is back
    settings.REDIS_URL = broken.real_url
    clock.now += stats.BREAKER_SECONDS + 1
    visit(client, listing.get_absolute_url())
    assert counted("views", listing) == 1
    assert not stats.breaker.is_open


def test_an_outage_is_logged_once_not_once_per_request(client, broken, clock, caplog):
    listing = LiveListingFactory()
    with caplog.at_level(logging.INFO, logger="listings.stats"):
        for _ in range(3):
            visit(client, listing.get_absolute_url())
            clock.now += stats.BREAKER_SECONDS + 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Redis unavailable" in warnings[0].getMessage()


def test_the_pages_answer_while_the_test_redis_itself_is_killed(client, clock):
    """The real outage: the run's own Redis is gone (and started again afterwards)."""
    from tests.support.servers import kill_redis, start_redis

    listing = LiveListingFactory(apply_method=ApplyMethod.EMAIL, apply_email="hr@x.example")
    visit(client, listing.get_absolute_url())  # connected before the crash
    kill_redis()
    try:
        for url, status in pages(listing):
            assert visit(client, url).status_code == status, url
        assert stats.breaker.is_open
    finally:
        start_redis()
    before = counted("views", listing)  # what the restarted Redis kept, if anything
    clock.now += stats.BREAKER_SECONDS + 1
    visit(client, listing.get_absolute_url())
    assert counted("views", listing) == before + 1  # counting again

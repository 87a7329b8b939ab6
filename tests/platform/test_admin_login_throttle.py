import pytest

from tests.factories import OperatorFactory

pytestmark = pytest.mark.django_db


def attempt(client, username: str, password: str, ip: str = "203.0.113.5"):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        secure=True,
        REMOTE_ADDR=ip,
    )


def test_admin_sign_in_is_throttled_per_username_after_five_failures(client):
    operator = OperatorFactory(username="boss")
    for _ in range(5):
        assert attempt(client, "boss", "wrong").status_code == 200
    blocked = attempt(client, "boss", "correct horse battery")
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.content.decode()
    assert blocked["Retry-After"]
    # another account from another address is not affected
    OperatorFactory(username="other")
    assert attempt(client, "other", "correct horse battery", ip="198.51.100.7").status_code == 302
    assert operator.username == "boss"


def test_admin_sign_in_is_throttled_per_address(client):
    for i in range(20):
        assert attempt(client, f"guess{i}", "wrong").status_code == 200
    assert attempt(client, "anyone", "wrong").status_code == 429


def test_a_successful_sign_in_is_not_counted(client):
    OperatorFactory(username="boss")
    for _ in range(8):
        client.logout()
        assert attempt(client, "boss", "correct horse battery").status_code == 302


def test_with_the_cache_down_sign_in_still_works_unthrottled(client, settings):
    """The counters are listings.throttle's: a Redis outage lets sign-ins through (and
    a wrong password still gets the form back) instead of a 500."""
    from tests.stats.broken_redis import BrokenRedis

    OperatorFactory(username="boss")
    down = BrokenRedis("refuse").start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": down.url,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    try:
        for _ in range(7):  # past the per-username limit: nothing counts, nothing blocks
            assert attempt(client, "boss", "wrong").status_code == 200
        assert attempt(client, "boss", "correct horse battery").status_code == 302
    finally:
        down.stop()

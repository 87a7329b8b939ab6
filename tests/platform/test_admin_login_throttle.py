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

"""Signed links in alert emails: confirm (expires), unsubscribe and manage (do not).

Each purpose has its own salt, so a manage link cannot be replayed as an
unsubscribe link and the other way round. Tokens carry only the subscription id;
the signature (SECRET_KEY) is what makes them unguessable.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM = "alerts.confirm"
UNSUBSCRIBE = "alerts.unsubscribe"
MANAGE = "alerts.manage"
MAX_TOKEN_LENGTH = 200  # longer is not ours: refuse before doing any crypto


class InvalidToken(Exception):
    pass


class ExpiredToken(InvalidToken):
    def __init__(self, subscription_id: int):
        super().__init__("expired")
        self.subscription_id = subscription_id


def make(subscription_id: int, purpose: str) -> str:
    return signing.dumps(int(subscription_id), salt=purpose)


def read(token: str, purpose: str) -> int:
    """The subscription id in a token, or InvalidToken (ExpiredToken for an old confirm link)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("malformed")
    max_age = settings.ALERTS_CONFIRM_MAX_AGE_SECONDS if purpose == CONFIRM else None
    try:
        value = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.SignatureExpired as exc:
        value = signing.loads(token, salt=purpose)
        if isinstance(value, int) and not isinstance(value, bool):
            raise ExpiredToken(value) from exc
        raise InvalidToken("malformed") from exc
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise InvalidToken("bad signature") from exc
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise InvalidToken("malformed")
    return value


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def confirm_url(subscription_id: int) -> str:
    return absolute(reverse("alerts:confirm", args=[make(subscription_id, CONFIRM)]))


def unsubscribe_url(subscription_id: int) -> str:
    return absolute(reverse("alerts:unsubscribe", args=[make(subscription_id, UNSUBSCRIBE)]))


def manage_path(subscription) -> str:
    """Signed-in candidates manage alerts in their account; others by a signed link."""
    if subscription.user_id:
        return reverse("alerts:manage")
    return reverse("alerts:manage_token", args=[make(subscription.pk, MANAGE)])


def manage_url(subscription) -> str:
    return absolute(manage_path(subscription))

"""django-allauth hooks: our site name in every account email, and the outbox.

Account emails (address verification, password reset, "your password changed")
are rendered in the request and put in the outbox (outbox/services.py) rather than
sent there: a mail-server outage delays them, it never fails the sign-up or reset
page, and the outbox retries them like every other email.
"""

from __future__ import annotations

import logging
import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from outbox.kinds import Kind
from outbox.services import email_enqueue

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        if len(email) > 254:  # no mail server takes it (RFC 5321); nor does the outbox
            logger.warning("account email %s not queued: address too long", template_prefix)
            return
        # allauth's own send_mail adds the request and site; render as it does, then queue
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update({"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context})
        message = self.render_mail(template_prefix, email, ctx)
        message.extra_headers.setdefault("Auto-Submitted", "auto-generated")
        email_enqueue(kind=Kind.ACCOUNT, key=f"account:{uuid.uuid4()}", message=message)

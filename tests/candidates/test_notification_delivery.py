"""The recruiters' email goes out through a real worker and a real SMTP server."""

from __future__ import annotations

import time

import pytest

from candidates import services
from candidates.models import Application
from candidates.tasks import notify_pending
from tests.candidates.factories import ProfileFactory, pdf_upload
from tests.factories import CompanyFactory, LiveListingFactory, RecruiterUserFactory


def wait_for(condition, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_the_recruiters_once_after_the_application_commits(
    celery_worker_factory, smtp_sink, recruiters_group
):
    celery_worker_factory(EMAIL_URL=smtp_sink.url)
    company = CompanyFactory()
    RecruiterUserFactory(username="rw", email="rw@company.example", recruiter=company)
    listing = LiveListingFactory(company=company, title="Head of Customer Care")
    profile = ProfileFactory(full_name="Sam Porter")
    services.resume_replace(profile=profile, upload=pdf_upload())
    application = services.application_submit(user=profile.user, listing=listing)

    assert wait_for(lambda: len(smtp_sink.messages) == 1)
    message = smtp_sink.messages[0]
    assert message["To"] == "rw@company.example"
    assert message["Subject"] == "New application: Sam Porter for Head of Customer Care"
    assert wait_for(
        lambda: Application.objects.get(pk=application.pk).recruiters_notified_at is not None
    )
    # the sweep finds nothing left to send, and nothing is sent twice
    assert notify_pending() == 0
    time.sleep(1)
    assert len(smtp_sink.messages) == 1

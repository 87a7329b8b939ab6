"""One email of each kind, made the way the board makes it (its real code path)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outbox.kinds import Kind

PASSWORD = "Quiet-harbour-42"


def alert() -> str:
    from alerts.services import posting_match
    from listings.services import listing_publish
    from tests.alerts.factories import SubscriptionFactory
    from tests.factories import ListingFactory

    SubscriptionFactory(email="alert.reader@example.com", criteria={"level": ["vp"]})
    listing = ListingFactory(level="vp", title="VP Customer Experience")
    listing_publish(listing=listing)
    posting_match(listing_id=listing.pk)  # a worker may have done it already: idempotent
    from alerts.models import Subscription
    from alerts.services import alerts_compose

    alerts_compose(subscription_ids=list(Subscription.objects.values_list("pk", flat=True)))
    return "alert.reader@example.com"


def alert_confirmation() -> str:
    from alerts.services import subscription_request

    subscription_request(
        email="confirm.me@example.com", criteria={}, name="Everything", frequency="daily"
    )
    return "confirm.me@example.com"


def expiry_reminder() -> str:
    from listings.services import listing_queue_expiry_reminder
    from tests.factories import CompanyFactory, LiveListingFactory, RecruiterUserFactory

    company = CompanyFactory()
    RecruiterUserFactory(username="lead", email="lead@company.example", recruiter=company)
    listing = LiveListingFactory(company=company, valid_through=timezone.now() + timedelta(days=2))
    assert listing_queue_expiry_reminder(listing_id=listing.pk)
    return "lead@company.example"


def application_received() -> str:
    from candidates import services
    from tests.candidates.factories import ProfileFactory, pdf_upload
    from tests.factories import CompanyFactory, LiveListingFactory, RecruiterUserFactory

    company = CompanyFactory()
    RecruiterUserFactory(username="hiring", email="hiring@company.example", recruiter=company)
    listing = LiveListingFactory(company=company, apply_method="in_app")
    profile = ProfileFactory(full_name="Sam Porter")
    services.resume_replace(profile=profile, upload=pdf_upload())
    services.application_submit(user=profile.user, listing=listing)
    return "hiring@company.example"


def account() -> str:
    response = Client().post(
        reverse("account_signup"),
        {"email": "new.leader@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.status_code
    return "new.leader@example.com"


def invitation() -> str:
    from listings import team
    from listings.models import Recruiter
    from tests.factories import CompanyFactory, RecruiterUserFactory

    company = CompanyFactory()
    lead = RecruiterUserFactory(
        username="team.lead", email="team.lead@company.example", recruiter=company
    )
    Recruiter.objects.filter(user=lead).update(is_lead=True)
    team.invitation_create(company=company, email="invited@company.example", by=lead)
    return "invited@company.example"


def moderation() -> str:
    from listings.services import listing_return
    from tests.factories import (
        CompanyFactory,
        ListingFactory,
        OperatorFactory,
        RecruiterUserFactory,
    )

    company = CompanyFactory()
    RecruiterUserFactory(username="returned", email="returned@company.example", recruiter=company)
    listing = ListingFactory(company=company, status="review")
    listing_return(listing=listing, by=OperatorFactory(username="moderator"), reason="Add pay.")
    return "returned@company.example"


MAKERS = {
    Kind.ALERT: alert,
    Kind.ALERT_CONFIRMATION: alert_confirmation,
    Kind.EXPIRY_REMINDER: expiry_reminder,
    Kind.APPLICATION_RECEIVED: application_received,
    Kind.ACCOUNT: account,
    Kind.INVITATION: invitation,
    Kind.MODERATION: moderation,
}

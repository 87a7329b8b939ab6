"""A search firm with one confidential and one disclosed search, a matching alert, and a
candidate who saved and applied: everything a public surface could show."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from listings.choices import PostedBy

# The confidential client: distinctive words, so that any trace of it on a page is found.
CLIENT = "Quillfeather Bank"
CLIENT_SITE = "https://www.quillfeatherbank.com"
CLIENT_DOMAIN = "quillfeatherbank.com"
CLIENT_LOGO = "https://cdn.quillfeather-media.net/brand/quillfeather-logo.png"
# Every one of the above holds this word: a page without it shows nothing of the client.
CLIENT_WORD = "quillfeather"
DESCRIPTOR = "Series C fintech, 2,000 employees"
FIRM = "Halden Search Partners"
FIRM_SITE = "https://haldensearch.example.com"
FIRM_LOGO = "https://haldensearch.example.com/static/halden.png"
CONTACT = "Jane Doe, Partner at Halden Search Partners"

# The disclosed search: its client may be named everywhere.
OPEN_CLIENT = "Brackenridge Mutual"
OPEN_CLIENT_SITE = "https://www.brackenridgemutual.example"
OPEN_CLIENT_LOGO = "https://www.brackenridgemutual.example/logo.png"

PASSWORD = "Quiet-harbour-42"


def confidential_fields(**overrides) -> dict:
    fields = {
        "title": "VP Customer Experience",
        "level": "vp",
        "function": "customer_experience",
        "posted_by": PostedBy.SEARCH_FIRM,
        "client_name": CLIENT,
        "client_website": CLIENT_SITE,
        "client_logo_url": CLIENT_LOGO,
        "confidential": True,
        "client_descriptor": DESCRIPTOR,
        "hiring_contact_name": "Jane Doe",
        "hiring_contact_title": "Partner at Halden Search Partners",
        "industries": ["financial-services"],
        "apply_method": "in_app",
        "description": (
            "Our client, a fast-growing digital lender, is looking for a **VP Customer "
            "Experience** to lead service for two million members."
        ),
    }
    fields.update(overrides)
    return fields


@dataclass
class World:
    firm: object
    confidential: object
    disclosed: object
    subscription: object
    candidate: object  # saved the confidential posting; about to apply to it


@pytest.fixture
def firm(db):
    from tests.factories import CompanyFactory, IndustryFactory

    industry = IndustryFactory(slug="financial-services", name="Financial services")
    return CompanyFactory(
        name=FIRM, website=FIRM_SITE, logo_url=FIRM_LOGO, industry=industry, trusted=True
    )


@pytest.fixture
def world(firm) -> World:
    from alerts.services import posting_match
    from candidates import services as candidate_services
    from listings.services import listing_publish
    from tests.alerts.factories import SubscriptionFactory
    from tests.candidates.factories import CandidateUserFactory, ProfileFactory, pdf_upload
    from tests.factories import ListingFactory, LiveListingFactory, RecruiterUserFactory

    RecruiterUserFactory(
        username="halden", email="searches@haldensearch.example.com", recruiter=firm
    )
    subscription = SubscriptionFactory(
        email="alert.reader@example.com", name="VP roles", criteria={"level": ["vp"]}
    )
    confidential = ListingFactory(company=firm, **confidential_fields())
    confidential.full_clean()
    # the real path: publication writes the instant alert's delivery
    listing_publish(listing=confidential)
    posting_match(listing_id=confidential.pk)  # a worker may have done it already: idempotent
    disclosed = LiveListingFactory(
        company=firm,
        title="Director of Member Services",
        level="director",
        posted_by=PostedBy.SEARCH_FIRM,
        client_name=OPEN_CLIENT,
        client_website=OPEN_CLIENT_SITE,
        client_logo_url=OPEN_CLIENT_LOGO,
        hiring_contact_name="Marcus Ellison",
        hiring_contact_title="Chief Customer Officer",
        industries=["insurance"],
        description=f"{OPEN_CLIENT} insures homes and cars across the Midwest.",
    )
    disclosed.full_clean()

    candidate = CandidateUserFactory(username="casey", email="casey@example.com")
    candidate.set_password(PASSWORD)
    candidate.save()
    profile = ProfileFactory(user=candidate, full_name="Casey Morgan")
    candidate_services.resume_replace(profile=profile, upload=pdf_upload())
    candidate_services.posting_save(user=candidate, listing=confidential)
    return World(firm, confidential, disclosed, subscription, candidate)


def assert_nothing_of_the_client(text: str, where: str) -> None:
    """Not the confidential client's name, website, domain or logo, in any case."""
    lowered = text.lower()
    for needle in (CLIENT, CLIENT_SITE, CLIENT_DOMAIN, CLIENT_LOGO, CLIENT_WORD):
        assert needle.lower() not in lowered, f"{where} gives away the client ({needle!r})"

"""Build the POST body of the admin posting form, as a browser would send it."""

from __future__ import annotations

from django.urls import reverse

from listings.models import Listing

ADD_URL = "/admin/listings/listing/add/"
CHANGELIST_URL = "/admin/listings/listing/"


def change_url(listing: Listing) -> str:
    return reverse("admin:listings_listing_change", args=[listing.pk])


def transition_url(listing: Listing, name: str) -> str:
    return reverse("admin:listings_listing_transition", args=[listing.pk, name])


def posting_data(company, /, **overrides) -> dict:
    """A complete, valid posting for `company`; override any field (None drops it)."""
    data = {
        "title": "VP of Customer Experience",
        "company": str(company.pk),
        "level": "vp",
        "function": "customer_experience",
        "employment_type": "full_time",
        "team_size": "240",
        "managers_reporting": "12",
        "budget": "18000000",
        "geographic_scope": "global",
        "channels": ["voice", "chat", "self_service"],
        "kpis": ["csat", "nps"],
        "kpis__csat__target": "≥ 92%",
        "kpis__nps__target": "",
        "responsibilities": (
            "Lead the global support organisation of 240 people.\n"
            "- Own the annual budget and the business plan.\n"
            "\n"
            "Report to the COO on CSAT and NPS every month."
        ),
        "requirements": "Ten years leading multi-site support teams.",
        "min_leadership_years": "10",
        "skills": ["budget_management", "executive_influence"],
        "technologies": "zendesk, Genesys Cloud\nOur in-house CRM",
        "industries": ["insurance"],
        "salary_min": "210000",
        "salary_max": "260000",
        "currency": "USD",
        "salary_period": "year",
        "bonus": "20% target",
        "equity": "",
        "city": "Chicago",
        "region": "IL",
        "country": "US",
        "workplace": "hybrid",
        "applicant_countries": [],
        "apply_method": "in_app",
        "apply_url": "",
        "apply_email": "",
        "description": "Build a **calm**, data-driven customer experience function.",
        "valid_through_0": "",
        "valid_through_1": "",
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data

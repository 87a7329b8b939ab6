"""schema.org JobPosting, read back from the rendered page as Google would read it."""

from __future__ import annotations

from datetime import datetime

import pytest

from listings.choices import ApplyMethod, EmploymentType, SalaryPeriod, Workplace
from listings.models import Company, Listing
from tests.factories import CompanyFactory, LiveListingFactory, RemoteListingFactory
from tests.listings.pages import executable_scripts, jsonld_blocks

pytestmark = pytest.mark.django_db


def posting_of(client, listing) -> dict:
    response = client.get(listing.get_absolute_url())
    assert response.status_code == 200
    blocks = jsonld_blocks(response.content.decode())
    assert len(blocks) == 1, blocks
    return blocks[0]


def test_live_posting_carries_every_required_property(client):
    company = CompanyFactory(
        name="Harbor Health",
        website="https://harbor.example.com",
        logo_url="https://cdn.example.com/harbor.png",
    )
    listing = LiveListingFactory(company=company, title="VP of Member Services")

    data = posting_of(client, listing)

    assert data["@context"] == "https://schema.org/"
    assert data["@type"] == "JobPosting"
    assert data["title"] == "VP of Member Services"
    assert "<strong>calm</strong>" in data["description"]
    assert (
        "<li>Lead a 120-person support organisation across three sites.</li>"
        in (data["description"])
    )
    assert datetime.fromisoformat(data["datePosted"]) == listing.date_posted
    assert datetime.fromisoformat(data["validThrough"]) == listing.valid_through
    assert data["employmentType"] == "FULL_TIME"
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Harbor Health",
        "sameAs": "https://harbor.example.com",
        "logo": "https://cdn.example.com/harbor.png",
    }
    assert data["identifier"] == {
        "@type": "PropertyValue",
        "name": "Harbor Health",
        "value": str(listing.pk),
    }
    assert data["url"] == "http://testserver" + listing.get_absolute_url()
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "USD",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 150_000,
            "maxValue": 190_000,
            "unitText": "YEAR",
        },
    }
    assert data["experienceRequirements"] == {
        "@type": "OccupationalExperienceRequirements",
        "monthsOfExperience": 96,
    }
    assert data["skills"] == "Budget management, Data analysis, Zendesk, Genesys Cloud"


def test_hybrid_role_has_a_job_location_and_is_not_telecommute(client):
    listing = LiveListingFactory(workplace=Workplace.HYBRID)
    data = posting_of(client, listing)
    assert data["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Austin",
            "addressRegion": "TX",
            "addressCountry": "US",
        },
    }
    assert "jobLocationType" not in data
    assert "applicantLocationRequirements" not in data


def test_onsite_role_without_region_still_gives_city_and_country(client):
    listing = LiveListingFactory(workplace=Workplace.ONSITE, city="Dublin", region="", country="IE")
    address = posting_of(client, listing)["jobLocation"]["address"]
    assert address == {
        "@type": "PostalAddress",
        "addressLocality": "Dublin",
        "addressCountry": "IE",
    }


def test_remote_role_is_telecommute_with_applicant_countries(client):
    listing = RemoteListingFactory(applicant_countries=["US", "CA", "GB"])
    data = posting_of(client, listing)
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == [
        {"@type": "Country", "name": "United States of America"},
        {"@type": "Country", "name": "Canada"},
        {"@type": "Country", "name": "United Kingdom"},
    ]
    assert "jobLocation" not in data


def test_contract_role_is_contractor(client):
    listing = LiveListingFactory(employment_type=EmploymentType.CONTRACT)
    assert posting_of(client, listing)["employmentType"] == "CONTRACTOR"


@pytest.mark.parametrize(
    ("method", "extra", "direct"),
    [
        (ApplyMethod.IN_APP, {}, True),
        (ApplyMethod.URL, {"apply_url": "https://jobs.example.com/1"}, False),
        (ApplyMethod.EMAIL, {"apply_email": "jobs@example.com"}, False),
    ],
)
def test_direct_apply_only_when_the_application_happens_here(client, method, extra, direct):
    listing = LiveListingFactory(apply_method=method, **extra)
    assert posting_of(client, listing)["directApply"] is direct


def test_daily_rate_contract_salary_is_per_day(client):
    listing = LiveListingFactory(
        salary_min=1_200, salary_max=1_500, currency="GBP", salary_period=SalaryPeriod.DAY
    )
    salary = posting_of(client, listing)["baseSalary"]
    assert salary["currency"] == "GBP"
    assert salary["value"]["unitText"] == "DAY"
    assert (salary["value"]["minValue"], salary["value"]["maxValue"]) == (1_200, 1_500)


def test_salary_with_one_bound_gives_that_bound_as_the_value(client):
    # the one-bound rule (listings.pay): "from 200,000" pays 200,000
    listing = LiveListingFactory(salary_min=200_000, salary_max=None)
    value = posting_of(client, listing)["baseSalary"]["value"]
    assert value["value"] == 200_000
    assert "minValue" not in value and "maxValue" not in value
    up_to = LiveListingFactory(salary_min=None, salary_max=150_000, salary_period="month")
    salary = posting_of(client, up_to)["baseSalary"]
    assert salary["value"] == {"@type": "QuantitativeValue", "unitText": "MONTH", "value": 150_000}


def test_no_salary_means_no_base_salary(client):
    listing = LiveListingFactory(salary_min=None, salary_max=None)
    assert "baseSalary" not in posting_of(client, listing)


def test_optional_properties_are_left_out_when_unknown(client):
    company = CompanyFactory(website="", logo_url="")
    listing = LiveListingFactory(
        company=company, min_leadership_years=None, skills=[], technologies=[]
    )
    data = posting_of(client, listing)
    assert data["hiringOrganization"] == {"@type": "Organization", "name": company.name}
    assert "experienceRequirements" not in data
    assert "skills" not in data


def test_script_end_tag_in_the_title_cannot_break_out_of_the_json_ld(client):
    title = 'VP </script><script>alert("x")</script><!-- & "quotes"'
    listing = LiveListingFactory(title=title)

    response = client.get(listing.get_absolute_url())
    html = response.content.decode()

    assert jsonld_blocks(html)[0]["title"] == title
    assert executable_scripts(html) == []
    assert '<script>alert("x")' not in html


def test_hostile_description_is_sanitised_inside_the_json_ld(client):
    listing = LiveListingFactory(
        description=(
            "Hello <script>alert(1)</script> <img src=x onerror=alert(2)> "
            "[click](javascript:alert(3)) <a href='https://ok.example' onclick='x()'>ok</a>"
        )
    )
    description = posting_of(client, listing)["description"]
    assert "<script" not in description
    assert "onerror" not in description
    assert "onclick" not in description
    assert "javascript:" not in description
    assert '<a href="https://ok.example" rel="nofollow noopener">ok</a>' in description


def test_hostile_company_urls_are_left_out_of_the_organization(client):
    company = CompanyFactory()
    Company.objects.filter(pk=company.pk).update(
        website="javascript:alert(1)", logo_url="data:image/svg+xml,<svg onload=alert(1)>"
    )
    listing = LiveListingFactory(company=company)
    organization = posting_of(client, listing)["hiringOrganization"]
    assert "sameAs" not in organization
    assert "logo" not in organization


def test_unknown_applicant_country_code_is_passed_through_escaped(client):
    listing = RemoteListingFactory()
    # written past the form's validation; the column holds two characters
    Listing.objects.filter(pk=listing.pk).update(applicant_countries=["US", "</"])
    data = posting_of(client, listing)
    assert data["applicantLocationRequirements"][1] == {"@type": "Country", "name": "</"}

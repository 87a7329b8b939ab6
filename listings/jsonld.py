"""schema.org JobPosting for Google for Jobs, built as a dict and written into the page.

https://developers.google.com/search/docs/appearance/structured-data/job-posting
Only live postings carry it: an expired or closed posting must not be offered
to job search engines any more.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

from listings.choices import EmploymentType, SalaryPeriod, Skill, Workplace
from listings.models import Industry, Listing
from listings.rendering import html_list, render_markdown, safe_http_url

EMPLOYMENT_TYPES = {EmploymentType.FULL_TIME: "FULL_TIME", EmploymentType.CONTRACT: "CONTRACTOR"}
SALARY_UNITS = {SalaryPeriod.YEAR: "YEAR", SalaryPeriod.MONTH: "MONTH", SalaryPeriod.DAY: "DAY"}

# Inside <script>, "</script>" or "<!--" in a string would end or confuse the element;
# these escapes keep the JSON identical for a parser and inert for the HTML tokenizer.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def description_html(listing: Listing) -> str:
    """The posting as one sanitised HTML text: description, responsibilities, requirements."""
    parts = [str(render_markdown(listing.description))]
    if listing.responsibilities:
        parts += ["<h3>Responsibilities</h3>", html_list(listing.responsibilities, ordered=True)]
    if listing.requirements:
        parts += ["<h3>Requirements</h3>", html_list(listing.requirements)]
    return "\n".join(parts)


def _organization(listing: Listing) -> dict[str, Any]:
    """hiringOrganization: the employer; for a search, the client it names, or for a
    confidential search the firm itself (nothing of the client: not its name, site or logo)."""
    hirer = listing.hirer
    if hirer.confidential:
        firm = hirer.search_firm
        name, website, logo_url = firm.name, firm.website, firm.logo_url
    else:
        name, website, logo_url = hirer.name, hirer.website, hirer.logo_url
    org: dict[str, Any] = {"@type": "Organization", "name": name}
    if website := safe_http_url(website):
        org["sameAs"] = website
    if logo := safe_http_url(logo_url):
        org["logo"] = logo
    return org


def _industry(listing: Listing) -> str:
    """The employer's industry; for a search, the role's own (its firm's is not the client's)."""
    if not listing.by_search_firm:
        return listing.company.industry.name
    names = dict(Industry.objects.filter(slug__in=listing.industries).values_list("slug", "name"))
    return ", ".join(names[slug] for slug in listing.industries if slug in names)


def _place(listing: Listing) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress"}
    if listing.city:
        address["addressLocality"] = listing.city
    if listing.region:
        address["addressRegion"] = listing.region
    if listing.country:
        address["addressCountry"] = listing.country.code
    return {"@type": "Place", "address": address}


def _salary(listing: Listing) -> dict[str, Any] | None:
    """The stated pay, in its currency and period, by the one-bound rule of listings.pay:
    a single stated bound is the pay (schema.org `value`), two are the range."""
    if listing.salary_min is None and listing.salary_max is None:
        return None
    low = listing.salary_min if listing.salary_min is not None else listing.salary_max
    high = listing.salary_max if listing.salary_max is not None else listing.salary_min
    value: dict[str, Any] = {
        "@type": "QuantitativeValue",
        "unitText": SALARY_UNITS.get(listing.salary_period, "YEAR"),
    }
    if low == high:
        value["value"] = low
    else:
        value["minValue"], value["maxValue"] = low, high
    return {"@type": "MonetaryAmount", "currency": listing.currency, "value": value}


def job_posting(listing: Listing) -> dict[str, Any]:
    """The JobPosting structured data of a live posting (company must be loaded)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": listing.title,
        "description": description_html(listing),
        "url": settings.SITE_URL + listing.get_absolute_url(),
        "datePosted": listing.date_posted.isoformat(),
        "validThrough": listing.valid_through.isoformat(),
        "employmentType": EMPLOYMENT_TYPES.get(listing.employment_type, "FULL_TIME"),
        "hiringOrganization": _organization(listing),
        "directApply": listing.requires_in_app_apply,
    }
    # the id is issued under the hiring organization's name
    data["identifier"] = {
        "@type": "PropertyValue",
        "name": data["hiringOrganization"]["name"],
        "value": str(listing.pk),
    }
    if industry := _industry(listing):
        data["industry"] = industry
    if listing.workplace == Workplace.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = [
            {"@type": "Country", "name": countries.name(code) or code}
            for code in listing.applicant_countries
        ]
    else:
        data["jobLocation"] = _place(listing)
    if salary := _salary(listing):
        data["baseSalary"] = salary
    if listing.min_leadership_years is not None:
        data["experienceRequirements"] = {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": listing.min_leadership_years * 12,
        }
    skill_labels = dict(Skill.choices)
    skills = [skill_labels.get(s, s) for s in listing.skills] + list(listing.technologies)
    if skills:
        data["skills"] = ", ".join(skills)
    incentives = "; ".join(p for p in [listing.bonus, listing.equity] if p)
    if incentives:
        data["incentiveCompensation"] = incentives
    return data


def script_tag(data: dict[str, Any]) -> SafeString:
    """`data` as a <script type="application/ld+json"> element nothing can break out of."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text),  # noqa: S308 - every <, > and & is \u-escaped above
    )

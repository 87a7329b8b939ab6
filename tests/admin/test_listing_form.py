"""The posting form: domain fieldsets, KPI table, line lists, and model validation shown inline."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from listings.models import Listing
from tests.admin.helpers import ADD_URL, change_url, posting_data
from tests.factories import ListingFactory, LiveListingFactory

pytestmark = pytest.mark.django_db


def field_errors(response, field: str) -> list[str]:
    form = response.context["adminform"].form
    return list(form.errors.get(field, []))


def test_recruiter_creates_a_posting_for_their_company(client_for, owner, company):
    response = client_for(owner).post(ADD_URL, posting_data(company))
    assert response.status_code == 302, response.context["adminform"].form.errors
    listing = Listing.objects.get()
    assert listing.company == company
    assert listing.created_by == owner
    assert listing.status == "draft"
    assert listing.date_posted is None
    assert listing.kpis == [{"code": "csat", "target": "≥ 92%"}, {"code": "nps", "target": ""}]
    # one item per line, in order, bullets and blank lines dropped
    assert listing.responsibilities == [
        "Lead the global support organisation of 240 people.",
        "Own the annual budget and the business plan.",
        "Report to the COO on CSAT and NPS every month.",
    ]
    assert listing.requirements == ["Ten years leading multi-site support teams."]
    # comma or line separated; known names get their usual spelling
    assert listing.technologies == ["Zendesk", "Genesys Cloud", "Our in-house CRM"]
    assert listing.channels == ["voice", "chat", "self_service"]
    assert listing.skills == ["budget_management", "executive_influence"]
    assert set(listing.industries) == {"insurance", company.industry.slug}


def test_add_form_offers_only_the_recruiters_company(client_for, owner, company, other_company):
    response = client_for(owner).get(ADD_URL)
    assert response.status_code == 200
    html = response.content.decode()
    select = re.search(r'<select name="company"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert f'value="{company.pk}" selected' in select
    assert str(other_company.pk) not in re.findall(r'value="(\d+)"', select)
    assert "---------" not in select


def test_forged_company_id_on_add_is_rejected(client_for, owner, other_company):
    response = client_for(owner).post(ADD_URL, posting_data(other_company))
    assert response.status_code == 200
    assert field_errors(response, "company")
    assert "errornote" in response.content.decode()
    assert not Listing.objects.filter(company=other_company).exists()
    assert not Listing.objects.exists()


def test_forged_company_id_on_change_is_rejected(client_for, owner, company, other_company):
    listing = ListingFactory(company=company, title="Director of Care")
    response = client_for(owner).post(
        change_url(listing), posting_data(other_company, title="Moved")
    )
    assert response.status_code == 200
    assert field_errors(response, "company")
    listing.refresh_from_db()
    assert listing.company == company
    assert listing.title == "Director of Care"


def test_operator_may_post_for_any_company(client_for, operator, other_company):
    response = client_for(operator).post(ADD_URL, posting_data(other_company))
    assert response.status_code == 302
    assert Listing.objects.get().company == other_company


def test_salary_min_above_max_is_shown_on_the_salary_field(client_for, owner, company):
    response = client_for(owner).post(
        ADD_URL, posting_data(company, salary_min="300000", salary_max="200000")
    )
    assert response.status_code == 200
    errors = field_errors(response, "salary_max")
    assert errors == ["The maximum salary must be at least the minimum."]
    html = response.content.decode()
    # rendered beside the field, inside its form row
    row = re.search(r'<div class="form-row[^"]*field-salary_min[^"]*">(.*?)</fieldset>', html, re.S)
    assert "The maximum salary must be at least the minimum." in row.group(1)
    assert not Listing.objects.exists()


def test_remote_role_without_applicant_countries_is_an_error_on_that_field(
    client_for, owner, company
):
    data = posting_data(company, workplace="remote", city="", region="", country="")
    response = client_for(owner).post(ADD_URL, data)
    assert response.status_code == 200
    assert field_errors(response, "applicant_countries") == [
        "A remote role must say which countries applicants may live in."
    ]
    html = response.content.decode()
    assert "A remote role must say which countries applicants may live in." in html

    data["applicant_countries"] = ["US", "CA", "MX"]
    response = client_for(owner).post(ADD_URL, data)
    assert response.status_code == 302
    assert Listing.objects.get().applicant_countries == ["US", "CA", "MX"]


def test_onsite_role_without_country_and_external_apply_without_url(client_for, owner, company):
    response = client_for(owner).post(
        ADD_URL, posting_data(company, workplace="onsite", country="", apply_method="url")
    )
    assert field_errors(response, "country")
    assert field_errors(response, "apply_url") == ["Give the URL of the application page."]


def test_kpi_targets_round_trip_through_the_change_form(client_for, owner, company):
    listing = ListingFactory(
        company=company,
        kpis=[{"code": "csat", "target": "≥ 90% <b>"}, {"code": "aht", "target": ""}],
    )
    client = client_for(owner)
    html = client.get(change_url(listing)).content.decode()
    csat_box = re.search(r'<input type="checkbox"[^>]*value="csat"[^>]*>', html).group(0)
    assert "checked" in csat_box
    assert "checked" in re.search(r'<input type="checkbox"[^>]*value="aht"[^>]*>', html).group(0)
    assert "checked" not in re.search(r'<input type="checkbox"[^>]*value="nps"[^>]*>', html).group(
        0
    )
    target = re.search(r'<input[^>]*name="kpis__csat__target"[^>]*>', html).group(0)
    assert 'value="≥ 90% &lt;b&gt;"' in target  # escaped, never raw HTML

    # saving the form as rendered keeps the KPIs exactly
    data = posting_data(
        company,
        title=listing.title,
        kpis=["csat", "aht"],
        kpis__csat__target="≥ 90% <b>",
        kpis__nps__target=None,
    )
    response = client.post(change_url(listing), data)
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.kpis == [{"code": "csat", "target": "≥ 90% <b>"}, {"code": "aht", "target": ""}]

    # unticking a KPI drops it; a new one with a target is added in vocabulary order
    data.update(kpis=["aht", "fcr"], kpis__fcr__target="75%", kpis__csat__target="")
    client.post(change_url(listing), data)
    listing.refresh_from_db()
    assert listing.kpis == [{"code": "fcr", "target": "75%"}, {"code": "aht", "target": ""}]


def test_a_target_next_to_an_unticked_kpi_is_an_error(client_for, owner, company):
    response = client_for(owner).post(
        ADD_URL, posting_data(company, kpis=["csat"], kpis__nps__target="+40")
    )
    assert response.status_code == 200
    errors = field_errors(response, "kpis")
    assert errors and "NPS has a target but is not ticked" in errors[0]
    # what was typed is kept on the re-rendered form
    html = response.content.decode()
    assert 'value="+40"' in html


def test_forged_kpi_codes_are_rejected(client_for, owner, company):
    response = client_for(owner).post(ADD_URL, posting_data(company, kpis=["csat", "bogus"]))
    assert response.status_code == 200
    assert field_errors(response, "kpis") == ["Unknown KPI “bogus”."]


def test_editing_a_published_posting_keeps_its_date_posted(client_for, owner, company):
    posted = timezone.now() - timedelta(days=9)
    listing = LiveListingFactory(company=company, date_posted=posted)
    valid = listing.valid_through
    data = posting_data(
        company,
        title="Director of Customer Service (EMEA)",
        valid_through_0=valid.strftime("%Y-%m-%d"),
        valid_through_1=valid.strftime("%H:%M:%S"),
    )
    response = client_for(owner).post(change_url(listing), data)
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.title == "Director of Customer Service (EMEA)"
    assert listing.date_posted == posted
    assert listing.status == "published"


def test_published_posting_cannot_lose_its_expiry_or_responsibilities(client_for, owner, company):
    listing = LiveListingFactory(company=company)
    response = client_for(owner).post(
        change_url(listing), posting_data(company, responsibilities="  \n ")
    )
    assert response.status_code == 200
    assert field_errors(response, "valid_through")
    assert field_errors(response, "responsibilities")
    listing.refresh_from_db()
    assert listing.responsibilities


def test_status_is_not_a_form_field(client_for, owner, company):
    listing = ListingFactory(company=company)
    client = client_for(owner)
    html = client.get(change_url(listing)).content.decode()
    assert 'name="status"' not in html
    assert "Draft: not public yet." in html
    client.post(change_url(listing), posting_data(company, status="published"))
    listing.refresh_from_db()
    assert listing.status == "draft"


@pytest.mark.parametrize(
    "overrides",
    [
        {"title": "Director\x00 of Care"},
        {"responsibilities": "Lead\x00 the team"},
        {"kpis__csat__target": "9\x000%"},
        {"technologies": "Zen\x00desk"},
        {"salary_max": "99999999999999999999"},
        {"team_size": "-5"},
        {"budget": "1e9"},
        {"valid_through_0": "2026-02-31", "valid_through_1": "25:99"},
        {"applicant_countries": ["XX"]},
        {"industries": ["no-such-industry"]},
        {"channels": ["carrier-pigeon"]},
        {"kpis__csat__target": "x" * 500},
        {"responsibilities": "x" * 5000},
        {"technologies": ",".join(f"Tool {i}" for i in range(100))},
        {"company": "not-a-number"},
    ],
)
def test_hostile_input_gives_form_errors_not_server_errors(client_for, owner, company, overrides):
    response = client_for(owner).post(ADD_URL, posting_data(company, **overrides))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Listing.objects.exists()


def test_change_form_is_laid_out_in_domain_fieldsets(client_for, owner, company):
    listing = ListingFactory(company=company)
    html = client_for(owner).get(change_url(listing)).content.decode()
    headings = re.findall(
        r'<h2 id="fieldset-[^"]*-heading" class="fieldset-heading">(.*?)</h2>', html
    )
    assert headings == [
        "Role",
        "Who is hiring",
        "Scope",
        "KPIs owned",
        "Requirements",
        "Compensation",
        "Location",
        "Application",
        "Description",
        "Publication",
    ]
    # technology suggestions shown as help
    assert "Salesforce Service Cloud" in html
    # only static scripts: the CSP forbids inline ones
    assert "<script>" not in html
    assert "js/admin-kpis.js" in html

"""Editing the profile: clear messages for bad input, nothing set that is not on the form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from candidates.models import Profile
from tests.candidates.factories import CandidateUserFactory, profile_form_data

URL = "/me/profile/"


@pytest.mark.django_db
def test_a_complete_profile_is_saved_with_kpis_moved(owner_client, owner):
    response = owner_client.post(URL, profile_form_data())
    assert response.status_code == 302
    profile = Profile.objects.get(user=owner)
    assert profile.full_name == "Morgan Lee"
    assert profile.leadership_years == 11
    assert profile.kpis_moved == [
        {"code": "nps", "before": "31", "after": "58"},
        {"code": "aht", "before": "9:40", "after": "6:30"},  # figures given count as moved
    ]
    assert profile.technologies == ["Zendesk", "Genesys Cloud", "Kustomer", "Sprinklr"]
    assert profile.desired_levels == ["vp"]
    assert profile.countries == ["US", "CA"]
    assert profile.visibility == "private"
    page = owner_client.get(reverse("candidates:dashboard")).content.decode()
    assert "Net Promoter" in page or "NPS" in page
    assert "58" in page


@pytest.mark.django_db
def test_the_form_shows_what_was_saved(owner_client, owner):
    owner_client.post(URL, profile_form_data())
    html = owner_client.get(URL).content.decode()
    assert 'value="Kustomer, Sprinklr"' in html
    assert 'name="kpi_nps" id="id_kpi_nps" checked' in html
    assert 'value="58"' in html


@pytest.mark.django_db
def test_a_new_profile_is_private_by_default(owner_client, owner):
    owner_client.get(reverse("candidates:dashboard"))
    assert Profile.objects.get(user=owner).visibility == "private"


@pytest.mark.django_db
def test_fields_not_on_the_form_are_ignored(owner_client, owner, outsider):
    data = profile_form_data(
        user=str(outsider.pk),
        resume="resumes/../../etc/passwd",
        resume_kind="pdf",
        resume_original_name="evil.pdf",
        created_at="2000-01-01T00:00:00Z",
        kpis_moved='[{"code": "nps", "before": "0", "after": "100"}]',
        id="1",
    )
    assert owner_client.post(URL, data).status_code == 302
    profile = Profile.objects.get(user=owner)
    assert profile.user_id == owner.pk
    assert not profile.resume and profile.resume_kind == "" and profile.resume_original_name == ""
    assert profile.created_at.year > 2000
    assert profile.kpis_moved[0]["after"] == "58"
    assert not Profile.objects.filter(user=outsider).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("leadership_years", "-3", "Years cannot be negative."),
        ("leadership_years", "300", "Enter at most 50 years."),
        ("largest_team", "-1", "Enter at least 1 person"),
        ("largest_team", "99999999999", "Enter at most 1,000,000 people."),
        ("largest_budget", "-5", "Enter a positive amount"),
        ("desired_salary_min", "180", "Enter the yearly amount in full"),
        ("desired_salary_min", "-200000", "Enter the yearly amount in full"),
        ("desired_salary_min", "999999999999", "more than any executive role pays"),
        ("desired_salary_min", "20000000", "more than USD 10,000,000 a year"),
        ("desired_salary_min", "1e9", "Enter a whole number"),
        ("leadership_years", "ten", "Enter a whole number"),
        ("desired_levels", ["ceo"], "Select a valid choice"),
        ("countries", ["XX"], "Select a valid choice"),
        ("industries", ["not-an-industry"], "Select a valid choice"),
        ("visibility", "public", "Select a valid choice"),
        ("kpi_nps_before", "x" * 200, "under 24 characters"),
        ("other_technologies", "y" * 61, "under 60 characters"),
        ("full_name", "n" * 500, "at most 120 characters"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(owner_client, owner, field, value, message):
    response = owner_client.post(URL, profile_form_data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[html.find("errorlist") - 200 : html.find("errorlist") + 400]
    assert not Profile.objects.filter(user=owner, full_name="Morgan Lee").exists()


@pytest.mark.django_db
def test_script_in_text_fields_is_stored_as_text_and_rendered_escaped(owner_client, owner):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    owner_client.post(
        URL,
        profile_form_data(
            full_name=script[:100],
            headline=script,
            summary=script,
            other_technologies="<b>bold</b>",
            kpi_nps_after="<i>58</i>",
        ),
    )
    profile = Profile.objects.get(user=owner)
    assert profile.headline == script
    for url in [reverse("candidates:dashboard"), URL]:
        html = owner_client.get(url).content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b>bold</b>" not in html
        assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_control_characters_are_stripped_and_nul_refused(owner_client, owner):
    owner_client.post(URL, profile_form_data(headline="VP CX\x1b[31m\x07"))
    assert Profile.objects.get(user=owner).headline == "VP CX[31m"
    response = owner_client.post(URL, profile_form_data(headline="VP\x00 CX"))
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()


class HostileProfileInput(TestCase):
    """Whatever arrives in the form, the answer is a page or a redirect, never a 500."""

    @hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        data=st.dictionaries(
            st.sampled_from(
                [
                    "full_name",
                    "headline",
                    "leadership_years",
                    "largest_team",
                    "largest_budget",
                    "desired_salary_min",
                    "summary",
                    "kpi_csat_before",
                    "kpi_csat",
                    "visibility",
                    "other_technologies",
                    "budget_currency",
                    "current_level",
                ]
            ),
            st.text(max_size=80) | st.integers(-(10**20), 10**20).map(str),
        )
    )
    def test_any_form_input_gets_a_page_not_an_error(self, data):
        user = CandidateUserFactory()
        self.client.force_login(user)
        response = self.client.post(URL, data)
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            profile = Profile.objects.get(user=user)
            assert profile.leadership_years is None or 0 <= profile.leadership_years <= 50
            assert profile.desired_salary_min is None or (
                1_000 <= profile.desired_salary_min <= 10_000_000
            )

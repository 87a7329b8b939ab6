"""Every search parameter of the contract, alone and combined: right postings in, others out."""

from datetime import timedelta

import pytest
from django.utils import timezone

from listings.models import Industry
from tests.factories import (
    ClosedListingFactory,
    CompanyFactory,
    DraftListingFactory,
    ExpiredListingFactory,
    LiveListingFactory,
    RemoteListingFactory,
)

pytestmark = pytest.mark.django_db


def titles(client, query: str) -> list[str]:
    response = client.get("/jobs/?" + query, secure=True)
    assert response.status_code == 200
    return [listing.title for listing in response.context["page_obj"].object_list]


def test_only_live_postings_are_listed(client):
    LiveListingFactory(title="Live role")
    ExpiredListingFactory(title="Expired role")
    ClosedListingFactory(title="Closed role")
    DraftListingFactory(title="Draft role")
    assert titles(client, "") == ["Live role"]


def test_q_matches_title_company_responsibilities_requirements_and_description(client):
    LiveListingFactory(title="VP Customer Experience")
    LiveListingFactory(title="Director A", company=CompanyFactory(name="Zephyrine Airlines"))
    LiveListingFactory(title="Director B", responsibilities=["Run the Manila escalation desk."])
    LiveListingFactory(title="Director C", requirements=["Fluent in Portuguese."])
    LiveListingFactory(title="Director D", description="You will rebuild our knowledge base.")
    assert titles(client, "q=experience") == ["VP Customer Experience"]
    assert titles(client, "q=zephyrine") == ["Director A"]
    assert titles(client, "q=manila") == ["Director B"]
    assert titles(client, "q=portuguese") == ["Director C"]
    assert titles(client, "q=knowledge+base") == ["Director D"]


def test_q_supports_phrases_exclusion_and_or(client):
    LiveListingFactory(title="Contact center director", description="Lead the contact center.")
    LiveListingFactory(title="Director, contact strategy", description="Center of excellence.")
    LiveListingFactory(title="BPO contact center director", description="Outsourced BPO sites.")
    assert titles(client, 'q="contact+center"+-bpo') == ["Contact center director"]
    assert sorted(titles(client, "q=strategy+or+bpo")) == [
        "BPO contact center director",
        "Director, contact strategy",
    ]


def test_q_ranks_title_matches_above_description_matches_then_newest(client):
    now = timezone.now()
    LiveListingFactory(
        title="Director of Operations",
        description="Retention matters.",
        date_posted=now - timedelta(hours=1),
    )
    LiveListingFactory(title="Director of Retention", date_posted=now - timedelta(days=3))
    LiveListingFactory(
        title="Head of Support",
        description="Retention matters.",
        date_posted=now - timedelta(days=5),
    )
    assert titles(client, "q=retention") == [
        "Director of Retention",
        "Director of Operations",
        "Head of Support",
    ]


def test_q_kpi_words_match_the_kpis_owned(client):
    LiveListingFactory(title="Owns NPS", kpis=[{"code": "nps", "target": "+50"}])
    LiveListingFactory(title="Owns AHT", kpis=[{"code": "aht"}], description="x")
    assert titles(client, "q=net+promoter") == ["Owns NPS"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("level=vp", {"VP"}),
        ("level=director&level=vp", {"Director", "VP"}),
        ("function=customer_success", {"VP"}),
        ("workplace=remote", {"Remote"}),
        ("workplace=onsite&workplace=remote", {"Remote", "Senior"}),
    ],
)
def test_multi_valued_choices(client, query, expected):
    LiveListingFactory(title="Director", level="director", workplace="hybrid")
    LiveListingFactory(title="VP", level="vp", function="customer_success", workplace="hybrid")
    LiveListingFactory(title="Senior", level="senior_director", workplace="onsite")
    RemoteListingFactory(title="Remote", level="senior_director")
    assert set(titles(client, query)) == expected


def test_location_matches_city_region_or_country_name(client):
    LiveListingFactory(title="Austin", city="Austin", region="TX", country="US")
    LiveListingFactory(title="Leeds", city="Leeds", region="West Yorkshire", country="GB")
    LiveListingFactory(title="Munich", city="Munich", region="Bavaria", country="DE")
    assert titles(client, "location=austin") == ["Austin"]
    assert titles(client, "location=yorkshire") == ["Leeds"]
    assert titles(client, "location=Germany") == ["Munich"]
    assert titles(client, "location=UK") == ["Leeds"]


def test_country_includes_remote_roles_open_to_that_country(client):
    LiveListingFactory(title="Berlin", city="Berlin", region="Berlin", country="DE")
    RemoteListingFactory(title="Remote EU", applicant_countries=["DE", "FR"])
    RemoteListingFactory(title="Remote US", applicant_countries=["US"])
    assert set(titles(client, "country=DE")) == {"Berlin", "Remote EU"}
    assert set(titles(client, "country=de&country=US")) == {"Berlin", "Remote EU", "Remote US"}
    html = client.get("/jobs/?country=DE", secure=True).content.decode()
    assert '<option value="DE" selected>Germany</option>' in html


def test_salary_min_matches_postings_whose_max_reaches_it_annualised(client):
    LiveListingFactory(title="Up to 150k", salary_min=120_000, salary_max=150_000)
    LiveListingFactory(title="Up to 220k", salary_min=180_000, salary_max=220_000)
    LiveListingFactory(
        title="Interim 1,000/day", salary_min=800, salary_max=1_000, salary_period="day"
    )
    LiveListingFactory(title="No salary", salary_min=None, salary_max=None)
    assert set(titles(client, "salary_min=200000")) == {"Up to 220k", "Interim 1,000/day"}
    assert set(titles(client, "salary_min=150000")) == {
        "Up to 150k",
        "Up to 220k",
        "Interim 1,000/day",
    }


def test_kpi_requires_every_kpi_given(client):
    LiveListingFactory(title="CSAT+NPS", kpis=[{"code": "csat"}, {"code": "nps", "target": "50"}])
    LiveListingFactory(title="CSAT", kpis=[{"code": "csat"}])
    assert set(titles(client, "kpi=csat")) == {"CSAT+NPS", "CSAT"}
    assert titles(client, "kpi=csat&kpi=nps") == ["CSAT+NPS"]


def test_industry_matches_any_given(client):
    health = Industry.objects.get(slug="healthcare")
    insurance = Industry.objects.get(slug="insurance")
    LiveListingFactory(title="Clinic", company=CompanyFactory(industry=health))
    LiveListingFactory(title="Insurer", company=CompanyFactory(industry=insurance))
    LiveListingFactory(title="Software")
    assert titles(client, "industry=healthcare") == ["Clinic"]
    assert set(titles(client, "industry=healthcare&industry=insurance")) == {"Clinic", "Insurer"}


def test_team_size_min_and_experience(client):
    LiveListingFactory(title="Big team, 10y", team_size=500, min_leadership_years=10)
    LiveListingFactory(title="Small team, 5y", team_size=40, min_leadership_years=5)
    LiveListingFactory(title="No stated years", team_size=90, min_leadership_years=None)
    assert titles(client, "team_size_min=100") == ["Big team, 10y"]
    assert set(titles(client, "experience=7")) == {"Small team, 5y", "No stated years"}


def test_posted_within_days(client):
    now = timezone.now()
    LiveListingFactory(title="Today", date_posted=now - timedelta(hours=3))
    LiveListingFactory(title="Last week", date_posted=now - timedelta(days=5))
    LiveListingFactory(title="Last month", date_posted=now - timedelta(days=20))
    assert titles(client, "posted=1") == ["Today"]
    assert titles(client, "posted=7") == ["Today", "Last week"]
    assert titles(client, "posted=30") == ["Today", "Last week", "Last month"]


def test_sorting_newest_salary_and_default(client):
    now = timezone.now()
    LiveListingFactory(title="Old rich", salary_max=400_000, date_posted=now - timedelta(days=9))
    LiveListingFactory(title="New modest", salary_max=160_000, date_posted=now - timedelta(hours=1))
    LiveListingFactory(
        title="Mid none", salary_min=None, salary_max=None, date_posted=now - timedelta(days=2)
    )
    assert titles(client, "") == ["New modest", "Mid none", "Old rich"]
    assert titles(client, "sort=salary") == ["Old rich", "New modest", "Mid none"]
    assert titles(client, "sort=newest") == ["New modest", "Mid none", "Old rich"]
    # relevance without keywords falls back to newest
    assert titles(client, "sort=relevance") == ["New modest", "Mid none", "Old rich"]


def test_combined_filters_intersect(client):
    LiveListingFactory(
        title="Match",
        level="vp",
        workplace="hybrid",
        kpis=[{"code": "nps"}],
        salary_max=250_000,
        description="Lead global support.",
    )
    LiveListingFactory(title="Wrong level", level="director", kpis=[{"code": "nps"}])
    LiveListingFactory(title="Wrong KPI", level="vp", kpis=[{"code": "aht"}])
    LiveListingFactory(
        title="Too cheap", level="vp", kpis=[{"code": "nps"}], salary_min=90_000, salary_max=100_000
    )
    query = "q=support&level=vp&kpi=nps&salary_min=200000&workplace=hybrid&country=US"
    assert titles(client, query) == ["Match"]


def test_pagination_counts_and_pages(client):
    for i in range(23):
        LiveListingFactory(title=f"Role {i:02d}", date_posted=timezone.now() - timedelta(hours=i))
    first = client.get("/jobs/", secure=True)
    assert first.context["results"].total == 23
    assert len(first.context["page_obj"].object_list) == 20
    assert "23</strong> roles" in first.content.decode()
    second = client.get("/jobs/?page=2", secure=True)
    assert [li.title for li in second.context["page_obj"].object_list] == [
        "Role 20",
        "Role 21",
        "Role 22",
    ]
    # beyond the last page: the last page, not an error
    assert client.get("/jobs/?page=99999", secure=True).context["page_obj"].number == 2


def test_a_huge_day_rate_is_annualised_without_overflow(client):
    LiveListingFactory(
        title="Absurd day rate", salary_min=9_000_000, salary_max=9_999_999, salary_period="day"
    )
    assert titles(client, "salary_min=2000000000") == ["Absurd day rate"]

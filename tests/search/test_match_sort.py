"""Signed-in candidates see match scores on results and can sort by them."""

import pytest

from candidates.matching import match_for
from tests.candidates.factories import ProfileFactory
from tests.factories import LiveListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate_client(client):
    profile = ProfileFactory(desired_levels=["vp"], workplaces=["hybrid"], countries=["US"])
    client.force_login(profile.user)
    return client, profile


def test_sort_by_match_orders_by_the_profiles_score(candidate_client):
    client, profile = candidate_client
    LiveListingFactory(
        title="Director, wrong level", level="director", salary_min=100_000, salary_max=120_000
    )
    LiveListingFactory(title="VP, good fit", level="vp", salary_max=260_000)
    LiveListingFactory(title="Senior Director", level="senior_director")
    response = client.get("/jobs/?sort=match", secure=True)
    rows = response.context["page_obj"].object_list
    scores = [row.match_score for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert rows[0].title == "VP, good fit"
    # the SQL score is the one the posting page explains
    for row in rows:
        assert row.match_score == match_for(profile, row).score
    html = response.content.decode()
    assert f"{rows[0].match_score}% match" in html
    assert "Best match for my profile" in html


def test_anonymous_match_sort_falls_back_with_a_notice(client):
    LiveListingFactory(title="Any")
    response = client.get("/jobs/?sort=match", secure=True)
    assert response.status_code == 200
    assert "Sign in with a profile to sort roles" in response.content.decode()
    assert "% match" not in response.content.decode()


def test_signed_in_results_page_still_costs_a_fixed_number_of_queries(
    candidate_client, django_assert_max_num_queries
):
    client, _profile = candidate_client
    for i in range(30):
        LiveListingFactory(title=f"Customer role {i}", level="vp")
    client.get("/jobs/", secure=True)
    with django_assert_max_num_queries(10):
        response = client.get("/jobs/?q=customer&sort=match", secure=True)
    assert len(response.context["page_obj"].object_list) == 20

"""Facet counts are right (disjunctive), and a results page costs a fixed number of queries."""

import pytest

from tests.factories import LiveListingFactory, RemoteListingFactory

pytestmark = pytest.mark.django_db


def facet(response, group: str) -> dict[str, int]:
    return {o.value: o.count for o in response.context["results"].facets[group]}


def test_facet_counts_follow_the_other_filters_but_not_their_own_group(client):
    LiveListingFactory(level="director", kpis=[{"code": "csat"}])
    LiveListingFactory(level="director", kpis=[{"code": "nps"}])
    LiveListingFactory(level="vp", kpis=[{"code": "csat"}])
    RemoteListingFactory(level="vp", kpis=[{"code": "csat"}, {"code": "nps"}])

    everything = client.get("/jobs/", secure=True)
    assert facet(everything, "level")["director"] == 2
    assert facet(everything, "level")["vp"] == 2
    assert facet(everything, "kpi")["csat"] == 3
    assert facet(everything, "workplace") == {"onsite": 0, "hybrid": 3, "remote": 1}

    directors = client.get("/jobs/?level=director", secure=True)
    assert directors.context["results"].total == 2
    # own group: what choosing VP as well would add
    assert facet(directors, "level") == {"director": 2, "senior_director": 0, "vp": 2}
    # other groups: restricted to directors
    assert facet(directors, "kpi")["csat"] == 1
    assert facet(directors, "kpi")["nps"] == 1
    assert facet(directors, "workplace")["remote"] == 0

    both = client.get("/jobs/?level=director&kpi=csat", secure=True)
    assert both.context["results"].total == 1
    assert facet(both, "level") == {"director": 1, "senior_director": 0, "vp": 2}
    # adding NPS to "director + CSAT" would leave no role: KPIs must all be owned
    assert facet(both, "kpi")["nps"] == 0
    assert facet(both, "kpi")["csat"] == 1


def test_facet_counts_match_the_results_they_promise(client):
    LiveListingFactory(level="director", kpis=[{"code": "csat"}])
    LiveListingFactory(level="vp", kpis=[{"code": "csat"}, {"code": "fcr"}])
    LiveListingFactory(level="vp", kpis=[{"code": "fcr"}])
    page = client.get("/jobs/?kpi=csat", secure=True)
    for option in page.context["results"].facets["level"]:
        promised = option.count
        got = client.get(f"/jobs/?kpi=csat&level={option.value}", secure=True)
        assert got.context["results"].total == promised, option.value


@pytest.mark.parametrize(
    "query",
    ["", "q=customer", "level=vp&kpi=csat&workplace=hybrid&salary_min=100000", "sort=salary"],
)
def test_results_page_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries, query):
    for i in range(45):
        LiveListingFactory(title=f"Customer role {i}", level="vp", kpis=[{"code": "csat"}])
    client.get("/jobs/", secure=True)  # warm up: session, content types
    # counts, page ids and rows (+ snippets, + the words' parse the first time they are
    # seen), and the transaction that steers the plans (BEGIN/COMMIT, here savepoints)
    with django_assert_max_num_queries(8):
        response = client.get(f"/jobs/?{query}", secure=True)
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 20


def test_keyword_results_carry_escaped_highlighted_snippets(client):
    LiveListingFactory(
        title="Director",
        description="Own <script>alert(1)</script> <b>bold</b> escalation & a < b.",
    )
    html = client.get("/jobs/?q=escalation", secure=True).content.decode()
    snippet = html.split('class="listing-snippet">')[1].split("</p>")[0]
    assert "<mark>escalation</mark>" in snippet
    assert "<script" not in snippet and "<b>" not in snippet


def test_snippets_escape_everything_but_our_marks():
    from listings.search import _safe_snippet

    raw = "a < b & **c** \x02escalation\x03 <img src=x onerror=alert(1)> [site](javascript:x)"
    assert _safe_snippet(raw) == (
        "a &lt; b &amp; c <mark>escalation</mark> &lt;img src=x onerror=alert(1) site"
    )

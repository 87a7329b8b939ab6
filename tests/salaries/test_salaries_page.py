"""/salaries/: the figures of a slice, in the chosen currency, with charts and tables."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.candidates.factories import ProfileFactory
from tests.factories import ClosedListingFactory, LiveListingFactory, RemoteListingFactory
from tests.salaries.pages import amount, breakdown, headline, read_chart, table_rows

pytestmark = pytest.mark.django_db

# Midpoints at least 2 % apart (a pay bucket each), so every figure is exact.
VP_CX_REMOTE_DE = [200_000, 210_000, 220_000, 230_000, 240_000]
DIRECTOR_CS_US = [100_000, 110_000, 120_000, 130_000, 140_000, 150_000]


@pytest.fixture
def board(known_rates):
    for pay in VP_CX_REMOTE_DE:
        RemoteListingFactory(
            title="VP Customer Experience",
            level="vp",
            function="customer_experience",
            applicant_countries=["DE"],
            salary_min=pay - 10_000,
            salary_max=pay + 10_000,
        )
    for pay in DIRECTOR_CS_US:
        LiveListingFactory(
            level="director",
            function="customer_service",
            workplace="onsite",
            salary_min=pay,
            salary_max=pay,
        )


def get(client, query: str = ""):
    response = client.get("/salaries/" + (f"?{query}" if query else ""), secure=True)
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_whole_board_by_default(client, board):
    _, html = get(client)
    assert headline(html, "count") == "11"
    # 100 110 120 130 140 150 | 200 210 220 230 240: the sixth of eleven
    assert headline(html, "median") == "USD 150,000"
    assert headline(html, "iqr") == "USD 125,000 – 215,000"
    assert "Reference exchange rates of 30 Oct 2026, ECB" in html


def test_the_slice_parameters_narrow_the_figures(client, board):
    _, html = get(client, "level=vp&function=customer_experience&workplace=remote&country=DE")
    assert headline(html, "count") == "5"
    assert headline(html, "median") == "USD 220,000"
    assert headline(html, "iqr") == "USD 210,000 – 230,000"
    # each breakdown keeps the other choices: by level, only the VPs are in this slice
    levels = {row.label: row for row in table_rows(breakdown(html, "level"))}
    assert levels["VP / Head of"].count == 5
    assert levels["VP / Head of"].median == "USD 220,000"
    assert levels["Director"].count == 0
    # "See these roles" opens /jobs/ on the same slice
    assert (
        'href="/jobs/?level=vp&amp;function=customer_experience&amp;workplace=remote'
        '&amp;country=DE&amp;salary_currency=USD"' in html
    )


def test_a_slice_elsewhere_holds_other_postings(client, board):
    _, html = get(client, "level=director&country=US")
    assert headline(html, "count") == "6"
    assert headline(html, "median") == "USD 125,000"  # between 120,000 and 130,000


def test_switching_currency_converts_every_figure(client, board):
    _, html = get(client, "level=vp&salary_currency=EUR")
    # 1 EUR = 1.25 USD: 220,000 USD is 176,000 EUR
    assert headline(html, "median") == "EUR 176,000"
    assert headline(html, "iqr") == "EUR 168,000 – 184,000"
    levels = {row.label: row for row in table_rows(breakdown(html, "level"))}
    assert levels["VP / Head of"].median == "EUR 176,000"
    chart = read_chart(re.search(r"<svg\b.*?</svg>", breakdown(html, "level"), re.S).group(0))
    assert chart.currency == "EUR"
    _, pounds = get(client, "level=vp&salary_currency=gbp")  # any case
    # 1 GBP = 1.5625 USD: 140,800, shown to three figures as every figure is
    assert headline(pounds, "median") == "GBP 141,000"


def test_a_signed_in_candidate_sees_their_profile_currency(client, board):
    profile = ProfileFactory(desired_currency="EUR")
    client.force_login(profile.user)
    _, html = get(client, "level=vp")
    assert headline(html, "median") == "EUR 176,000"
    _, chosen = get(client, "level=vp&salary_currency=USD")  # an explicit currency wins
    assert headline(chosen, "median") == "USD 220,000"


def test_a_small_slice_says_so_and_shows_no_statistics(client, known_rates):
    for pay in (150_000, 160_000, 170_000):
        LiveListingFactory(level="senior_director", salary_min=pay, salary_max=pay)
    _, html = get(client, "level=senior_director")
    assert headline(html, "count") == "3"
    assert headline(html, "median") is None
    assert headline(html, "iqr") is None
    assert "Fewer than 5 postings" in html
    assert "USD 160,000" not in html  # the median of three is not shown anywhere
    rows = {row.label: row for row in table_rows(breakdown(html, "level"))}
    assert rows["Senior Director"].cells == ["3", "fewer than 5 postings"]
    # no group is large enough: no chart at all, just the counts
    assert "<svg" not in breakdown(html, "level")
    assert "nothing to chart" in breakdown(html, "level")


def test_a_small_group_gets_no_bar_and_says_so(client, board):
    LiveListingFactory(level="senior_director", salary_min=300_000, salary_max=300_000)
    _, html = get(client)
    svg = re.search(r"<svg\b.*?</svg>", breakdown(html, "level"), re.S).group(0)
    chart = read_chart(svg)
    assert "Senior Director (fewer than 5)" in chart.labels
    assert set(chart.medians) == {"Director", "VP / Head of"}


def test_the_last_twelve_months_include_recently_closed_postings_not_older_ones(
    client, known_rates
):
    now = timezone.now()
    for pay in (100_000, 110_000, 120_000, 130_000, 140_000):
        LiveListingFactory(salary_min=pay, salary_max=pay)
    for pay in (200_000, 210_000, 220_000):
        ClosedListingFactory(
            salary_min=pay,
            salary_max=pay,
            date_posted=now - timedelta(days=60),
            valid_through=now - timedelta(days=30),
        )
    for pay in (400_000, 410_000):
        ClosedListingFactory(
            salary_min=pay,
            salary_max=pay,
            date_posted=now - timedelta(days=420),
            valid_through=now - timedelta(days=390),
        )
    _, live = get(client)
    assert headline(live, "count") == "5"
    assert headline(live, "median") == "USD 120,000"
    _, year = get(client, "period=12m")
    assert headline(year, "count") == "8"
    assert headline(year, "median") == "USD 135,000"  # between 130,000 and 140,000
    assert "first advertised in the last 12 months" in year
    assert '<strong aria-current="true">Last 12 months</strong>' in year


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("level=ceo", "“ceo” is not a known level value"),
        ("function=sales&level=vp", "“sales” is not a known function value"),
        ("workplace=moon", "“moon” is not a known workplace value"),
        ("country=ZZ", "“ZZ” is not a known country code"),
        ("salary_currency=XXX", "“XXX” is not a currency this board knows"),
        ("period=forever", "“forever” is not a period this page knows"),
        ("country=DE&country=fr", "this shows Germany and leaves out France"),
        ("q=zendesk&kpi=nps&salary_min=1", "not narrowed by keywords, minimum salary or KPIs"),
        ("level=" + "x" * 500, "is not a known level value"),
        ("salary_currency=%00&period=%ff", "is not a currency this board knows"),
    ],
)
def test_malformed_parameters_are_dropped_with_a_notice(client, board, query, notice):
    _, html = get(client, query)
    assert notice in html.replace("&#x27;", "'")
    assert "Part of this request could not be used" in html
    assert headline(html, "count") is not None  # the rest of the page is there


def test_the_valid_part_of_a_malformed_request_still_applies(client, board):
    _, html = get(client, "level=vp&level=ceo&country=DE&country=ZZ&salary_currency=XXX")
    assert headline(html, "count") == "5"
    assert headline(html, "median") == "USD 220,000"  # the VPs open to Germany, in USD


def test_parameters_of_jobs_that_do_not_apply_give_one_notice(client, board):
    _, html = get(client, "q=zendesk&industry=retail&posted=7&sort=newest&page=2&level=vp")
    assert html.count("Pay figures are not narrowed by") == 1
    assert headline(html, "count") == "5"  # nothing of them narrowed the figures
    _, plain = get(client, "q=&level=vp")  # an empty field from a form is no request
    assert "not narrowed" not in plain


def test_the_policy_stays_strict_and_the_charts_obey_it(client, board):
    response, html = get(client)
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["style-src"]
    nonce = re.fullmatch(r"'self' 'nonce-([A-Za-z0-9+/=]+)'", policy["style-src"]).group(1)
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) == 8  # four charts, wide and narrow
    for svg in svgs:
        assert "<script" not in svg
        assert re.findall(r"<style\b[^>]*>", svg) == [f'<style nonce="{nonce}">']
    assert 'style="' not in html
    assert len(re.findall(r"<style\b", html)) == len(svgs)  # no other inline style
    # a new request, a new nonce (the charts come from the cache)
    again, html2 = get(client)
    assert again["Content-Security-Policy"] != response["Content-Security-Policy"]
    assert nonce not in html2


def test_other_pages_keep_style_src_self_only(client, board):
    response = client.get("/jobs/", secure=True)
    assert "style-src 'self';" in response["Content-Security-Policy"] + ";"


def test_each_chart_is_an_image_labelled_for_screen_readers(client, board):
    _, html = get(client)
    for svg in re.findall(r"<svg\b.*?</svg>", html, re.S):
        head = svg[: svg.index(">")]
        assert 'role="img"' in head
        title_id, desc_id = re.search(r'aria-labelledby="([^"]+)"', head).group(1).split()
        assert re.search(rf'<title id="{title_id}">Advertised pay by \w+, in USD a year<', svg)
        assert f'<desc id="{desc_id}">' in svg


@pytest.mark.parametrize("key", ["level", "function", "workplace", "country"])
def test_each_chart_is_followed_by_a_table_of_the_same_medians(client, board, key):
    _, html = get(client, "salary_currency=EUR")
    section = breakdown(html, key)
    assert section.index("<svg") < section.index("<table")
    rows = table_rows(section)
    expected = {row.label: amount(row.median) for row in rows if row.median}
    assert expected  # the board has groups large enough in every breakdown
    wide = re.search(r"<svg\b.*?</svg>", section, re.S).group(0)
    chart = read_chart(wide)
    assert chart.currency == "EUR"
    assert set(chart.medians) == set(expected)
    span = max(chart.ticks.values()) - min(chart.ticks.values())
    for label, median in expected.items():
        # where the bar's halves meet, read back off the axis: the table's median
        assert chart.medians[label] == pytest.approx(median, abs=span * 0.005)
    assert [label.split(" (")[0] for label in chart.labels] == [row.label for row in rows]


def test_the_country_chart_names_countries_most_postings_first(client, board):
    LiveListingFactory(city="Toronto", region="ON", country="CA")
    _, html = get(client)
    rows = table_rows(breakdown(html, "country"))
    assert [row.label for row in rows] == ["United States of America", "Germany", "Canada"]
    assert [row.count for row in rows] == [6, 5, 1]
    assert rows[2].cells[1:] == ["fewer than 5 postings"]


def test_the_same_figures_render_no_chart_again(client, board):
    from listings.charts import render_cache_info

    get(client)
    misses = render_cache_info().misses
    get(client)
    get(client, "q=ignored")
    assert render_cache_info().misses == misses
    get(client, "salary_currency=EUR")  # other figures: new charts
    assert render_cache_info().misses > misses


def test_the_header_and_the_search_page_link_here(client, board):
    html = client.get("/jobs/?level=vp&country=DE&salary_currency=EUR&q=x", secure=True)
    html = html.content.decode()
    assert '<a href="/salaries/">Salaries</a>' in html
    link = re.search(r'<a class="pay-link" href="([^"]+)">Pay for these roles</a>', html)
    assert link.group(1) == "/salaries/?level=vp&amp;country=DE&amp;salary_currency=EUR"
    _, page = get(client, link.group(1).replace("&amp;", "&").split("?", 1)[1])
    assert headline(page, "count") == "5"


def test_the_groups_of_the_slice_are_marked_in_chart_and_table(client, board):
    _, everything = get(client)
    _, vps = get(client, "level=vp")
    chart_all = re.search(r"<svg\b.*?</svg>", breakdown(everything, "level"), re.S).group(0)
    chart_vp = re.search(r"<svg\b.*?</svg>", breakdown(vps, "level"), re.S).group(0)
    assert re.search(r'<text [^>]*class="[^"]*is-selected[^"]*">VP / Head of</text>', chart_vp)
    assert not re.search(r'class="[^"]*is-selected', chart_all)

    # the same drawing otherwise: the choice of levels does not redraw the chart by level
    def plain(svg):
        return re.sub(
            r'nonce="[^"]*"', "", svg.replace(" is-selected", "").replace("is-selected", "")
        )

    assert plain(chart_vp) == plain(chart_all)
    rows = {row.label: row for row in table_rows(breakdown(vps, "level"))}
    assert '<tr class="is-selected">' in breakdown(vps, "level")
    assert rows["VP / Head of"].count == 5


def test_a_drawing_is_shared_between_processes(client, board, monkeypatch):
    from listings import charts

    first = get(client)[1]
    charts.clear_render_cache()  # as another worker process would start: no memo

    def no_drawing(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(charts, "_svg", no_drawing)
    again = get(client)[1]  # every chart from the shared cache

    def plain(html):
        return re.sub(r'nonce="[^"]*"', "", "".join(re.findall(r"<svg\b.*?</svg>", html, re.S)))

    assert plain(again) == plain(first)


def test_the_page_draws_its_charts_when_the_shared_cache_is_down(client, board, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    _, html = get(client)
    assert len(re.findall(r"<svg\b", html)) == 8


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pairs=st.lists(
        st.tuples(
            st.sampled_from(
                ["level", "function", "workplace", "country", "salary_currency", "period", "q"]
            ),
            st.one_of(
                st.text(max_size=50),
                st.sampled_from(["vp", "DE", "EUR", "12m", "remote", "live"]),
                st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
            ),
        ),
        max_size=10,
    )
)
def test_random_parameters_never_cause_a_server_error(client, known_rates, pairs):
    raw = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
    response = client.get("/salaries/?" + raw, secure=True)
    assert response.status_code == 200
    assert b'data-figure="count"' in response.content

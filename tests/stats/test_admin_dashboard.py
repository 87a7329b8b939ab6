"""A company's dashboard of its postings' figures over a window, sortable, and its CSV
export. Recruiters see their own company only: another company's id answers 404 like
one that does not exist; anonymous visitors get the login page; operators see every
company, together or one at a time."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from listings import stats
from listings.admin_stats import FIGURES
from listings.models import PostingDay
from tests.factories import LiveListingFactory, RecruiterUserFactory, UserFactory
from tests.stats.helpers import number, tables
from tests.support.clients import body

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/listings/listing/figures/"
CSV = "/admin/listings/listing/figures/export.csv"
CAPTION = "Postings and their figures"
FIELDS = [f.field for f in FIGURES]


def day(n: int):
    return stats.utc_today() - timedelta(days=n)


def record(listing, n: int, **figures) -> None:
    PostingDay.objects.create(listing=listing, day=day(n), **figures)


@pytest.fixture
def world(company, other_company):
    care = LiveListingFactory(company=company, title="VP of Customer Care")
    success = LiveListingFactory(company=company, title="Director of Customer Success")
    theirs = LiveListingFactory(company=other_company, title="Head of Contact Centres")
    record(care, 0, views=10, visitors=7, impressions=100, apply_clicks=2)
    record(care, 29, views=5, visitors=5, saves=1)
    record(care, 30, views=1000, visitors=900)  # outside the 30 days
    record(success, 6, views=40, visitors=30, applications=3, alert_emails=12)
    record(theirs, 0, views=77, visitors=70)
    return {"care": care, "success": success, "theirs": theirs}


def rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return tables(response.content.decode())[CAPTION][1:]


def titles(response) -> list[str]:
    return [row[0] for row in rows(response) if not row[0].startswith("All ")]


def figures_of(response, title: str) -> list[int]:
    """The figures of a recruiter's row: after the title, before status and date."""
    row = next(r for r in rows(response) if r[0] == title)
    return [number(cell) for cell in row[1 : 1 + len(FIELDS)]]


def test_the_owner_sees_their_companys_postings_with_the_last_30_days(client_for, owner, world):
    response = client_for(owner).get(DASHBOARD)
    assert titles(response) == ["Director of Customer Success", "VP of Customer Care"]  # by views
    # visitors, views, impressions, apply clicks, applications, saves, alert emails
    assert figures_of(response, "VP of Customer Care") == [12, 15, 100, 2, 0, 1, 0]
    assert figures_of(response, "Director of Customer Success") == [30, 40, 0, 0, 3, 0, 12]
    posted = world["success"].date_posted
    assert rows(response)[0][-2:] == ["Published", f"{posted:%-d %b %Y}"]
    footer = rows(response)[-1]
    assert footer[0] == "All 2 postings"
    assert [number(c) for c in footer[1 : 1 + len(FIELDS)]] == [42, 55, 100, 2, 3, 1, 12]
    assert "Head of Contact Centres" not in response.content.decode()


def test_the_window_can_be_a_week_or_all_time(client_for, owner, world):
    client = client_for(owner)
    week = client.get(DASHBOARD + "?days=7")
    assert figures_of(week, "VP of Customer Care") == [7, 10, 100, 2, 0, 0, 0]
    ever = client.get(DASHBOARD + "?days=all")
    assert figures_of(ever, "VP of Customer Care") == [912, 1015, 100, 2, 0, 1, 0]
    assert titles(ever) == ["VP of Customer Care", "Director of Customer Success"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("title", ["Director of Customer Success", "VP of Customer Care"]),
        ("-title", ["VP of Customer Care", "Director of Customer Success"]),
        ("apply_clicks", ["Director of Customer Success", "VP of Customer Care"]),
        ("-apply_clicks", ["VP of Customer Care", "Director of Customer Success"]),
        ("-alert_emails", ["Director of Customer Success", "VP of Customer Care"]),
    ],
)
def test_the_columns_sort_the_table(client_for, owner, world, sort, expected):
    assert titles(client_for(owner).get(f"{DASHBOARD}?sort={sort}")) == expected


def test_the_sorted_column_says_so_and_its_heading_reverses_it(client_for, owner, world):
    html = client_for(owner).get(f"{DASHBOARD}?sort=-apply_clicks").content.decode()
    assert 'aria-sort="descending"><a href="?days=30&amp;sort=apply_clicks">Apply clicks' in html


@pytest.mark.parametrize("query", ["?days=abc", "?sort=password", "?page=zz", "?days=&sort=-"])
def test_nonsense_parameters_fall_back_to_the_defaults(client_for, owner, world, query):
    response = client_for(owner).get(DASHBOARD + query)
    assert titles(response) == ["Director of Customer Success", "VP of Customer Care"]


def test_a_colleague_sees_the_same_dashboard(client_for, owner, colleague, world):
    assert rows(client_for(colleague).get(DASHBOARD)) == rows(client_for(owner).get(DASHBOARD))


def test_the_outsider_sees_only_their_own_company(client_for, outsider, world):
    response = client_for(outsider).get(DASHBOARD)
    assert titles(response) == ["Head of Contact Centres"]
    assert "Customer Care" not in response.content.decode()


@pytest.mark.parametrize("url", [DASHBOARD, CSV])
def test_another_companys_id_is_404_as_for_a_company_that_does_not_exist(
    client_for, outsider, company, world, url
):
    client = client_for(outsider)
    theirs = client.get(f"{url}?company={company.pk}")
    missing = client.get(f"{url}?company=987654321")
    assert theirs.status_code == missing.status_code == 404
    assert body(theirs) == body(missing)
    assert client.get(f"{url}?company=abc").status_code == 404
    assert client.get(f"{url}?company={outsider.recruiter_profile.company_id}").status_code == 200


@pytest.mark.parametrize("url", [DASHBOARD, CSV])
def test_anonymous_visitors_and_non_staff_are_sent_to_the_admin_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_recruiter_without_a_company_has_no_dashboard(client_for, world):
    lost = RecruiterUserFactory(username="lost")
    lost.recruiter_profile.delete()
    assert client_for(lost).get(DASHBOARD).status_code == 404
    assert client_for(lost).get(CSV).status_code == 404


def test_the_operator_sees_every_company_or_the_one_chosen(client_for, operator, company, world):
    client = client_for(operator)
    everyone = client.get(DASHBOARD)
    assert titles(everyone) == [
        "Head of Contact Centres",
        "Director of Customer Success",
        "VP of Customer Care",
    ]
    assert rows(everyone)[0][:2] == ["Head of Contact Centres", "Contoso Care"]  # company column
    one = client.get(f"{DASHBOARD}?company={company.pk}")
    assert titles(one) == ["Director of Customer Success", "VP of Customer Care"]
    assert f'<option value="{company.pk}" selected>Northwind Support</option>' in (
        one.content.decode()
    )


def test_the_csv_holds_exactly_the_dashboards_figures(client_for, owner, world):
    response = client_for(owner).get(CSV + "?sort=title")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    start, end = day(29).isoformat(), day(0).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="figures-{world["care"].company.slug}-{start}-to-{end}.csv"'
    )
    posted = {k: v.date_posted.date().isoformat() for k, v in world.items()}
    assert response.content.decode() == (
        "Posting ID,Title,Company,Status,Posted (UTC),From,To,Visitors,Views,"
        "In search results,Apply clicks,Applications,Saves,Alert emails\r\n"
        f"{world['success'].pk},Director of Customer Success,Northwind Support,Published,"
        f"{posted['success']},{start},{end},30,40,0,0,3,0,12\r\n"
        f"{world['care'].pk},VP of Customer Care,Northwind Support,Published,"
        f"{posted['care']},{start},{end},12,15,100,2,0,1,0\r\n"
    )


def test_the_csv_of_all_time_for_an_operator_names_every_company(client_for, operator, world):
    response = client_for(operator).get(CSV + "?days=all&sort=title")
    lines = response.content.decode().splitlines()
    assert response["Content-Disposition"].startswith(
        'attachment; filename="figures-all-companies-all-time'
    )
    assert [line.split(",")[1:3] for line in lines[1:]] == [
        ["Director of Customer Success", "Northwind Support"],
        ["Head of Contact Centres", "Contoso Care"],
        ["VP of Customer Care", "Northwind Support"],
    ]
    assert lines[3].split(",")[5:] == [
        "",
        day(0).isoformat(),
        "912",
        "1015",
        "100",
        "2",
        "0",
        "1",
        "0",
    ]


@pytest.mark.parametrize(
    "title",
    ['=HYPERLINK("http://x.example","CX")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tTabbed"],
)
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped(
    client_for, owner, company, title
):
    LiveListingFactory(company=company, title=title)
    response = client_for(owner).get(CSV)
    _, row = list(csv.reader(io.StringIO(response.content.decode())))
    assert row[1] == "'" + title

"""The admin posting form (add and change) as a recruiter, with hostile values in any
field: never a 5xx; an invalid form is shown again with its errors and saves nothing;
a valid one saves what was sent, and a posting it publishes still makes a valid feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.test import Client
from hypothesis import event, example, given
from hypothesis import strategies as st

from listings.choices import KPI, Channel, Level
from listings.models import Listing
from tests.admin.helpers import ADD_URL, change_url, posting_data
from tests.factories import CompanyFactory, ListingFactory, LiveListingFactory
from tests.fuzz.strategies import FUZZ_SLOW, MESSY, NASTY, form_of

pytestmark = pytest.mark.django_db

# What XML 1.0 (feeds, sitemaps) cannot carry and mail and PDFs choke on.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
SOFT_BREAK = re.compile(r"[\x0b\x0c]")  # pasted from Word: a line break, a page break


def as_kept(text: str, *, multiline: bool = False) -> str:
    """What the form keeps of `text`: controls dropped, soft breaks made real ones."""
    return CONTROL.sub("", SOFT_BREAK.sub("\n" if multiline else " ", text)).strip()


def within(low: int, high: int) -> st.SearchStrategy[str]:
    return st.one_of(st.integers(low, high).map(str), st.just(""))


def many(values) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(list(values)), max_size=4, unique=True)


NUMBER = st.one_of(st.integers(-10, 10**12).map(str), NASTY)
NASTY_LIST = st.lists(NASTY, max_size=4)
LINES = st.lists(MESSY, max_size=5).map("\n".join)
FUTURE = st.dates(min_value=date.today() + timedelta(days=2), max_value=date(2100, 1, 1))

OVERRIDES = form_of(
    valid={
        "title": MESSY.map(lambda t: f"VP {t}"),
        "company": st.just("own"),
        "level": st.sampled_from(Level.values),
        "workplace": st.sampled_from(["onsite", "hybrid"]),
        "team_size": within(0, 1_000_000),
        "managers_reporting": within(0, 10_000),
        "budget": within(0, 10**11),
        "salary_min": within(0, 200_000),
        "salary_max": within(200_000, 10_000_000),
        "min_leadership_years": within(0, 40),
        "channels": many(Channel.values),
        # the base form has targets for CSAT and NPS, so those stay ticked
        "kpis": many(KPI.values).map(lambda codes: sorted({"csat", "nps", *codes})),
        "kpis__csat__target": MESSY,
        "kpis__nps__target": MESSY,
        "responsibilities": LINES.map(lambda t: "Lead the team\n" + t),
        "requirements": LINES,
        "technologies": LINES,
        "industries": many(["insurance", "software-saas"]),
        "country": st.sampled_from(["US", "DE", "GB"]),
        "city": MESSY.map(lambda t: f"Austin {t}"),
        "bonus": MESSY,
        "description": MESSY.map(lambda t: f"Lead. {t}"),
        "valid_through_0": FUTURE.map(str),
        "valid_through_1": st.times().map(lambda t: t.strftime("%H:%M:%S")),
    },
    hostile={
        "title": NASTY,
        "company": st.sampled_from(["other", "", "0", "-1", "9" * 30, "x"]),
        "level": NASTY,
        "workplace": st.one_of(st.just("remote"), NASTY),
        "team_size": NUMBER,
        "managers_reporting": NUMBER,
        "budget": NUMBER,
        "salary_min": NUMBER,
        "salary_max": NUMBER,
        "min_leadership_years": NUMBER,
        "channels": NASTY_LIST,
        "kpis": NASTY_LIST,
        "industries": NASTY_LIST,
        "applicant_countries": st.lists(st.one_of(st.sampled_from(["US", "DE"]), NASTY)),
        "country": NASTY,
        "apply_method": st.one_of(st.sampled_from(["in_app", "url", "email"]), NASTY),
        "apply_url": st.one_of(NASTY, st.just("https://jobs.example.com/apply")),
        "apply_email": st.one_of(NASTY, st.emails()),
        "valid_through_0": st.one_of(st.dates().map(str), NASTY),
        "valid_through_1": st.one_of(st.times().map(str), NASTY),
    },
    required=("salary_min", "salary_max", "valid_through_0", "valid_through_1"),
)
SUBMIT = st.sampled_from(["_save", "_continue", "_saveandpublish"])
# The form's text fields (single line and multi-line) and its list-of-text fields.
TEXT_FIELDS = ["title", "city", "region", "bonus", "equity", "description"]
LIST_FIELDS = ["responsibilities", "requirements", "technologies"]


def form_data(company, other_company, overrides: dict, submit: str) -> dict:
    overrides = dict(overrides)
    company_id = {"own": company.pk, "other": other_company.pk}
    if "company" in overrides:
        overrides["company"] = str(company_id.get(overrides["company"], overrides["company"]))
    return {**posting_data(company, **overrides), submit: "1"}


def row(listing_id: int) -> dict:
    return Listing.objects.filter(pk=listing_id).values().get()


def assert_shown_again_with_errors(response) -> None:
    assert response.status_code == 200, response.status_code
    assert response.context["adminform"].form.errors
    assert "errornote" in response.content.decode()


def assert_saved_as_sent(listing: Listing, data: dict) -> None:
    assert listing.company_id == int(data["company"])
    assert listing.level == data["level"]
    assert listing.title == as_kept(data["title"])
    assert listing.city == as_kept(data["city"])
    assert listing.description == as_kept(data["description"], multiline=True)
    for name in TEXT_FIELDS:
        value = getattr(listing, name)
        assert not CONTROL.search(value), (name, value)
        assert value == value.strip()
    for name in LIST_FIELDS:
        for item in getattr(listing, name):
            assert item and not CONTROL.search(item), (name, item)
    for kpi in listing.kpis:
        assert not CONTROL.search(kpi["target"]), kpi
    for name in ("team_size", "budget", "salary_min", "salary_max"):
        sent = data.get(name, "").strip()
        assert getattr(listing, name) == (int(sent) if sent else None), name


def assert_feed_serialises() -> None:
    for path in ("/jobs/feed/", "/jobs/feed/atom/"):
        response = Client().get(path)
        assert response.status_code == 200, path
        ET.fromstring(response.content)


@pytest.fixture
def other_company(db):
    return CompanyFactory(name="Contoso Care")


@FUZZ_SLOW
@given(overrides=OVERRIDES, submit=SUBMIT)
@example(overrides={}, submit="_saveandpublish")
@example(overrides={"title": "VP\x0bSupport\x01", "description": "a\x1bb"}, submit="_save")
@example(overrides={"budget": "1e309", "company": "other"}, submit="_save")
def test_adding_a_posting_survives_any_form(
    recruiter_client, company, other_company, overrides, submit
):
    before = set(Listing.objects.values_list("pk", flat=True))
    data = form_data(company, other_company, overrides, submit)
    response = recruiter_client.post(ADD_URL, data)
    assert response.status_code < 500
    added = set(Listing.objects.values_list("pk", flat=True)) - before
    if response.status_code != 302:
        assert_shown_again_with_errors(response)
        assert not added
        event("invalid")
        return
    event("saved")
    (pk,) = added
    listing = Listing.objects.get(pk=pk)
    assert_saved_as_sent(listing, data)
    if listing.is_live:
        assert_feed_serialises()


@FUZZ_SLOW
@given(overrides=OVERRIDES, submit=SUBMIT, live=st.booleans())
@example(overrides={"title": "\x00"}, submit="_save", live=True)
@example(overrides={"responsibilities": "\x0b\x0c"}, submit="_save", live=True)
def test_changing_a_posting_survives_any_form(
    recruiter_client, company, other_company, overrides, submit, live
):
    factory = LiveListingFactory if live else ListingFactory
    listing = factory(company=company, title="Director of Care")
    before = row(listing.pk)
    count = Listing.objects.count()
    data = form_data(company, other_company, overrides, submit)
    response = recruiter_client.post(change_url(listing), data)
    assert response.status_code < 500
    assert Listing.objects.count() == count
    if response.status_code != 302:
        assert_shown_again_with_errors(response)
        assert row(listing.pk) == before
        event("invalid")
        return
    event("saved")
    listing.refresh_from_db()
    assert_saved_as_sent(listing, data)
    if listing.is_live:
        assert_feed_serialises()


def test_control_characters_from_the_form_never_break_the_feed(
    recruiter_client, company, other_company
):
    """Regression: a title pasted with a vertical tab (Word's line break) was saved as
    sent, and once published every feed holding it answered 500 (XML 1.0 has no such
    character)."""
    data = form_data(
        company,
        other_company,
        {
            "title": "VP\x0bCustomer\x01 Support",
            "description": "Lead\x0bthe team.\x1b",
            "responsibilities": "Own\x0cthe budget\x07",
            "kpis__csat__target": "≥\x0890%",
        },
        "_saveandpublish",
    )
    assert recruiter_client.post(ADD_URL, data).status_code == 302
    listing = Listing.objects.get()
    assert listing.is_live
    assert listing.title == "VP Customer Support"
    assert listing.description == "Lead\nthe team."
    assert listing.responsibilities == ["Own", "the budget"]
    assert listing.kpis[0] == {"code": "csat", "target": "≥90%"}
    assert_feed_serialises()

"""Every count a page shows follows the clock and every kind of write, at once.

Each test loads the pages once (so anything cached is warm), then changes what is
live without saving a model instance (no signal fires, nothing in Python is told):
the clock passes a posting's valid_through, a bulk `QuerySet.update()`, raw SQL, a
`QuerySet.delete()`, a bulk company rename or industry change. Then every number on
every page (the /jobs/ total and each facet, the home page's total and per-level
counts, a company's count, the alert pages' "N match today") must equal a plain ORM
count written from the rule, and the rows listed must agree. A count kept anywhere
across the change (Redis, a process-level memo) fails here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from listings.choices import KPI, Function, Level, Workplace
from listings.models import Company, Industry, Listing
from tests.alerts.factories import SubscriptionFactory
from tests.candidates.factories import CandidateUserFactory
from tests.factories import CompanyFactory, IndustryFactory, LiveListingFactory
from tests.support.waiting import wait_until

pytestmark = pytest.mark.django_db

# The searches whose pages are checked (ListingFilter parameters).
SEARCHES: list[dict] = [
    {},
    {"level": ["director"]},
    {"workplace": ["hybrid"], "kpi": ["csat"]},
    {"level": ["director", "vp"], "function": ["customer_service"]},
    {"q": "acme"},
    {"industry": ["software-saas"]},
    {"posted": "7"},
]
ALERT_SEARCHES: list[dict] = [{}, {"level": ["director"]}, {"q": "acme"}]
MY_ALERTS: list[dict] = [
    {"level": ["director"]},
    {"workplace": ["hybrid"], "kpi": ["csat"]},
    {"q": "acme"},
]
OR_GROUPS = {
    "level": Level.values,
    "function": Function.values,
    "workplace": Workplace.values,
}


# --------------------------------------------------------------------------- reading pages


class _Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: _Element | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[_Element] = []
        self.parts: list[str] = []

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self) -> Iterator[_Element]:
        for child in self.children:
            yield child
            yield from child.iter()

    def find_all(self, tag: str, cls: str | None = None, **attrs: str) -> list[_Element]:
        return [
            e
            for e in self.iter()
            if e.tag == tag
            and (cls is None or cls in e.classes)
            and all(e.attrs.get(k) == v for k, v in attrs.items())
        ]

    def one(self, tag: str, cls: str | None = None, **attrs: str) -> _Element:
        found = self.find_all(tag, cls, **attrs)
        assert len(found) == 1, (tag, cls, attrs, len(found))
        return found[0]


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Tree(HTMLParser):
    """The page as a browser reads it: elements with their attributes and text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = _Element("document", {}, None)

    def handle_starttag(self, tag, attrs):
        element = _Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(_Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        node = self.current
        while node is not None:  # an element's text includes its descendants'
            node.parts.append(data)
            node = node.parent


def page(client: Client, url: str) -> _Element:
    response = client.get(url, secure=True)
    assert response.status_code == 200, url
    tree = _Tree()
    tree.feed(response.content.decode())
    tree.close()
    return tree.root


def number(text: str) -> int:
    return int(text.split()[0].replace(",", ""))


def listed_slugs(root: _Element, list_tag: str) -> list[str]:
    lists = root.find_all(list_tag, "listing-list")
    assert len(lists) <= 1
    if not lists:
        return []
    return [
        a.attrs["href"].strip("/").split("/")[-1]
        for title in lists[0].iter()
        if title.tag in ("h2", "h3")  # a card's title: h2 on /jobs/, h3 under a page's h2
        for a in title.find_all("a")
    ]


# --------------------------------------------------------------------------- the rule


def rule(criteria: dict):
    """The live postings a search means, in plain ORM (README, "Search")."""
    qs = Listing.objects.live()
    for group in OR_GROUPS:
        if criteria.get(group):
            qs = qs.filter(**{f"{group}__in": criteria[group]})
    if criteria.get("kpi"):
        qs = qs.owning_kpis(criteria["kpi"])
    if criteria.get("industry"):
        qs = qs.in_industries(criteria["industry"])
    if criteria.get("q"):
        qs = qs.search(criteria["q"])
    if criteria.get("posted"):
        qs = qs.filter(date_posted__gte=timezone.now() - timedelta(days=int(criteria["posted"])))
    return qs


def facet_rule(criteria: dict, group: str, value: str) -> int:
    """An OR option counts what choosing it instead would give; a KPI what would remain."""
    if group == "kpi":
        chosen = {**criteria, "kpi": sorted({*criteria.get("kpi", []), value})}
    else:
        chosen = {**criteria, group: [value]}
    return rule(chosen).count()


def search_url(criteria: dict, base: str = "/jobs/") -> str:
    query = urlencode(criteria, doseq=True)
    return f"{base}?{query}" if query else base


# --------------------------------------------------------------------------- the board


@pytest.fixture
def board():
    """Postings spread over every facet; `victim` is the one each change takes away."""
    saas = IndustryFactory(slug="software-saas", name="Software & SaaS")
    retail = IndustryFactory(slug="retail", name="Retail")
    acme = CompanyFactory(name="Acme Contact Co", industry=saas)
    other = CompanyFactory(name="Northwind Service Co", industry=retail)
    victim = LiveListingFactory(
        company=acme,
        level="director",
        workplace="hybrid",
        function="customer_service",
        kpis=[{"code": "csat"}, {"code": "fcr"}],
    )
    LiveListingFactory(company=acme, level="director", workplace="remote", kpis=[{"code": "csat"}])
    LiveListingFactory(
        company=acme,
        level="senior_director",
        workplace="onsite",
        function="customer_experience",
        kpis=[{"code": "csat"}, {"code": "nps"}],
    )
    LiveListingFactory(company=other, level="vp", workplace="hybrid", kpis=[{"code": "csat"}])
    LiveListingFactory(
        company=other,
        level="vp",
        workplace="remote",
        function="contact_center",
        kpis=[{"code": "fcr"}],
        date_posted=timezone.now() - timedelta(days=12),
    )
    candidate = CandidateUserFactory(username="counter", email="counter@example.com")
    alerts = [
        SubscriptionFactory(user=candidate, email=candidate.email, criteria=c) for c in MY_ALERTS
    ]
    me = Client()
    me.force_login(candidate)
    return {
        "victim": victim,
        "acme": acme,
        "anonymous": Client(),
        "me": me,
        "alerts": alerts,
    }


def check_every_page(board) -> dict:
    """Assert that every number shown equals the rule; return what the pages showed."""
    anonymous, seen = board["anonymous"], {}
    industries = list(Industry.objects.values_list("slug", flat=True))
    groups = {**OR_GROUPS, "kpi": KPI.values, "industry": industries}

    for criteria in SEARCHES:
        url = search_url(criteria)
        root = page(anonymous, url)
        expected = rule(criteria)
        total = number(root.one("p", "results-count").one("strong").text)
        assert total == expected.count(), (url, "total")
        slugs = listed_slugs(root, "ol")
        assert sorted(slugs) == sorted(expected.values_list("slug", flat=True)), (url, "rows")
        assert len(slugs) == total, (url, "rows listed under the total")
        facets = {}
        for fieldset in root.find_all("fieldset", "facet"):
            for label in fieldset.find_all("label", "choice"):
                box = label.one("input", type="checkbox")
                count = label.one("span", "count").text  # "1,234 roles" ("roles" unseen)
                assert count.endswith(" role" if count.split()[0] == "1" else " roles")
                shown = number(count)
                facets[(box.attrs["name"], box.attrs["value"])] = shown
        assert set(facets) == {(g, v) for g, values in groups.items() for v in values}, url
        for (group, value), shown in facets.items():
            assert shown == facet_rule(criteria, group, value), (url, group, value)
        seen[url] = (total, sorted(slugs), facets)

    root = page(anonymous, "/")
    live = Listing.objects.live()
    total = number(root.one("li", "stat-total").one("strong").text)
    assert total == live.count(), "home total"
    by_level = {
        value: number(root.one("a", href=f"/jobs/?level={value}").one("strong").text)
        for value in Level.values
    }
    assert by_level == {v: live.filter(level=v).count() for v in Level.values}, "home levels"
    see_all = root.one("a", href="/jobs/?sort=newest") if total else None
    assert see_all is None or number(see_all.text.removeprefix("See all ")) == total
    newest = list(live.newest_first().values_list("slug", flat=True)[:10])
    assert listed_slugs(root, "ul") == newest, "home newest"
    seen["/"] = (total, by_level, newest)

    acme = board["acme"]
    root = page(anonymous, f"/companies/{acme.slug}/")
    badges = root.find_all("span", "count-badge")
    shown = number(badges[0].text) if badges else 0
    expected = live.filter(company=acme)
    assert shown == expected.count(), "company count"
    assert sorted(listed_slugs(root, "ul")) == sorted(expected.values_list("slug", flat=True))
    seen["company"] = (shown, sorted(listed_slugs(root, "ul")))

    for criteria in ALERT_SEARCHES:
        url = search_url(criteria, "/alerts/new/")
        shown = number(page(anonymous, url).one("p", "alert-count").one("strong").text)
        assert shown == rule(criteria).count(), url
        seen[url] = shown

    root = page(board["me"], "/me/alerts/")
    for subscription, criteria in zip(board["alerts"], MY_ALERTS, strict=True):
        item = root.one("li", id=f"alert-{subscription.pk}")
        shown = number(item.one("p", "alert-facts").one("a").text)
        assert shown == rule(criteria).count(), ("/me/alerts/", criteria)
        seen[f"/me/alerts/#{subscription.pk}"] = shown
    return seen


# --------------------------------------------------------------------------- the changes
# Each change: (prepare, apply). `prepare` runs before the pages are warmed and may return
# a check that the warming happened in time; `apply` changes what is live, saving no
# instance (so no signal fires), and may hold a patched clock open on the ExitStack.


def _nothing(board):
    return None


def _valid_through_a_moment_ahead(board):
    """Real time: valid_through a few seconds ahead (by a bulk update), then the pages."""
    started = time.monotonic()
    check_every_page(board)  # how long one round of pages takes on this machine
    margin = timedelta(seconds=2 * (time.monotonic() - started) + 1)
    board["moment"] = moment = timezone.now() + margin
    Listing.objects.filter(pk=board["victim"].pk).update(valid_through=moment)

    def in_time():
        assert timezone.now() < moment, "warming the pages took longer than the margin"

    return in_time


def _wait_for_the_moment(board, stack):
    # SQL's now() and Python's timezone.now() both pass valid_through: no clock is faked.
    victim = board["victim"]
    assert wait_until(
        lambda: not Listing.objects.live().filter(pk=victim.pk).exists(), timeout=60, interval=0.05
    ), "the posting never expired"
    assert timezone.now() >= board["moment"]


def _valid_through_an_hour_ahead(board):
    Listing.objects.filter(pk=board["victim"].pk).update(
        valid_through=timezone.now() + timedelta(hours=1)
    )


def _clock_two_hours_ahead(board, stack):
    later = timezone.now() + timedelta(hours=2)
    stack.enter_context(mock.patch("django.utils.timezone.now", return_value=later))


def _raw_sql(board, stack):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE listings_listing SET level = 'vp', workplace = 'remote' WHERE id = %s",
            [board["victim"].pk],
        )


def _victim(board):
    return Listing.objects.filter(pk=board["victim"].pk)


CHANGES = {
    "clock_passes_valid_through": (_valid_through_a_moment_ahead, _wait_for_the_moment),
    "clock_frozen_forward": (_valid_through_an_hour_ahead, _clock_two_hours_ahead),
    "bulk_update_status_closed": (
        _nothing,
        lambda board, stack: _victim(board).update(status="closed"),
    ),
    "bulk_update_valid_through_past": (
        _nothing,
        lambda board, stack: _victim(board).update(
            valid_through=timezone.now() - timedelta(minutes=1)
        ),
    ),
    "raw_sql_update": (_nothing, _raw_sql),
    "queryset_delete": (_nothing, lambda board, stack: _victim(board).delete()),
    "bulk_company_rename": (
        _nothing,
        lambda board, stack: Company.objects.filter(pk=board["acme"].pk).update(
            name="Zenith Care Ltd"
        ),
    ),
    "bulk_industry_change": (
        _nothing,
        lambda board, stack: _victim(board).update(industries=["retail"]),
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_count_on_every_page_follows_the_change(board, change):
    prepare, apply = CHANGES[change]
    in_time = prepare(board)
    before = check_every_page(board)  # warms every cache there is
    if in_time is not None:
        in_time()
    assert board["victim"].slug in before["/"][2], "the posting was live on the warm pages"
    with ExitStack() as stack:
        apply(board, stack)
        after = check_every_page(board)
    assert after != before, "the change made no difference to any page"

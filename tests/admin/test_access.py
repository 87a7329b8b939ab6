"""Who may manage what (listings.access), from every side: the owner (a lead recruiter),
a colleague, an outsider recruiter of another company, the operator, an inactive
superuser, an inactive recruiter and an anonymous visitor.

Each rule is asked through its function, then through the querysets and real admin URLs
that use it. An inactive account gets nothing anywhere, whatever its flags say; and no
module but listings/access.py reads `is_superuser`, so a seventh spelling of "operator"
cannot appear unnoticed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from candidates.choices import Visibility
from candidates.models import Application, Profile
from listings import access, stats
from listings.choices import ModerationAction
from listings.models import Company, Listing, Recruiter
from listings.templatetags.listings_admin import moderation_queue
from tests.admin.helpers import CHANGELIST_URL, change_url
from tests.candidates.factories import ApplicationFactory, ProfileFactory
from tests.factories import (
    CompanyFactory,
    ListingFactory,
    LiveListingFactory,
    OperatorFactory,
    RecruiterUserFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = [
    "owner",
    "colleague",
    "outsider",
    "operator",
    "inactive_operator",
    "inactive_recruiter",
    "anonymous",
]


@pytest.fixture
def lead(owner):
    Recruiter.objects.filter(user=owner).update(is_lead=True)
    return owner


@pytest.fixture
def inactive_operator(db):
    return OperatorFactory(username="former-operator", is_active=False)


@pytest.fixture
def inactive_recruiter(company):
    # a lead of the owner's own company, so only being inactive keeps them out
    user = RecruiterUserFactory(username="departed", recruiter=company, is_active=False)
    Recruiter.objects.filter(user=user).update(is_lead=True)
    return user


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def person(request, lead):
    return request.getfixturevalue(request.param)


def expect(**answers: bool):
    """Parametrize `person` over PEOPLE with the expected answer of each."""
    assert set(answers) == set(PEOPLE)
    return pytest.mark.parametrize(
        ("person", "expected"), [(name, answers[name]) for name in PEOPLE], indirect=["person"]
    )


@pytest.fixture
def own_draft(company):
    return ListingFactory(company=company, title="Confidential Director of Support")


@pytest.fixture
def foreign_draft(other_company):
    return ListingFactory(company=other_company, title="Contoso Head of Care")


# --------------------------------------------------------------------------- the rules


@expect(
    owner=False,
    colleague=False,
    outsider=False,
    operator=True,
    inactive_operator=False,
    inactive_recruiter=False,
    anonymous=False,
)
def test_only_an_active_superuser_is_an_operator(person, expected):
    assert access.is_operator(person) is expected


@pytest.mark.parametrize(
    ("name", "company_of"),
    [
        ("owner", "company"),
        ("colleague", "company"),
        ("outsider", "other_company"),
        ("operator", None),
        ("inactive_operator", None),
        ("inactive_recruiter", None),
        ("anonymous", None),
    ],
)
def test_a_recruiters_company_is_that_of_an_active_staff_user_with_a_recruiter_row(
    request, lead, name, company_of
):
    expected = request.getfixturevalue(company_of) if company_of else None
    assert access.recruiter_company(request.getfixturevalue(name)) == expected


def test_a_staff_user_without_a_recruiter_row_has_no_company(db):
    lost = RecruiterUserFactory(username="lost")
    Recruiter.objects.filter(user=lost).delete()
    assert access.recruiter_company(lost) is None
    assert not access.Access(lost).is_manager
    # nor the candidates a company's recruiters may read
    ProfileFactory(visibility=Visibility.RECRUITERS)
    assert not Profile.objects.visible_to_recruiter(lost).exists()


def test_a_companys_recipients_are_its_counting_recruiters_only(db, company):
    from listings.services import company_recipients

    kept = RecruiterUserFactory(username="kept", email="kept@example.com", company=company)
    gone = RecruiterUserFactory(username="gone", email="gone@example.com", company=company)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    unstaffed = RecruiterUserFactory(username="unstaffed", email="u@example.com", company=company)
    unstaffed.is_staff = False
    unstaffed.save(update_fields=["is_staff"])
    boss = RecruiterUserFactory(username="boss", email="boss@example.com", company=company)
    boss.is_superuser = True
    boss.save(update_fields=["is_superuser"])
    recipients = company_recipients(company)
    assert kept.email in recipients
    assert not {gone.email, unstaffed.email, boss.email} & set(recipients)


@expect(
    owner=True,
    colleague=True,
    outsider=False,
    operator=True,
    inactive_operator=False,
    inactive_recruiter=False,
    anonymous=False,
)
def test_who_may_manage_the_owners_company(person, expected, company):
    assert access.may_manage_company(person, company.pk) is expected
    assert access.may_manage_company(person, None) is access.is_operator(person)


@expect(
    owner=True,
    colleague=False,
    outsider=False,
    operator=False,
    inactive_operator=False,
    inactive_recruiter=False,
    anonymous=False,
)
def test_who_is_a_lead_of_the_owners_company(person, expected, company):
    assert access.is_lead(person, company) is expected


@expect(
    owner=True,
    colleague=False,
    outsider=False,
    operator=True,
    inactive_operator=False,
    inactive_recruiter=False,
    anonymous=False,
)
def test_who_manages_the_owners_team(person, expected, company):
    assert access.may_manage_team(person, company) is expected


@expect(
    owner=True,
    colleague=True,
    outsider=False,
    operator=True,
    inactive_operator=False,
    inactive_recruiter=False,
    anonymous=False,
)
def test_who_publishes_a_trusted_companys_draft(person, expected, own_draft):
    assert access.may_publish(person, own_draft) is expected


def test_publishing_without_review_needs_a_trusted_company_and_never_undoes_a_takedown(
    lead, operator, company
):
    taken_down = ListingFactory(company=company, moderation_action=ModerationAction.UNPUBLISHED)
    assert not access.may_publish(lead, taken_down)
    assert access.may_publish(operator, taken_down)
    assert access.may_publish(None, taken_down)  # the system itself

    untrusted = CompanyFactory(name="Fabrikam Help", trusted=False)
    recruiter = RecruiterUserFactory(username="fabrikam", recruiter=untrusted)
    draft = ListingFactory(company=untrusted)
    assert not access.may_publish(recruiter, draft)
    assert access.may_publish(operator, draft)


# --------------------------------------------------------------------------- querysets


@pytest.mark.parametrize(
    ("name", "sees"),
    [
        ("owner", {"own"}),
        ("colleague", {"own"}),
        ("outsider", {"foreign"}),
        ("operator", "all"),
        ("inactive_operator", set()),
        ("inactive_recruiter", set()),
        ("anonymous", set()),
    ],
)
def test_for_recruiter_from_every_side(request, lead, own_draft, foreign_draft, name, sees):
    user = request.getfixturevalue(name)
    drafts = {"own": own_draft, "foreign": foreign_draft}
    if sees == "all":
        listings, companies = set(Listing.objects.all()), set(Company.objects.all())
    else:
        listings = {drafts[key] for key in sees}
        companies = {drafts[key].company for key in sees}
    assert set(Listing.objects.for_recruiter(user)) == listings
    assert set(Company.objects.for_recruiter(user)) == companies


def test_an_inactive_superuser_gets_nothing_from_any_for_recruiter(
    operator, inactive_operator, own_draft, foreign_draft
):
    ApplicationFactory(listing=own_draft)
    ProfileFactory(visibility=Visibility.RECRUITERS)
    # what an active operator gets from the very same reads
    assert Application.objects.for_recruiter(operator).exists()
    assert Profile.objects.visible_to_recruiter(operator).exists()

    assert not Listing.objects.for_recruiter(inactive_operator).exists()
    assert not Company.objects.for_recruiter(inactive_operator).exists()
    assert not Application.objects.for_recruiter(inactive_operator).exists()
    assert not Application.objects.visible_to(inactive_operator).exists()
    assert not Profile.objects.visible_to_recruiter(inactive_operator).exists()
    assert not Profile.objects.resume_readable_by(inactive_operator).exists()


# --------------------------------------------------------------------------- other checks


def test_the_moderation_panel_is_for_active_operators_only(operator, inactive_operator, owner):
    def panel(user):
        request = RequestFactory().get("/admin/")
        request.user = user
        return moderation_queue(Context({"request": request}))

    assert panel(operator) is not None
    assert panel(inactive_operator) is None
    assert panel(owner) is None


def test_figures_count_everyone_but_active_operators_and_a_recruiters_own_company(
    lead, operator, inactive_operator, inactive_recruiter, company
):
    def who(user):
        request = RequestFactory().get("/jobs/x/", HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0")
        request.user = user
        return stats._who(request)

    assert who(operator) == (False, None)
    assert who(lead) == (True, company.pk)
    # an inactive account is any visitor: counted, nothing of its own left out
    assert who(inactive_operator) == (True, None)
    assert who(inactive_recruiter) == (True, None)
    assert who(AnonymousUser()) == (True, None)


# --------------------------------------------------------------------------- admin URLs


def _urls(company, draft) -> dict[str, str]:
    """Admin pages of `company`'s objects (the draft is one of its postings)."""
    return {
        "change form": change_url(draft),
        "posting figures": f"/admin/listings/listing/{draft.pk}/figures/",
        "dashboard": f"/admin/listings/listing/figures/?company={company.pk}",
        "dashboard csv": f"/admin/listings/listing/figures/export.csv?company={company.pk}",
        "team page": f"/admin/listings/invitation/?company={company.pk}",
    }


URL_NAMES = ["change form", "posting figures", "dashboard", "dashboard csv", "team page"]
# what the outsider gets on another company's object: the admin's "does not exist"
# redirect to the index for the change form, 404 for the rest (as for a missing id)
OUTSIDER_GETS = {"change form": 302, "posting figures": 404, "dashboard": 404}
OUTSIDER_GETS |= {"dashboard csv": 404, "team page": 404}


@pytest.mark.parametrize("page", URL_NAMES)
def test_the_owner_colleague_and_operator_open_the_companys_pages(
    client_for, lead, colleague, operator, company, own_draft, page
):
    url = _urls(company, own_draft)[page]
    for user in (lead, colleague, operator):
        assert client_for(user).get(url).status_code == 200, user


@pytest.mark.parametrize("page", URL_NAMES)
def test_the_outsider_learns_nothing_of_another_companys_pages(
    client_for, outsider, company, own_draft, page
):
    response = client_for(outsider).get(_urls(company, own_draft)[page])
    assert response.status_code == OUTSIDER_GETS[page]
    if response.status_code == 302:
        assert response["Location"] == "/admin/"
    assert own_draft.title not in response.content.decode()


@pytest.mark.parametrize("name", ["inactive_operator", "inactive_recruiter", "anonymous"])
@pytest.mark.parametrize("page", [*URL_NAMES, "change list"])
def test_inactive_accounts_and_visitors_are_sent_to_the_admin_login(
    request, client, company, own_draft, name, page
):
    user = request.getfixturevalue(name)
    if user.is_authenticated:
        client.force_login(user)
    url = {**_urls(company, own_draft), "change list": CHANGELIST_URL}[page]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert own_draft.title not in response.content.decode()


def test_the_outsiders_change_list_holds_only_their_own_companys_postings(
    client_for, outsider, own_draft, foreign_draft
):
    response = client_for(outsider).get(CHANGELIST_URL)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [foreign_draft]
    assert own_draft.title not in response.content.decode()


def test_an_operator_deactivated_mid_session_loses_the_admin_at_once(
    client_for, operator, own_draft
):
    client = client_for(operator)
    assert client.get(change_url(own_draft)).status_code == 200
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    response = client.get(change_url(own_draft))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_a_recruiters_company_is_looked_up_once_per_admin_page(client_for, lead, company):
    posting = LiveListingFactory(company=company)
    client = client_for(lead)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(change_url(posting)).status_code == 200
    lookups = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "listings_recruiter"."id"')
        and 'WHERE "listings_recruiter"."user_id" =' in q["sql"]
    ]
    assert len(lookups) == 1, lookups


# --------------------------------------------------------------------------- one spelling

APP_PACKAGES = ["listings", "candidates", "alerts", "money", "outbox", "jobboard"]
# management commands that create the demo operator's account
CREATES_USERS = {"listings/management/commands/demo_setup.py"}
SUPERUSER_NAME = re.compile(r"(^|__)is_superuser($|__)")


def _reads_of_is_superuser(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "is_superuser":
            lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg and SUPERUSER_NAME.search(node.arg):
            lines.append(node.value.lineno)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SUPERUSER_NAME.search(node.value)
        ):
            lines.append(node.lineno)
    return lines


def test_no_module_but_listings_access_reads_is_superuser():
    found = []
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "/migrations/" in name or name in CREATES_USERS or name == "listings/access.py":
                continue
            tree = ast.parse(path.read_text(), filename=name)
            found += [f"{name}:{line}" for line in _reads_of_is_superuser(tree)]
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text()
        for match in re.finditer(r"is_superuser", text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT).as_posix()}:{line}")
    assert found == [], "ask listings.access instead: " + ", ".join(found)


def test_the_check_itself_sees_each_way_of_reading_it():
    source = (
        "user.is_superuser\n"
        "User.objects.filter(is_superuser=True)\n"
        "Recruiter.objects.filter(user__is_superuser=False)\n"
        "list_filter = ['user__is_superuser']\n"
        "note = 'superusers are operators'\n"
    )
    assert _reads_of_is_superuser(ast.parse(source)) == [1, 2, 3, 4]

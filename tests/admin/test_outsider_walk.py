"""The outsider recruiter walks every admin URL that takes an object id, for every model
in the admin, on the owner's company's objects, and learns nothing.

Every ModelAdmin URL with an id in it (change, delete, history, the bare `<id>/`
redirect and custom ones such as the posting transitions), the site's view-on-site
shortcut `r/<content type>/<id>/` and the résumé downloads the admin links to: each
answers the outsider with one exact status, never with the draft's title or slug,
and the same way as for an id that does not exist. The owner (and the operator) get
the real pages on the same URLs, so a walk that refused everything would fail.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.contrib.sites.models import Site
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from alerts.models import Delivery, MatchJob
from candidates import services
from candidates.choices import Visibility
from candidates.models import SavedPosting
from listings import team
from listings.admin import TRANSITIONS, TRANSITIONS_BY_NAME
from listings.models import ModerationEvent, Report
from money.models import ExchangeRate
from tests.alerts.factories import SubscriptionFactory
from tests.candidates.factories import CandidateUserFactory, ProfileFactory, pdf_upload
from tests.factories import ListingFactory, LiveListingFactory
from tests.support.clients import body, client_for

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Confidential Merger Support Lead"
CANDIDATE_NAME = "Quentin Privateer"
CANDIDATE_EMAIL = "quentin.privateer@example.com"
MISSING_PK = 987_654_321

# The admin's "does not exist" answer: a redirect to the index with a message naming
# only the id. Django gives it for an object outside the ModelAdmin's queryset when the
# recruiter holds the model permission, exactly as for a missing id.
GONE = 302
# Django answers 403 before looking at the object where the recruiter holds no
# permission on the model at all (or may never do that, like deleting a posting).
DENIED = 403
NO_PERMISSION = {"change": DENIED, "history": DENIED, "delete": DENIED}

# What the outsider gets, per registered model and kind of URL (the URL name's suffix;
# "redirect" is the unnamed `<id>/`, which sends everyone on to `<id>/change/`).
# Every model has "redirect": 302 and "shortcut": 404 on top of these.
OUTSIDER = {
    "listings.Listing": {
        "change": GONE,
        "history": GONE,
        "delete": DENIED,
        "transition": 404,
        "moderate": 404,
        "figures": 404,
    },
    "listings.Company": {"change": GONE, "history": GONE, "delete": DENIED},
    # the rest of the Recruiter admin is the operators'; the Team page's remove and lead
    # confirmations look the recruiter up among the company's
    "listings.Recruiter": {**NO_PERMISSION, "remove": 404, "lead": 404},
    "listings.Invitation": {"change": GONE, "history": GONE, "delete": DENIED, "revoke": 404},
    "listings.Industry": NO_PERMISSION,
    "listings.Report": NO_PERMISSION,
    "listings.ModerationEvent": NO_PERMISSION,
    "candidates.Application": {"change": GONE, "history": GONE, "delete": DENIED},
    "candidates.Profile": {"change": GONE, "history": GONE, "delete": DENIED},
    # operators only: no permission, and an empty queryset (so history finds nothing)
    "candidates.SavedPosting": {"change": DENIED, "history": GONE, "delete": DENIED},
    "alerts.Subscription": NO_PERMISSION,
    "alerts.Delivery": NO_PERMISSION,
    "alerts.MatchJob": NO_PERMISSION,
    "auth.User": {**NO_PERMISSION, "password_change": DENIED},
    "auth.Group": NO_PERMISSION,
    "sites.Site": NO_PERMISSION,
    "account.EmailAddress": NO_PERMISSION,
    "outbox.Email": NO_PERMISSION,
    "money.ExchangeRate": NO_PERMISSION,
}
ALWAYS = {"redirect": 302, "shortcut": 404}

# What the owner gets on their own company's objects; the kinds not listed are refused
# to every recruiter (deleting, say: test_recruiter_permissions.py), so the operator
# stands in as the positive control for those below.
OWNER = {
    "listings.Listing": {
        "change": 200,
        "history": 200,
        "transition": 302,
        # returning and unpublishing are the operators'
        "moderate": 403,
        "figures": 200,
        "redirect": 302,
        "shortcut": 302,
    },
    "listings.Company": {"change": 200, "history": 200, "redirect": 302, "shortcut": 302},
    # the owner leads the team: the confirmation pages of the Team page's buttons
    "listings.Recruiter": {"remove": 200, "lead": 200},
    "listings.Invitation": {"change": 200, "history": 200, "revoke": 200, "redirect": 302},
    "candidates.Application": {"change": 200, "history": 200, "redirect": 302, "shortcut": 302},
    # a profile has no public page: the shortcut is 404 for everyone
    "candidates.Profile": {"change": 200, "history": 200, "redirect": 302, "shortcut": 404},
}
# Lifecycle steps only operators take (moderation): the owner's POST is refused.
OPERATOR_STEPS = ("/return", "/unpublish", "/dismiss")
# What the operator may not do either: everything else answers 200 (302 for redirects).
OPERATOR_DENIED = {
    ("candidates.Profile", "delete"),
    ("outbox.Email", "delete"),
    # the set of currencies is fixed (money.currencies): rates are edited, never removed
    ("money.ExchangeRate", "delete"),
    # invitations are revoked, never deleted (their record stays)
    ("listings.Invitation", "delete"),
    # the moderation record is never edited or removed
    ("listings.ModerationEvent", "delete"),
}
# The résumé downloads the Application and Profile admins link to.
DOWNLOADS = {
    "candidates.Application": "candidates:application_resume",
    "candidates.Profile": "candidates:profile_resume",
}
# Values for URL parameters other than the object id.
EXTRA_PARAMETERS = {
    "listings_listing_transition": {"name": [t.name for t in TRANSITIONS]},
    "listings_listing_moderate": {"name": [t.name for t in TRANSITIONS if t.needs_reason]},
}
POST_ONLY = {"transition"}
# Walked from the registry itself, so a newly registered model must say what it answers.
REGISTERED = sorted(model._meta.label for model in admin.site._registry)


@dataclass(frozen=True)
class Case:
    kind: str
    method: str
    url: str


def object_urls(model, pk) -> list[Case]:
    """Every URL of the model's admin that takes an object id, for `pk`, and the shortcut."""
    model_admin = admin.site.get_model_admin(model)
    opts = model._meta
    prefix = f"{reverse('admin:index')}{opts.app_label}/{opts.model_name}/"
    own_prefix = f"{opts.app_label}_{opts.model_name}_"
    cases = []
    for pattern in model_admin.get_urls():
        parameters = set(pattern.pattern.regex.groupindex)
        if not parameters:
            continue
        kind = pattern.name.removeprefix(own_prefix) if pattern.name else "redirect"
        extra = EXTRA_PARAMETERS.get(pattern.name, {})
        assert parameters - {"object_id", "id"} == set(extra), (
            f"{pattern.name or pattern.pattern}: give its parameters values in EXTRA_PARAMETERS"
        )
        id_parameter = "object_id" if "object_id" in parameters else "id"
        fillings = [{id_parameter: str(pk)}]
        for name, values in extra.items():
            fillings = [{**f, name: value} for f in fillings for value in values]
        for filling in fillings:
            route = re.sub(
                r"<(?:\w+:)?(\w+)>", lambda m, f=filling: f[m.group(1)], str(pattern.pattern)
            )
            method = "post" if kind in POST_ONLY else "get"
            cases.append(Case(kind, method, prefix + route))
    content_type = ContentType.objects.get_for_model(model)
    shortcut = reverse("admin:view_on_site", args=[content_type.pk, pk])
    cases.append(Case("shortcut", "get", shortcut))
    return cases


def leaked(response, client: Client, secrets: list[str]) -> list[str]:
    """The secrets in the response, its Location or the admin page it redirects to."""
    seen = response.content.decode(errors="replace") + response.get("Location", "")
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/admin/"):
        seen += client.get(location, follow=True).content.decode(errors="replace")
    return [secret for secret in secrets if secret.lower() in seen.lower()]


@pytest.fixture
def world(company, owner, outsider, operator):
    """One or more objects of the owner's company (or tied to it) per registered model."""
    draft = ListingFactory(company=company, title=DRAFT_TITLE)
    published = LiveListingFactory(company=company, title="Director of Support Operations")
    candidate = CandidateUserFactory(username="quentin", email=CANDIDATE_EMAIL)
    profile = ProfileFactory(
        user=candidate, full_name=CANDIDATE_NAME, visibility=Visibility.PRIVATE
    )
    services.resume_replace(profile=profile, upload=pdf_upload("quentin.pdf"))
    application = services.application_submit(
        user=candidate, listing=published, cover_note="Happy to talk."
    )
    assert application.resume
    subscription = SubscriptionFactory(user=candidate, email=CANDIDATE_EMAIL, name="VP roles")
    LogEntry.objects.create(
        user=owner,
        content_type=ContentType.objects.get_for_model(draft),
        object_id=str(draft.pk),
        object_repr=draft.title,
        action_flag=CHANGE,
        change_message="Edited the budget.",
    )
    owner.recruiter_profile.is_lead = True  # the owner leads the company's team
    owner.recruiter_profile.save(update_fields=["is_lead"])
    invitation = team.invitation_create(company=company, email="new.hire@example.com", by=owner)
    objects = {
        "listings.Listing": [draft, published],
        "listings.Company": [company],
        "listings.Recruiter": [owner.recruiter_profile],
        "listings.Invitation": [invitation],
        "listings.Industry": [company.industry],
        "candidates.Application": [application],
        "candidates.Profile": [profile],
        "candidates.SavedPosting": [SavedPosting.objects.create(user=candidate, listing=draft)],
        "alerts.Subscription": [subscription],
        "alerts.Delivery": [Delivery.objects.create(subscription=subscription, listing=draft)],
        "alerts.MatchJob": [MatchJob.objects.create(listing=draft)],
        "auth.User": [owner, candidate],
        "auth.Group": [Group.objects.get(name="Recruiters")],
        "sites.Site": [Site.objects.get_current()],
        "account.EmailAddress": [EmailAddress.objects.get(user=candidate)],
        "money.ExchangeRate": [ExchangeRate.objects.get(currency="GBP")],
        "listings.Report": [
            Report.objects.create(listing=published, reason="scam", note="Asks for a fee.")
        ],
        "listings.ModerationEvent": [
            ModerationEvent.objects.create(listing=draft, action="submitted", actor=owner)
        ],
    }
    if apps.is_installed("outbox"):
        objects["outbox.Email"] = [
            apps.get_model("outbox", "Email").objects.create(
                kind="expiry_reminder",
                key=f"expiry:{draft.pk}",
                from_email="jobs@localhost",
                to=[owner.email],
                subject=f"{DRAFT_TITLE} expires in 3 days",
                message_id="<expiry@testserver>",
            )
        ]
    secrets = [DRAFT_TITLE, draft.slug, CANDIDATE_NAME, CANDIDATE_EMAIL, invitation.email]
    return {"objects": objects, "secrets": secrets, "draft": draft}


@pytest.mark.parametrize("label", REGISTERED)
def test_every_registered_model_and_object_url_is_walked(label, world):
    assert label in OUTSIDER, "say what the outsider gets: add the model to OUTSIDER"
    assert world["objects"].get(label), "give the walk an object: add it to the world fixture"
    kinds = {case.kind for case in object_urls(apps.get_model(label), 1)}
    assert kinds == set(OUTSIDER[label]) | set(ALWAYS), "a URL kind without an expected answer"


@pytest.mark.parametrize("label", REGISTERED)
def test_outsider_gets_one_exact_answer_and_no_secret_on_every_object_url(label, world, outsider):
    model = apps.get_model(label)
    assert all(obj._meta.label == label for obj in world["objects"][label])
    expected = {**ALWAYS, **OUTSIDER[label]}
    client = client_for(outsider)
    problems = []
    for obj in world["objects"][label]:
        for case, missing in zip(
            object_urls(model, obj.pk), object_urls(model, MISSING_PK), strict=True
        ):
            response = getattr(client, case.method)(case.url)
            want = expected[case.kind]
            if leak := leaked(response, client, world["secrets"]):
                problems.append(f"{case.method} {case.url} shows {leak}")
            if response.status_code != want:
                problems.append(f"{case.method} {case.url}: {response.status_code}, not {want}")
                continue
            location = response.get("Location")
            if case.kind == "redirect":
                if location != case.url + "change/":
                    problems.append(f"{case.url} redirects to {location}")
            elif want == GONE and location != reverse("admin:index"):
                problems.append(f"{case.url} redirects to {location}, not the index")
            if want == DENIED:
                continue  # refused for the model as a whole, before any lookup of the id
            # a hidden object looks exactly like one that does not exist
            other = getattr(client, missing.method)(missing.url)
            if other.status_code != response.status_code or (location or "").replace(
                str(obj.pk), str(MISSING_PK)
            ) != other.get("Location", ""):
                problems.append(f"{case.url} differs from {missing.url}")
            # asked again once the earlier cases' flash messages have been shown
            again = getattr(client, case.method)(case.url) if want == 404 else None
            if want == 404 and body(other) != body(again):
                problems.append(f"{case.url}: its 404 page differs from {missing.url}'s")
    assert problems == []


@pytest.mark.parametrize("label", sorted(OWNER))
def test_owner_reaches_the_same_urls_on_their_own_companys_objects(label, world, owner):
    model = apps.get_model(label)
    client = client_for(owner)
    problems = []
    for obj in world["objects"][label]:
        for case in object_urls(model, obj.pk):
            want = OWNER[label].get(case.kind)
            if want is None:
                continue
            if case.kind == "transition" and case.url.rstrip("/").endswith(OPERATOR_STEPS):
                want = DENIED
            response = getattr(client, case.method)(case.url)
            if response.status_code != want:
                problems.append(f"{case.method} {case.url}: {response.status_code}, not {want}")
            elif (
                case.kind == "shortcut"
                and want == 302
                and not response["Location"].endswith(obj.get_absolute_url())
            ):
                problems.append(f"{case.url} redirects to {response['Location']}")
    assert problems == []


@pytest.mark.parametrize("label", REGISTERED)
def test_operator_reaches_every_object_url(label, world, operator):
    model = apps.get_model(label)
    client = client_for(operator)
    problems = []
    for obj in world["objects"][label]:
        for case in object_urls(model, obj.pk):
            if case.kind in ("redirect", "transition"):
                want = 302
            elif case.kind == "moderate":
                # the reason page where the step applies, else back to the posting
                # (as the posting stands now: the walk's POSTs have moved it on)
                step = TRANSITIONS_BY_NAME[case.url.rstrip("/").rsplit("/", 1)[1]]
                obj.refresh_from_db()
                want = 200 if step.applies(obj) else 302
            elif case.kind == "shortcut":
                want = 302 if hasattr(obj, "get_absolute_url") else 404
            elif (label, case.kind) in OPERATOR_DENIED:
                want = DENIED
            else:
                want = 200
            response = getattr(client, case.method)(case.url)
            if response.status_code != want:
                problems.append(f"{case.method} {case.url}: {response.status_code}, not {want}")
    assert problems == []


def test_outsider_cannot_learn_a_drafts_slug_from_the_view_on_site_shortcut(world, outsider):
    """Issue 10: the shortcut redirected anyone on the staff to the draft's public URL."""
    draft = world["draft"]
    content_type = ContentType.objects.get_for_model(draft)
    client = client_for(outsider)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, draft.pk]))
    assert response.status_code == 404
    assert "Location" not in response
    assert draft.slug not in response.content.decode()
    missing = client.get(reverse("admin:view_on_site", args=[content_type.pk, MISSING_PK]))
    assert (missing.status_code, body(missing)) == (404, body(response))


def test_the_owner_sees_what_the_outsider_may_not(world, owner):
    """The walk's secrets are real: the owner's pages and redirects carry them."""
    draft = world["draft"]
    client = client_for(owner)
    for view in ("change", "history"):
        page = client.get(f"/admin/listings/listing/{draft.pk}/{view}/")
        assert DRAFT_TITLE in page.content.decode()
    shortcut = object_urls(type(draft), draft.pk)[-1]
    assert shortcut.kind == "shortcut"
    assert draft.slug in client.get(shortcut.url)["Location"]


@pytest.mark.parametrize("label", sorted(DOWNLOADS))
def test_resume_downloads_linked_from_the_admin_are_404_for_the_outsider(
    label, world, owner, outsider
):
    (obj,) = world["objects"][label]
    url = reverse(DOWNLOADS[label], args=[obj.pk])
    own_page = client_for(owner).get(
        reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    )
    assert url in own_page.content.decode()
    assert client_for(owner).get(url).status_code == 200
    response = client_for(outsider).get(url)
    assert response.status_code == 404
    assert leaked(response, client_for(outsider), world["secrets"]) == []


def test_shortcut_sends_non_staff_to_the_login_page(world):
    draft = world["draft"]
    shortcut = object_urls(type(draft), draft.pk)[-1]
    client = client_for(CandidateUserFactory(username="visitor"))
    response = client.get(shortcut.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert draft.slug not in response["Location"]
    assert Client().get(shortcut.url)["Location"].startswith(reverse("admin:login"))


def _patterns(resolver: URLResolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern


def test_no_url_serves_contenttypes_unchecked_shortcut():
    views = [inspect.unwrap(pattern.callback) for pattern in _patterns(get_resolver())]
    assert contenttype_views.shortcut not in views
    admin_shortcut = inspect.unwrap(resolve(reverse("admin:view_on_site", args=[1, 1])).func)
    assert admin_shortcut.__module__ == "jobboard.admin_site"
    with pytest.raises(Resolver404):
        resolve("/r/1/1/")

"""Every public page, /me/ page and account page passes axe-core and the Nu HTML Checker.

Chromium opens each page (anonymous first, then signed in as a candidate), at desktop
(1280×900) and phone (390×844) widths, and runs axe-core's WCAG 2.1 A and AA rules in it:
any serious or critical violation fails. The HTML the server sent for each page (the
response body, not the DOM the browser made of it) goes to a file, and the Nu HTML
Checker (vnu.jar) reads all of them in one run at the end: any error fails.

Both tools come from npm (package.json; `make test` runs `npm ci`), vnu.jar runs on the
system's Java (`.ci/run` installs Debian's default-jre-headless). Pages that only a POST
reaches (a form with errors, "check your inbox") are reached by submitting their form.
The site's CSP refuses inline scripts, so axe goes in as an init script (the DevTools
protocol, which the CSP does not govern); the pages themselves run unchanged. Requests
that leave the test server (companies' logos) are refused, so no page waits on them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.conftest import BASE_DIR

AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = (
    "run `make install` (npm ci installs axe-core and vnu-jar from package-lock.json) and "
    "install Java (`apt-get install default-jre-headless`; .ci/run does both)"
)
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# (viewport, axe options). axe fetches and parses the stylesheets for one rule only
# (css-orientation-lock), whose answer is the same at any width: once is enough.
WIDTHS = {
    "desktop": ({"width": 1280, "height": 900}, AXE_OPTIONS),
    "phone": ({"width": 390, "height": 844}, {**AXE_OPTIONS, "preload": False}),
}
FAILING_IMPACTS = {"serious", "critical"}
# The checker's schemas recurse deeply (it asks for a big stack); a short run gains nothing
# from the optimising compiler, which would take most of its time.
JAVA_OPTIONS = ["-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
# The HTML standard gives every SVG element the nonce attribute (HTMLOrSVGElement), and
# the CSP nonce is what lets the salary charts' <style> apply; the checker's SVG 1.1
# schema does not know it (validator/validator#159 added it for HTML elements only).
NOT_ERRORS = {"Attribute “nonce” not allowed on element “style” at this point."}
PASSWORD = "correct horse battery"  # tests/factories.py UserFactory
NEW_PASSWORD = "Quiet-harbour-42"


def java_and_tools() -> str:
    """The java command; a clear failure when it or either tool is missing."""
    java = shutil.which("java")
    missing = [str(p.relative_to(BASE_DIR)) for p in (AXE_JS, VNU_JAR) if not p.exists()]
    if java is None:
        missing.append("java")
    if missing:
        pytest.fail(f"page checks need {', '.join(missing)}: {INSTALL_HINT}", pytrace=False)
    return java


def describe(node: dict) -> str:
    """An offending element's selector, and for contrast the colours and their ratio."""
    target = " ".join(node["target"])
    data = next((check.get("data") for check in node.get("any", []) if check.get("data")), None)
    if isinstance(data, dict) and data.get("contrastRatio"):
        return f"{target} ({data['fgColor']} on {data['bgColor']}, {data['contrastRatio']}:1)"
    return target


@dataclass
class Checker:
    """Opens or submits pages in one browser tab, checks each with axe, keeps its HTML."""

    page: object
    base_url: str
    out_dir: Path
    problems: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # file name -> page name

    def visit(self, name: str, path: str, *, status: int = 200) -> None:
        response = self.page.goto(self.base_url + path)
        self._check(name, response, status)

    def submit(
        self,
        name: str,
        button: str,
        fields: dict[str, str] | None = None,
        *,
        status: int = 200,
        only_open: bool = False,
    ) -> None:
        """Fill `fields` (CSS selector -> value, or True to tick), press the main area's
        button named `button`; the server's answer is the page checked. The browser's own
        validation is turned off so that the server's error messages are what is shown.
        `only_open`: a step on the way (a page checked elsewhere), not checked."""
        main = self.page.locator("main")
        for selector, value in (fields or {}).items():
            if value is True:
                main.locator(selector).check()
            else:
                main.locator(selector).fill(value)
        submit = main.get_by_role("button", name=button, exact=True)
        submit.evaluate("button => { button.form.noValidate = true; }")
        with self.page.expect_navigation() as navigation:
            submit.click()
        if not only_open:
            self._check(name, navigation.value, status)

    def _check(self, name: str, response, status: int) -> None:
        assert response is not None, f"{name}: no response"
        assert response.status == status, (
            f"{name}: {response.url} answered {response.status}, not {status}"
        )
        number = len(self.files) + 1
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        file_name = f"{number:02d}-{re.sub(r'[^a-z0-9]+', '-', ascii_name.lower()).strip('-')}.html"
        (self.out_dir / file_name).write_bytes(response.body())
        self.files[file_name] = f"{name} ({response.url})"
        for width, (viewport, options) in WIDTHS.items():
            self.page.set_viewport_size(viewport)
            assert self.page.evaluate("innerWidth") == viewport["width"]
            results = self.page.evaluate("options => axe.run(document, options)", options)
            for violation in results["violations"]:
                if violation["impact"] not in FAILING_IMPACTS:
                    continue
                targets = ", ".join(describe(node) for node in violation["nodes"][:6])
                more = len(violation["nodes"]) - 6
                self.problems.append(
                    f"{name} at {width} width ({response.url}): {violation['id']} "
                    f"[{violation['impact']}] {violation['help']}: {targets}"
                    + (f" and {more} more" if more > 0 else "")
                )
        self.page.set_viewport_size(WIDTHS["desktop"][0])

    def in_svg(self, message: dict) -> bool:
        """Whether the checker's message is about something inside an <svg> element."""
        lines = (self.out_dir / Path(message["url"]).name).read_text().splitlines()
        line = message.get("lastLine", 1)
        before = "\n".join([*lines[: line - 1], lines[line - 1][: message.get("lastColumn")]])
        return before.rfind("<svg") > before.rfind("</svg>")

    def html_errors(self, java: str) -> list[str]:
        """Every error the Nu HTML Checker finds in the collected pages, in one run."""
        paths = [str(self.out_dir / name) for name in self.files]
        run = subprocess.run(
            [java, *JAVA_OPTIONS, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *paths],
            capture_output=True,
            text=True,
            timeout=180,
        )
        try:
            messages = json.loads(run.stdout)["messages"]
        except (ValueError, KeyError):
            pytest.fail(f"vnu.jar did not answer JSON ({run.returncode}): {run.stderr[-2000:]}")
        errors = []
        for message in messages:
            if message.get("type") not in ("error", "non-document-error"):
                continue
            if message.get("message") in NOT_ERRORS and self.in_svg(message):
                continue
            file_name = Path(message.get("url", "?")).name
            extract = " ".join(message.get("extract", "").split())[:120]
            errors.append(
                f"{self.files.get(file_name, file_name)} {file_name}:{message.get('lastLine', '?')}"
                f": {message['message']} [{extract}]"
            )
        return errors


# --------------------------------------------------------------------------- the site


@dataclass
class Site:
    paid: object  # in-app apply, with pay
    external: object  # an external application page, no pay shown
    emailed: object  # applications by email
    confidential: object  # a search firm's confidential search
    closed: object
    to_apply: object  # in-app, the candidate has not applied yet
    company: object
    candidate: object
    application: object
    alert: object
    pending_alert: object
    invitation_token: str


def build_site() -> Site:
    """Demo postings for full search and salary pages, and one of each kind of posting."""
    from alerts.models import Status as AlertStatus
    from candidates import services as candidate_services
    from listings import team
    from listings.choices import ApplyMethod, PostedBy
    from listings.models import Recruiter
    from tests.alerts.factories import PendingSubscriptionFactory, SubscriptionFactory
    from tests.candidates.factories import (
        ApplicationFactory,
        CandidateUserFactory,
        ProfileFactory,
        pdf_upload,
    )
    from tests.factories import (
        ClosedListingFactory,
        CompanyFactory,
        LiveListingFactory,
        RecruiterUserFactory,
    )

    call_command("seed_demo", listings=40, companies=8, seed=5, stdout=StringIO())
    company = CompanyFactory(name="Northwind Support", logo_url="https://example.com/logo.png")
    firm = CompanyFactory(name="Halden Search Partners", trusted=True)
    yesterday = timezone.now() - timedelta(days=1)
    paid = LiveListingFactory(
        company=company,
        title="VP Customer Experience",
        level="vp",
        function="customer_experience",
        salary_min=210_000,
        salary_max=260_000,
        bonus="20% target bonus",
        date_posted=yesterday,
    )
    external = LiveListingFactory(
        company=company,
        title="Director of Contact Center Operations",
        function="contact_center",
        salary_min=None,
        salary_max=None,
        apply_method=ApplyMethod.URL,
        apply_url="https://careers.example.com/apply/123",
    )
    emailed = LiveListingFactory(
        company=company,
        title="Senior Director, Customer Success",
        level="senior_director",
        function="customer_success",
        apply_method=ApplyMethod.EMAIL,
        apply_email="talent@northwind.example.com",
        workplace="remote",
        city="",
        region="",
        country="",
        applicant_countries=["US", "CA"],
    )
    confidential = LiveListingFactory(
        company=firm,
        title="VP Customer Service",
        level="vp",
        posted_by=PostedBy.SEARCH_FIRM,
        client_name="Quillfeather Bank",
        confidential=True,
        client_descriptor="Series C fintech, 2,000 employees",
        hiring_contact_name="Jane Doe",
        hiring_contact_title="Partner",
    )
    confidential.full_clean()
    closed = ClosedListingFactory(company=company, title="Director of Customer Care")
    to_apply = LiveListingFactory(company=company, title="Director of Customer Support")

    candidate = CandidateUserFactory(username="casey", email="casey@example.com")
    profile = ProfileFactory(user=candidate, full_name="Casey Morgan")
    candidate_services.resume_replace(profile=profile, upload=pdf_upload())
    candidate_services.posting_save(user=candidate, listing=paid)
    candidate_services.posting_save(user=candidate, listing=closed)
    application = ApplicationFactory(candidate=candidate, listing=paid)
    alert = SubscriptionFactory(
        user=candidate,
        email=candidate.email,
        name="Remote VP roles",
        criteria={"level": ["vp"], "workplace": ["remote"]},
    )
    SubscriptionFactory(
        user=candidate,
        email=candidate.email,
        name="Directors in Texas",
        criteria={"level": ["director"], "location": "TX"},
        status=AlertStatus.PAUSED,
    )
    pending_alert = PendingSubscriptionFactory(
        email="reader@example.com", name="VP roles", criteria={"level": ["vp"]}
    )

    lead = RecruiterUserFactory(username="lead", email="lead@northwind.example", recruiter=company)
    Recruiter.objects.filter(user=lead).update(is_lead=True)
    lead.refresh_from_db()
    invitation = team.invitation_create(company=company, email="new.hire@example.com", by=lead)
    return Site(
        paid=paid,
        external=external,
        emailed=emailed,
        confidential=confidential,
        closed=closed,
        to_apply=to_apply,
        company=company,
        candidate=candidate,
        application=application,
        alert=alert,
        pending_alert=pending_alert,
        invitation_token=team.invitation_token(invitation),
    )


def public_pages(check: Checker, site: Site) -> None:
    check.visit("home", "/")
    check.visit("all roles", "/jobs/")
    check.visit(
        "search with filters",
        "/jobs/?q=customer&level=director&level=vp&workplace=hybrid&workplace=remote"
        "&kpi=csat&salary_min=120000&salary_currency=USD&posted=30&sort=salary",
    )
    check.visit("search with a bad salary", "/jobs/?q=support&salary_min=lots")
    check.visit("search with no results", "/jobs/?q=zzyzx+quokka")
    check.visit("posting, in-app apply with pay", site.paid.get_absolute_url())
    check.visit("posting, external application", site.external.get_absolute_url())
    check.visit("posting, applications by email", site.emailed.get_absolute_url())
    check.visit("posting, confidential search", site.confidential.get_absolute_url())
    check.visit("posting, closed", site.closed.get_absolute_url())
    check.visit("company", f"/companies/{site.company.slug}/")
    check.visit("salaries", "/salaries/")
    check.visit("salaries of a slice", "/salaries/?level=vp&function=customer_experience")

    report = f"/jobs/{site.paid.slug}/report/"
    check.visit("report a posting", report)
    check.submit("report with errors", "Send the report", status=400)
    check.submit(
        "report sent",
        "Send the report",
        {"input[name=reason] >> nth=0": True, "textarea[name=note]": "The pay looks wrong."},
    )

    check.visit("new alert", "/alerts/new/?level=vp&workplace=remote&q=experience")
    check.submit("new alert with errors", "Create the alert", {"#id_email": "nope"}, status=400)
    check.submit("alert: check your inbox", "Create the alert", {"#id_email": "lee@example.com"})


def token_pages(check: Checker, site: Site) -> None:
    from alerts import tokens

    pending = site.pending_alert.pk
    check.visit("confirm an alert", f"/alerts/confirm/{tokens.make(pending, tokens.CONFIRM)}/")
    check.submit("alert confirmed", "Confirm the alert")
    manage = f"/alerts/manage/{tokens.make(pending, tokens.MANAGE)}/"
    check.visit("manage an alert by link", manage)
    check.submit("manage an alert, errors", "Save", {"#id_name": " "}, status=400)
    unsubscribe = f"/alerts/unsubscribe/{tokens.make(pending, tokens.UNSUBSCRIBE)}/"
    check.visit("unsubscribe", unsubscribe)
    check.submit("unsubscribed", "Unsubscribe")
    check.visit("alert link broken", "/alerts/confirm/not-a-token/", status=404)

    join = f"/team/join/{site.invitation_token}/"
    check.visit("team join", join)
    check.submit(
        "team join with errors",
        f"Join {site.company.name}",
        {"#id_full_name": "Nadia Newhire", "#id_password1": "short", "#id_password2": "other"},
        status=400,
    )
    check.visit("team join link broken", "/team/join/not-a-token/", status=404)


def account_pages(check: Checker, site: Site) -> None:
    """Sign up, confirm, sign out, reset a password, the throttle page, sign in."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    check.visit("sign up", "/accounts/signup/")
    check.submit(
        "sign up with errors",
        "Create account",
        {"#id_email": "new.leader@example", "#id_password1": "short", "#id_password2": "x"},
    )
    check.submit(
        "sign up: confirm your address",
        "Create account",
        {
            "#id_email": "new.leader@example.com",
            "#id_password1": NEW_PASSWORD,
            "#id_password2": NEW_PASSWORD,
        },
    )
    address = EmailAddress.objects.get(email="new.leader@example.com")
    check.visit("confirm email", f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/")
    check.submit("new candidate's profile form", "Confirm my address")
    check.visit("new candidate's dashboard", "/me/")
    check.visit("new candidate's résumé", "/me/resume/")
    check.visit("sign out", "/accounts/logout/")
    check.submit("signed out", "Sign out", only_open=True)
    check.visit("confirm email link broken", "/accounts/confirm-email/not-a-key/")

    check.visit("password reset", "/accounts/password/reset/")
    check.submit("password reset with errors", "Reset My Password", {"#id_email": "nope"})
    check.submit("password reset sent", "Reset My Password", {"#id_email": "casey@example.com"})
    user = site.candidate
    key = default_token_generator.make_token(user)
    check.visit(
        "set a new password", f"/accounts/password/reset/key/{user_pk_to_url_str(user)}-{key}/"
    )
    check.visit("password reset link broken", "/accounts/password/reset/key/1-not-a-key/")
    check.visit("password changed", "/accounts/password/reset/key/done/")
    check.visit("account inactive", "/accounts/inactive/")
    check.visit("not found", "/jobs/no-such-posting/", status=404)

    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "guesser", "password": "wrong"})
    check.page.goto(check.base_url + "/admin/login/")  # the admin's own page: not checked
    check.submit(
        "too many attempts",
        "Log in",
        {"#id_username": "guesser", "#id_password": "wrong"},
        status=429,
    )

    check.visit("sign in", "/accounts/login/")
    check.submit(
        "sign in with errors",
        "Sign in",
        {"#id_login": "casey@example.com", "#id_password": "not my password"},
    )
    check.submit(
        "dashboard",
        "Sign in",
        {"#id_login": "casey@example.com", "#id_password": PASSWORD},
    )


def candidate_pages(check: Checker, site: Site) -> None:
    """Signed in as a candidate with a full profile, a résumé, saves, an application."""
    check.visit("profile form", "/me/profile/")
    check.submit("profile form with errors", "Save profile", {"#id_leadership_years": "-3"})
    check.visit("résumé", "/me/resume/")
    check.visit("saved roles", "/me/saved/")
    check.visit("applications", "/me/applications/")
    check.visit("application", f"/me/applications/{site.application.pk}/")
    check.visit("posting to apply to, signed in", site.to_apply.get_absolute_url())
    check.visit("apply", f"/me/apply/{site.to_apply.slug}/")
    check.submit("application sent", "Send application", {"#id_cover_note": "Keen to talk."})
    check.visit("alerts", "/me/alerts/")
    check.visit("delete an alert", f"/me/alerts/{site.alert.pk}/delete/")
    check.visit("account", "/me/account/")
    check.visit("delete account", "/me/account/delete/")
    check.submit("delete account with errors", "Delete my account", status=200)
    check.visit("email addresses", "/accounts/email/")
    check.visit("change password", "/accounts/password/change/")
    check.visit("posting applied to, signed in", site.paid.get_absolute_url())
    check.visit("search, signed in", "/jobs/?level=vp&level=director")
    check.visit("new alert, signed in", "/alerts/new/?level=vp")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_passes_axe_and_the_nu_html_checker(live_server, page, tmp_path):
    java = java_and_tools()
    site = build_site()
    page.context.add_init_script(path=str(AXE_JS))
    page.context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ")"), lambda r: r.abort())
    page.set_default_timeout(20000)
    check = Checker(page, live_server.url, tmp_path)

    public_pages(check, site)
    token_pages(check, site)
    account_pages(check, site)
    candidate_pages(check, site)

    html_errors = check.html_errors(java)
    report = []
    if check.problems:
        report += [f"axe-core, serious or critical ({len(check.problems)}):", *check.problems]
    if html_errors:
        report += [f"Nu HTML Checker errors ({len(html_errors)}):", *html_errors]
    assert not report, f"{len(check.files)} pages checked\n" + "\n".join(report)

"""`manage.py seed_demo`: realistic, deterministic demo postings, fast enough for benchmarks."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from statistics import median

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from candidates.models import SavedPosting
from listings import demo_content as vocab
from listings.choices import (
    KPI,
    TECHNOLOGY_SUGGESTIONS,
    ApplyMethod,
    Channel,
    Function,
    Level,
    SalaryPeriod,
    Skill,
    Status,
    Workplace,
)
from listings.management.commands.seed_demo import ListingCopy, SharedLines
from listings.models import Company, Industry, Listing, Recruiter
from tests.candidates.factories import ApplicationFactory, SavedPostingFactory
from tests.conftest import BASE_DIR, child_env
from tests.factories import CompanyFactory, LiveListingFactory, RecruiterUserFactory

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def small_run() -> str:
    return seed(listings=60, companies=8, seed=5)


def content() -> list[tuple]:
    """What a seeded posting says, without ids or instants that depend on the clock."""
    rows = []
    for p in Listing.objects.select_related("company", "company__industry").order_by("slug"):
        rows.append(
            (
                p.slug,
                p.company.name,
                p.company.slug,
                p.company.industry.slug,
                p.company.headquarters,
                p.title,
                p.level,
                p.function,
                p.employment_type,
                p.city,
                p.region,
                str(p.country),
                p.workplace,
                tuple(p.applicant_countries),
                p.salary_min,
                p.salary_max,
                p.currency,
                p.salary_period,
                p.bonus,
                p.equity,
                p.team_size,
                p.managers_reporting,
                p.budget,
                p.geographic_scope,
                tuple(p.channels),
                repr(p.kpis),
                tuple(p.responsibilities),
                tuple(p.requirements),
                p.min_leadership_years,
                tuple(p.skills),
                tuple(p.technologies),
                tuple(p.industries),
                p.description,
                p.apply_method,
                p.apply_url,
                p.apply_email,
                p.status,
                p.valid_through - p.date_posted,
            )
        )
    return rows


# ---------------------------------------------------------------------------- counts and realism


def test_small_run_creates_the_asked_counts_and_says_so(small_run):
    # 60 live postings, plus the default small share of expired (3%) and closed (2%) ones
    assert re.fullmatch(
        r"Seeded 8 companies and 63 postings \(60 live, 2 expired, 1 closed\) "
        r"with seed 5 in \d+\.\d s\.\n",
        small_run,
    )
    assert Company.objects.count() == 8
    assert Listing.objects.live().count() == 60
    assert Listing.objects.expired().count() == 2
    assert Listing.objects.filter(status=Status.CLOSED).count() == 1


def test_a_small_run_shows_every_level_workplace_and_function(small_run):
    postings = Listing.objects.all()
    assert {p.level for p in postings} == set(Level.values)
    assert {p.workplace for p in postings} == set(Workplace.values)
    assert len({p.function for p in postings}) >= 3
    assert len({str(p.country) for p in postings if p.country}) >= 3


def test_every_company_industry_is_used_on_a_larger_run():
    seed(listings=40, companies=30, seed=2)
    assert {c.industry.slug for c in Company.objects.select_related("industry")} == set(
        Industry.objects.values_list("slug", flat=True)
    )
    assert Industry.objects.count() == 15


def test_locations_follow_the_workplace(small_run):
    for p in Listing.objects.all():
        if p.workplace == Workplace.REMOTE:
            assert p.applicant_countries, p.title
            assert not p.city
        else:
            assert p.city and p.region and p.country, p.title
            assert (p.city, p.region) in vocab.COUNTRIES[str(p.country)]["cities"]
            assert p.applicant_countries == []


def test_salaries_make_sense_for_the_level_and_country(small_run):
    for p in Listing.objects.all():
        home = str(p.country) or p.applicant_countries[0]
        assert p.currency == vocab.CURRENCY_BY_COUNTRY[home], p.title
        if p.salary_min is None and p.salary_max is None:
            continue
        # some state one bound only ("from 180,000", "up to 200,000": listings.pay)
        low = p.salary_min if p.salary_min is not None else p.salary_max
        high = p.salary_max if p.salary_max is not None else p.salary_min
        assert 0 < low <= high
        mid = vocab.COUNTRIES[home]["director_mid"] * vocab.LEVEL_PAY[p.level]
        if p.salary_period == SalaryPeriod.DAY:
            assert p.title.startswith("Interim ")
            mid = mid / 220 * 1.35
        else:
            assert p.salary_period == SalaryPeriod.YEAR
        assert mid * 0.7 <= low and high <= mid * 1.4, (p.title, home)


def test_vps_are_paid_more_than_directors_on_a_larger_run():
    seed(listings=400, companies=20, seed=9)
    stated = Listing.objects.exclude(salary_min=None, salary_max=None)
    assert stated.filter(salary_max=None).exists()  # "from …"
    assert stated.filter(salary_min=None).exists()  # "up to …"
    assert stated.exclude(salary_min=None).exclude(salary_max=None).count() > 300
    usd = Listing.objects.filter(currency="USD", country="US", salary_period="year")
    directors = [p.salary_max for p in usd.filter(level=Level.DIRECTOR) if p.salary_max]
    vps = [p.salary_max for p in usd.filter(level=Level.VP) if p.salary_max]
    assert 150_000 < median(directors) < 260_000
    assert median(vps) > median(directors) * 1.4


def test_scope_kpis_and_requirements_are_plausible(small_run):
    kpi_codes = set(KPI.values)
    for p in Listing.objects.select_related("company__industry"):
        low, high = vocab.TEAM_SIZE[p.level]
        assert low <= p.team_size <= high
        assert 1 <= p.managers_reporting < p.team_size
        assert p.budget is None or p.budget > p.team_size * 1000
        years_low, years_high = vocab.LEADERSHIP_YEARS[p.level]
        assert years_low <= p.min_leadership_years <= years_high
        assert 3 <= len(p.kpis) <= 6
        assert {k["code"] for k in p.kpis} <= kpi_codes
        assert len({k["code"] for k in p.kpis}) == len(p.kpis)
        assert all(isinstance(k["target"], str) for k in p.kpis)
        assert 4 <= len(p.responsibilities) <= 8
        assert 3 <= len(p.requirements) <= 6
        assert len(set(p.responsibilities)) == len(p.responsibilities)
        assert not any("{" in text for text in [*p.responsibilities, *p.requirements])
        assert 3 <= len(p.skills) <= 6 and set(p.skills) <= set(Skill.values)
        assert p.technologies and set(p.technologies) <= set(TECHNOLOGY_SUGGESTIONS)
        named = " ".join([*p.responsibilities, *p.requirements])
        assert {t for t in TECHNOLOGY_SUGGESTIONS if t in named} <= set(p.technologies)
        assert len(p.channels) >= 2 and set(p.channels) <= set(Channel.values)
        assert p.industries[0] == p.company.industry.slug
        if p.level == Level.VP:
            assert {Skill.EXECUTIVE_INFLUENCE, Skill.BUSINESS_PLANNING} <= set(p.skills)
        if p.function == Function.CONTACT_CENTER:
            assert Channel.VOICE in p.channels


def test_kpi_targets_read_like_real_targets():
    seed(listings=300, companies=10, seed=4)
    targets = {}
    for p in Listing.objects.all():
        for k in p.kpis:
            if k["target"]:
                targets.setdefault(k["code"], []).append(k["target"])
    for target in targets["csat"]:
        assert re.fullmatch(r"≥ (8[6-9]|9[0-4])%|≥ 4\.[4-7]/5", target)
    for target in targets["nps"]:
        assert re.fullmatch(r"(≥ )?\+\d\d", target)
    for target in targets["fcr"]:
        assert re.fullmatch(r"(≥ )?(7\d|8[0-5])%", target)
    for target in targets["aht"]:
        assert re.fullmatch(r"< [4-9] min|≤ [4-9]:[03]0", target)
    # most KPIs carry a target, some are owned without a published one
    with_target = sum(len(v) for v in targets.values())
    total = sum(len(p.kpis) for p in Listing.objects.all())
    assert 0.75 * total < with_target < total


def test_descriptions_are_markdown_paragraphs_about_the_role(small_run):
    for p in Listing.objects.select_related("company"):
        paragraphs = p.description.split("\n\n")
        assert len(paragraphs) >= 4
        assert paragraphs[0].startswith(p.company.name)
        assert p.title in p.description
        assert "**" in p.description
        assert "{" not in p.description


def test_apply_methods_are_mixed_and_complete():
    seed(listings=200, companies=10, seed=8)
    methods = {m: Listing.objects.filter(apply_method=m).count() for m in ApplyMethod.values}
    assert methods[ApplyMethod.IN_APP] > methods[ApplyMethod.URL] > 0
    assert methods[ApplyMethod.EMAIL] > 0
    assert not Listing.objects.filter(apply_method=ApplyMethod.URL, apply_url="").exists()
    assert not Listing.objects.filter(apply_method=ApplyMethod.EMAIL, apply_email="").exists()


def test_dates_are_spread_over_the_last_sixty_days(small_run):
    now = timezone.now()
    live = list(Listing.objects.live())
    for p in live:
        assert now - timedelta(days=60, minutes=1) <= p.date_posted <= now
        assert timedelta(days=30) <= p.valid_through - p.date_posted <= timedelta(days=90)
    ages = [(now - p.date_posted).days for p in live]
    assert max(ages) - min(ages) > 30


def test_every_posting_passes_model_validation(small_run):
    for p in Listing.objects.all():
        p.full_clean()
        if p.status == Status.PUBLISHED and p.is_live:
            assert p.publication_problems() == [], p.title
    for company in Company.objects.all():
        company.full_clean()


def test_slugs_are_unique_and_readable(small_run):
    slugs = list(Listing.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs)
    p = Listing.objects.select_related("company").first()
    assert re.fullmatch(r"[a-z0-9-]+-[a-z2-9]{6}", p.slug)
    assert p.slug.startswith(p.company.slug.split("-")[0]) or p.company.slug in p.slug


# ---------------------------------------------------------------------------- determinism


def test_the_same_seed_gives_the_same_content():
    seed(listings=80, companies=6, seed=42, reset=True)
    first = content()
    seed(listings=80, companies=6, seed=42, reset=True)
    assert content() == first
    seed(listings=80, companies=6, seed=43, reset=True)
    assert content() != first


def test_running_again_without_reset_adds_postings_with_fresh_slugs():
    seed(listings=20, companies=3, seed=1, expired=0, closed=0)
    seed(listings=20, companies=3, seed=1, expired=0, closed=0)
    assert Listing.objects.count() == 40
    assert Company.objects.count() == 6
    assert Listing.objects.values("slug").distinct().count() == 40
    assert Company.objects.values("slug").distinct().count() == 6


@pytest.mark.django_db(transaction=True)
def test_parallel_loading_gives_the_same_content_as_one_connection():
    seed(listings=300, companies=10, seed=12, workers=1, reset=True)
    serial = content()
    out = seed(listings=300, companies=10, seed=12, workers=2, batch_size=40, reset=True)
    assert "315 postings" in out
    assert content() == serial


def test_copy_keeps_quotes_backslashes_tabs_and_newlines_intact():
    seed(listings=1, companies=1, seed=1, expired=0, closed=0)
    original = Listing.objects.get()
    tricky = 'He said "CSAT\\NPS"\tthen\r\nleft, {braces}, NULL, \\N'
    row = {
        f.attname: getattr(original, f.attname)
        for f in Listing._meta.concrete_fields
        if not f.primary_key and not f.generated
    }
    row.update(
        slug="tricky-copy",
        title=tricky[:150],
        responsibilities=[tricky, "", "NULL", "a,b", "{x}"],
        kpis=[{"code": "csat", "target": tricky}],
        description=tricky,
        bonus="",
        equity="",
        budget=None,
    )
    copy = ListingCopy()
    assert copy.write(SharedLines(copy.lines(iter([row]))), limit=10) == 1
    stored = Listing.objects.get(slug="tricky-copy")
    assert stored.title == tricky[:150]
    assert stored.responsibilities == [tricky, "", "NULL", "a,b", "{x}"]
    assert stored.kpis == [{"code": "csat", "target": tricky}]
    assert stored.description == tricky
    assert stored.budget is None and stored.bonus == ""
    assert stored.search_vector is not None


# ---------------------------------------------------------------------------- search


def test_seeded_postings_are_found_by_full_text_search(small_run):
    assert not Listing.objects.filter(search_vector__isnull=True).exists()
    posting = Listing.objects.select_related("company").order_by("id")[7]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM listings_listing "
            "WHERE search_vector @@ websearch_to_tsquery('english', %s)",
            [f"{posting.company.name} {posting.title}"],
        )
        found = {row[0] for row in cursor.fetchall()}
    assert posting.id in found
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM listings_listing "
            "WHERE search_vector @@ websearch_to_tsquery('english', 'customer')"
        )
        assert cursor.fetchone()[0] == Listing.objects.count()


# ---------------------------------------------------------------------------- options


def test_expired_and_closed_counts_can_be_chosen():
    out = seed(listings=5, companies=2, seed=3, expired=4, closed=3)
    assert "12 postings (5 live, 4 expired, 3 closed)" in out
    now = timezone.now()
    assert Listing.objects.live().count() == 5
    expired = Listing.objects.expired()
    assert expired.count() == 4
    for p in expired:
        assert p.date_posted < p.valid_through < now
        p.full_clean()
    closed = Listing.objects.filter(status=Status.CLOSED)
    assert closed.count() == 3
    for p in closed:
        assert p.date_posted < p.closed_at <= now
        p.full_clean()


def test_expired_and_closed_can_be_turned_off():
    out = seed(listings=50, companies=2, seed=3, expired=0, closed=0)
    assert "(50 live, 0 expired, 0 closed)" in out
    assert Listing.objects.live().count() == Listing.objects.count() == 50


def test_seeded_companies_are_marked_as_demo_data(small_run):
    assert Company.objects.filter(is_demo=False).count() == 0
    assert not Listing.objects.filter(created_by__isnull=False).exists()


def database_counts() -> dict[str, int]:
    return {
        "postings": Listing.objects.count(),
        "companies": Company.objects.count(),
        "recruiters": Recruiter.objects.count(),
        "saved": SavedPosting.objects.count(),
    }


def test_reset_works_on_a_database_holding_only_seeded_data():
    seed(listings=30, companies=4, seed=1, expired=0, closed=0)
    saved = SavedPostingFactory(listing=Listing.objects.order_by("id").first())
    out = seed(listings=12, companies=2, seed=2, expired=0, closed=0, reset=True)
    assert "Seeded 2 companies and 12 postings" in out
    assert Listing.objects.count() == 12
    assert Company.objects.count() == Company.objects.filter(is_demo=True).count() == 2
    assert not SavedPosting.objects.filter(pk=saved.pk).exists()
    assert get_user_model().objects.filter(pk=saved.user_id).exists()
    connection.check_constraints()


def test_reset_refuses_a_posting_it_did_not_create_and_deletes_nothing():
    seed(listings=20, companies=3, seed=1, expired=0, closed=0)
    real = LiveListingFactory(title="VP Customer Experience (real)")  # company not demo
    SavedPostingFactory(listing=real)
    before = database_counts()
    with pytest.raises(
        CommandError,
        match=r"Refusing to reset: the database holds 1 posting and 1 company that "
        r"seed_demo did not create .* Nothing was deleted\. Run with --reset-everything",
    ):
        seed(listings=5, companies=1, seed=2, reset=True)
    assert (
        database_counts()
        == before
        == {
            "postings": 21,
            "companies": 4,
            "recruiters": 0,
            "saved": 1,
        }
    )
    assert Listing.objects.filter(pk=real.pk).exists()


def test_reset_refuses_a_posting_written_in_the_admin_for_a_demo_company():
    seed(listings=10, companies=2, seed=1, expired=0, closed=0)
    company = Company.objects.order_by("id").first()
    recruiter = RecruiterUserFactory(username="kept", company=company)
    LiveListingFactory(company=company, created_by=recruiter)
    before = database_counts()
    with pytest.raises(CommandError, match=r"holds 1 posting that seed_demo did not create"):
        seed(listings=5, companies=1, seed=2, reset=True)
    assert database_counts() == before
    assert before["postings"] == 11 and before["recruiters"] == 1


def test_reset_refuses_a_company_it_did_not_create_even_without_postings():
    seed(listings=10, companies=2, seed=1, expired=0, closed=0)
    CompanyFactory(name="Operator-made Co")
    before = database_counts()
    with pytest.raises(CommandError, match=r"holds 1 company that seed_demo did not create"):
        seed(listings=5, companies=1, seed=2, reset=True)
    assert database_counts() == before
    assert Company.objects.filter(name="Operator-made Co").exists()


def test_reset_everything_replaces_every_posting_and_company_but_keeps_users():
    seed(listings=10, companies=2, seed=1, expired=0, closed=0)
    old_company = CompanyFactory()
    RecruiterUserFactory(username="kept", recruiter__company=old_company)
    old = LiveListingFactory(company=old_company)
    by_admin = LiveListingFactory(
        company=Company.objects.filter(is_demo=True).first(),
        created_by=get_user_model().objects.get(username="kept"),
    )
    saved = SavedPostingFactory(listing=old)
    assert Recruiter.objects.filter(user__username="kept").exists()
    seed(listings=10, companies=2, seed=1, reset_everything=True)
    assert not Listing.objects.filter(pk__in=[old.pk, by_admin.pk]).exists()
    assert not Company.objects.filter(pk=old_company.pk).exists()
    assert get_user_model().objects.filter(username="kept").exists()
    assert not Recruiter.objects.filter(user__username="kept").exists()
    assert not SavedPosting.objects.filter(pk=saved.pk).exists()
    assert get_user_model().objects.filter(pk=saved.user_id).exists()
    connection.check_constraints()
    assert Company.objects.count() == Company.objects.filter(is_demo=True).count() == 2


def test_reset_stops_with_a_message_when_applications_refer_to_seeded_postings():
    seed(listings=5, companies=1, seed=1, expired=0, closed=0)
    listing = Listing.objects.order_by("id").first()
    ApplicationFactory(listing=listing)
    with pytest.raises(CommandError, match="Cannot reset: some applications still refer to"):
        seed(listings=5, companies=1, seed=2, reset=True)
    assert Listing.objects.count() == 5
    assert Listing.objects.filter(pk=listing.pk).exists()


def test_reset_everything_still_stops_when_applications_refer_to_postings():
    application = ApplicationFactory()
    with pytest.raises(CommandError, match="Cannot reset: some applications still refer to"):
        seed(listings=5, companies=1, seed=1, reset_everything=True)
    assert Listing.objects.filter(pk=application.listing_id).exists()
    assert Listing.objects.count() == 1


def test_the_help_explains_both_reset_options():
    from listings.management.commands.seed_demo import Command

    text = " ".join(Command().create_parser("manage.py", "seed_demo").format_help().split())
    assert "--reset-everything" in text
    assert "did not create" in text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"listings": -1}, "--listings must be zero or more, not -1."),
        ({"companies": -5}, "--companies must be zero or more, not -5."),
        ({"expired": -2}, "--expired must be zero or more, not -2."),
        ({"closed": -1}, "--closed must be zero or more, not -1."),
        ({"companies": 0}, "Postings need companies"),
        ({"workers": 0}, "--workers must be between 1 and 16."),
        ({"batch_size": 0}, "--batch-size must be at least 1."),
    ],
)
def test_bad_arguments_are_refused_with_a_message(options, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        seed(**{"listings": 5, "companies": 2, **options})
    assert not Listing.objects.exists()


def test_a_negative_count_on_the_command_line_prints_an_error_not_a_traceback():
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--listings", "-3"],
        cwd=BASE_DIR,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "CommandError: --listings must be zero or more, not -3." in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_seed_demo_works_with_debug_cursors(settings):
    # `make run` sets DEBUG=true, where Django wraps cursors in its debug wrapper.
    from django.db import connection

    from listings.models import Listing

    connection.force_debug_cursor = True
    try:
        call_command("seed_demo", listings=12, companies=3, seed=3, stdout=StringIO())
    finally:
        connection.force_debug_cursor = False
    assert Listing.objects.count() >= 12

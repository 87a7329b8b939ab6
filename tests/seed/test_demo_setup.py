"""`manage.py demo_setup` (run by `make run`) seeds once and keeps the demo recruiter usable."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from listings.models import Company, Listing, Recruiter

pytestmark = pytest.mark.django_db


def demo_setup() -> str:
    out = StringIO()
    call_command("demo_setup", listings=30, stdout=out)
    return out.getvalue()


def test_demo_setup_seeds_an_empty_database_once_and_prints_both_logins():
    first = demo_setup()
    assert "Seeding 30 demo postings" in first
    assert Listing.objects.live().count() == 30
    assert Company.objects.count() == 40
    company = Recruiter.objects.get(user__username="recruiter").company
    assert f"(posts for {company.name})" in first
    assert "operator   admin / " in first

    second = demo_setup()
    assert "Seeding" not in second
    assert Listing.objects.live().count() == 30


def test_the_demo_recruiter_gets_a_company_again_after_a_reset():
    demo_setup()
    call_command("seed_demo", listings=10, companies=3, seed=9, reset=True, stdout=StringIO())
    assert not Recruiter.objects.filter(user__username="recruiter").exists()

    out = demo_setup()
    recruiter = Recruiter.objects.get(user__username="recruiter")
    assert recruiter.company == Company.objects.order_by("name").first()
    assert f"(posts for {recruiter.company.name})" in out

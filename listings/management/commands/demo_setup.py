"""Prepare a development database once: demo operator, demo recruiter, demo data.

Idempotent: run by `make run` on every start. Logins are generated once, kept in
DATA_DIR/demo-logins.json and printed each time.
"""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


def _load_logins() -> dict[str, str]:
    path = settings.DATA_DIR / "demo-logins.json"
    if path.exists():
        return json.loads(path.read_text())
    logins = {
        "admin_password": secrets.token_urlsafe(12),
        "recruiter_password": secrets.token_urlsafe(12),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(logins))
    path.chmod(0o600)
    return logins


class Command(BaseCommand):
    help = "Create the demo operator and recruiter and seed demo data on an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--listings", type=int, default=300)

    def handle(self, *args, listings: int, **options):
        logins = _load_logins()
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username="admin",
            defaults={"email": "admin@example.com", "is_staff": True, "is_superuser": True},
        )
        if created:
            admin.set_password(logins["admin_password"])
            admin.save()

        from listings.models import Listing

        if not Listing.objects.exists():
            self.stdout.write(f"Seeding {listings} demo postings (first run only)...")
            call_command("seed_demo", listings=listings, companies=40, seed=1, stdout=self.stdout)
        recruiter = self._demo_recruiter(logins["recruiter_password"])
        self._demo_moderation()

        self.stdout.write(self.style.SUCCESS("Demo logins for /admin/:"))
        self.stdout.write(f"  operator   admin / {logins['admin_password']}")
        if recruiter:
            company = recruiter.recruiter_profile.company
            self.stdout.write(
                f"  recruiter  {recruiter.username} / {logins['recruiter_password']}"
                f"  (posts for {company.name})"
            )

    def _demo_recruiter(self, password: str):
        from listings.models import Company, Recruiter
        from listings.services import recruiter_create

        company = Company.objects.order_by("name").first()
        if company is None:
            return None
        User = get_user_model()
        existing = User.objects.filter(username="recruiter").first()
        if existing:
            # `seed_demo --reset` replaces the companies and with them the recruiter's link.
            if not Recruiter.objects.filter(user=existing).exists():
                Recruiter.objects.create(user=existing, company=company)
                existing.refresh_from_db()
            return existing
        user = recruiter_create(
            username="recruiter",
            email="recruiter@example.com",
            password=password,
            company=company,
        )
        # the demo recruiter leads the company's team (Team page: invite colleagues)
        Recruiter.objects.filter(user=user).update(is_lead=True)
        return user

    def _demo_moderation(self) -> None:
        """Once: the operators' queue has something in it, two postings in review and a
        few visitors' reports, so the moderation pages can be tried."""
        from listings.models import Listing, ModerationEvent, Report

        if ModerationEvent.objects.exists() or Report.objects.exists():
            return
        for listing in Listing.objects.live().order_by("pk")[:2]:
            copy = listing.duplicate()  # a new draft like a live role, sent for review
            copy.submit_for_review()
            ModerationEvent.objects.create(listing=copy, action="submitted")
        reported = list(Listing.objects.live().order_by("-pk")[:2])
        for listing, reason, note in zip(
            [*reported, reported[0]] if reported else [],
            ["misleading", "filled", "scam"],
            ["The pay quoted on the call was much lower.", "", "They asked me for a fee."],
            strict=False,
        ):
            Report.objects.create(listing=listing, reason=reason, note=note)

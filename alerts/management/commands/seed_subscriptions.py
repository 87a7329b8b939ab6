"""Create many varied, confirmed alert subscriptions fast (demo data and benchmarks).

    manage.py seed_subscriptions --count 100000 --seed 42 --reset

Criteria are drawn like real saved searches: most pick a level or two, many a
workplace, some a country, a salary floor, a KPI, an industry, keywords. Values
come from the postings and industries in the database, so many alerts match
something. Rows go in with bulk_create; the keyword tsquery is a generated
column, so the database computes it.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from alerts.criteria import columns_for
from alerts.models import Frequency, Status, Subscription
from listings.choices import KPI, Function, Level, Workplace
from listings.models import Industry, Listing

SEED_DOMAIN = "seed-alerts.example"
KEYWORDS = [
    "zendesk",
    "salesforce",
    "global",
    "saas",
    "omnichannel",
    '"contact center"',
    "retention",
    "fintech",
    "support -bpo",
    "customer success",
    "genesys",
    "transformation",
    "nps or csat",
    "healthcare",
    "automation",
]
FREQUENCY_MIX = {"mix": None, **{f: f for f in Frequency.values}}


class Command(BaseCommand):
    help = "Create N varied, active alert subscriptions with bulk_create."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--reset", action="store_true", help="Delete seeded alerts first.")
        parser.add_argument("--frequency", choices=sorted(FREQUENCY_MIX), default="mix")
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument(
            "--paused",
            action="store_true",
            help="Create them paused (benchmarks switch them on only while they run).",
        )

    def handle(
        self,
        *args,
        count: int,
        seed: int,
        reset: bool,
        frequency: str,
        batch: int,
        paused: bool = False,
        **kw,
    ):
        if count < 0 or batch < 1:
            raise CommandError("--count must be ≥ 0 and --batch ≥ 1")
        started = time.perf_counter()
        rng = random.Random(seed)  # noqa: S311 - demo data, deterministic by design
        if reset:
            deleted, _ = Subscription.objects.filter(email__endswith="@" + SEED_DOMAIN).delete()
            self.stdout.write(f"deleted {deleted:,} seeded rows")
        vocabulary = self._vocabulary()
        now = timezone.now()
        made = 0
        location_cache: dict[str, dict] = {}  # text → columns
        while made < count:
            rows = []
            for n in range(made, min(count, made + batch)):
                criteria = self._criteria(rng, vocabulary)
                location = criteria.pop("location", "")
                columns = columns_for(criteria)
                if location:  # country-name matching is the slow part; once per text
                    if location not in location_cache:
                        location_cache[location] = columns_for({"location": location})
                    columns["location"] = location
                    columns["location_countries"] = location_cache[location]["location_countries"]
                chosen = (
                    FREQUENCY_MIX[frequency]
                    or rng.choices(
                        [Frequency.INSTANT, Frequency.DAILY, Frequency.WEEKLY], weights=[3, 5, 2]
                    )[0]
                )
                created = now - timedelta(days=rng.randint(2, 120))
                rows.append(
                    Subscription(
                        email=f"reader{seed}-{n}@{SEED_DOMAIN}",
                        name=f"Seeded alert {n}",
                        frequency=chosen,
                        status=Status.PAUSED if paused else Status.ACTIVE,
                        created_at=created,
                        confirmed_at=created,
                        watermark=now - timedelta(days=1),
                        **columns,
                    )
                )
            with transaction.atomic():
                Subscription.objects.bulk_create(rows, batch_size=batch)
            made += len(rows)
        elapsed = time.perf_counter() - started
        self.stdout.write(f"created {made:,} subscriptions in {elapsed:.1f} s")

    def _vocabulary(self) -> dict:
        live = Listing.objects.live()
        cities = [c for c in live.values_list("city", flat=True).distinct()[:200] if c]
        countries = list(
            live.exclude(country="")
            .values("country")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("country", "n")[:40]
        )
        return {
            "cities": cities or ["London", "Austin", "Berlin"],
            "countries": [c for c, _ in countries] or ["US", "GB", "DE", "CA"],
            "country_weights": [n for _, n in countries] or [4, 2, 1, 1],
            "industries": list(Industry.objects.values_list("slug", flat=True)),
        }

    def _criteria(self, rng: random.Random, vocabulary: dict) -> dict:
        """One saved search, shaped like an executive's: their level, their geography,
        often a function, a pay floor or keywords; rarely a bare "everything"."""
        criteria: dict = {}

        def some(values, most: int) -> list:
            return rng.sample(values, k=min(len(values), rng.randint(1, most)))

        if rng.random() < 0.9:  # one level, or two neighbouring ones
            start = rng.randrange(len(Level.values))
            criteria["level"] = Level.values[start : start + rng.randint(1, 2)]
        where = rng.random()
        if where < 0.72:  # where they live: one country, sometimes two
            picks = rng.choices(vocabulary["countries"], vocabulary["country_weights"], k=2)
            criteria["country"] = sorted(set(picks[: rng.choice([1, 1, 1, 2])]))
        elif where < 0.84:
            city = rng.choice(vocabulary["cities"])
            criteria["location"] = city if rng.random() < 0.7 else city[:4].lower()
        if rng.random() < 0.45:
            criteria["workplace"] = some(Workplace.values, 2)
        if rng.random() < 0.45:
            criteria["function"] = some(Function.values, 2)
        if rng.random() < 0.5:
            criteria["salary_min"] = rng.randrange(120_000, 300_001, 10_000)
        roll = rng.random()
        if roll < 0.05:
            criteria["kpi"] = some(KPI.values, 2)
        elif roll < 0.2:
            criteria["kpi"] = [rng.choice(KPI.values)]
        if vocabulary["industries"] and rng.random() < 0.25:
            criteria["industry"] = some(vocabulary["industries"], 2)
        if rng.random() < 0.1:
            criteria["team_size_min"] = rng.choice([25, 50, 100, 250])
        if rng.random() < 0.3:
            criteria["experience"] = rng.randint(8, 20)
        if rng.random() < 0.2:
            criteria["q"] = rng.choice(KEYWORDS)
        return criteria

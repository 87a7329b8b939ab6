"""Time /salaries/ on the current database: the engine, the charts, the whole page.

    DATA_DIR=/tmp/bench HTTPS=false .venv/bin/python .notes/salaries_bench.py

Clears the cache of the database it runs on (use a database of its own, seeded with
`manage.py seed_demo --listings 100000`, then compacted as the periodic task does).
"""

import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402

from listings import charts  # noqa: E402
from listings.insights import PaySlice, Period, pay_insights  # noqa: E402
from listings.models import Listing  # noqa: E402
from listings.salary_views import breakdowns  # noqa: E402

LEVELS = ["director", "senior_director", "vp"]
FUNCTIONS = ["customer_service", "customer_experience", "customer_success", "contact_center"]
WORKPLACES = ["onsite", "hybrid", "remote"]
COUNTRIES = ["", "US", "GB", "DE", "FR", "CA", "NL", "IN"]
CURRENCIES = ["USD", "EUR", "GBP"]


def summary(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    median = statistics.median(samples)
    return f"median {median:6.1f} ms, p95 {p95:6.1f} ms, max {samples[-1]:6.1f} ms"


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def random_query(rng: random.Random) -> str:
    parts = []
    if rng.random() < 0.5:
        parts.append(f"level={rng.choice(LEVELS)}")
    if rng.random() < 0.4:
        parts.append(f"function={rng.choice(FUNCTIONS)}")
    if rng.random() < 0.3:
        parts.append(f"workplace={rng.choice(WORKPLACES)}")
    if country := rng.choice(COUNTRIES):
        parts.append(f"country={country}")
    parts.append(f"salary_currency={rng.choice(CURRENCIES)}")
    if rng.random() < 0.2:
        parts.append("period=12m")
    return "&".join(parts)


def main() -> None:
    print("live postings:", Listing.objects.live().count())
    for period in (Period.LIVE, Period.YEAR):
        every = PaySlice(period=period)
        print(
            f"pay_insights, everything, {period:4}:",
            summary(timed(lambda s=every: pay_insights(s), 20)),
        )
    vp_de = PaySlice(levels=("vp",), country="DE")
    print(
        "pay_insights, VP in DE, EUR:  ",
        summary(timed(lambda: pay_insights(vp_de, currency="EUR"), 20)),
    )

    insights = pay_insights(PaySlice())

    def drawn():
        charts.clear_render_cache()
        cache.clear()  # nothing shared either
        breakdowns(insights, "nonce")

    def shared():
        charts.clear_render_cache()
        breakdowns(insights, "nonce")

    print("four charts (wide + narrow), drawn:", summary(timed(drawn, 20)))
    print("four charts, from the shared cache:", summary(timed(shared, 20)))
    print(
        "four charts, from the process memo:", summary(timed(lambda: breakdowns(insights, "n"), 50))
    )

    client = Client()
    client.get("/salaries/")
    print(
        "page, one slice again and again:   ", summary(timed(lambda: client.get("/salaries/"), 50))
    )
    rng = random.Random(1)  # noqa: S311 - a benchmark's sample, not a secret
    queries = [random_query(rng) for _ in range(100)]
    charts.clear_render_cache()
    cache.clear()
    for label in ("page, 100 slices, first visit:     ", "page, the same 100 slices again:    "):
        samples = []
        for query in queries:
            start = time.perf_counter()
            assert client.get("/salaries/?" + query).status_code == 200
            samples.append((time.perf_counter() - start) * 1000)
        print(label, summary(samples))
    print("chart memo:", charts.render_cache_info())


if __name__ == "__main__":
    main()

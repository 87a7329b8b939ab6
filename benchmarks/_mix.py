"""A realistic, deterministic mix of /jobs/ searches, shared by search.py and load.py.

Queries are drawn from the board's vocabulary (title words, KPIs, contact-centre
technologies, places; multi-word terms sometimes quoted as phrases, now and then an
OR or an exclusion), combined with 0–3 filters, under each sort, sometimes on page
2–5; about one in ten has no text at all (browsing by filters). The same (n, seed,
industries) always gives the same list. No Django needed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from listings.search_codes import FUNCTION_ORDER, KPI_ORDER, LEVEL_ORDER, WORKPLACE_ORDER

TITLE_WORDS = [
    "director",
    "vp",
    "vice president",
    "head of",
    "senior director",
    "senior",
    "customer",
    "experience",
    "service",
    "success",
    "support",
    "operations",
    "contact center",
    "contact centre",
    "customer care",
    "global",
    "cx",
    "client services",
    "member services",
    "customer operations",
    "customer experience",
    "customer success",
    "customer service",
    "interim",
]
KPI_WORDS = [
    "nps",
    "csat",
    "fcr",
    "first contact resolution",
    "churn",
    "retention",
    "aht",
    "average handle time",
    "customer effort",
    "sla",
    "cost per contact",
    "enps",
    "resolution rate",
]
TECH_WORDS = [
    "zendesk",
    "salesforce",
    "genesys",
    "service cloud",
    "five9",
    "nice",
    "servicenow",
    "amazon connect",
    "talkdesk",
    "avaya",
    "freshdesk",
    "intercom",
    "qualtrics",
    "medallia",
    "verint",
    "dynamics",
]
PLACE_WORDS = [
    "london",
    "austin",
    "germany",
    "remote",
    "toronto",
    "new york",
    "berlin",
    "dublin",
    "chicago",
    "amsterdam",
    "manchester",
    "singapore",
    "sydney",
    "madrid",
    "paris",
    "bengaluru",
    "makati",
    "mexico city",
    "canada",
    "emea",
    "europe",
    "texas",
]
OTHER_WORDS = [
    "budget",
    "escalation",
    "workforce management",
    "quality assurance",
    "self-service",
    "omnichannel",
    "chat",
    "voice",
    "outsourcing",
    "bpo",
    "transformation",
    "ai",
    "automation",
    "saas",
    "healthcare",
    "insurance",
    "retail",
    "telecommunications",
]
# (category, weight): titles dominate real searches, then places and tools.
CATEGORIES = [
    (TITLE_WORDS, 40),
    (KPI_WORDS, 12),
    (TECH_WORDS, 16),
    (PLACE_WORDS, 18),
    (OTHER_WORDS, 14),
]

# The codes of the search projection (a module that imports nothing of Django).
LEVELS = list(LEVEL_ORDER)
FUNCTIONS = list(FUNCTION_ORDER)
WORKPLACES = list(WORKPLACE_ORDER)
KPIS = list(KPI_ORDER)
COUNTRIES = ["US", "GB", "DE", "CA", "FR", "NL", "IE", "ES", "AU", "IN", "PH", "MX", "BR", "SG"]
LOCATIONS = ["London", "Austin", "Texas", "Berlin", "Toronto", "New York", "Dublin", "Paris"]
SORTS = ["relevance", "newest", "salary"]
FILTER_NAMES = [
    "level",
    "function",
    "workplace",
    "kpi",
    "salary_min",
    "posted",
    "team_size_min",
    "experience",
    "country",
    "industry",
    "location",
]


@dataclass(frozen=True)
class MixQuery:
    query: str  # the query string, without "?"
    q: str
    filters: tuple[str, ...]  # names of the filters used
    sort: str
    page: int

    @property
    def url(self) -> str:
        return "/jobs/?" + self.query if self.query else "/jobs/"


def _term(rng: random.Random) -> str:
    words = rng.choices([c for c, _ in CATEGORIES], weights=[w for _, w in CATEGORIES])[0]
    term = rng.choice(words)
    if " " in term and rng.random() < 0.35:
        return f'"{term}"'
    return term


def _text(rng: random.Random) -> str:
    terms: list[str] = []
    for _ in range(rng.choices([1, 2, 3], weights=[45, 40, 15])[0]):
        term = _term(rng)
        if term not in terms:
            terms.append(term)
    roll = rng.random()
    if roll < 0.04 and len(terms) >= 2:
        terms.insert(1, "or")
    elif roll < 0.08:
        terms.append("-" + rng.choice(["interim", "contract", "bpo", "retail"]))
    return " ".join(terms)


def _filter(rng: random.Random, name: str, industries: Sequence[str]) -> list[tuple[str, str]]:
    def some(values: Sequence[str], most: int) -> list[str]:
        return rng.sample(values, rng.choices(range(1, most + 1), k=1)[0])

    if name == "level":
        return [("level", v) for v in some(LEVELS, 2)]
    if name == "function":
        return [("function", v) for v in some(FUNCTIONS, 2)]
    if name == "workplace":
        return [("workplace", v) for v in some(WORKPLACES, 2)]
    if name == "kpi":
        return [("kpi", v) for v in some(KPIS, 2)]
    if name == "salary_min":
        return [("salary_min", str(rng.randrange(100_000, 310_000, 10_000)))]
    if name == "posted":
        return [("posted", rng.choice(["1", "7", "30"]))]
    if name == "team_size_min":
        return [("team_size_min", rng.choice(["50", "100", "200", "500", "1000"]))]
    if name == "experience":
        return [("experience", str(rng.randint(5, 15)))]
    if name == "country":
        return [("country", v) for v in some(COUNTRIES, 2)]
    if name == "industry":
        return [("industry", v) for v in some(industries, 2)]
    if name == "location":
        return [("location", rng.choice(LOCATIONS))]
    raise ValueError(name)


def query_mix(n: int, seed: int = 42, industries: Sequence[str] = ()) -> list[MixQuery]:
    """`n` distinct searches, the same ones for the same arguments.

    `industries`: the Industry slugs that the industry filter may use (from the
    database); without them, no query filters by industry.
    """
    rng = random.Random(seed)
    industries = sorted(industries)
    names = [f for f in FILTER_NAMES if f != "industry" or industries]
    seen: set[str] = set()
    mix: list[MixQuery] = []
    attempts = 0
    while len(mix) < n:
        attempts += 1
        if attempts > n * 50:
            raise ValueError(f"cannot draw {n} distinct queries from the vocabulary")
        # Round-robin over the sorts and filter counts so that each is well represented.
        sort = SORTS[len(mix) % len(SORTS)]
        count = rng.choices([0, 1, 2, 3], weights=[30, 30, 25, 15])[0]
        q = "" if rng.random() < 0.1 else _text(rng)
        if not q:
            count = max(count, 1)
            if sort == "relevance":
                sort = rng.choice(["newest", "salary"])
        chosen = sorted(rng.sample(names, count), key=FILTER_NAMES.index)
        page = rng.randint(2, 5) if rng.random() < 0.12 else 1
        pairs: list[tuple[str, str]] = [("q", q)] if q else []
        for name in chosen:
            pairs += _filter(rng, name, industries)
        if sort != "relevance" or rng.random() < 0.3:  # relevance is also the default
            pairs.append(("sort", sort))
        if page > 1:
            pairs.append(("page", str(page)))
        query = urlencode(pairs)
        if query in seen:
            continue
        seen.add(query)
        mix.append(MixQuery(query=query, q=q, filters=tuple(chosen), sort=sort, page=page))
    return mix

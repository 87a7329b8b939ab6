"""Deterministic, realistic demo data: companies and executive customer-service postings.

    python manage.py seed_demo --listings 100000 --companies 2000 --seed 7 --reset

Companies it creates are marked `is_demo`; --reset deletes every posting and company but
refuses, deleting nothing, when some were not made here (a recruiter's posting in the
admin, a company not marked demo) unless --reset-everything says they may go too.

The same seed on an empty database gives the same companies and postings (dates are
relative to the moment of the run). Postings are composed in Python from the vocabulary
in listings/demo_content.py and streamed in with COPY while they are composed; the
database trigger fills their search vectors on insert, so they are searchable at once.
That trigger is most of the cost, so a large run loads on --workers connections at once
(each in its own transaction, all committed together once every one has succeeded); a
small run, or one inside a caller's transaction, loads in a single transaction.

Steps run in order in `handle()`: reset, companies, postings. Later steps (candidates,
alert subscriptions) belong after the postings, as `_seed_<thing>()` methods that take
the same `Plan` and `Composer` (whose random generator keeps the run deterministic).
"""

from __future__ import annotations

import io
import json
import math
import random
import re
import threading
import time
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate, islice

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries

from listings import demo_content as vocab
from listings.choices import (
    KPI,
    ApplyMethod,
    Channel,
    EmploymentType,
    Function,
    GeographicScope,
    Level,
    PostedBy,
    SalaryPeriod,
    Skill,
    Status,
    Workplace,
)
from listings.models import Company, Industry, Listing
from money.currencies import annual_max

LIVE, EXPIRED, CLOSED = "live", "expired", "closed"
DAY = 86_400  # seconds
WORKPLACE_WEIGHTS = {Workplace.HYBRID: 45, Workplace.REMOTE: 30, Workplace.ONSITE: 25}
APPLY_WEIGHTS = {ApplyMethod.IN_APP: 76, ApplyMethod.URL: 15, ApplyMethod.EMAIL: 9}
CONTRACT_SHARE = 0.05
NO_SALARY_SHARE = 0.04
FROM_ONLY_SHARE = 0.05  # state a minimum only
UP_TO_ONLY_SHARE = 0.03  # state a maximum only
SLUG_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
# Every FIRM_EVERY-th company, from FIRM_OFFSET on, is a search firm (while names last).
FIRM_EVERY, FIRM_OFFSET = 12, 5
KPI_LABELS = dict(KPI.choices)
CHANNEL_ORDER = list(Channel.values)
SKILL_ORDER = list(Skill.values)


@dataclass
class Plan:
    """What one run creates, resolved from the options."""

    listings: int
    companies: int
    expired: int
    closed: int
    seed: int
    batch_size: int
    workers: int
    now: datetime

    @property
    def total(self) -> int:
        return self.listings + self.expired + self.closed


@dataclass
class DemoCompany:
    id: int
    name: str
    slug: str
    industry: str
    home: str
    footprint: list[str]
    what: str
    search_firm: bool = False


@dataclass
class Counts:
    companies: int = 0
    by_state: dict[str, int] = field(default_factory=lambda: {LIVE: 0, EXPIRED: 0, CLOSED: 0})

    @property
    def listings(self) -> int:
        return sum(self.by_state.values())


@dataclass(frozen=True)
class Role:
    """What every part of one posting depends on, drawn before the rest."""

    company: DemoCompany
    level: str
    workplace: str
    function: str
    country: str
    place: dict  # the country's entry in vocab.COUNTRIES
    scope: str
    contract: bool

    @property
    def industry(self) -> str:
        return self.company.industry

    @property
    def currency(self) -> str:
        return self.place["currency"]


@dataclass
class Tools:
    """The tools drawn for a posting, and those it lists (`used`, in the order drawn)."""

    crm: str
    ccaas: str
    voc: str
    used: list[str] = field(default_factory=list)

    def named_in(self, texts: list[str]) -> list[str]:
        """The tools used, plus those the texts name (a tool the text names, the role uses)."""
        text = " ".join(texts)
        return self.used + [t for t in (self.ccaas, self.voc) if t not in self.used and t in text]


def _cumulative(weights: dict) -> tuple[list, list[float]]:
    keys = list(weights)
    return keys, list(accumulate(weights[k] for k in keys))


def _weighted_sample(rng: random.Random, weights: dict, k: int) -> list:
    """k distinct keys, drawn in proportion to their weights (Efraimidis–Spirakis)."""
    keyed = sorted(weights, key=lambda key: rng.random() ** (1.0 / weights[key]), reverse=True)
    return keyed[:k]


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _article(title: str) -> str:
    return "an" if title[:1] in "AEIO" else "a"


def _money(amount: int, currency: str) -> str:
    symbol = vocab.CURRENCY_SYMBOL.get(currency, currency + " ")
    if amount >= 1_000_000_000:
        figure, unit = amount / 1_000_000_000, "billion"
    else:
        figure, unit = amount / 1_000_000, "million"
    text = f"{figure:.1f}".removesuffix(".0")
    return f"{symbol}{text} {unit}"


def _two_significant(value: float) -> int:
    if value <= 0:
        return 0
    magnitude = 10 ** max(int(math.log10(value)) - 1, 0)
    return int(round(value / magnitude) * magnitude)


def _nice_floor(value: float) -> int:
    steps = [25, 50, 100, 150, 200, 250, 300, 500, 750, 1000, 1500, 2000]
    return max([s for s in steps if s <= value] or [steps[0]])


def _delete_all(model: type[models.Model]) -> None:
    """Delete every row of `model`, after applying the on_delete rule of each model that
    points at it (a PROTECT with rows stops the reset).

    QuerySet.delete() would load and signal each of 100,000 postings, and a plain DELETE
    checks every foreign key row by row; since every row goes, the rules are applied to
    whole tables and the table is truncated when nothing else refers to it any more.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {qn(model._meta.db_table)} IN ACCESS EXCLUSIVE MODE")
    for rel in _relations_to(model):
        if rel.related_model._meta.db_table not in _existing_tables():
            continue  # an app not migrated yet holds no references
        dependents = rel.related_model._base_manager.filter(**{f"{rel.field.name}__isnull": False})
        if rel.on_delete in (models.PROTECT, models.RESTRICT):
            if dependents.exists():
                raise CommandError(
                    f"Cannot reset: some {rel.related_model._meta.verbose_name_plural} still "
                    f"refer to {model._meta.verbose_name_plural}. Delete those first."
                )
        elif rel.on_delete == models.CASCADE:
            dependents.delete()
        elif rel.on_delete == models.SET_NULL:
            dependents.update(**{rel.field.name: None})
        elif rel.on_delete != models.DO_NOTHING:  # SET_DEFAULT, SET(...): the ORM knows how
            model._base_manager.all().delete()
            return
    tables = _referencing_tables(model)
    # Deferred foreign-key checks queued earlier in this transaction would block TRUNCATE:
    # run them now.
    connection.check_constraints()
    with connection.cursor() as cursor:
        if tables is not None and not any(_has_rows(cursor, t) for t in tables[1:]):
            cursor.execute(f"TRUNCATE {', '.join(qn(t) for t in tables)}")
        else:
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")  # noqa: S608


def _relations_to(model: type[models.Model]) -> list:
    """The foreign keys that point at `model`, hidden ones and many-to-many tables included
    (as Django's own deletion collector finds them)."""
    return [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)
    ]


def _referencing_tables(model: type[models.Model]) -> list[str] | None:
    """`model`'s table and every table that refers to it, directly or not (None if a
    model in between is not managed by Django)."""
    seen: list[type[models.Model]] = []
    todo = [model._meta.concrete_model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        if not current._meta.managed:
            return None
        seen.append(current)
        todo.extend(rel.related_model._meta.concrete_model for rel in _relations_to(current))
    return [m._meta.db_table for m in seen if m._meta.db_table in _existing_tables()]


def _existing_tables() -> set[str]:
    return set(connection.introspection.table_names())


def _has_rows(cursor, table: str) -> bool:
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")  # noqa: S608
    return cursor.fetchone()[0]


class Composer:
    """Turns a random generator into companies and postings; no database access."""

    def __init__(self, rng: random.Random, now: datetime, seed: object = None):
        self.rng = rng
        self.random = rng.random
        self.now = now
        # Who is hiring (search clients, hiring contacts) draws from its own generator,
        # so that the rest of every posting is the same whichever company owns it.
        self.hirers = random.Random(f"hirers-{seed}")  # noqa: S311
        self.country_names = {code: str(name) for code, name in countries}
        self.country_keys, self.country_cum = _cumulative(
            {code: c["weight"] for code, c in vocab.COUNTRIES.items()}
        )
        self.size_keys, self.size_cum = _cumulative(vocab.COMPANY_SIZE_WEIGHTS)
        self.workplace_keys, self.workplace_cum = _cumulative(WORKPLACE_WEIGHTS)
        self.apply_keys, self.apply_cum = _cumulative(APPLY_WEIGHTS)
        self.scope_cum = {lv: _cumulative(w) for lv, w in vocab.SCOPE_WEIGHTS.items()}
        self.function_cum = {
            slug: _cumulative({f: w for f, w in p["functions"].items() if w})
            for slug, p in vocab.INDUSTRY_PROFILES.items()
        }
        self.crm_cum = _cumulative(vocab.CRMS)
        self.ccaas_cum = _cumulative(vocab.CCAAS)
        self.voc_cum = _cumulative(vocab.VOC_TOOLS)
        self.used_names: set[str] = set()

    # Simpler and about twice as fast as random.choice/randint/randrange, which matters
    # at 100,000 postings; still fully determined by the seed.
    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def randrange(self, start: int, stop: int, step: int = 1) -> int:
        return start + step * int(self.random() * ((stop - start + step - 1) // step))

    def pick(self, keys_cum: tuple[list, list[float]]):
        """A key drawn in proportion to its weight (as random.choices, minus its overhead)."""
        keys, cum = keys_cum
        return keys[bisect(cum, self.random() * cum[-1], 0, len(cum) - 1)]

    # ------------------------------------------------------------------ companies

    def company_fields(self, industry: str) -> dict:
        rng = self.rng
        profile = vocab.INDUSTRY_PROFILES[industry]
        name = self._company_name(profile["names"])
        home = self.pick((self.country_keys, self.country_cum))
        others = [c for c in self.country_keys if c != home]
        footprint = [home, *rng.sample(others, k=self.choice([0, 1, 1, 2, 3, 4]))]
        city, _region = self.choice(vocab.COUNTRIES[home]["cities"])
        what = self.choice(profile["what"])
        service = self.choice(vocab.COMPANY_SERVICE_SENTENCES).format(
            contacts=self.choice(["two million", "five million", "twelve million", "30 million"]),
            customer=profile["customers"].split(" and ")[0].removesuffix("s"),
        )
        return {
            "name": name,
            "industry": industry,
            "size": self.pick((self.size_keys, self.size_cum)),
            "headquarters": f"{city}, {self.country_names[home]}",
            "description": f"{name} {what}.\n\n{service}",
            "home": home,
            "footprint": footprint,
            "what": what,
        }

    def search_firm_fields(self, fields: dict, name: str) -> dict:
        """A company's fields (as company_fields made them) turned into a search firm's,
        with its practice in the company's industry."""
        self.used_names.add(name)
        words = vocab.INDUSTRY_WORDS[fields["industry"]]
        return {
            **fields,
            "name": name,
            "description": vocab.SEARCH_FIRM_DESCRIPTION.format(name=name, industry=words),
            "what": f"recruits customer-service leaders in {words}",
            "search_firm": True,
        }

    def _company_name(self, patterns: list[str]) -> str:
        rng = self.rng
        for attempt in range(50):
            root = self.choice(vocab.NAME_STARTS) + self.choice(vocab.NAME_ENDS)
            surname, surname2 = rng.sample(vocab.SURNAMES, 2)
            name = self.choice(patterns).format(root=root, surname=surname, surname2=surname2)
            if attempt > 40:  # the vocabulary is exhausted: number the name
                name = f"{name} {len(self.used_names) + 1}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name
        raise CommandError("Could not find a free company name.")  # pragma: no cover

    # ------------------------------------------------------------------ postings

    def posting_fields(self, company: DemoCompany, level: str, workplace: str, state: str) -> dict:
        """One posting's fields, drawn part by part in this order (which the seed fixes)."""
        role = self.role(company, level, workplace)
        where = self.location(role)
        title = self.title(role)
        pay = self.pay(role)
        team = self.team_and_budget(role)
        kpis = self.kpis(role)
        skills = self.skills(role)
        tools = self.tools(role)
        years, industries = self.experience(role)
        ctx = self.words(role, where, team, kpis, tools, years)
        responsibilities = self.responsibilities(
            level, role.function, role.industry, ctx, bool(team["budget"])
        )
        requirements = self.requirements(level, role.function, role.scope, ctx, workplace)
        hiring = self.hiring(company, ctx)
        description = self.description(company, title, role.function, workplace, kpis, ctx, hiring)
        return {
            "title": title,
            "company_id": company.id,
            "level": str(level),
            "function": str(role.function),
            "employment_type": (
                EmploymentType.CONTRACT if role.contract else EmploymentType.FULL_TIME
            ),
            "city": where["city"],
            "region": where["region"],
            "country": where["country"],
            "workplace": str(workplace),
            "applicant_countries": where["applicant_countries"],
            **pay,
            **team,
            "kpis": kpis,
            "kpi_codes": [k["code"] for k in kpis],  # the trigger keeps it too, where it exists
            "responsibilities": responsibilities,
            "requirements": requirements,
            "min_leadership_years": years,
            "skills": skills,
            "technologies": tools.named_in([*responsibilities, *requirements]),
            "industries": industries,
            "description": description,
            **self.apply_method(company),
            **hiring,
            **self.lifecycle(state),
        }

    def role(self, company: DemoCompany, level: str, workplace: str) -> Role:
        """What every other part depends on: function, country, geographic scope, contract."""
        rng = self.rng
        function = self.pick(self.function_cum[company.industry])
        country = company.home if rng.random() < 0.65 else self.choice(company.footprint)
        scope = self.pick(self.scope_cum[level])
        contract = rng.random() < CONTRACT_SHARE
        place = vocab.COUNTRIES[country]
        return Role(company, level, workplace, function, country, place, scope, contract)

    def location(self, role: Role) -> dict:
        """City, region and country on site; the countries applicants may live in, remote."""
        rng, country, place = self.rng, role.country, role.place
        if role.workplace != Workplace.REMOTE:
            city, region = self.choice(place["cities"])
            return {"city": city, "region": region, "country": country, "applicant_countries": []}
        if (
            role.scope in (GeographicScope.MULTI_COUNTRY, GeographicScope.GLOBAL)
            and rng.random() < 0.5
        ):
            wide = vocab.REMOTE_WIDE[place["area"]]
            applicants = [country, *[c for c in wide if c != country]]
        else:
            applicants = list(self.choice(vocab.REMOTE_AREAS[country]))
        return {"city": "", "region": "", "country": "", "applicant_countries": applicants}

    def title(self, role: Role) -> str:
        """The level's title for the area led: "Global …", "…, <region>", "Interim …"."""
        rng, industry, place = self.rng, role.industry, role.place
        if (
            industry in vocab.INDUSTRY_AREAS
            and role.function != Function.CUSTOMER_SUCCESS
            and (rng.random() < 0.3)
        ):
            area = self.choice(vocab.INDUSTRY_AREAS[industry])
        else:
            area = self.choice(vocab.FUNCTION_AREAS[role.function])
        if role.country in vocab.BRITISH:
            area = area.replace("Center", "Centre")
        suffix = ""
        scope = role.scope
        if scope == GeographicScope.GLOBAL and not area.startswith("Global") and rng.random() < 0.4:
            area = "Global " + area
        elif scope == GeographicScope.MULTI_COUNTRY and rng.random() < 0.6:
            suffix = ", " + place["area"]
        title = self.choice(vocab.TITLE_PATTERNS[role.level]).format(area=area) + suffix
        return "Interim " + title if role.contract else title

    def pay(self, role: Role) -> dict:
        """Salary range (a day rate for contracts, sometimes one bound or none), bonus, equity."""
        rng, place, level, contract = self.rng, role.place, role.level, role.contract
        currency = role.currency
        mid = place["director_mid"] * vocab.LEVEL_PAY[level] * rng.uniform(0.9, 1.12)
        low, high = mid * rng.uniform(0.84, 0.92), mid * rng.uniform(1.08, 1.2)
        if contract:
            period, step, low, high = (
                SalaryPeriod.DAY,
                max(place["step"] // 40, 25),
                low / 220 * 1.35,
                high / 220 * 1.35,
            )
        else:
            period, step = SalaryPeriod.YEAR, place["step"]
        salary_min = int(low // step * step)
        salary_max = min(int(math.ceil(high / step) * step), annual_max(currency))
        salary_min = min(salary_min, salary_max)
        bound = rng.random()
        if bound < NO_SALARY_SHARE:
            salary_min = salary_max = None
        elif bound < NO_SALARY_SHARE + FROM_ONLY_SHARE:  # "from 180,000"
            salary_max = None
        elif bound < NO_SALARY_SHARE + FROM_ONLY_SHARE + UP_TO_ONLY_SHARE:  # "up to 200,000"
            salary_min = None
        bonus = equity = ""
        if not contract and rng.random() < 0.75:
            pct = {Level.DIRECTOR: (15, 20), Level.SENIOR_DIRECTOR: (20, 30), Level.VP: (25, 40)}
            lo_pct, hi_pct = pct[level]
            bonus = self.choice(vocab.BONUS_NOTES).format(pct=self.randrange(lo_pct, hi_pct + 1, 5))
        if not contract and (
            (role.industry in vocab.EQUITY_INDUSTRIES and rng.random() < 0.6)
            or (level == Level.VP and rng.random() < 0.3)
        ):
            equity = self.choice(vocab.EQUITY_NOTES)
        return {
            "salary_min": salary_min,
            "salary_max": salary_max,
            "currency": currency,
            "salary_period": str(period),
            "bonus": bonus,
            "equity": equity,
        }

    def team_and_budget(self, role: Role) -> dict:
        """Team size and managers (the same position in the level's ranges), budget, channels."""
        rng, level = self.rng, role.level
        t_lo, t_hi = vocab.TEAM_SIZE[level]
        position = rng.random()
        team = math.exp(math.log(t_lo) + position * (math.log(t_hi) - math.log(t_lo)))
        unit = 5 if team < 100 else 10 if team < 1000 else 50
        team_size = round(team / unit) * unit
        team_size = max(t_lo, min(t_hi, team_size))
        m_lo, m_hi = vocab.MANAGERS[level]
        managers = round(m_lo + position * (m_hi - m_lo) + rng.uniform(-1.5, 1.5))
        managers = max(m_lo, min(m_hi, managers))
        budget = None
        if rng.random() < 0.9:
            budget = _two_significant(team_size * role.place["head_cost"] * rng.uniform(1.15, 1.45))
        odds = vocab.CHANNEL_ODDS[role.function]
        channels = [c for c in CHANNEL_ORDER if rng.random() < odds[c]]
        for fallback in (Channel.EMAIL, Channel.CHAT):
            if len(channels) < 2 and fallback not in channels:
                channels.append(fallback)
        channels.sort(key=CHANNEL_ORDER.index)
        return {
            "team_size": team_size,
            "managers_reporting": managers,
            "budget": budget,
            "geographic_scope": str(role.scope),
            "channels": [str(c) for c in channels],
        }

    def kpis(self, role: Role) -> list[dict]:
        """The KPIs owned (more for a VP), most with a target in the function's terms."""
        count = self.randint(4, 6) if role.level == Level.VP else self.randint(3, 5)
        codes = _weighted_sample(self.rng, vocab.KPIS_BY_FUNCTION[role.function], count)
        return [
            {"code": str(c), "target": self.kpi_target(c, role.function, role.currency)}
            for c in codes
        ]

    def skills(self, role: Role) -> list[str]:
        """The function's skills, in the vocabulary's order; a VP's always include two."""
        count = self.randint(3, 6)
        skills = _weighted_sample(self.rng, vocab.SKILLS_BY_FUNCTION[role.function], count)
        if role.level == Level.VP:  # every VP posting asks for these two
            must = [Skill.EXECUTIVE_INFLUENCE, Skill.BUSINESS_PLANNING]
            skills = [*must, *[s for s in skills if s not in must]][:count]
        return sorted({str(s) for s in skills}, key=SKILL_ORDER.index)

    def tools(self, role: Role) -> Tools:
        """A CRM, and the CCaaS, voice-of-customer and WFM tools the function tends to use."""
        rng, function = self.rng, role.function
        tools = Tools(
            crm=self.pick(self.crm_cum),
            ccaas=self.pick(self.ccaas_cum),
            voc=self.pick(self.voc_cum),
        )
        used = tools.used
        used.append(tools.crm)
        if function == Function.CONTACT_CENTER or rng.random() < (
            0.3 if function == Function.CUSTOMER_SUCCESS else 0.75
        ):
            used.append(tools.ccaas)
        if rng.random() < (0.7 if function == Function.CUSTOMER_EXPERIENCE else 0.25):
            used.append(tools.voc)
        if rng.random() < (0.5 if function == Function.CONTACT_CENTER else 0.1):
            used.append("Verint")
        return tools

    def experience(self, role: Role) -> tuple[int, list[str]]:
        """Years of leadership asked for, and the industries (sometimes a second one)."""
        years_lo, years_hi = vocab.LEADERSHIP_YEARS[role.level]
        years = self.randint(years_lo, years_hi)
        industry = role.industry
        industries = [industry]
        if industry == "bpo-outsourcing" or self.rng.random() < 0.1:
            extra = self.choice(list(vocab.INDUSTRY_PROFILES))
            if extra != industry:
                industries.append(extra)
        return years, industries

    def words(
        self, role: Role, where: dict, team: dict, kpis: list[dict], tools: Tools, years: int
    ) -> dict:
        """What the texts (responsibilities, requirements, description) fill their blanks with."""
        scope, place, level = role.scope, role.place, role.level
        if scope == GeographicScope.GLOBAL:
            geo = "every region"
        elif scope == GeographicScope.MULTI_COUNTRY:
            geo = place["area"]
        elif scope == GeographicScope.REGIONAL and where["region"]:
            geo = where["region"]
        else:
            geo = self.country_names[role.country]
        customers = vocab.INDUSTRY_PROFILES[role.industry]["customers"]
        kpi_codes = [k["code"] for k in kpis]
        team_size, budget = team["team_size"], team["budget"]
        return {
            "team": f"{team_size:,}",
            "managers": team["managers_reporting"],
            "budget": _money(budget, role.currency) if budget else "",
            "channels": _join([vocab.CHANNEL_WORDS[c] for c in team["channels"]]),
            "customers": customers,
            "Customers": customers[:1].upper() + customers[1:],
            "kpi_text": _join([vocab.KPI_WORDS[c] for c in kpi_codes]),
            "kpi_pair": _join([vocab.KPI_WORDS[c] for c in kpi_codes[:2]]),
            "crm": tools.crm,
            "ccaas": tools.ccaas,
            "voc": tools.voc,
            "legacy": self.choice(vocab.LEGACY_TOOLS),
            "vendors": self.choice(vocab.VENDOR_LOCATIONS),
            "sites": self.randint(2, 4 if level == Level.DIRECTOR else 12),
            "accounts": self.randrange(60, 800, 20),
            "geo": geo,
            "years": years,
            "team_floor": f"{_nice_floor(team_size * 0.6):,}",
            "industry": vocab.INDUSTRY_WORDS[role.industry],
            "language": place["language"],
            "travel": self.choice([15, 20, 25, 30]),
            "reports_to": self.choice(vocab.REPORTS_TO[level]),
            "city": where["city"],
            "countries": _join(
                [self.country_names.get(c, c) for c in where["applicant_countries"]]
            ),
        }

    def apply_method(self, company: DemoCompany) -> dict:
        """How candidates apply: on the site mostly, else the company's careers page or inbox."""
        apply_method = self.pick((self.apply_keys, self.apply_cum))
        apply_url = apply_email = ""
        if apply_method == ApplyMethod.URL:
            job = self.randrange(10**5, 10**6)
            apply_url = f"https://careers.{company.slug[:50]}.example.com/jobs/{job}"
        elif apply_method == ApplyMethod.EMAIL:
            mailbox = self.choice(["talent", "careers", "executive-search"])
            apply_email = f"{mailbox}@{company.slug[:50]}.example.com"
        return {
            "apply_method": str(apply_method),
            "apply_url": apply_url,
            "apply_email": apply_email,
        }

    def hiring(self, company: DemoCompany, ctx: dict) -> dict:
        """Who is hiring: for a search firm's posting the client (named, or confidential
        behind a descriptor) and often the consultant leading the search; an employer
        sometimes names the executive the role reports to."""
        hirers = self.hirers
        contact = (
            f"{hirers.choice(vocab.CONTACT_FIRST_NAMES)} {hirers.choice(vocab.CONTACT_SURNAMES)}"
        )
        if not company.search_firm:
            if hirers.random() >= vocab.HIRING_CONTACT_SHARE:
                return {}
            title = ctx["reports_to"].removeprefix("the ")
            return {"hiring_contact_name": contact, "hiring_contact_title": title}
        profile = vocab.INDUSTRY_PROFILES[company.industry]
        for _ in range(50):
            root = hirers.choice(vocab.NAME_STARTS) + hirers.choice(vocab.NAME_ENDS)
            surname, surname2 = hirers.sample(vocab.SURNAMES, 2)
            pattern = hirers.choice(profile["names"])
            client = pattern.format(root=root, surname=surname, surname2=surname2)
            if client not in self.used_names:  # never one of the demo's own companies
                break
        slug = _slug(client)[:60].strip("-")
        fields = {
            "posted_by": PostedBy.SEARCH_FIRM,
            "client_name": client,
            "client_website": f"https://www.{slug}.example.com",
        }
        if hirers.random() < vocab.CONFIDENTIAL_SHARE:
            descriptor = hirers.choice(vocab.CLIENT_DESCRIPTORS[company.industry])
            fields["confidential"] = True
            fields["client_descriptor"] = descriptor.format(
                people=hirers.choice(vocab.CLIENT_HEADCOUNTS)
            )
        if hirers.random() < vocab.FIRM_CONTACT_SHARE:
            fields["hiring_contact_name"] = contact
            fields["hiring_contact_title"] = (
                f"{hirers.choice(vocab.FIRM_CONTACT_TITLES)}, {company.name}"
            )
        return fields

    def kpi_target(self, code: str, function: str, currency: str) -> str:
        rng = self.rng
        if rng.random() < 0.15:
            return ""  # owned, without a published target
        roll = rng.random()
        if code == KPI.CSAT:
            if roll < 0.7:
                return f"≥ {self.randint(86, 94)}%"
            return f"≥ {self.choice(['4.4', '4.5', '4.6', '4.7'])}/5"
        if code == KPI.NPS:
            n = self.randrange(25, 70, 5)
            return f"+{n}" if roll < 0.6 else f"≥ +{n}"
        if code == KPI.FCR:
            n = self.randint(70, 85)
            return f"{n}%" if roll < 0.5 else f"≥ {n}%"
        if code == KPI.CES:
            return f"≤ {self.choice(['1.8', '2.0', '2.2', '2.5'])}"
        if code == KPI.AHT:
            minutes = self.randint(4, 9)
            return f"< {minutes} min" if roll < 0.6 else f"≤ {minutes}:{self.choice(['00', '30'])}"
        if code == KPI.RESOLUTION_RATE:
            if roll < 0.6:
                return f"≥ {self.randint(85, 96)}%"
            return f"{self.randint(80, 95)}% within 24 h"
        if code == KPI.SLA:
            if roll < 0.5:
                return self.choice(["80/20 on voice", "90/30 on voice", "80/60 on voice"])
            if roll < 0.75:
                return f"{self.randint(90, 98)}% of emails within 24 h"
            return f"≥ {self.randint(90, 97)}% attainment"
        if code == KPI.RETENTION:
            if function == Function.CUSTOMER_SUCCESS:
                if roll < 0.5:
                    return f"GRR ≥ {self.randint(90, 96)}%"
                return f"NRR ≥ {self.randrange(105, 126, 5)}%"
            if roll < 0.5:
                return f"churn < {self.choice(['1.0', '1.2', '1.5', '2.0'])}% a month"
            return f"{self.randint(85, 95)}% 12-month retention"
        if code == KPI.COST_PER_CONTACT:
            if roll < 0.25:
                return f"−{self.choice([5, 8, 10, 12, 15])}% year on year"
            amount = vocab.COST_PER_CONTACT[currency] * rng.uniform(0.7, 1.3)
            symbol = vocab.CURRENCY_SYMBOL[currency]
            return f"≤ {symbol}{amount:.0f}" if amount >= 100 else f"≤ {symbol}{amount:.2f}"
        if code == KPI.ENPS:
            return f"≥ +{self.randrange(15, 50, 5)}"
        return ""

    def responsibilities(
        self, level: str, function: str, industry: str, ctx: dict, has_budget: bool
    ) -> list[str]:
        rng = self.rng
        wanted = self.randint(4, 8)
        items = rng.sample(vocab.RESPONSIBILITIES_BY_FUNCTION[function], self.randint(2, 3))
        if rng.random() < 0.6:
            items.append(vocab.RESPONSIBILITIES_BY_INDUSTRY[industry])
        common = vocab.RESPONSIBILITIES_COMMON
        if not has_budget:
            common = [t for t in common if "{budget}" not in t]
        items += rng.sample(common, max(wanted - 1 - len(items), 0))
        rng.shuffle(items)
        items.insert(self.randint(0, 1), self.choice(vocab.RESPONSIBILITIES_BY_LEVEL[level]))
        return [t.format_map(ctx) for t in items[:wanted]]

    def requirements(
        self, level: str, function: str, scope: str, ctx: dict, workplace: str
    ) -> list[str]:
        rng = self.rng
        wanted = self.randint(3, 6)
        items = [vocab.REQUIREMENT_YEARS[level]]
        if rng.random() < 0.6:
            items.append(vocab.REQUIREMENTS_BY_FUNCTION[function])
        if ctx["language"] and workplace != Workplace.REMOTE and rng.random() < 0.8:
            items.append(vocab.REQUIREMENT_LANGUAGE)
        if rng.random() < 0.35:
            items.append(vocab.REQUIREMENT_INDUSTRY)
        if scope in (GeographicScope.MULTI_COUNTRY, GeographicScope.GLOBAL) and rng.random() < 0.6:
            items.append(vocab.REQUIREMENT_TRAVEL)
        items += rng.sample(vocab.REQUIREMENTS_COMMON, max(wanted - len(items), 0))
        return [t.format_map(ctx) for t in items[: max(wanted, 3)]]

    def description(
        self,
        company: DemoCompany,
        title: str,
        function: str,
        workplace: str,
        kpis: list[dict],
        ctx: dict,
        hiring: dict,
    ) -> str:
        rng = self.rng
        about = f"{company.name} {company.what}."
        looking = "We are looking"
        if company.search_firm:
            # a named search says what its client does; a confidential one only describes it
            if hiring.get("confidential"):
                client = f"a confidential client ({hiring['client_descriptor']})"
            else:
                what = self.hirers.choice(vocab.INDUSTRY_PROFILES[company.industry]["what"])
                client = f"{hiring['client_name']}, which {what},"
            about = f"{company.name} has been retained by {client} to appoint {_article(title)} "
            about += f"{title}."
            looking = "Our client is looking"
        role = (
            f"{looking} for {_article(title)} {title} to "
            f"{self.choice(vocab.MISSIONS[function])}. "
            + self.choice(vocab.ROLE_SENTENCES).format_map(ctx)
            + " "
            + self.choice(vocab.SCOPE_SENTENCES).format_map(ctx)
            + " "
            + vocab.WORKPLACE_SENTENCES[workplace].format_map(ctx)
        )
        targets = [k for k in kpis if k["target"]]
        success = f"**{self.choice(vocab.SUCCESS_HEADINGS)}**\n\n"
        if len(targets) >= 2 and self.random() < 0.5:
            success += self.choice(vocab.SUCCESS_SENTENCES) + "\n\n"
            success += "\n".join(f"- {KPI_LABELS[k['code']]}: {k['target']}" for k in targets)
        else:
            success += self.choice(vocab.SUCCESS_PROSE).format_map(ctx)
        culture = f"**{self.choice(vocab.CULTURE_HEADINGS)}**\n\n" + " ".join(
            rng.sample(vocab.CULTURE_SENTENCES, 2)
        )
        return "\n\n".join([about, role, success, culture])

    def lifecycle(self, state: str) -> dict:
        rng = self.rng
        now = self.now
        closed_at = None
        if state == LIVE:
            age = rng.uniform(0, 60 * DAY)
            valid_days = self.randint(max(30, math.ceil(age / DAY) + 1), 90)
            status = Status.PUBLISHED
        elif state == EXPIRED:
            age = rng.uniform(62 * DAY, 150 * DAY)
            valid_days = self.randint(30, min(90, int(age // DAY) - 1))
            status = Status.PUBLISHED
        else:
            age = rng.uniform(5 * DAY, 90 * DAY)
            valid_days = self.randint(30, 90)
            status = Status.CLOSED
            closed_at = now - timedelta(seconds=age * rng.uniform(0.05, 0.9))
        posted = now - timedelta(seconds=int(age))
        return {
            "status": str(status),
            "date_posted": posted,
            "valid_through": posted + timedelta(days=valid_days),
            "closed_at": closed_at,
            "created_at": posted - timedelta(days=self.randint(1, 6)),
            "updated_at": closed_at or posted,
        }


class Command(BaseCommand):
    help = (
        "Create realistic, deterministic demo companies and Director / Senior Director / VP "
        "postings. --listings live postings, plus --expired and --closed ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--listings", type=int, default=300, help="Live postings to create.")
        parser.add_argument("--companies", type=int, default=40, help="Companies to create.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--expired",
            type=int,
            default=None,
            help="Extra published postings past valid_through (default: 3%% of --listings).",
        )
        parser.add_argument(
            "--closed",
            type=int,
            default=None,
            help="Extra closed postings (default: 2%% of --listings).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "Delete all postings and companies first (users are kept). Refused, with "
                "nothing deleted, if the database holds postings or companies that seed_demo "
                "did not create (a recruiter's posting, an operator's company), or if "
                "applications refer to postings."
            ),
        )
        parser.add_argument(
            "--reset-everything",
            action="store_true",
            help=(
                "Like --reset, but also delete the postings and companies seed_demo did not "
                "create. Only for a database whose data may all go (applications still stop it)."
            ),
        )
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="Rows per COPY statement (default 5000)."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="Database connections loading postings in parallel on large runs (default 2).",
        )

    def handle(self, *args, **options):
        plan = self._plan(options)
        started = time.monotonic()
        rng = random.Random(plan.seed)  # noqa: S311 (reproducible demo data, not secrets)
        composer = Composer(rng, plan.now, seed=plan.seed)
        counts = Counts()
        # Inside a caller's transaction (tests, call_command in atomic) other connections
        # would not see our companies: load on this connection only.
        workers = plan.workers
        if connection.in_atomic_block or plan.total <= plan.batch_size:
            workers = 1
        with transaction.atomic():
            if options["reset"] or options["reset_everything"]:
                self._reset(everything=options["reset_everything"])
            companies = self._seed_companies(plan, composer, counts)
            if workers == 1:
                self._seed_listings(plan, composer, companies, counts, workers=1)
        if workers > 1:
            self._seed_listings(plan, composer, companies, counts, workers=workers)
        # Later steps (candidates, alert subscriptions) go here, after the postings.
        if not connection.in_atomic_block:
            # Plans of the search (listings/search.py) read the projection's statistics.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE listings_searchentry")
        elapsed = time.monotonic() - started
        live, expired, closed = (counts.by_state[s] for s in (LIVE, EXPIRED, CLOSED))
        self.stdout.write(
            f"Seeded {counts.companies:,} companies and {counts.listings:,} postings "
            f"({live:,} live, {expired:,} expired, {closed:,} closed) "
            f"with seed {plan.seed} in {elapsed:.1f} s."
        )

    def _plan(self, options: dict) -> Plan:
        listings, companies = options["listings"], options["companies"]
        expired, closed = options["expired"], options["closed"]
        if expired is None:
            expired = round(listings * 0.03) if listings > 0 else 0
        if closed is None:
            closed = round(listings * 0.02) if listings > 0 else 0
        for name, value in [
            ("--listings", listings),
            ("--companies", companies),
            ("--expired", expired),
            ("--closed", closed),
        ]:
            if value < 0:
                raise CommandError(f"{name} must be zero or more, not {value}.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not 1 <= options["workers"] <= 16:
            raise CommandError("--workers must be between 1 and 16.")
        if companies == 0 and listings + expired + closed > 0:
            raise CommandError("Postings need companies: give --companies 1 or more.")
        return Plan(
            listings=listings,
            companies=companies,
            expired=expired,
            closed=closed,
            seed=options["seed"],
            batch_size=options["batch_size"],
            workers=options["workers"],
            now=timezone.now(),
        )

    # ------------------------------------------------------------------ steps

    def _reset(self, *, everything: bool) -> None:
        """Remove every posting, then every company; users stay (recruiter links go).

        Unless `everything`, refuse (before deleting anything) when some of them were not
        made by this command: a posting written in the admin (created_by set), or a
        company not marked is_demo, with or without postings.
        """
        if not everything:
            foreign_postings = Listing.objects.filter(
                Q(company__is_demo=False) | Q(created_by__isnull=False)
            ).count()
            foreign_companies = Company.objects.filter(is_demo=False).count()
            if foreign_postings or foreign_companies:
                held = " and ".join(
                    f"{n:,} {singular if n == 1 else plural}"
                    for n, singular, plural in [
                        (foreign_postings, "posting", "postings"),
                        (foreign_companies, "company", "companies"),
                    ]
                    if n
                )
                raise CommandError(
                    f"Refusing to reset: the database holds {held} that seed_demo did not "
                    "create (written in the admin, or not marked as demo data). Nothing was "
                    "deleted. Run with --reset-everything to delete them too."
                )
        _delete_all(Listing)
        _delete_all(Company)

    def _seed_companies(self, plan: Plan, composer: Composer, counts: Counts) -> list[DemoCompany]:
        industries = {i.slug: i for i in Industry.objects.all()}
        # Vocabulary exists for every industry of migration 0002; use those present, in a
        # seed-dependent order, round-robin so that every industry gets companies.
        order = sorted(s for s in industries if s in vocab.INDUSTRY_PROFILES)
        if not order:
            raise CommandError("No industries found: run `manage.py migrate` first.")
        composer.rng.shuffle(order)
        taken = set(Company.objects.values_list("slug", flat=True))
        rows, objects = [], []
        for i in range(plan.companies):
            fields = composer.company_fields(order[i % len(order)])
            firm = (i - FIRM_OFFSET) // FIRM_EVERY
            if i % FIRM_EVERY == FIRM_OFFSET and firm < len(vocab.SEARCH_FIRMS):
                fields = composer.search_firm_fields(fields, vocab.SEARCH_FIRMS[firm])
            slug = base = slugify(fields["name"])[:150] or "company"
            n = 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            rows.append((fields, slug))
            objects.append(
                Company(
                    name=fields["name"],
                    slug=slug,
                    website=f"https://www.{slug[:60].strip('-')}.example.com",
                    industry=industries[fields["industry"]],
                    size=fields["size"],
                    headquarters=fields["headquarters"],
                    description=fields["description"],
                    is_demo=True,  # lets a later --reset tell seeded data from real data
                    # established employers publish themselves; the firms go through review
                    trusted=not fields.get("search_firm", False),
                )
            )
        Company.objects.bulk_create(objects, batch_size=plan.batch_size)
        counts.companies = len(objects)
        return [
            DemoCompany(
                id=obj.pk,
                name=obj.name,
                slug=slug,
                industry=fields["industry"],
                home=fields["home"],
                footprint=fields["footprint"],
                what=fields["what"],
                search_firm=fields.get("search_firm", False),
            )
            for obj, (fields, slug) in zip(objects, rows, strict=True)
        ]

    def _seed_listings(
        self,
        plan: Plan,
        composer: Composer,
        companies: list[DemoCompany],
        counts: Counts,
        *,
        workers: int,
    ) -> None:
        """Stream the postings in with COPY, on `workers` connections at once.

        The search-vector trigger makes the database the bottleneck, so with workers > 1
        each loader uses its own connection (and CPU core) and its own transaction; they
        commit together only when all of them have succeeded.
        """
        if plan.total == 0:
            return
        # Query before streaming: a connection is busy with COPY while rows are composed.
        taken = set(Listing.objects.values_list("slug", flat=True))
        copy = ListingCopy()
        source = SharedLines(copy.lines(PostingStream(plan, composer, companies, taken, counts)))
        if workers == 1:
            while copy.write(source, limit=plan.batch_size):
                pass
            return
        barrier = threading.Barrier(workers)
        errors: list[BaseException] = []

        def load() -> None:
            try:
                with transaction.atomic():
                    while copy.write(source, limit=plan.batch_size):
                        pass
                    barrier.wait()  # commit only once every loader has finished
            except BaseException as exc:
                source.stop()
                barrier.abort()
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=load, name=f"seed-{n}") for n in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            causes = [e for e in errors if not isinstance(e, threading.BrokenBarrierError)]
            cause = (causes or errors)[0]
            raise CommandError(
                f"Loading postings failed and was rolled back ({cause!r}); the companies "
                "were kept. Run again with --reset."
            ) from cause


class PostingStream:
    """The postings' field values, in a fixed order for a given seed."""

    def __init__(
        self,
        plan: Plan,
        composer: Composer,
        companies: list[DemoCompany],
        taken_slugs: set[str],
        counts: Counts,
    ):
        self.plan, self.composer, self.companies = plan, composer, companies
        self.taken, self.counts = taken_slugs, counts
        rng, total = composer.rng, plan.total
        self.states = [LIVE] * plan.listings + [EXPIRED] * plan.expired + [CLOSED] * plan.closed
        # Draw the per-posting choices up front. The first postings go one to each company
        # and cover every level and workplace, so even a small run shows the whole range;
        # the rest favour larger companies, as real boards do.
        weights = accumulate(1 / (rank + 1) ** 0.6 for rank in range(len(companies)))
        self.owners = list(range(min(len(companies), total)))
        self.owners += rng.choices(
            range(len(companies)), cum_weights=list(weights), k=total - len(self.owners)
        )
        level_keys, level_cum = _cumulative(vocab.LEVEL_WEIGHTS)
        self.levels = rng.choices(level_keys, cum_weights=level_cum, k=total)
        self.workplaces = rng.choices(
            composer.workplace_keys, cum_weights=composer.workplace_cum, k=total
        )
        firsts = zip(
            list(Level), [Workplace.ONSITE, Workplace.HYBRID, Workplace.REMOTE], strict=True
        )
        for i, (level, workplace) in enumerate(firsts):
            if i < total:
                self.levels[i], self.workplaces[i] = level, workplace
        # Slugs come from their own generator so that the content does not depend on which
        # slugs already exist in the database.
        self.slug_rng = random.Random(f"slugs-{plan.seed}")  # noqa: S311

    def __iter__(self) -> Iterator[dict]:
        slug_bases: dict[tuple[int, str], str] = {}
        for i in range(self.plan.total):
            company = self.companies[self.owners[i]]
            state = self.states[i]
            fields = self.composer.posting_fields(
                company, self.levels[i], self.workplaces[i], state
            )
            key = (company.id, fields["title"])
            base = slug_bases.get(key)
            if base is None:
                base = _slug(f"{fields['title']} {company.name}")[:160].strip("-")
                slug_bases[key] = base
            while True:
                slug = f"{base}-{''.join(self.slug_rng.choices(SLUG_ALPHABET, k=6))}"
                if slug not in self.taken:
                    break
            self.taken.add(slug)
            fields["slug"] = slug
            self.counts.by_state[state] += 1
            yield fields


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    """slugify(), with a fast path for plain ASCII text."""
    if text.isascii():
        return _NOT_SLUG.sub("-", text.lower()).strip("-")
    return slugify(text)


_json = json.JSONEncoder(ensure_ascii=False).encode


def _copy_text(value: str) -> str:
    if "\\" not in value and "\t" not in value and "\n" not in value and "\r" not in value:
        return value
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _array_literal(values: list) -> str:
    """A PostgreSQL array literal of strings, every element quoted."""
    if not values:
        return "{}"
    values = [str(v) for v in values]
    plain = "".join(values)
    if '"' in plain or "\\" in plain:
        values = [v.replace("\\", "\\\\").replace('"', '\\"') for v in values]
    return '{"' + '","'.join(values) + '"}'


class ListingCopy:
    """Stream posting rows into PostgreSQL with COPY, one batch per statement.

    The rows are produced lazily while PostgreSQL consumes them, so composing the next
    rows in Python overlaps with the database computing the previous rows' search vectors
    (BEFORE INSERT triggers and generated columns run for COPY as for INSERT).
    """

    def __init__(self):
        self.fields = [
            f
            for f in Listing._meta.concrete_fields
            # search vectors and generated columns are the database's to fill
            if not (f.primary_key or f.generated or isinstance(f, SearchVectorField))
        ]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.sql = f"COPY {Listing._meta.db_table} ({columns}) FROM STDIN"
        self.columns = [(f.attname, self._converter(f), self._default(f)) for f in self.fields]

    @staticmethod
    def _default(f):
        # what the ORM would write for a field left out ("" for text, None where nullable)
        return f.get_default()

    @staticmethod
    def _converter(f):
        if isinstance(f, ArrayField):
            return lambda v: _copy_text(_array_literal(v))
        if isinstance(f, models.JSONField):
            return lambda v: _copy_text(_json(v))
        if isinstance(f, models.IntegerField):
            return str
        if isinstance(f, models.DateTimeField):
            return lambda v: v.isoformat()
        if isinstance(f, models.BooleanField):
            return lambda v: "t" if v else "f"
        return lambda v: _copy_text(str(v))

    def lines(self, rows: Iterator[dict]) -> Iterator[str]:
        columns = self.columns
        for row in rows:
            values = []
            for attname, convert, default in columns:
                value = row.get(attname, default)
                values.append("\\N" if value is None else convert(value))
            yield "\t".join(values) + "\n"

    def write(self, source: SharedLines, *, limit: int) -> int:
        """COPY up to `limit` lines from `source` on this thread's connection; return the count."""
        reader = _LineReader(source, limit)
        with connection.cursor() as cursor:
            # The raw psycopg2 cursor: Django's debug wrapper (DEBUG=true, as under
            # `make run`) does not pass copy_expert's `size` through.
            raw = getattr(cursor, "cursor", cursor)
            raw.copy_expert(self.sql, reader, size=1 << 16)
        if reader.error is not None:
            # psycopg2 reports a failing read() only vaguely; raise the real cause.
            raise reader.error
        return reader.count


class SharedLines:
    """COPY lines composed in one fixed order, handed out to one or more loaders."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.lock = threading.Lock()
        self.stopped = False

    def take(self, n: int) -> list[str]:
        with self.lock:
            if self.stopped:
                return []
            return list(islice(self.lines, n))

    def stop(self) -> None:
        self.stopped = True


class _LineReader(io.RawIOBase):
    """A file-like view of up to `limit` lines from a SharedLines, for copy_expert."""

    def __init__(self, source: SharedLines, limit: int):
        self.source = source
        self.remaining = limit
        self.buffer = b""
        self.count = 0
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        try:
            return self._read(size)
        except BaseException as exc:  # ends the COPY cleanly; write() re-raises it
            self.error = exc
            self.source.stop()
            return b""

    def _read(self, size: int) -> bytes:
        chunks, length = [self.buffer], len(self.buffer)
        while self.remaining and (size < 0 or length < size):
            lines = self.source.take(min(self.remaining, 32))
            if not lines:
                self.remaining = 0
                break
            self.count += len(lines)
            self.remaining -= len(lines)
            data = "".join(lines).encode()
            chunks.append(data)
            length += len(data)
        data = b"".join(chunks)
        if size < 0:
            self.buffer = b""
            return data
        self.buffer = data[size:]
        return data[:size]

"""How well a posting fits a candidate's profile: a transparent score out of 100.

Seven factors, each worth a fixed number of points. The same rules run in Python
(`match_for`, which also says why) and in SQL (`annotate_match_score`, for ordering a
results page in one query); tests check that the two always agree.

    factor       points  full marks when …                       partial
    level          20    the posting's level is one the candidate wants
    experience     15    years of leadership ≥ the posting's minimum   7 if short by ≤ 2 years
                         (or the posting asks for none)
    kpis           20    the candidate has moved the KPIs the posting  20 × moved / owned
                         owns (or it lists none)                        (rounded down)
    industry       10    an industry in common (or the posting names none)
    salary         15    the posting's comparable maximum reaches the   7 when it publishes no
                         candidate's minimum, both converted to the     salary
                         reference currency (listings.pay)
    workplace      10    on-site / hybrid / remote is one they accept
    location       10    on-site/hybrid: the posting's country is one of theirs;
                         remote: a country in common (or open to any country)

Where the posting states no requirement the factor counts as met; where the
candidate has not filled the field in it scores 0, and the reason says what to add.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django_countries import countries

from listings.choices import KPI, Level, Workplace
from listings.pay import ToReference, floor_reference, round_figure
from money.rates import current_rates

WEIGHTS = {
    "level": 20,
    "experience": 15,
    "kpis": 20,
    "industry": 10,
    "salary": 15,
    "workplace": 10,
    "location": 10,
}
assert sum(WEIGHTS.values()) == 100
EXPERIENCE_CLOSE_YEARS = 2
EXPERIENCE_CLOSE_POINTS = 7
SALARY_UNKNOWN_POINTS = 7

MET, PARTLY, UNMET, MISSING = "met", "partly", "unmet", "missing"


@dataclass(frozen=True)
class Reason:
    key: str
    label: str
    points: int
    max_points: int
    outcome: str  # met, partly, unmet, or missing (the profile does not say)
    detail: str


@dataclass(frozen=True)
class Match:
    score: int
    reasons: list[Reason] = field(default_factory=list)

    @property
    def label(self) -> str:
        return score_label(self.score)


def score_label(score: int | None) -> str:
    if score is None:
        return ""
    if score >= 80:
        return "Strong match"
    if score >= 60:
        return "Good match"
    if score >= 40:
        return "Partial match"
    return "Weak match"


# ------------------------------------------------------------------ Python


def _names(codes, choices) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(c, c)) for c in codes)


def _country_names(codes) -> str:
    return ", ".join(countries.name(c) or c for c in codes)


def _money(currency: str, amount: int) -> str:
    return f"{currency} {amount:,}"


def _industry_label(slug: str, listing) -> str:
    company = getattr(listing, "company", None) if listing.company_id else None
    if company is not None and company.industry_id and company.industry.slug == slug:
        return company.industry.name
    return slug.replace("-", " ").capitalize()


def match_for(profile, listing) -> Match:
    """The score of `listing` for `profile`, with one reason per factor. No queries
    beyond the listing's company (use Listing.objects.with_company() for lists)."""
    reasons = [
        _level(profile, listing),
        _experience(profile, listing),
        _kpis(profile, listing),
        _industry(profile, listing),
        _salary(profile, listing),
        _workplace(profile, listing),
        _location(profile, listing),
    ]
    return Match(score=sum(r.points for r in reasons), reasons=reasons)


def _level(profile, listing) -> Reason:
    w = WEIGHTS["level"]
    level = listing.get_level_display()
    if not profile.desired_levels:
        return Reason("level", "Level", 0, w, MISSING, "Add the levels you want to your profile.")
    if listing.level in profile.desired_levels:
        return Reason("level", "Level", w, w, MET, f"{level}, a level you want.")
    wanted = _names(profile.desired_levels, Level.choices)
    return Reason("level", "Level", 0, w, UNMET, f"{level}; you want {wanted}.")


def _experience(profile, listing) -> Reason:
    w = WEIGHTS["experience"]
    label = "Leadership experience"
    required = listing.min_leadership_years
    if not required:
        return Reason("experience", label, w, w, MET, "No minimum years of leadership asked.")
    if profile.leadership_years is None:
        return Reason(
            "experience",
            label,
            0,
            w,
            MISSING,
            f"Asks for {required}+ years; add your years of leadership.",
        )
    have = profile.leadership_years
    if have >= required:
        return Reason(
            "experience", label, w, w, MET, f"Asks for {required}+ years; you have {have}."
        )
    if required - have <= EXPERIENCE_CLOSE_YEARS:
        return Reason(
            "experience",
            label,
            EXPERIENCE_CLOSE_POINTS,
            w,
            PARTLY,
            f"Asks for {required}+ years; you have {have}, close.",
        )
    return Reason("experience", label, 0, w, UNMET, f"Asks for {required}+ years; you have {have}.")


def _kpis(profile, listing) -> Reason:
    w = WEIGHTS["kpis"]
    label = "KPIs owned"
    owned = [k.get("code") for k in listing.kpis]
    if not owned:
        return Reason("kpis", label, w, w, MET, "The posting lists no KPIs.")
    mine = set(profile.kpi_codes)
    moved = [code for code in owned if code in mine]
    points = w * len(moved) // len(owned)
    if not mine:
        return Reason(
            "kpis",
            label,
            0,
            w,
            MISSING,
            f"Owns {_names(owned, KPI.choices)}; add the KPIs you have moved.",
        )
    if not moved:
        detail = f"Owns {_names(owned, KPI.choices)}; none that you list as moved."
        outcome = UNMET
    else:
        detail = f"You have moved {len(moved)} of its {len(owned)}: {_names(moved, KPI.choices)}."
        outcome = MET if len(moved) == len(owned) else PARTLY
    return Reason("kpis", label, points, w, outcome, detail)


def _industry(profile, listing) -> Reason:
    w = WEIGHTS["industry"]
    if not listing.industries:
        return Reason("industry", "Industry", w, w, MET, "No particular industry.")
    if not profile.industries:
        return Reason(
            "industry", "Industry", 0, w, MISSING, "Add the industries you know to your profile."
        )
    common = [s for s in listing.industries if s in profile.industries]
    if common:
        names = ", ".join(_industry_label(s, listing) for s in common)
        return Reason("industry", "Industry", w, w, MET, f"{names}, an industry you know.")
    names = ", ".join(_industry_label(s, listing) for s in listing.industries)
    return Reason("industry", "Industry", 0, w, UNMET, f"{names}, not among your industries.")


def _salary(profile, listing) -> Reason:
    w = WEIGHTS["salary"]
    label = "Salary"
    pay = listing.pay
    if not pay.known:
        return Reason("salary", label, SALARY_UNKNOWN_POINTS, w, PARTLY, "Salary not published.")
    if profile.desired_salary_min is None:
        return Reason("salary", label, 0, w, MISSING, "Add your minimum salary to your profile.")
    want = profile.desired_salary_min
    mine = profile.desired_currency
    reach = _money(listing.currency, pay.annual_max)
    if listing.currency != mine:
        converted = current_rates().from_reference(pay.reference_max, mine)
        if converted is not None:
            reach += f" (≈ {round_figure(converted):,} {mine})"
    if pay.reaches(floor_reference(want, mine)):
        return Reason(
            "salary",
            label,
            w,
            w,
            MET,
            f"Reaches {reach} a year; your minimum is {_money(mine, want)}.",
        )
    return Reason(
        "salary",
        label,
        0,
        w,
        UNMET,
        f"Tops out at {reach} a year, below your {_money(mine, want)}.",
    )


def _workplace(profile, listing) -> Reason:
    w = WEIGHTS["workplace"]
    kind = listing.get_workplace_display()
    if not profile.workplaces:
        return Reason("workplace", "Workplace", 0, w, MISSING, "Add the workplaces you accept.")
    if listing.workplace in profile.workplaces:
        return Reason("workplace", "Workplace", w, w, MET, f"{kind}, which you accept.")
    accepted = _names(profile.workplaces, Workplace.choices)
    return Reason("workplace", "Workplace", 0, w, UNMET, f"{kind}; you accept {accepted}.")


def _location(profile, listing) -> Reason:
    w = WEIGHTS["location"]
    if listing.workplace == Workplace.REMOTE:
        allowed = list(listing.applicant_countries)
        if not allowed:
            return Reason("location", "Location", w, w, MET, "Remote from any country.")
        if not profile.countries:
            return Reason(
                "location", "Location", 0, w, MISSING, "Add the countries you would work in."
            )
        common = [c for c in allowed if c in profile.countries]
        if common:
            return Reason(
                "location", "Location", w, w, MET, f"Remote from {_country_names(common)}."
            )
        return Reason(
            "location",
            "Location",
            0,
            w,
            UNMET,
            f"Remote only from {_country_names(allowed[:6])}.",
        )
    code = listing.country.code if listing.country else ""
    if not profile.countries:
        return Reason("location", "Location", 0, w, MISSING, "Add the countries you would work in.")
    where = countries.name(code) if code else "an unstated country"
    if code and code in profile.countries:
        return Reason("location", "Location", w, w, MET, f"Based in {where}, one of yours.")
    return Reason("location", "Location", 0, w, UNMET, f"Based in {where}, not among yours.")


# ------------------------------------------------------------------ SQL


_KPI_MOVED_SQL = (
    "(SELECT count(*)::integer FROM jsonb_array_elements({kpis}) AS moved_kpi "
    "WHERE moved_kpi->>'code' = ANY({codes}))"
)


class _KpiMoved(models.Func):
    """How many of the posting's KPI entries have a code in the given list."""

    output_field = models.IntegerField()

    def __init__(self, codes: list[str]):
        super().__init__(F("kpis"), Value(list(codes), output_field=ArrayField(models.CharField())))

    def as_sql(self, compiler, connection, **extra_context):
        kpis_sql, kpis_params = compiler.compile(self.source_expressions[0])
        codes_sql, codes_params = compiler.compile(self.source_expressions[1])
        # both fragments come from the compiler; the codes travel as a bound parameter
        sql = _KPI_MOVED_SQL.format(kpis=kpis_sql, codes=codes_sql)
        return sql, (*kpis_params, *codes_params)


class _JsonArrayLength(models.Func):
    function = "jsonb_array_length"
    output_field = models.IntegerField()


def _int(value: int) -> Value:
    return Value(value, output_field=models.IntegerField())


def _level_sql(profile):
    if not profile.desired_levels:
        return _int(0)
    return Case(
        When(level__in=list(profile.desired_levels), then=_int(WEIGHTS["level"])),
        default=_int(0),
    )


def _experience_sql(profile):
    w = WEIGHTS["experience"]
    no_requirement = Q(min_leadership_years__isnull=True) | Q(min_leadership_years=0)
    if profile.leadership_years is None:
        return Case(When(no_requirement, then=_int(w)), default=_int(0))
    have = profile.leadership_years
    return Case(
        When(no_requirement, then=_int(w)),
        When(min_leadership_years__lte=have, then=_int(w)),
        When(
            min_leadership_years__lte=have + EXPERIENCE_CLOSE_YEARS,
            then=_int(EXPERIENCE_CLOSE_POINTS),
        ),
        default=_int(0),
    )


def _kpis_sql(profile):
    w = WEIGHTS["kpis"]
    codes = profile.kpi_codes
    moved = _int(w) * _KpiMoved(codes) / _JsonArrayLength(F("kpis")) if codes else _int(0)
    return Case(When(kpis=[], then=_int(w)), default=moved, output_field=models.IntegerField())


def _industry_sql(profile):
    w = WEIGHTS["industry"]
    if not profile.industries:
        return Case(When(industries=[], then=_int(w)), default=_int(0))
    return Case(
        When(industries=[], then=_int(w)),
        When(industries__overlap=list(profile.industries), then=_int(w)),
        default=_int(0),
    )


def _salary_sql(profile):
    w = WEIGHTS["salary"]
    unknown = Q(_match_reach__isnull=True)
    if profile.desired_salary_min is None:
        return Case(When(unknown, then=_int(SALARY_UNKNOWN_POINTS)), default=_int(0))
    floor = ToReference(profile.desired_salary_min, profile.desired_currency)
    return Case(
        When(unknown, then=_int(SALARY_UNKNOWN_POINTS)),
        When(Q(_match_reach__gte=floor), then=_int(w)),
        default=_int(0),
    )


def _workplace_sql(profile):
    if not profile.workplaces:
        return _int(0)
    return Case(
        When(workplace__in=list(profile.workplaces), then=_int(WEIGHTS["workplace"])),
        default=_int(0),
    )


def _location_sql(profile):
    w = WEIGHTS["location"]
    remote = Q(workplace=Workplace.REMOTE)
    anywhere = remote & Q(applicant_countries=[])
    if not profile.countries:
        return Case(When(anywhere, then=_int(w)), default=_int(0))
    mine = list(profile.countries)
    return Case(
        When(anywhere, then=_int(w)),
        When(remote & Q(applicant_countries__overlap=mine), then=_int(w)),
        When(~remote & Q(country__in=mine), then=_int(w)),
        default=_int(0),
    )


def annotate_match_score(queryset, profile):
    """Annotate each posting with `match_score` (0–100, as match_for computes it) for
    `profile`, in the same single query; None for every row when there is no profile."""
    if profile is None:
        return queryset.annotate(match_score=Value(None, output_field=models.IntegerField()))
    queryset = queryset.alias(_match_reach=ToReference(F("pay_max_annual"), F("currency")))
    salary = _salary_sql(profile)
    parts = [
        _level_sql(profile),
        _experience_sql(profile),
        _kpis_sql(profile),
        _industry_sql(profile),
        salary,
        _workplace_sql(profile),
        _location_sql(profile),
    ]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return queryset.annotate(
        match_score=models.ExpressionWrapper(total, output_field=models.IntegerField())
    )

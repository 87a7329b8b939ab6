"""What an alert's criteria are, and reverse matching: which alerts a posting satisfies.

A search on /jobs/ asks "which postings match these criteria?" and ListingFilter
answers it. An alert asks the reverse when a posting goes live: "which of the
(100,000) saved searches does this posting satisfy?". Running every saved search
would be one query per alert; instead each subscription keeps its criteria in
columns, and one statement tests all of them against the posting(s) at once:

    (s.levels = '{}' OR l.level = ANY (s.levels)) AND (s.kpis <@ l.kpi_codes) AND …

MATCH_SQL below is that condition. It must mean exactly what ListingFilter means
for the same parameters; tests/alerts/test_matching_agrees_with_search.py checks
this on random postings and random criteria (hypothesis).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlencode

from django.db import connection
from django.http import QueryDict

from alerts.models import FUNCTION_BITS, KPI_BITS, LEVEL_BITS, OTHER_BIT, WORKPLACE_BITS
from listings.filters import ListingFilter, country_codes_matching
from listings.models import Industry
from money.currencies import REFERENCE

# ListingFilter parameters an alert keeps (sort, page and posted make no sense for one),
# in the order they are put into words.
CRITERIA = (
    "q",
    "level",
    "function",
    "workplace",
    "location",
    "country",
    "kpi",
    "industry",
    "salary_min",
    "salary_currency",
    "team_size_min",
    "experience",
)
MULTI = {
    "level": "levels",
    "function": "functions",
    "workplace": "workplaces",
    "country": "countries",
    "kpi": "kpis",
    "industry": "industries",
}
NUMBERS = ("salary_min", "team_size_min", "experience")
TEXTS = ("q", "location")
# Parameters that only qualify another one (salary_currency: the currency of salary_min).
QUALIFIERS = {"salary_currency": "salary_min"}


# --------------------------------------------------------------------------- criteria


def alert_filterset(data: Mapping | QueryDict | None, queryset=None) -> ListingFilter:
    """The search FilterSet on alert parameters only (sort, page, posted dropped)."""
    clean = QueryDict(mutable=True)
    if data is not None:
        for key in CRITERIA:
            if hasattr(data, "getlist"):
                values = data.getlist(key)
            else:
                value = data.get(key)
                values = value if isinstance(value, list) else [] if value is None else [value]
            if values:
                clean.setlist(key, [str(v) for v in values])
    return ListingFilter(clean, queryset=queryset)


def criteria_from(filterset: ListingFilter) -> dict:
    """The valid alert criteria of a bound FilterSet, as plain JSON-able values."""
    criteria: dict = {}
    cleaned = filterset.cleaned
    for key, value in cleaned.items():
        if key not in CRITERIA or (key in QUALIFIERS and QUALIFIERS[key] not in cleaned):
            continue
        if key in NUMBERS:
            criteria[key] = int(value)
        elif key in MULTI:
            criteria[key] = [str(v) for v in value]
        else:
            criteria[key] = str(value).strip()
    if "salary_min" in criteria:  # a minimum is always said with its currency
        criteria["salary_currency"] = filterset.pay_currency
    return {k: v for k, v in criteria.items() if v not in ("", [], None)}


def columns_for(criteria: Mapping) -> dict:
    """Subscription column values for a criteria dict (missing criteria mean "any")."""
    location = (criteria.get("location") or "").strip()
    columns: dict = {
        "q": (criteria.get("q") or "").strip(),
        "location": location,
        "location_countries": country_codes_matching(location) if location else [],
    }
    for param, column in MULTI.items():
        columns[column] = list(criteria.get(param) or [])
    for param in NUMBERS:
        value = criteria.get(param)
        columns[param] = None if value is None else int(value)
    columns["salary_currency"] = criteria.get("salary_currency") or REFERENCE
    return columns


def criteria_of(subscription) -> dict:
    """A subscription's criteria as ListingFilter parameters, in the FilterSet's order."""
    criteria: dict = {}
    for param in CRITERIA:
        if param in MULTI:
            value = list(getattr(subscription, MULTI[param]) or [])
        else:
            value = getattr(subscription, param)
        if param in QUALIFIERS and QUALIFIERS[param] not in criteria:
            continue
        if value not in (None, "", []):
            criteria[param] = value
    return criteria


def query_pairs(criteria: Mapping) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for param in CRITERIA:
        value = criteria.get(param)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            pairs.extend((param, str(v)) for v in value)
        else:
            pairs.append((param, str(value)))
    return pairs


def query_string(criteria: Mapping) -> str:
    return urlencode(query_pairs(criteria))


def querydict(criteria: Mapping) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in query_pairs(criteria):
        data.appendlist(key, value)
    return data


@lru_cache(maxsize=1)
def _labelling_filterset() -> ListingFilter:
    # chip_label only reads the choices of the FilterSet's fields; one unbound instance
    # serves every call (industry choices are a callable, read from the database).
    return ListingFilter()


@lru_cache(maxsize=8192)
def _fixed_label(name: str, value: str) -> str:
    from listings.search_views import chip_label

    return chip_label(_labelling_filterset(), name, value)


_industry_names: dict = {"until": 0.0, "names": {}}


def _label(name: str, value) -> str:
    """A criterion in words, as the search page's chips put it (listings.search_views).

    Labels are cached: an alert email is rendered thousands of times a minute and the
    country list alone has 250 choices. Industry names come from the database, so they
    are cached for five minutes only.
    """
    if name == "industry":
        now = time.monotonic()
        if now > _industry_names["until"]:
            _industry_names["names"] = dict(Industry.objects.values_list("slug", "name"))
            _industry_names["until"] = now + 300
        return _industry_names["names"].get(str(value), str(value))
    return _fixed_label(name, str(value))


def criteria_words(criteria: Mapping) -> list[str]:
    """One phrase per criterion, e.g. ["Senior Director or VP / Head of", "Remote", "NPS"].

    Values of one multi-valued parameter are alternatives ("or"); different
    parameters all apply. KPIs are the exception: a posting must own all of them.
    """
    parts: list[str] = []
    for param in CRITERIA:
        value = criteria.get(param)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            labels = [_label(param, v) for v in value]
            parts.append((" and " if param == "kpi" else " or ").join(labels))
        elif param in QUALIFIERS:
            continue  # said with the parameter it qualifies
        elif param == "salary_min":
            currency = criteria.get("salary_currency") or REFERENCE
            parts.append(f"{_label(param, value)} {currency}")
        else:
            parts.append(_label(param, value))
    return parts


def criteria_summary(criteria: Mapping) -> str:
    """The criteria in one line: "Senior Director or VP · Remote · NPS · Salary ≥ 180,000"."""
    return " · ".join(criteria_words(criteria)) or "All new roles"


def default_name(criteria: Mapping) -> str:
    summary = criteria_summary(criteria)
    return summary if len(summary) <= 120 else summary[:119].rstrip() + "…"


# --------------------------------------------------------------------------- reverse matching


def _sql_case(column: str, bits: dict[str, int]) -> str:
    for value in bits:
        assert re.fullmatch(r"[a-z_]+", value), value  # choice codes, never user input
    whens = " ".join(f"WHEN '{value}' THEN {bit}" for value, bit in bits.items())
    return f"CASE {column} {whens} ELSE {OTHER_BIT} END"


def _sql_bit_set(array_column: str, bits: dict[str, int]) -> str:
    return " | ".join(
        f"CASE WHEN '{value}' = ANY ({array_column}) THEN {bit} ELSE 0 END"
        for value, bit in bits.items()
    )


# The posting side of a match, computed once per posting: its enumerated values as bits
# (alerts.models.LEVEL_BITS …), and thresholds where a missing value is -1. Fixed-width
# columns come first: most alerts are ruled out by them, before any variable-length
# column of the row has to be read. kpi_codes is
# kept from kpis by the listings trigger; ListingFilter's kpi filter reads it too. The
# search vector lives out of line (TOAST): `|| ''` fetches it once per posting instead of
# once per alert with keywords.
POSTING_SQL = f"""
    SELECT {_sql_case("level", LEVEL_BITS)} AS level_bit,
           {_sql_case("workplace", WORKPLACE_BITS)} AS workplace_bit,
           {_sql_case("function", FUNCTION_BITS)} AS function_bit,
           ({_sql_bit_set("kpi_codes", KPI_BITS)}) AS kpi_bits,
           coalesce(money_to_reference(pay_max_annual, currency), -1) AS salary_key,
           coalesce(min_leadership_years, -1) AS years_key,
           coalesce(team_size, -1) AS team_key,
           id, date_posted,
           workplace, country, applicant_countries, industries, city, region,
           search_vector || ''::tsvector AS search_vector
      FROM listings_listing
     WHERE status = 'published' AND date_posted <= %(now)s AND valid_through > %(now)s
"""  # noqa: S608 - only choice codes are interpolated, checked above

# Subscription s matches posting l: one line per ListingFilter filter, same semantics.
# The cheap integer tests come first and rule out most alerts; PostgreSQL orders quals
# by cost and keeps the written order among equals.
#   level, function, workplace  l's value is among s's (s has every bit when it has none)
#   salary_min                  comparable max >= the floor, both in the reference currency
#                               (listings.pay; s.salary_floor is kept by a trigger; an
#                               unknown salary fails)
#   kpi                         l owns every KPI s names
#   experience                  l asks for no more years than s has (or does not say)
#   team_size_min               team_size >= team_size_min (unknown fails)
#   country                     based there, or remote and open to applicants there
#   location                    icontains on city or region (UPPER LIKE '%text%', i.e. a
#                               substring test), or a country whose name matches
ENUM_MATCH_SQL = """
        (s.level_bits & l.level_bit) <> 0
    AND (s.workplace_bits & l.workplace_bit) <> 0
    AND (s.function_bits & l.function_bit) <> 0
"""
REST_MATCH_SQL = """
        l.salary_key >= s.salary_floor
    AND (s.kpi_bits & ~l.kpi_bits) = 0
    AND l.years_key <= s.experience_cap
    AND l.team_key >= s.team_floor
    AND (s.countries = '{}' OR l.country = ANY (s.countries)
         OR (l.workplace = 'remote' AND l.applicant_countries && s.countries))
    AND (s.industries = '{}' OR s.industries && l.industries)
    AND (s.location = ''
         OR strpos(upper(l.city), upper(s.location)) > 0
         OR strpos(upper(l.region), upper(s.location)) > 0
         OR l.country = ANY (s.location_countries))
    AND (s.q = '' OR l.search_vector @@ s.q_query)
"""
MATCH_SQL = ENUM_MATCH_SQL + "    AND" + REST_MATCH_SQL


def matching_subscription_ids(
    listing_id: int,
    *,
    now: datetime,
    frequency: str | None = None,
    subscription_ids: Iterable[int] | None = None,
) -> list[int]:
    """Active subscriptions (of `frequency`, or all) that the live posting matches: one query."""
    params: dict = {"now": now, "listing_id": listing_id}
    extra = ""
    if frequency:
        extra += " AND s.frequency = %(frequency)s"
        params["frequency"] = frequency
    if subscription_ids is not None:
        extra += " AND s.id = ANY (%(sub_ids)s)"
        params["sub_ids"] = list(subscription_ids)
    sql = f"""
        WITH l AS MATERIALIZED ({POSTING_SQL} AND id = %(listing_id)s)
        SELECT s.id FROM l JOIN alerts_subscription s ON ({MATCH_SQL})
         WHERE s.status = 'active'{extra}
         ORDER BY s.id
    """  # noqa: S608 - only constant SQL is interpolated; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def record_instant_matches(
    listing_id: int, *, now: datetime, next_attempt_at: datetime
) -> list[int]:
    """Write a delivery for every active instant alert the live posting matches.

    Returns the subscriptions that got a new row; rows that already exist (a rerun)
    are left alone, so this is safe to repeat.
    """
    sql = f"""
        WITH l AS MATERIALIZED ({POSTING_SQL} AND id = %(listing_id)s)
        INSERT INTO alerts_delivery (subscription_id, listing_id, next_attempt_at)
        SELECT s.id, l.id, %(next_attempt_at)s
          FROM l JOIN alerts_subscription s ON ({MATCH_SQL})
         WHERE s.status = 'active' AND s.frequency = 'instant'
        ON CONFLICT (subscription_id, listing_id) DO NOTHING
        RETURNING subscription_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {"listing_id": listing_id, "now": now, "next_attempt_at": next_attempt_at}
        )
        return sorted({row[0] for row in cursor.fetchall()})


def record_digest_matches(
    *,
    frequency: str,
    now: datetime,
    due_before: datetime,
    overlap_seconds: int,
    next_attempt_at: datetime,
    id_from: int,
    id_to: int,
    subscription_ids: Iterable[int] | None = None,
) -> tuple[int, list[int]]:
    """Collect one digest for the due subscriptions with ids in [id_from, id_to).

    For each, every live posting that went live after its watermark (less a small
    overlap, so a posting committed late is not missed; the unique outbox row makes
    the overlap harmless) and matches becomes a delivery; then the watermark moves to
    `now`. One statement, so a crash leaves both undone. Returns (subscriptions
    processed, subscriptions with new deliveries).
    """
    params: dict = {
        "frequency": frequency,
        "now": now,
        "due_before": due_before,
        "overlap": f"{int(overlap_seconds)} seconds",
        "next_attempt_at": next_attempt_at,
        "id_from": id_from,
        "id_to": id_to,
    }
    only = ""
    if subscription_ids is not None:
        only = " AND id = ANY (%(sub_ids)s)"
        params["sub_ids"] = list(subscription_ids)
    # Many postings against many alerts: rather than testing every pair, group the new
    # postings by their (level, workplace, function) and pair each group only with the
    # alerts that accept it (a cheap integer test per alert and group); the other
    # criteria are then tested on those pairs, found through a hash join on the group.
    sql = f"""
        WITH due AS MATERIALIZED (
            SELECT * FROM alerts_subscription
             WHERE status = 'active' AND frequency = %(frequency)s
               AND watermark <= %(due_before)s
               AND id >= %(id_from)s AND id < %(id_to)s{only}
               FOR UPDATE SKIP LOCKED
        ),
        l AS MATERIALIZED ({POSTING_SQL}
               AND date_posted > (SELECT min(watermark) FROM due) - %(overlap)s::interval),
        grp AS MATERIALIZED (SELECT DISTINCT level_bit, workplace_bit, function_bit FROM l),
        s AS MATERIALIZED (
            SELECT grp.level_bit AS grp_level, grp.workplace_bit AS grp_workplace,
                   grp.function_bit AS grp_function, s.id, s.watermark, s.salary_floor,
                   s.kpi_bits, s.experience_cap, s.team_floor, s.countries, s.industries,
                   s.location, s.location_countries, s.q, s.q_query
              FROM grp JOIN due s
                ON (s.level_bits & grp.level_bit) <> 0
               AND (s.workplace_bits & grp.workplace_bit) <> 0
               AND (s.function_bits & grp.function_bit) <> 0
        ),
        added AS (
            INSERT INTO alerts_delivery (subscription_id, listing_id, next_attempt_at)
            SELECT s.id, l.id, %(next_attempt_at)s
              FROM s JOIN l ON l.level_bit = s.grp_level
                           AND l.workplace_bit = s.grp_workplace
                           AND l.function_bit = s.grp_function
                           AND l.date_posted > s.watermark - %(overlap)s::interval
                           AND ({REST_MATCH_SQL})
            ON CONFLICT (subscription_id, listing_id) DO NOTHING
            RETURNING subscription_id
        ),
        moved AS (
            UPDATE alerts_subscription u SET watermark = %(now)s
              FROM due WHERE u.id = due.id
            RETURNING u.id
        )
        SELECT (SELECT count(*) FROM moved), ARRAY(SELECT DISTINCT subscription_id FROM added)
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        processed, with_new = cursor.fetchone()
    return processed, sorted(with_new or [])

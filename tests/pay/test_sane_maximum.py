"""What a year's pay can sanely be depends on its currency.

money.currencies.ANNUAL_MAX: about ten million US dollars, as a round figure in each
currency (USD 10,000,000; JPY 1,500,000,000; INR 1,000,000,000). A yen executive
salary of 20 million is valid, the same figure in dollars is a typo; a period counts
(a month's pay is twelve of them a year). A typo is a form error on the field, never
a server error, on every form where an amount is typed: the recruiters' posting form,
the /jobs/ search (whose other filters still apply) and the candidate's profile.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from candidates.models import Profile
from listings.models import Listing
from tests.admin.helpers import ADD_URL, posting_data
from tests.candidates.factories import CandidateUserFactory, profile_form_data
from tests.factories import CompanyFactory, ListingFactory, LiveListingFactory, RecruiterUserFactory
from tests.pay.pages import notices, titles

pytestmark = pytest.mark.django_db

USD_LIMIT_MESSAGE = (
    "That comes to more than USD 10,000,000 a year, more than any executive role pays; "
    "check the figure."
)


def model_errors(listing: Listing) -> dict[str, list[str]]:
    try:
        listing.full_clean()
    except ValidationError as exc:
        return exc.message_dict
    return {}


@pytest.fixture
def company(rates):
    return CompanyFactory(name="Northwind Support")


# --------------------------------------------------------------------------- the model


def test_twenty_million_yen_is_a_salary_and_twenty_million_dollars_is_not(company):
    yen = ListingFactory.build(
        company=company, currency="JPY", salary_min=15_000_000, salary_max=20_000_000
    )
    errors = model_errors(yen)
    assert "salary_min" not in errors and "salary_max" not in errors, errors
    dollars = ListingFactory.build(
        company=company, currency="USD", salary_min=15_000_000, salary_max=20_000_000
    )
    errors = model_errors(dollars)
    assert errors.get("salary_max") == [USD_LIMIT_MESSAGE]
    assert errors.get("salary_min") == [USD_LIMIT_MESSAGE]


def test_the_limit_counts_a_year_of_the_period(company):
    # 900,000 a month is 10,800,000 a year; 45,000 a day is 9,900,000
    monthly = ListingFactory.build(
        company=company, salary_min=None, salary_max=900_000, salary_period="month"
    )
    assert model_errors(monthly).get("salary_max") == [USD_LIMIT_MESSAGE]
    daily = ListingFactory.build(
        company=company, salary_min=None, salary_max=45_000, salary_period="day"
    )
    assert "salary_max" not in model_errors(daily)
    # exactly the limit is still a (very high) salary
    at_limit = ListingFactory.build(company=company, salary_min=None, salary_max=10_000_000)
    assert "salary_max" not in model_errors(at_limit)


# --------------------------------------------------------------------------- the posting form


@pytest.fixture
def recruiter_client(client, company):
    client.force_login(RecruiterUserFactory(username="rita", recruiter=company))
    return client


def form_errors(response, field: str) -> list[str]:
    return list(response.context["adminform"].form.errors.get(field, []))


def test_the_posting_form_accepts_an_executive_salary_in_yen(recruiter_client, company):
    data = posting_data(company, currency="JPY", salary_min="15000000", salary_max="20000000")
    response = recruiter_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    listing = Listing.objects.get()
    assert (listing.currency, listing.salary_max, listing.pay_max_annual) == (
        "JPY",
        20_000_000,
        20_000_000,
    )


def test_the_posting_form_refuses_the_same_figure_in_dollars(recruiter_client, company):
    data = posting_data(company, currency="USD", salary_min="15000000", salary_max="20000000")
    response = recruiter_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert form_errors(response, "salary_max") == [USD_LIMIT_MESSAGE]
    assert USD_LIMIT_MESSAGE in response.content.decode()
    assert not Listing.objects.exists()


@pytest.mark.parametrize("field", ["salary_min", "salary_max"])
def test_a_ten_billion_typo_on_the_posting_form_is_a_form_error(recruiter_client, company, field):
    data = posting_data(company, **{field: "10000000000"})
    if field == "salary_min":
        data["salary_max"] = ""
    response = recruiter_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert form_errors(response, field)
    assert not Listing.objects.exists()


# --------------------------------------------------------------------------- /jobs/


@pytest.fixture
def board(rates):
    # comparable maximum in USD (JPY 0.006875, EUR 1.1)
    LiveListingFactory(title="VP yen", level="vp", currency="JPY", salary_max=24_000_000)  # 165,000
    LiveListingFactory(title="VP dollars", level="vp", salary_min=100_000, salary_max=130_000)
    LiveListingFactory(title="VP euros", level="vp", currency="EUR", salary_max=200_000)  # 220,000
    LiveListingFactory(title="Director dollars", level="director", salary_max=500_000)


def jobs(client, query: str):
    response = client.get("/jobs/?" + query, secure=True)
    assert response.status_code == 200
    return response


def test_a_yen_minimum_of_twenty_million_applies(client, board):
    # JPY 20,000,000 × 0.006875 = USD 137,500
    response = jobs(client, "salary_min=20000000&salary_currency=JPY&level=vp")
    assert sorted(titles(response)) == ["VP euros", "VP yen"]
    assert notices(response) == ""


def test_a_dollar_minimum_of_twenty_million_is_an_error_and_the_rest_applies(client, board):
    response = jobs(client, "salary_min=20000000&salary_currency=USD&level=vp")
    # the minimum is left out, the level still applies
    assert sorted(titles(response)) == ["VP dollars", "VP euros", "VP yen"]
    assert USD_LIMIT_MESSAGE in notices(response)
    assert "Minimum salary" in notices(response)


def test_a_ten_billion_minimum_on_jobs_is_an_error_not_a_server_error(client, board):
    for query in (
        "salary_min=10000000000&level=vp",
        "salary_min=10000000000&salary_currency=JPY&level=vp",
    ):
        response = jobs(client, query)
        assert sorted(titles(response)) == ["VP dollars", "VP euros", "VP yen"], query
        assert notices(response), query


def test_an_unknown_currency_is_a_notice_not_a_server_error(client, board):
    response = jobs(client, "salary_currency=XXX&level=vp")
    assert sorted(titles(response)) == ["VP dollars", "VP euros", "VP yen"]
    assert "Currency" in notices(response)
    response = jobs(client, "salary_min=150000&salary_currency=XXX&level=vp")
    assert notices(response)
    # the feed and the alert form read the same parameters
    for feed in ("salary_min=150000&salary_currency=XXX", "salary_min=10000000000"):
        assert client.get("/jobs/feed/?" + feed, secure=True).status_code == 200, feed
    alert = client.get("/alerts/new/?salary_min=10000000000&salary_currency=XXX", secure=True)
    assert alert.status_code == 200


# --------------------------------------------------------------------------- the profile


@pytest.fixture
def candidate_client(client, rates):
    user = CandidateUserFactory(username="morgan", email="morgan@example.com")
    client.force_login(user)
    client.user = user
    return client


def post_profile(client, **overrides):
    return client.post("/me/profile/", profile_form_data(**overrides), secure=True)


def test_the_profile_takes_twenty_million_yen_as_a_minimum(candidate_client):
    response = post_profile(candidate_client, desired_salary_min="20000000", desired_currency="JPY")
    assert response.status_code == 302
    profile = Profile.objects.get(user=candidate_client.user)
    assert (profile.desired_salary_min, profile.desired_currency) == (20_000_000, "JPY")


@pytest.mark.parametrize(
    ("amount", "currency"), [("20000000", "USD"), ("10000000000", "USD"), ("10000000000", "JPY")]
)
def test_the_profile_refuses_a_typo_with_a_message(candidate_client, amount, currency):
    response = post_profile(candidate_client, desired_salary_min=amount, desired_currency=currency)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors.get("desired_salary_min"), errors
    assert "check the figure" in response.content.decode()
    assert not Profile.objects.filter(
        user=candidate_client.user, desired_salary_min__gt=2_000_000_000
    ).exists()

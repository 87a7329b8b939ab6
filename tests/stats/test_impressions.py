"""Each posting shown on a /jobs/ results page counts one impression; postings on other
pages, and the viewer's own company's postings, do not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from listings.search import PER_PAGE
from tests.factories import LiveListingFactory
from tests.stats.helpers import counted, visit

pytestmark = pytest.mark.django_db


def newest_first(count: int, **fields) -> list:
    now = timezone.now()
    return [
        LiveListingFactory(date_posted=now - timedelta(hours=n + 1), **fields) for n in range(count)
    ]


def test_the_postings_on_the_page_shown_count_one_impression_each(client):
    listings = newest_first(PER_PAGE + 2)
    assert visit(client, "/jobs/").status_code == 200
    assert [counted("impressions", item) for item in listings] == [1] * PER_PAGE + [0, 0]
    visit(client, "/jobs/?page=2")
    assert [counted("impressions", item) for item in listings] == [1] * (PER_PAGE + 2)
    assert counted("views", listings[0]) == 0  # being listed is not being viewed


def test_only_the_postings_a_search_shows_count(client):
    vp, director = LiveListingFactory(level="vp"), LiveListingFactory(level="director")
    visit(client, "/jobs/?level=vp")
    visit(client, "/jobs/?level=vp")
    assert (counted("impressions", vp), counted("impressions", director)) == (2, 0)


def test_a_page_of_no_results_counts_nothing_and_still_answers(client):
    LiveListingFactory(level="director")
    assert visit(client, "/jobs/?level=vp").status_code == 200
    assert visit(client, "/jobs/?salary_min=oops").status_code == 200


def test_a_recruiter_browsing_the_results_does_not_count_their_own_postings(
    client_for, owner, company
):
    own = LiveListingFactory(company=company)
    other = LiveListingFactory()
    visit(client_for(owner), "/jobs/")
    assert (counted("impressions", own), counted("impressions", other)) == (0, 1)

"""A page view, a results page and an apply click count in Redis only: no INSERT,
UPDATE or DELETE reaches PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from listings.choices import ApplyMethod
from tests.factories import LiveListingFactory
from tests.stats.helpers import counted, visit

pytestmark = pytest.mark.django_db

WRITES = ("insert", "update", "delete", "merge", "copy")


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().lower().startswith(WRITES)]


@pytest.mark.parametrize("signed_in", [False, True])
def test_counting_pages_write_nothing_to_postgres(client, signed_in):
    listing = LiveListingFactory(apply_method=ApplyMethod.URL, apply_url="https://jobs.example/1")
    if signed_in:
        from tests.candidates.factories import ProfileFactory

        client.force_login(ProfileFactory().user)
    for url, field in [
        (listing.get_absolute_url(), "views"),
        ("/jobs/", "impressions"),
        (f"{listing.get_absolute_url()}apply/out/", "apply_clicks"),
    ]:
        with CaptureQueriesContext(connection) as queries:
            response = visit(client, url)
        assert response.status_code in (200, 302)
        assert writes(queries.captured_queries) == [], url
        assert counted(field, listing) == 1, f"{url} did not count"

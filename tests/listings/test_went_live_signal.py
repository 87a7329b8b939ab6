"""listings tells the apps above it that a posting went live through one signal, sent
by the one way of publishing (listings.services.listing_publish)."""

from __future__ import annotations

import pytest
from django.db import transaction

from alerts.models import MatchJob
from listings.models import Listing
from listings.services import listing_publish
from listings.signals import posting_went_live
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def receiver(sender, listing, **kwargs):
        # inside listing_publish's own atomic block: one savepoint deeper than the test
        calls.append((sender, listing.pk, len(transaction.get_connection().savepoint_ids)))

    posting_went_live.connect(receiver, dispatch_uid="test_heard")
    yield calls
    posting_went_live.disconnect(dispatch_uid="test_heard")


def test_the_first_publication_is_announced_once_inside_the_transaction(heard):
    listing = ListingFactory()
    depth = len(transaction.get_connection().savepoint_ids)
    listing_publish(listing=listing)
    listing.close()
    listing_publish(listing=listing)  # back up again: not new
    assert heard == [(Listing, listing.pk, depth + 1)]
    # the alerts app heard it too, and recorded its job in the same transaction
    assert MatchJob.objects.filter(listing=listing).count() == 1


def test_a_receiver_that_fails_undoes_the_publication(heard):
    def broken(sender, listing, **kwargs):
        raise RuntimeError("receiver down")

    posting_went_live.connect(broken, dispatch_uid="test_broken")
    listing = ListingFactory()
    try:
        with pytest.raises(RuntimeError):
            listing_publish(listing=listing)
    finally:
        posting_went_live.disconnect(dispatch_uid="test_broken")
    listing.refresh_from_db()
    assert listing.date_posted is None
    assert not MatchJob.objects.filter(listing=listing).exists()


def test_the_model_has_no_public_way_to_publish():
    assert not hasattr(Listing, "publish")

"""/jobs/feed/ (RSS 2.0) and /jobs/feed/atom/: the newest live postings of a search.

The feed takes the same query string as /jobs/, so a seeker can subscribe in a
feed reader to exactly the search they are looking at.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from listings.labels import criteria_query_string
from listings.models import Listing
from listings.rendering import summary
from listings.search import newest_ids, search_filterset

# XML 1.0 cannot carry C0 control characters other than tab, newline and return. Posting
# forms remove them, but a company name or an older posting may still hold one.
_NOT_XML = {c: " " for c in range(32) if c not in (9, 10, 13)} | {0x7F: " "}


def xml_text(text: str) -> str:
    return str(text).translate(_NOT_XML)


FEED_SIZE = 50


@dataclass(frozen=True)
class FeedSearch:
    """What one request to the feed asks for: the filtered postings and its query string."""

    queryset: QuerySet
    query_string: str
    pay_currency: str = "USD"  # the seeker's salary_currency: pay is also shown in it


class ListingsFeed(Feed):
    feed_type = Rss201rev2Feed
    url_name = "listings:feed"
    title = f"{settings.SITE_NAME}: customer service and CX leadership roles"
    description = (
        "The newest Director, Senior Director and VP roles in customer service, "
        "customer experience, customer success and contact-center operations."
    )

    def get_object(self, request: HttpRequest, *args, **kwargs) -> FeedSearch:
        filterset = search_filterset(request.GET)
        queryset = Listing.objects.filter(pk__in=newest_ids(filterset, FEED_SIZE))
        return FeedSearch(
            queryset=queryset,
            query_string=criteria_query_string(filterset.cleaned, drop={"page"}),
            pay_currency=filterset.pay_currency,
        )

    def items(self, obj: FeedSearch):
        # Always newest first: a feed reader shows what is new, whatever `sort` says.
        items = list(obj.queryset.with_company().order_by("-date_posted", "-id"))
        for item in items:  # the feed view is shared by requests: the currency rides along
            item.feed_pay_currency = obj.pay_currency
        return items

    # Absolute links from SITE_URL, so the feed never depends on the Sites framework's domain.
    def link(self, obj: FeedSearch) -> str:
        url = settings.SITE_URL + reverse("listings:search")
        return f"{url}?{obj.query_string}" if obj.query_string else url

    def feed_url(self, obj: FeedSearch) -> str:
        url = settings.SITE_URL + reverse(self.url_name)
        return f"{url}?{obj.query_string}" if obj.query_string else url

    def item_title(self, item: Listing) -> str:
        return xml_text(f"{item.title} at {item.hirer.name}")

    def item_link(self, item: Listing) -> str:
        return settings.SITE_URL + item.get_absolute_url()

    def item_guid(self, item: Listing) -> str:
        return self.item_link(item)

    def item_description(self, item: Listing) -> str:
        # Feed readers treat the description as HTML: escape the plain-text summary.
        salary = item.salary_display
        if salary and (approx := item.pay.approx_in(getattr(item, "feed_pay_currency", "USD"))):
            salary = f"{salary} ({approx})"
        # a search names its firm (and for a confidential one, only its descriptor)
        byline = item.hirer.byline if item.hirer.search_firm else ""
        facts = " · ".join(p for p in [byline, item.location_display, salary] if p)
        return escape(xml_text(f"{facts}. {summary(item.description, 50)}"))

    def item_pubdate(self, item: Listing):
        return item.date_posted

    def item_updateddate(self, item: Listing):
        return item.updated_at

    def item_author_name(self, item: Listing) -> str:
        # who wrote the posting: the employer, or the search firm (never its client)
        hirer = item.hirer
        return xml_text(hirer.search_firm.name if hirer.search_firm else hirer.name)

    def item_categories(self, item: Listing) -> list[str]:
        return [item.get_level_display(), item.get_function_display()]


class ListingsAtomFeed(ListingsFeed):
    feed_type = Atom1Feed
    subtitle = ListingsFeed.description
    url_name = "listings:feed-atom"

"""/sitemap.xml: an index of sections (static pages, live postings, companies with live roles).

An index, because a board can hold more postings than one sitemap may list
(50,000); each section paginates itself. Every URL is built from SITE_URL, the
site's one public origin, not from the Sites framework's database row.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import http_date

from listings.models import Company, Listing
from listings.querysets import live_q

SECTION_URL_NAME = "sitemap-section"


class SiteUrlSitemap(Sitemap):
    limit = 10_000

    @property
    def protocol(self) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class StaticSitemap(SiteUrlSitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["listings:home", "listings:search"]

    def location(self, item: str) -> str:
        return reverse(item)

    def lastmod(self, item: str):
        # Both pages change whenever a posting goes live.
        return Listing.objects.live().aggregate(latest=Max("date_posted"))["latest"]

    def get_latest_lastmod(self):
        return self.lastmod("listings:home")


class ListingSitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        return Listing.objects.live().only("slug", "updated_at").order_by("-date_posted", "-id")

    def lastmod(self, item: Listing):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default walk over every item.
        return Listing.objects.live().aggregate(latest=Max("updated_at"))["latest"]


class CompanySitemap(SiteUrlSitemap):
    changefreq = "weekly"

    def items(self):
        # Only companies with a live role; the page changes when the company or a role does.
        return (
            Company.objects.annotate(
                roles_updated=Max("listings__updated_at", filter=live_q("listings__"))
            )
            .filter(roles_updated__isnull=False)
            .only("slug", "updated_at")
            .order_by("name", "id")
        )

    def lastmod(self, item: Company):
        return max(item.updated_at, item.roles_updated)

    def get_latest_lastmod(self):
        companies = self.items()
        if not companies.exists():
            return None
        return max(
            companies.aggregate(latest=Max("updated_at"))["latest"],
            Listing.objects.live().aggregate(latest=Max("updated_at"))["latest"],
        )


SITEMAPS = {"pages": StaticSitemap, "jobs": ListingSitemap, "companies": CompanySitemap}


def index(request: HttpRequest) -> HttpResponse:
    """The sitemap index, with absolute section URLs from SITE_URL."""
    entries = []
    for section, cls in SITEMAPS.items():
        site = cls()
        url = settings.SITE_URL + reverse(SECTION_URL_NAME, kwargs={"section": section})
        lastmod = site.get_latest_lastmod()
        entries.append(sitemap_views.SitemapIndexItem(url, lastmod))
        for page in range(2, site.paginator.num_pages + 1):
            entries.append(sitemap_views.SitemapIndexItem(f"{url}?p={page}", lastmod))
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    latest = [e.last_mod for e in entries if e.last_mod]
    if latest:
        response.headers["Last-Modified"] = http_date(max(latest).timestamp())
    return response


def section(request: HttpRequest, section: str) -> HttpResponse:
    return sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section)

"""/sitemap.xml: an index of sections (static pages, live postings, companies with live roles).

An index, because a board can hold more postings than one sitemap may list
(50,000); each section paginates itself. Every URL is built from SITE_URL, the
site's one public origin, not from the Sites framework's database row.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Max, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import http_date

from listings.models import Company, Listing, SearchEntry
from listings.search import CountedPaginator, live_counts

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
    # Smaller section pages than the 50,000 allowed: each one renders in milliseconds.
    limit = 1_000

    def items(self):
        return Listing.objects.live().only("slug", "updated_at").order_by("-date_posted", "-id")

    @property
    def paginator(self) -> Paginator:
        return CountedPaginator(self._items(), self.limit, count=live_counts().total)

    def location(self, item: Listing) -> str:
        # One reverse() for the section, not one per URL.
        return _detail_prefix() + item.slug + "/"

    def lastmod(self, item: Listing):
        return item.updated_at

    def get_latest_lastmod(self):
        # One aggregate (walking an index) instead of Django's default walk over every item.
        return Listing.objects.live().aggregate(latest=Max("updated_at"))["latest"]


@lru_cache(maxsize=1)
def _detail_prefix() -> str:
    return reverse("listings:detail", kwargs={"slug": "x"})[:-2]


class CompanySitemap(SiteUrlSitemap):
    changefreq = "weekly"
    limit = 1_000

    def items(self):
        # Only companies with a live role; the page changes when the company or a role
        # does (the latest edit of its live roles, from the search projection's index).
        newest_role = (
            SearchEntry.objects.live()
            .filter(company_id=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return (
            Company.objects.annotate(roles_updated=Subquery(newest_role))
            .filter(roles_updated__isnull=False)
            .only("slug", "updated_at")
            .order_by("name", "id")
        )

    def lastmod(self, item: Company):
        return max(item.updated_at, item.roles_updated)

    def get_latest_lastmod(self):
        latest = [
            Company.objects.filter(
                pk__in=SearchEntry.objects.live().values("company_id")
            ).aggregate(latest=Max("updated_at"))["latest"],
            Listing.objects.live().aggregate(latest=Max("updated_at"))["latest"],
        ]
        latest = [moment for moment in latest if moment is not None]
        return max(latest) if latest else None


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
    """One section page, written out directly (a template loop over thousands of URLs
    costs a hundred times more than the URLs themselves)."""
    if section not in SITEMAPS:
        raise Http404(f"No sitemap section {section!r}.")
    site = SITEMAPS[section]()
    try:
        items = site.paginator.page(request.GET.get("p", 1)).object_list
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404("No such sitemap page.") from exc
    origin = f"{site.protocol}://{site.get_domain()}"
    changefreq = f"<changefreq>{site.changefreq}</changefreq>" if site.changefreq else ""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    ]
    latest = None
    for item in items:
        parts.append(f"<url><loc>{escape(origin + site.location(item))}</loc>")
        lastmod = site.lastmod(item)
        if lastmod:
            latest = lastmod if latest is None else max(latest, lastmod)
            parts.append(f"<lastmod>{lastmod:%Y-%m-%d}</lastmod>")
        parts.append(f"{changefreq}</url>")
    parts.append("</urlset>\n")
    response = HttpResponse("".join(parts), content_type="application/xml")
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    if latest is not None:
        response.headers["Last-Modified"] = http_date(latest.timestamp())
    return response

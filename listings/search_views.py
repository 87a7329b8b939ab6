"""/jobs/: the search results page (built out by the search work)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from listings.models import Listing


def search(request: HttpRequest) -> HttpResponse:
    listings = Listing.objects.live().with_company().newest_first()
    page = Paginator(listings, 20).get_page(request.GET.get("page"))
    return render(request, "listings/search.html", {"page_obj": page})

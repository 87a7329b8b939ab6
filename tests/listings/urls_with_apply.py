"""The site's URLs plus a stand-in `candidates:apply` route, to see the posting page use it."""

from django.http import HttpResponse
from django.urls import include, path

from tests.listings.urls_without_apply import urlpatterns as base


def apply(request, slug):
    return HttpResponse(f"applied to {slug}")


urlpatterns = [
    path("test-apply/", include(([path("<slug:slug>/", apply, name="apply")], "candidates"))),
    *base,
]

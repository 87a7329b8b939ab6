"""The admin's URLs, with a permission-checked "view on site" shortcut.

Django's admin mounts contenttypes' `shortcut` at `r/<content type>/<id>/` for every
active staff user. It loads the object through the model's default manager, never
asking the ModelAdmin, and redirects to `get_absolute_url()`: a recruiter could read
another company's draft title in the slug of the Location header. Here the same URL
redirects only when the object is in its ModelAdmin's `get_queryset()` for this
request and `has_view_permission(request, obj)` holds; every other case (unknown
content type, model not in the admin, object hidden or missing) is one and the same
404, so the answer tells nothing about which ids exist.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern

SHORTCUT_URL_NAME = "view_on_site"


def checked_shortcut(site: AdminSite):
    """The shortcut view of `site`, answering 404 for objects the user may not view."""

    def view_on_site(request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
        not_found = Http404("No such object.")
        if not site.has_permission(request):  # admin_view sends these to the login page
            raise not_found
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ContentType.DoesNotExist, ValueError):
            raise not_found from None
        if model is None or not site.is_registered(model):
            raise not_found
        model_admin = site.get_model_admin(model)
        # the raw id, as the shortcut itself reads it (and as the admin builds the link)
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise not_found
        return contenttype_views.shortcut(request, content_type_id, object_id)

    return view_on_site


def admin_urls(site: AdminSite) -> tuple[list, str, str]:
    """`site.urls`, with the view-on-site shortcut replaced by `checked_shortcut(site)`."""
    patterns = site.get_urls()
    for index, pattern in enumerate(patterns):
        if isinstance(pattern, URLPattern) and pattern.name == SHORTCUT_URL_NAME:
            view = site.admin_view(checked_shortcut(site))
            patterns[index] = URLPattern(
                pattern.pattern, view, pattern.default_args, SHORTCUT_URL_NAME
            )
            return patterns, "admin", site.name
    # a Django upgrade renamed or dropped it: fail at start rather than serve it unchecked
    raise ImproperlyConfigured(f"The admin has no {SHORTCUT_URL_NAME!r} URL to replace.")

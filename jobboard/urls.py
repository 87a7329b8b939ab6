from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from jobboard.admin_login import throttled
from jobboard.admin_site import admin_urls
from jobboard.health import healthz
from listings import sitemaps

admin.site.login = throttled(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # admin.site.urls, but its r/<ct>/<id>/ shortcut asks the ModelAdmin first (admin_site.py);
    # nothing else routes contenttypes' shortcut, so there is no unchecked /r/ anywhere
    path("admin/", admin_urls(admin.site)),
    path("accounts/", include("allauth.urls")),
    path("", include("alerts.urls")),  # /alerts/… and /me/alerts/ (before me/)
    path("", include("candidates.urls")),  # /me/… and the permission-checked résumé downloads
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.section, name=sitemaps.SECTION_URL_NAME),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("", include("listings.urls")),
]

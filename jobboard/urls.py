from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from jobboard.admin_login import throttled
from jobboard.health import healthz
from listings import sitemaps

admin.site.login = throttled(admin.site.login)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
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

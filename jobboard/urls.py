from django.contrib import admin
from django.urls import include, path

from jobboard.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("candidates.urls")),  # /me/… and the permission-checked résumé downloads
    path("", include("listings.urls")),
]

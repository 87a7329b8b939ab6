"""The site's URLs without any `candidates:apply` route (apply on this site not built yet)."""

from jobboard.urls import urlpatterns as site_urlpatterns

urlpatterns = [p for p in site_urlpatterns if getattr(p, "namespace", None) != "candidates"]

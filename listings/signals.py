"""Receivers: the cached industry list follows its table; the Sites row follows SITE_URL."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from listings.models import Industry


@receiver(post_save, sender=Industry)
@receiver(post_delete, sender=Industry)
def _industries_changed(sender, **kwargs) -> None:
    from listings.filters import forget_industries

    forget_industries()


def sync_site_from_settings(**kwargs) -> None:
    """Keep the Sites framework's row (used in allauth emails) in step with SITE_URL."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(
        id=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )

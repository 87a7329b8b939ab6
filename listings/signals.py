"""What listings tells the apps above it, and what it hears itself.

`posting_went_live` is how listings, the ground floor, lets other apps act on a
posting's first publication without knowing them (alerts match it against instant
alerts). It is sent inside the publishing transaction, so a receiver that records
its work in the database commits or rolls back with the publication; a receiver
that raises undoes the publication. Work outside the database belongs after the
commit (`transaction.on_commit`).

Receivers here: the cached industry list follows its table; the Sites row follows
SITE_URL.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from listings.filters import forget_industries
from listings.labels import forget_industry_names
from listings.models import Industry

# sent with listing=<Listing>, the first time the posting goes live
posting_went_live = Signal()


@receiver(post_save, sender=Industry)
@receiver(post_delete, sender=Industry)
def _industries_changed(sender, **kwargs) -> None:
    forget_industries()
    forget_industry_names()


def sync_site_from_settings(**kwargs) -> None:
    """Keep the Sites framework's row (used in allauth emails) in step with SITE_URL."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(
        id=settings.SITE_ID, defaults={"domain": domain, "name": settings.SITE_NAME}
    )

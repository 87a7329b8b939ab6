"""Cached search counts are keyed by a generation number that any posting change bumps."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from listings.models import Company, Listing


@receiver(post_save, sender=Listing)
@receiver(post_delete, sender=Listing)
@receiver(post_save, sender=Company)
@receiver(post_delete, sender=Company)
def _postings_changed(sender, **kwargs) -> None:
    from listings.search import bump_generation

    bump_generation()

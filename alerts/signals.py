"""What alerts do when other apps change: a posting that goes live is matched against
instant alerts, a profile alert follows its profile, and an account's deletion takes
its alerts along."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from alerts import services
from candidates.signals import account_deleting
from listings.signals import posting_went_live


@receiver(posting_went_live, dispatch_uid="alerts_match_new_posting")
def match_new_posting(sender, listing, **kwargs) -> None:
    services.posting_went_live(listing=listing)


@receiver(post_save, sender="candidates.Profile", dispatch_uid="alerts_profile_alert_sync")
def follow_profile(sender, instance, created: bool, **kwargs) -> None:
    if not created:
        services.profile_alert_sync(profile=instance)


@receiver(account_deleting, dispatch_uid="alerts_forget_person")
def forget_person(sender, user, emails, **kwargs) -> None:
    services.forget_person(user=user, emails=emails)

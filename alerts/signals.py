"""What alerts do when other apps change: a profile alert follows its profile, and an
account's deletion takes its alerts along."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from alerts import services
from candidates.signals import account_deleting


@receiver(post_save, sender="candidates.Profile", dispatch_uid="alerts_profile_alert_sync")
def follow_profile(sender, instance, created: bool, **kwargs) -> None:
    if not created:
        services.profile_alert_sync(profile=instance)


@receiver(account_deleting, dispatch_uid="alerts_forget_person")
def forget_person(sender, user, emails, **kwargs) -> None:
    services.forget_person(user=user, emails=emails)

"""Signals other apps listen to.

account_deleting(sender=User model, user=User, emails=[lower-cased addresses])
    Sent inside the deletion transaction, before the user row goes. The alerts app
    deletes the subscriptions it keeps for this user or these addresses.
"""

from django.dispatch import Signal

account_deleting = Signal()

"""The alerts app's vocabulary: frequencies, states, kinds, and the criteria's bit sets.

Imports nothing of this app, so models, querysets, criteria and the matcher can all
read it without importing one another.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import models

from listings.choices import KPI, Function, Level, Workplace

# Enumerated criteria are also kept as bit sets, so that matching one posting against
# 100,000 alerts is integer arithmetic, not array scans: bit i stands for the i-th
# choice. An alert with no such criterion has every bit set (ANY_BITS), and a posting
# whose value is not a known choice gets OTHER_BIT, which only "any" accepts.
ANY_BITS = -1
OTHER_BIT = 1 << 30
LEVEL_BITS = {value: 1 << i for i, value in enumerate(Level.values)}
FUNCTION_BITS = {value: 1 << i for i, value in enumerate(Function.values)}
WORKPLACE_BITS = {value: 1 << i for i, value in enumerate(Workplace.values)}
KPI_BITS = {value: 1 << i for i, value in enumerate(KPI.values)}


class Frequency(models.TextChoices):
    INSTANT = "instant", "As soon as a role is posted"
    DAILY = "daily", "Once a day"
    WEEKLY = "weekly", "Once a week"


# How long after its last digest a subscription is due again. Short of a full
# period, so a scheduled run a few minutes early still counts, yet a duplicate run
# the same day finds nothing due.
DIGEST_PERIOD = {
    Frequency.DAILY: timedelta(hours=20),
    Frequency.WEEKLY: timedelta(days=6, hours=20),
}


class Status(models.TextChoices):
    PENDING = "pending", "Waiting for confirmation"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"


class Kind(models.TextChoices):
    SEARCH = "search", "Saved search"
    PROFILE = "profile", "Roles that match my profile"

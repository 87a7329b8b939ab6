"""Data that migrations create, restored for each test: a transactional test's flush
(here or elsewhere in the suite) removes it, and seed_demo needs the industries."""

from __future__ import annotations

import importlib

import pytest


@pytest.fixture(autouse=True)
def migration_data(db):
    from django.contrib.auth.models import Group, Permission

    from listings.models import Industry

    migration = importlib.import_module("listings.migrations.0002_search_trigger_and_recruiters")
    for slug, name in migration.INDUSTRIES:
        Industry.objects.get_or_create(slug=slug, defaults={"name": name})
    group, _ = Group.objects.get_or_create(name="Recruiters")
    for app_label, model, actions in migration.RECRUITER_PERMISSIONS:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )

"""Recruiters read applications to their company's postings and move their status, and
read the profiles they are allowed to see (the admin narrows both to their company)."""

from django.db import migrations

RECRUITER_PERMISSIONS = [
    ("candidates", "view_application"),
    ("candidates", "change_application"),
    ("candidates", "view_profile"),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Recruiters")
    for app_label, codename in RECRUITER_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name="Recruiters").first()
    if group is None:
        return
    for app_label, codename in RECRUITER_PERMISSIONS:
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0001_initial"),
        ("listings", "0002_search_trigger_and_recruiters"),
    ]

    operations = [migrations.RunPython(grant, revoke)]

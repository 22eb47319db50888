"""The Editors group: exactly the permissions to edit the content, and nothing else."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"


def create_editors(apps, schema_editor):
    # Permissions are normally made after all migrations run; make them now so the group gets them.
    treatments = apps.get_app_config("treatments")
    treatments.models_module = True
    create_permissions(treatments, verbosity=0, apps=apps)
    treatments.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    content = Permission.objects.filter(content_type__app_label="treatments")
    # History is for reading and restoring from, never for rewriting.
    rewrite_history = [f"{verb}_historical" for verb in ("add", "change", "delete")]
    group.permissions.set(
        [p for p in content if not p.codename.startswith(tuple(rewrite_history))]
    )


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]

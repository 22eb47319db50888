"""The Editors group: exactly the permissions to edit the content, and nothing else."""

from django.db import migrations

from treatments.permissions import EDITORS, grant


def create_editors(apps, schema_editor):
    grant(apps, EDITORS)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]

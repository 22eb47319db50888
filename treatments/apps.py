from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

EDITORS = "Editors"
# History is for reading and restoring from, never for rewriting.
REWRITE_HISTORY = r"^(add|change|delete)_historical"


def give_editors_new_models(apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After each migrate, a content model the Editors group has no permission on at all (one
    added since the group was made) joins its permissions; nothing an admin changed is undone."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.using(using).filter(name=EDITORS).first()
    if group is None:
        return
    covered = group.permissions.values_list("content_type_id", flat=True)
    new = (
        Permission.objects.using(using)
        .filter(content_type__app_label="treatments")
        .exclude(content_type_id__in=list(covered))
        .exclude(codename__regex=REWRITE_HISTORY)
    )
    group.permissions.add(*new)


class TreatmentsConfig(AppConfig):
    name = "treatments"
    verbose_name = "Decision aid content"

    def ready(self) -> None:
        # Runs after django.contrib.auth has made the new models' permissions.
        post_migrate.connect(give_editors_new_models, sender=self)

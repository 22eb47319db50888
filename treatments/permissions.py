"""Who may do what with the content: the Editors and Publishers groups' permissions.

Data migrations call `grant_editor_permissions` (or `grant`) with the migration's own `apps`;
after every migrate, `give_editors_new_models` adds any content model the Editors have no
permission on at all, so a new kind of content needs no permission code of its own.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS

APP = "treatments"
EDITORS = "Editors"
PUBLISHERS = "Publishers"
# History is for reading and restoring from, never for rewriting.
REWRITE_HISTORY = r"^(add|change|delete)_historical"


def _permissions(apps, codenames=None):
    """The content's permissions (only `codenames`, when given), made now if they are new:
    Django makes permissions after all migrations run, too late for a data migration."""
    config = apps.get_app_config(APP)
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    found = apps.get_model("auth", "Permission").objects.filter(content_type__app_label=APP)
    return found if codenames is None else found.filter(codename__in=codenames)


def grant(apps, group: str, codenames=None, *, create: bool = True):
    """Give `group` these content permissions (every one but rewriting history, when none are
    named). Returns the group, or None when it does not exist and `create` is False."""
    Group = apps.get_model("auth", "Group")
    found = Group.objects.get_or_create(name=group)[0] if create else None
    found = found or Group.objects.filter(name=group).first()
    if found is not None:
        found.permissions.add(
            *_permissions(apps, codenames).exclude(codename__regex=REWRITE_HISTORY)
        )
    return found


def revoke(apps, group: str, codenames) -> None:
    Group = apps.get_model("auth", "Group")
    for found in Group.objects.filter(name=group):
        found.permissions.remove(*_permissions(apps, codenames))


def grant_editor_permissions(apps, *model_names: str, verbs=("add", "change", "delete", "view")):
    """Let Editors edit these content models and read their history."""
    codenames = [f"{verb}_{name}" for name in model_names for verb in verbs]
    codenames += [f"view_historical{name}" for name in model_names]
    grant(apps, EDITORS, codenames, create=False)


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
        .filter(content_type__app_label=APP)
        .exclude(content_type_id__in=list(covered))
        .exclude(codename__regex=REWRITE_HISTORY)
    )
    group.permissions.add(*new)

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TreatmentsConfig(AppConfig):
    name = "treatments"
    verbose_name = "Decision aid content"

    def ready(self) -> None:
        from treatments.permissions import give_editors_new_models

        # Runs after django.contrib.auth has made the new models' permissions.
        post_migrate.connect(give_editors_new_models, sender=self)

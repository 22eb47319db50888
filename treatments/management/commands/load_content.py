from django.core.management import BaseCommand, call_command
from django.db import transaction
from django.test.utils import override_settings

from treatments import releases
from treatments.content import bundled_fixtures
from treatments.history import record_loaded_content
from treatments.models import Option, Release

FIRST_REASON = "The bundled content, as loaded by load_content."


class Command(BaseCommand):
    help = (
        "Load the bundled CRPS content into an empty database and publish it as the first "
        "version. --force reloads it over edits (publish again to show the result to patients)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when content exists. Bundled rows overwrite editors' changes to them.",
        )

    def handle(self, *args, force: bool = False, **options):
        if Option.objects.exists() and not force:
            # Content loaded before history was kept still gets its first entries.
            record_loaded_content()
            self.stdout.write("Content is already loaded; nothing changed (use --force to reload).")
        else:
            fixtures = bundled_fixtures()
            if not fixtures:
                self.stdout.write("No bundled content found.")
                return
            with transaction.atomic():
                # Loading records no history of its own (only, piecemeal, of setting sources),
                # so it is switched off here, and each row then gets one entry as it was loaded:
                # the first edit of anything can then be compared and undone.
                with override_settings(SIMPLE_HISTORY_ENABLED=False):
                    call_command("loaddata", *fixtures, verbosity=options["verbosity"])
                record_loaded_content()
        if not Release.objects.exists():
            release = releases.publish("load_content", FIRST_REASON)
            self.stdout.write(f"Published the content as version {release.number}.")

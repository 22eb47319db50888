from django.core.management import BaseCommand, call_command
from django.db import transaction
from django.test.utils import override_settings

from treatments.content import bundled_fixtures
from treatments.history import record_loaded_content
from treatments.models import Option


class Command(BaseCommand):
    help = "Load the bundled CRPS content into an empty database. --force reloads it over edits."

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
            return
        fixtures = bundled_fixtures()
        if not fixtures:
            self.stdout.write("No bundled content found.")
            return
        with transaction.atomic():
            # Loading records no history of its own (only, piecemeal, of setting sources), so
            # it is switched off here, and each row then gets one entry as it was loaded: the
            # first edit of anything can then be compared and undone.
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", *fixtures, verbosity=options["verbosity"])
            record_loaded_content()

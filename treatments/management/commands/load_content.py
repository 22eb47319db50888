from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.test.utils import override_settings

from treatments import releases
from treatments.content import MissingContent, bundled_fixtures
from treatments.history import record_loaded_content
from treatments.models import Option, Release, remembering_natural_keys

FIRST_REASON = "The bundled content, as loaded by load_content."


class Command(BaseCommand):
    help = (
        "Load the content files named by the CONTENT_FIXTURES setting (the bundled content by "
        "default) into an empty database and publish them as the first version. --force "
        "reloads them over edits (publish again to show the result to patients)."
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
            try:
                fixtures = bundled_fixtures()
            except MissingContent as error:
                raise CommandError(str(error)) from None
            if not fixtures:
                self.stdout.write("No bundled content found.")
                return
            with transaction.atomic():
                # Loading records no history of its own (only, piecemeal, of setting sources),
                # so it is switched off here, and each row then gets one entry as it was loaded:
                # the first edit of anything can then be compared and undone.
                with override_settings(SIMPLE_HISTORY_ENABLED=False), remembering_natural_keys():
                    call_command("loaddata", *fixtures, verbosity=options["verbosity"])
                record_loaded_content()
        if not Release.objects.exists():
            release = releases.publish("load_content", FIRST_REASON)
            self.stdout.write(f"Published the content as version {release.number}.")

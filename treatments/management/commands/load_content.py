from django.core.management import BaseCommand, call_command

from treatments.content import bundled_fixtures
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
            self.stdout.write("Content is already loaded; nothing changed (use --force to reload).")
            return
        fixtures = bundled_fixtures()
        if not fixtures:
            self.stdout.write("No bundled content found.")
            return
        call_command("loaddata", *fixtures, verbosity=options["verbosity"])

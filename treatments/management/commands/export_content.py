from pathlib import Path

from django.core.management import BaseCommand, CommandError

from treatments.content import export_csv, export_yaml


class Command(BaseCommand):
    help = (
        "Write the live content into DIR as YAML files like the bundled ones (load them with "
        "loaddata, or put them in treatments/fixtures in place of the bundled files), or with "
        "--csv as claims.csv and sources.csv for spreadsheets."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="The folder to write into.")
        parser.add_argument(
            "--csv",
            action="store_true",
            help="Write claims.csv and sources.csv instead of the YAML files.",
        )

    def handle(self, *args, directory: str, csv: bool = False, **options):
        folder = Path(directory)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} is a file, not a folder. Give a folder to write into.")
        try:
            written = export_csv(folder) if csv else export_yaml(folder)
        except OSError as error:
            raise CommandError(f"Could not write to {folder}: {error.strerror}.") from error
        for path in written:
            self.stdout.write(f"Wrote {path}")
        if not csv:
            others = sorted(path.name for path in folder.glob("*.yaml") if path not in written)
            if others:
                self.stderr.write(
                    f"{folder} also holds {', '.join(others)}, which this export did not write. "
                    "Remove them before loading the folder, or their rows load too."
                )

"""Content N times today's, for `make bench` only: every ready option copied with all its parts.

The copies are plainly marked in their names and slugs, and the command works only on a database
that holds nothing but the bundled content just loaded (one version, published by load_content),
so it can never reach people using the aid.
"""

from django.core.management import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from treatments import releases
from treatments.models import Option, Release
from treatments.schema import OPTION_PARTS

MARK = "load-test copy"


def copy_option(option: Option, n: int) -> None:
    """Option `option` again as copy number n, with every part and every source it cites."""
    parts = {part: list(getattr(option, part.related_name).all()) for part in OPTION_PARTS}
    sources = {
        field.name: list(getattr(option, field.name).all()) for field in Option._meta.many_to_many
    }
    option.pk = option.id = None
    option.slug = f"{option.slug[:70]}-copy-{n}"
    option.name = f"{option.name[:100]} ({MARK} {n})"
    option.save()
    for name, rows in sources.items():
        getattr(option, name).set(rows)
    for part, rows in parts.items():
        many = [field.name for field in part.model._meta.many_to_many]
        cited = [{name: list(getattr(row, name).all()) for name in many} for row in rows]
        for row in rows:
            row.pk = row.id = None
            row.option = option
        part.model._default_manager.bulk_create(rows)
        for row, lists in zip(rows, cited, strict=True):
            for name, values in lists.items():
                getattr(row, name).set(values)


class Command(BaseCommand):
    help = (
        "For make bench: copy every ready option, with all its parts, until there are TIMES as "
        "many, and publish that as version 2. Refuses any database but a throwaway one holding "
        "only the bundled content as load_content published it."
    )

    def add_arguments(self, parser):
        parser.add_argument("times", type=int, help="How many times today's options (2 to 50).")
        parser.add_argument(
            "--throwaway-database",
            action="store_true",
            required=True,
            help="Say that this database is a throwaway one, made for the bench.",
        )

    def handle(self, *args, times: int, **options):
        if not 2 <= times <= 50:
            raise CommandError("TIMES must be a whole number from 2 to 50.")
        published = list(Release.objects.values_list("published_by", flat=True))
        if published != ["load_content"] or Option.objects.filter(name__contains=MARK).exists():
            raise CommandError(
                "This database holds more than the bundled content just loaded: scale_content "
                "works only on a throwaway database (migrate, load_content, then scale_content)."
            )
        originals = list(Option.objects.ready().order_by("pk"))
        # Bulk copies record no history, and nothing here is an editor's work to keep.
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            for n in range(2, times + 1):
                for option in originals:
                    copy_option(Option.objects.get(pk=option.pk), n)
            release = releases.publish("scale_content", f"{times} times the bundled options")
        self.stdout.write(
            f"Published version {release.number}: {Option.objects.ready().count()} options."
        )

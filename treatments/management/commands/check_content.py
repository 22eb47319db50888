from django.core.management import BaseCommand, CommandError

from treatments.models import Option


class Command(BaseCommand):
    help = (
        "Check every published option against the publication rules. Fails, naming each option "
        "and what it lacks, when any breaks them."
    )

    def handle(self, *args, **options):
        published = list(Option.objects.ready().with_content().order_by("name"))
        failures = []
        for option in published:
            for problem in option.publication_problems():
                failures.append(f"{option.name} ({option.slug}): {problem}")
        if failures:
            broken = len({line.split(" (", 1)[0] for line in failures})
            raise CommandError(
                "\n".join(
                    [
                        f"{broken} published option{'s' if broken != 1 else ''} break"
                        f"{'' if broken != 1 else 's'} the publication rules:",
                        *(f"- {line}" for line in failures),
                    ]
                ),
                returncode=1,
            )
        count = len(published)
        self.stdout.write(
            f"OK: {count} published option{'s' if count != 1 else ''} meet the publication rules."
        )

from django.core.management import BaseCommand, CommandError

from treatments.models import KnowledgeQuestion, Option


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


class Command(BaseCommand):
    help = (
        "Check every published option, and every knowledge question, against the publication "
        "rules. Fails, naming each one and what it lacks, when any breaks them."
    )

    def handle(self, *args, **options):
        published = list(Option.objects.ready().with_content().order_by("name"))
        questions = list(KnowledgeQuestion.objects.prefetch_related("choices", "sources"))
        failures = []
        broken: dict[str, set[str]] = {"published option": set(), "knowledge question": set()}
        for option in published:
            for problem in option.publication_problems():
                failures.append(f"{option.name} ({option.slug}): {problem}")
                broken["published option"].add(option.slug)
        for question in questions:
            for problem in question.publication_problems():
                failures.append(
                    f"Knowledge question “{question.text}” ({question.slug}): {problem}"
                )
                broken["knowledge question"].add(question.slug)
        if failures:
            found = [(len(slugs), noun) for noun, slugs in broken.items() if slugs]
            header = " and ".join(_count(n, noun) for n, noun in found)
            verb = "breaks" if len(found) == 1 and found[0][0] == 1 else "break"
            raise CommandError(
                "\n".join(
                    [
                        f"{header} {verb} the publication rules:",
                        *(f"- {line}" for line in failures),
                    ]
                ),
                returncode=1,
            )
        self.stdout.write(
            f"OK: {_count(len(published), 'published option')} and "
            f"{_count(len(questions), 'knowledge question')} meet the publication rules."
        )

from django.core.exceptions import ValidationError
from django.core.management import BaseCommand, CommandError

from treatments import releases
from treatments.models import Release


class Command(BaseCommand):
    help = (
        "Publish the editors' draft as the next version (or an earlier version again), as a "
        "publisher would in the admin. Refused, naming each option and problem, if the draft "
        "breaks the publication rules."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reason", required=True, help="Why this version is published.")
        parser.add_argument("--by", default="manage.py publish", help="Who is publishing.")
        parser.add_argument(
            "--again", type=int, metavar="NUMBER", help="Publish this earlier version again."
        )

    def handle(self, *args, reason: str, by: str, again: int | None, **options):
        earlier = None
        if again is not None:
            earlier = Release.objects.filter(number=again).first()
            if earlier is None:
                raise CommandError(f"There is no version {again}.")
        try:
            release = releases.publish(by, reason, again=earlier)
        except releases.NotPublishable as refused:
            raise CommandError("Not published. " + " ".join(refused.messages)) from refused
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Published {release}.")

import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from treatments.models import REVIEW_SOON_DAYS, Aid, Option
from treatments.templatetags.content_admin import review_due_text

EDITORS = "Editors"


class Command(BaseCommand):
    help = (
        f"List the options whose review is overdue or due within {REVIEW_SOON_DAYS} days, and "
        "email the list when a mail server is set (DJANGO_EMAIL_HOST) or --email is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--email",
            action="append",
            default=[],
            metavar="ADDRESS",
            help="Send the list to this address (repeat for more). Without it, the list goes to "
            "DJANGO_REVIEW_REMINDERS_TO, or else to every active Editor with an email address, "
            "when a mail server is set.",
        )
        parser.add_argument(
            "--site",
            default="",
            metavar="URL",
            help='The address of the site, e.g. "https://aid.example.org", to link each option.',
        )

    def handle(self, *args, email: list[str], site: str, **options):
        today = timezone.localdate()
        due = list(Option.objects.due_for_review(today=today))
        if not due:
            self.stdout.write(f"No option is due for review in the next {REVIEW_SOON_DAYS} days.")
            return
        lines = []
        for option in due:
            lines.append(f"- {option.name}: {review_due_text(option, today)}")
            if site:
                path = reverse("admin:treatments_option_change", args=[option.pk])
                lines.append(f"  {site.rstrip('/')}{path}")
        heading = (
            f"{len(due)} option{'s' if len(due) != 1 else ''} due for review "
            f"(overdue or due in the next {REVIEW_SOON_DAYS} days):"
        )
        body = "\n".join([heading, *lines])
        self.stdout.write(body)

        if not (email or settings.EMAIL_HOST):
            return
        to = email or settings.REVIEW_REMINDERS_TO or self.editors_addresses()
        if not to:
            self.stderr.write(
                "Not emailed: no one to send it to. Give --email or set DJANGO_REVIEW_REMINDERS_TO."
            )
            return
        try:
            send_mail(
                subject=f"{Aid.objects.current().short_name}: {len(due)} "
                f"option{'s' if len(due) != 1 else ''} "
                "due for review",
                message=body + "\n\nRecord each review from the option's page in the admin: "
                '"Record a review", under Review.\n',
                from_email=None,
                recipient_list=to,
            )
        except (OSError, smtplib.SMTPException) as error:
            raise CommandError(f"The list could not be emailed: {error}") from error
        if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
            self.stdout.write("No mail server is set (DJANGO_EMAIL_HOST): shown above, not sent.")
        else:
            self.stdout.write(f"Emailed to {', '.join(to)}.")

    def editors_addresses(self) -> list[str]:
        editors = get_user_model().objects.filter(
            is_active=True, is_staff=True, groups__name=EDITORS
        )
        return sorted({user.email for user in editors if user.email})

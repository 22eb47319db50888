"""Enrol a staff member's authenticator app, for the two-factor sign-in to the admin."""

import io

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

TRIES = 3


class Command(BaseCommand):
    help = (
        "Enrol an authenticator app for a staff member: shows a QR code to scan, then asks for "
        "a code from the app to confirm. Replaces any device the person had before."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="Authenticator app", help="What to call the device in the admin."
        )

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if not user.is_staff:
            raise CommandError(f"{username} is not staff, so cannot use the admin.")
        device = TOTPDevice(user=user, name=name, confirmed=False)
        url = device.config_url
        self.stdout.write(
            "Scan this code with an authenticator app (or enter the link in it by hand). "
            "It holds a secret: do not share it or keep a copy.\n"
        )
        picture = io.StringIO()
        segno.make(url, error="l").terminal(out=picture, compact=True)
        self.stdout.write(picture.getvalue())
        self.stdout.write(url + "\n")
        for _ in range(TRIES):
            code = input("Type the 6-digit code the app shows now: ").strip()
            if device.verify_token(code):  # (saves the device, still unconfirmed)
                break
            self.stderr.write("That code does not match. Check the app's clock, then try again.")
        else:
            if device.pk:
                device.delete()
            raise CommandError("No matching code: nothing was changed. Run the command again.")
        with transaction.atomic():
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save()
        self.stdout.write(self.style.SUCCESS(f"{username} now signs in with a code from the app."))

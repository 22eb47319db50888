"""The people tests act as: a person's browser posting the aid's forms, and the staff who edit
and publish the content."""

from urllib.parse import urlencode

from django.contrib.auth.models import Group, User
from django.test import Client

FORM = "application/x-www-form-urlencoded"
PASSWORD = "a-long-test-password"


class FormClient(Client):
    """Posts as a browser posts the aid's forms: URL-encoded, never multipart (the aid takes no
    files, and refuses multipart bodies before reading them)."""

    def post(self, path, data=None, content_type=FORM, **extra):
        if content_type == FORM and not isinstance(data, (str, bytes)):
            data = urlencode(data or {}, doseq=True)
        return super().post(path, data, content_type=content_type, **extra)


def make_staff(username: str, *groups: Group, **fields) -> User:
    """A member of staff in these groups, who signs in with PASSWORD."""
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, **fields)
    user.groups.add(*groups)
    return user


def signed_in(user: User) -> FormClient:
    """A browser of this user's, already signed in."""
    client = FormClient()
    client.force_login(user)
    return client

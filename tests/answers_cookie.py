"""Put answers in, and read them out of, a test client's answers cookie, as the flow does."""

from django.conf import settings
from django.middleware.csrf import CSRF_SECRET_LENGTH
from django.utils.crypto import get_random_string

from decisionaid.answers import PURPOSE_COOKIE, REMEMBER_MAX_AGE, Answers, decrypt, encrypt


def cookie_value(answers: Answers) -> str:
    return encrypt(answers, PURPOSE_COOKIE)


def give_answers(client, answers: Answers) -> None:
    """The answers cookie, and the CSRF cookie that any browser holding answers has: answers are
    only ever saved by posting a form."""
    client.cookies[settings.ANSWERS_COOKIE_NAME] = cookie_value(answers)
    if settings.CSRF_COOKIE_NAME not in client.cookies:
        client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(CSRF_SECRET_LENGTH)


def stored(client) -> Answers:
    """The answers the browser holds now (empty if it holds none)."""
    morsel = client.cookies.get(settings.ANSWERS_COOKIE_NAME)
    if morsel is None or not morsel.value:
        return Answers()
    return decrypt(morsel.value, PURPOSE_COOKIE, REMEMBER_MAX_AGE)[0]

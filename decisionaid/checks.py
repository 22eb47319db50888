"""System checks for keys that must never be placeholders when debug is off, and for settings
`check --deploy` should warn about."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from decisionaid.settings import placeholder_key_problem


@register(Tags.security, deploy=False)
def check_keys(app_configs, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    named = [("SECRET_KEY", settings.SECRET_KEY)]
    named += [("ANSWERS_KEYS", key) for key in settings.ANSWERS_KEYS]
    named += [("SECRET_KEY_FALLBACKS", key) for key in settings.SECRET_KEY_FALLBACKS]
    for name, key in named:
        if problem := placeholder_key_problem(key):
            errors.append(
                Error(
                    f"{name} looks like a placeholder: {problem}.",
                    hint="Set a long random key: python -c "
                    "'import secrets; print(secrets.token_urlsafe(50))'",
                    id="decisionaid.E001",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_staff_sign_in(app_configs, **kwargs) -> list[Warning]:
    if settings.STAFF_REQUIRE_2FA:
        return []
    return [
        Warning(
            "Staff sign in with a password alone (DJANGO_STAFF_2FA is off).",
            hint="Set DJANGO_STAFF_2FA=1 and enrol each staff member's authenticator app.",
            id="decisionaid.W001",
        )
    ]

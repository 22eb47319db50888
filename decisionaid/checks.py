"""System checks for keys that must never be placeholders when debug is off."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from decisionaid.settings import placeholder_key_problem


@register(Tags.security, deploy=False)
def check_keys(app_configs, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    named = [("SECRET_KEY", settings.SECRET_KEY)]
    named += [("ANSWERS_KEYS", key) for key in settings.ANSWERS_KEYS]
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

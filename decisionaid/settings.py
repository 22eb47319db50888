"""Settings for the decision aid, read from the environment.

Fail closed: debug is off unless DJANGO_DEBUG=1 (`make run` sets it). With debug on and only
loopback hosts, a built-in development key is used; anything else needs DJANGO_SECRET_KEY.
Production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (see the README).

One file of about 400 lines, as Django projects keep it (healthchecks' hc/settings.py): every
setting with the one line that says why, so a reader finds each in one place.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def envint(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}; got {value}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} must list at least one value, separated by commas")
    return items


def envkeys(name: str) -> list[str]:
    """Secret keys separated by commas, newest first; none if unset or blank."""
    return [key.strip() for key in os.environ.get(name, "").split(",") if key.strip()]


DEBUG = envbool("DJANGO_DEBUG", False)

LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", LOOPBACK_HOSTS)
_GENERATE = "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"

# Placeholder keys are refused when debug is off (and by a system check, decisionaid/checks.py).
PLACEHOLDER_KEY_WORDS = (
    "insecure", "change", "placeholder", "example", "secret-key", "not-secret", "notsecret",
    "demo", "default", "dummy", "sample", "test", "xxxx", "0123456789", "abcdef",
)  # fmt: skip


def placeholder_key_problem(key: str) -> str | None:
    """Why `key` looks like a placeholder rather than a real random secret, or None."""
    lowered = key.lower()
    if len(key) < 50 or len(set(key)) < 10:
        return "it is shorter than 50 characters or repeats too few characters"
    for word in PLACEHOLDER_KEY_WORDS:
        if word in lowered:
            return f"it contains {word!r}, as placeholder keys do"
    return None


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. {_GENERATE}"
        )
    if any(host not in LOOPBACK_HOSTS for host in ALLOWED_HOSTS):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when serving beyond this computer "
            f"(DJANGO_ALLOWED_HOSTS names {', '.join(ALLOWED_HOSTS)}). {_GENERATE}"
        )
    # Known to anyone who reads this file: only ever used on this computer's loopback address.
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"
elif not DEBUG and (problem := placeholder_key_problem(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY looks like a placeholder: {problem}. {_GENERATE}"
    )
# Old keys, newest first, still accepted for reading during a rotation (see the README).
SECRET_KEY_FALLBACKS = envkeys("DJANGO_SECRET_KEY_FALLBACKS")

# The key for a person's answers (their cookie and resume links): its own setting, so it can be
# rotated without signing staff out. The first key encrypts; all of them decrypt. Unset, it is
# derived from the secret key (and its fallbacks).
ANSWERS_KEYS = envkeys("DJANGO_ANSWERS_KEYS") or [SECRET_KEY, *SECRET_KEY_FALLBACKS]
if not DEBUG:
    for _key in ANSWERS_KEYS:
        if problem := placeholder_key_problem(_key):
            raise ImproperlyConfigured(
                f"A key in DJANGO_ANSWERS_KEYS looks like a placeholder: {problem}. {_GENERATE}"
            )
PORT = envint("PORT", 8000, minimum=1, maximum=65535)

INSTALLED_APPS = [
    "decisionaid.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "treatments",
    "decisionaid",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "decisionaid.middleware.StaticFiles",
    "decisionaid.middleware.permissions_policy",
    "csp.middleware.CSPMiddleware",
    "decisionaid.middleware.personal_pages_not_cached",
    "decisionaid.middleware.bounded_request_bodies",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "decisionaid.security.staff_session_timeout",
    "django.contrib.messages.middleware.MessageMiddleware",
    "decisionaid.answers.AnswersMiddleware",
    "decisionaid.middleware.published_content",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the sign-in that failed and answers a locked-out address.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "decisionaid.urls"
WSGI_APPLICATION = "decisionaid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "treatments.context_processors.published_content",
                "decisionaid.context_processors.site_addresses",
            ],
        },
    },
]

# Unset DATABASE_URL means a SQLite file beside manage.py (ignored by git).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DJANGO_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url: str) -> dict:
    """A cache for pages' shared parts: per process unless CACHE_URL names a Redis server."""
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "published",
            # About 100 KB a page part: at most about 100 MB a process.
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            # Down, full or slow, it never takes a page down (decisionaid/cache_backends.py).
            "BACKEND": "decisionaid.cache_backends.FailSafeRedisCache",
            "LOCATION": url,
            # A slow server is given up on quickly: the page is rendered without it.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// address.")


# Rendered parts of patient pages, keyed by the published version they came from, so a new
# version never meets a stale entry. "default" holds what is the same for everyone and may be
# shared by every app server (CACHE_URL). "personal" holds parts shaped by a person's answers:
# always this process's own memory, never a shared server, so no answer leaves the process.
CACHES = {
    "default": cache_from_url(os.environ.get("CACHE_URL", "")),
    "personal": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "personal",
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
    "uncached": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Repeats, sequences, keyboard runs, dates and names are refused, whatever their length.
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
# zxcvbn's score from 0 to 4: 3 is "cannot be guessed without a copy of the database".
PASSWORD_MINIMAL_STRENGTH = 3

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production so files can be cached forever.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Hashed files are kept a year by decisionaid.middleware.StaticFiles; others only for a minute.

# The content `manage.py load_content` loads into an empty database: content files (YAML or JSON
# fixtures), and folders whose .yaml and .json files load in name order. Relative to this project.
CONTENT_FIXTURES = [
    BASE_DIR / entry for entry in envlist("DJANGO_CONTENT_FIXTURES", ["treatments/fixtures"])
]
# The aid's name comes from its content (the Aid row); this is only where content cannot reach:
# the error page of a process that has not read it yet, and a site with nothing published.
AID_NAME = os.environ.get("DJANGO_AID_NAME", "").strip() or "Treatment decision aid"

# Patients have no server session: their answers live in their own encrypted cookie
# (decisionaid/answers.py), a browser-session cookie unless they ask to be remembered.
ANSWERS_COOKIE_NAME = "answers"
# Staff sessions live in the database, so logging out ends them everywhere. They end when the
# browser closes, after DJANGO_STAFF_SESSION_HOURS in all, or after DJANGO_STAFF_IDLE_MINUTES
# without a request (decisionaid/security.py).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
STAFF_SESSION_HOURS = envint("DJANGO_STAFF_SESSION_HOURS", 8, minimum=1, maximum=24)
STAFF_IDLE_MINUTES = envint("DJANGO_STAFF_IDLE_MINUTES", 30, minimum=5, maximum=24 * 60)
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Messages ("Your answers have been cleared") travel in a cookie: patient pages never touch the
# session table.
MESSAGE_STORAGE = "decisionaid.security.MessageCookieStorage"
MESSAGES_COOKIE_NAME = "messages"
# JavaScript never needs the session or CSRF cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A day, not Django's year: the token is only for the forms of the visit it was set in.
CSRF_COOKIE_AGE = 24 * 3600

# Security headers. Each line says why.
# Browsers must not guess content types (stops a file being run as a script).
SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites learn nothing about which page a person was reading.
SECURE_REFERRER_POLICY = "same-origin"
# Pages cannot be framed, so nobody can overlay them to trick a click.
X_FRAME_OPTIONS = "DENY"
# Other windows cannot script ours through window.opener.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features the aid never uses are switched off (see decisionaid/middleware.py).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
# Only our own files may run or load: no inline script or style, no eval, no other origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}

# Staff sign-in: two factors (a password and a code from an authenticator app, enrolled with
# `manage.py enrol_totp`), required unless debug is on or DJANGO_STAFF_2FA=0.
STAFF_REQUIRE_2FA = envbool("DJANGO_STAFF_2FA", not DEBUG)


def _otp_issuer(device) -> str:
    """The name authenticator apps show beside the code: the aid's short name, from its content."""
    from treatments.models import Aid  # (the apps are not loaded while settings are read)

    return Aid.objects.current().short_name


OTP_TOTP_ISSUER = _otp_issuer

# Ten wrong passwords for one account, or from one address, lock it for half an hour. Every
# failed attempt is recorded (admin: Axes). A wrong code counts as a failure too (security.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("DJANGO_SIGNIN_FAILURE_LIMIT", 10, minimum=3, maximum=100)
AXES_COOLOFF_TIME = timedelta(minutes=envint("DJANGO_SIGNIN_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failed attempt, kept after a lock is lifted
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Whose address a failure counts against (django-ipware): the connection's own, unless a TLS
# proxy in front passes the visitor's on (DJANGO_BEHIND_TLS_PROXY). Then it is the right-most
# X-Forwarded-For entry, the one the proxy added: anything to its left the visitor could have
# sent themselves, to lock someone else out.
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    if envbool("DJANGO_BEHIND_TLS_PROXY", False)
    else ("REMOTE_ADDR",)
)
# Never log what was typed as a password (axes already leaves it out) or the answers cookie.
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

if not DEBUG:
    # Cookies travel only over HTTPS, and with the __Host- prefix: the browser then refuses them
    # unless they were set over HTTPS, for the whole site, by this host alone.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    ANSWERS_COOKIE_NAME = "__Host-answers"
    MESSAGES_COOKIE_NAME = "__Host-messages"
    # Send plain-HTTP visitors to HTTPS; switch off when a proxy in front already does it.
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Behind a TLS-terminating proxy, trust its X-Forwarded-Proto header.
    if envbool("DJANGO_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Browsers remember to use HTTPS for a year, on every subdomain.
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Nothing a person types or chooses is logged: only errors, without request bodies. Every
# handler and logger redacts resume links and answer cookies (decisionaid/logging.py), and
# Django's own loggers are replaced, not added to, so no line is printed twice, once unredacted.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "decisionaid.logging.RedactResumeLinks"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING", "filters": ["redact"]},
    "loggers": {
        "django": {
            "handlers": ["console"],
            "level": "INFO" if DEBUG else "WARNING",
            "filters": ["redact"],
            "propagate": False,
        },
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "filters": ["redact"],
            "propagate": False,
        },
    },
}

LOGIN_URL = "admin:login"
# Where a sign-in lands when its `next=` is missing or points off the site.
LOGIN_REDIRECT_URL = "admin:index"
ADMIN_PATH = "/admin/"

# The patient's forms are a few choices and up to 500 characters of their own words: a body
# larger than this is refused before it is read (the editors' admin keeps Django's limit).
PATIENT_MAX_BODY = 32 * 1024

# Email, only for review reminders to editors (`manage.py review_reminders`). Off unless a mail
# server is named: the app never sends patients anything.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
# Without a mail server, an email is written to the console instead, so nothing is lost.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
# STARTTLS by default: the password and editors' names never cross the network in the clear.
EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_EMAIL_FROM", "decision-aid@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who gets the reminders; unset, every active Editor with an email address.
REVIEW_REMINDERS_TO = [
    address.strip()
    for address in os.environ.get("DJANGO_REVIEW_REMINDERS_TO", "").split(",")
    if address.strip()
]

# "Fill in from PubMed" on a source: the server asks NCBI's E-utilities for a paper's details
# (the browser never does). Off where the server cannot reach the internet.
PUBMED_LOOKUP = envbool("DJANGO_PUBMED_LOOKUP", True)
PUBMED_ESUMMARY_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi"
# NCBI asks callers for an address to write to before it blocks heavy use; sent only when given.
PUBMED_EMAIL = os.environ.get("DJANGO_PUBMED_EMAIL", "").strip()

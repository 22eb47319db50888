"""Resume links and answer cookies carry a person's answers, so they never reach a log line."""

import logging
import re

REDACTED = "[redacted]"
_PATTERNS = [
    # A link's path or fragment: /resume/<token>/ (old links) and /resume/#<token>
    (re.compile(r"(/resume/#?)[^\s\"'<>?/]+"), r"\1" + REDACTED),
    # The answers cookie, as a header or a cookie jar prints it
    (re.compile(r"((?:__Host-)?answers=)[^;\s\"']+"), r"\1" + REDACTED),
    # A token on its own: any long run of URL-safe base64 (tokens are 40 characters or more)
    (re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{40,}"), REDACTED),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactResumeLinks(logging.Filter):
    """Rewrites a record's message, and its traceback, without tokens. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the template, drop the arguments
            message, record.args = str(record.msg), ()
        record.msg, record.args = redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._redacted = True
        return True


def attach_everywhere() -> None:
    """Add the filter to every logger and handler that exists now (gunicorn's, for one).

    LOGGING attaches it to ours; this catches handlers that a server or library set up itself.
    """
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for target in [logger, *logger.handlers]:
            if not any(isinstance(f, RedactResumeLinks) for f in target.filters):
                target.addFilter(RedactResumeLinks())

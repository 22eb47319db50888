import logging
import re

_RESUME_TOKEN = re.compile(r"(/resume/)[^\s\"?/]+")


class RedactResumeLinks(logging.Filter):
    """A resume link carries a person's answers, so its token never reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/resume/" in message:
            record.msg = _RESUME_TOKEN.sub(r"\1[redacted]", message)
            record.args = ()
        return True

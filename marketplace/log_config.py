"""Logging set-up with a filter that keeps secrets out of every log line.

Secrets reach logs by accident: a URL with a password, a token in a header dump, a config
value in an exception. The filter masks the configured secret values and anything that
looks like a password, bearer token or API token, whatever logger wrote it.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from flask import Flask

MASK = "[redacted]"
SECRET_SETTINGS = ("SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "AWS_SECRET_ACCESS_KEY")
URL_SETTINGS = ("DATABASE_URL", "MAIL_URL", "RATELIMIT_STORAGE_URI", "SESSION_REDIS_URL", "S3_ENDPOINT_URL")

_PATTERNS = [
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)((?:password|passwd|pwd|secret|token|api_key)[\"']?\s*[=:]\s*[\"']?)[^\s&\"',}]+"),
    re.compile(r"()chq_[A-Za-z0-9_-]{10,}"),
    re.compile(r"()(?:sk|rk|whsec)_(?:live|test)?_?[A-Za-z0-9]{8,}"),
    re.compile(r"(://[^:/@\s]*:)[^@\s]+(?=@)"),  # user may be empty: redis://:pw@host
]


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in (secrets or []) if s and len(s) >= 6]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        redacted = self.redact(message)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        return True


def secrets_from_config(config: dict) -> list[str]:
    values = [str(config.get(name) or "") for name in SECRET_SETTINGS]
    for name in URL_SETTINGS:
        password = urlsplit(str(config.get(name) or "")).password
        if password:
            values.append(password)
    return values


def init_app(app: Flask) -> None:
    redactor = RedactingFilter(secrets_from_config(app.config))
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    # Filters on handlers see records from every logger, including libraries'.
    for handler in root.handlers + app.logger.handlers:
        handler.filters = [f for f in handler.filters if not isinstance(f, RedactingFilter)]
        handler.addFilter(redactor)
    app.extensions["log_redactor"] = redactor
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # noise on every command

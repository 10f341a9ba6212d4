"""Logging for the entry points, with bot tokens kept out of every line that is written.

A Telegram bot token sits in every Bot API URL (`.../bot123456:AA.../sendMessage`), so it turns
up in httpx's INFO lines and in the text of network exceptions and their tracebacks. The
`RedactingFilter` rewrites each record (message, arguments, traceback and stack) before any
handler formats it, replacing anything shaped like a token, and any secret it was given
explicitly, with a placeholder. `configure_logging` is called once by an entry point; library
modules only ever call `logging.getLogger(__name__)`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

# Bot id (digits, public) and secret (35 characters today); the id is kept because it helps to
# tell two bots apart in logs and reveals nothing.
TOKEN_PATTERN = re.compile(r"(\d{5,}):[A-Za-z0-9_-]{30,}")
REDACTED = "[REDACTED]"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Loggers that write request URLs (and so the token) at INFO or DEBUG.
NOISY_LOGGERS = ("httpx", "httpcore")


class RedactingFilter(logging.Filter):
    """Replace bot tokens and known secrets in a record's text, arguments and traceback."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._formatter = logging.Formatter()
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, secret: str | None) -> None:
        """Also redact this exact string (a webhook secret, a token of an unusual shape)."""
        if secret and len(secret) >= 6:
            self._secrets.add(secret)

    def redact(self, text: str) -> str:
        """`text` with every token-shaped string and known secret replaced."""
        text = TOKEN_PATTERN.sub(lambda m: f"{m.group(1)}:{REDACTED}", text)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        # Freeze the message now so that no handler re-renders the raw arguments.
        try:
            message = record.getMessage()
        except Exception:  # a malformed call must still be logged, not raise here
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatter.format uses exc_text when it is set, so the traceback is rendered once,
            # here, and redacted; exc_info stays for handlers that inspect the exception.
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def redacting_filters() -> list[RedactingFilter]:
    """The redacting filters installed on the root logger's handlers."""
    return [
        f for handler in logging.getLogger().handlers for f in handler.filters
        if isinstance(f, RedactingFilter)
    ]


def protect_secret(secret: str | None) -> None:
    """Tell every installed redacting filter about one more secret to hide."""
    for redacting in redacting_filters():
        redacting.add_secret(secret)


def quiet_noisy_loggers() -> None:
    """httpx and httpcore log each request URL, token included, at INFO and DEBUG."""
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


class JsonLinesFormatter(logging.Formatter):
    """One JSON object per line (time, level, logger, message, traceback), for log collectors.

    It formats records the redacting filter has already rewritten, so no token reaches it.
    """

    def format(self, record: logging.LogRecord) -> str:
        data = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                "logger": record.name, "message": record.getMessage()}
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["traceback"] = record.exc_text
        if record.stack_info:
            data["stack"] = record.stack_info
        return json.dumps(data, ensure_ascii=False)


def configure_logging(
    level: str = "WARNING", secrets: Iterable[str] = (), stream: TextIO | None = None,
    json_lines: bool = False,
) -> logging.Handler:
    """Log to `stream` (stderr) at `level`, through a redacting filter; returns the handler.

    `json_lines` writes one JSON object per line instead of text (CHUCHU_LOG_FORMAT=json).

    Calling it again replaces the handler it installed before, so tests and reloads do not
    stack handlers.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        if any(isinstance(f, RedactingFilter) for f in old.filters):
            root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLinesFormatter() if json_lines else logging.Formatter(FORMAT))
    handler.addFilter(RedactingFilter(secrets))
    root.addHandler(handler)
    root.setLevel(level.upper())
    quiet_noisy_loggers()
    return handler

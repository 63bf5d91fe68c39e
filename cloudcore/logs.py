"""Logging: quiet by default, easy to turn on, and never a secret in a record.

Every module logs under ``cloudcore.<module>``; the ``cloudcore`` logger has a
``NullHandler``. :func:`set_stream_logger` and :func:`set_file_logger` attach a handler
with :class:`RedactingFilter`, which rewrites credentials out of every record that passes
through it (Authorization headers, signatures, tokens, secrets, ``SecurityToken`` and
``X-TC-Token`` style parameters), as a second line of defence behind the engine's own
redaction. Request/response bodies are logged only with ``log_bodies=True``.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
from typing import Any

__all__ = ["RedactingFilter", "redact", "set_file_logger", "set_stream_logger"]

logging.getLogger("cloudcore").addHandler(logging.NullHandler())

_FORMAT = "%(asctime)s %(name)s [%(levelname)s] %(message)s"
_SENSITIVE = (
    r"authorization|signature|spas-signature|x-tc-token|x-acs-security-token|"
    r"x-amz-security-token|x-amz-signature|securitytoken|security_token|sessiontoken|"
    r"session_token|token|accesskeysecret|access_key_secret|secretaccesskey|secret_key|"
    r"secretkey|tmpsecretkey|password|x-aliyun-ecs-metadata-token|x-aws-ec2-metadata-token"
)
# key=value / key: value / "key": "value" forms, in query strings, headers, JSON and reprs.
_PATTERNS = [
    re.compile(rf"(?i)(\b(?:{_SENSITIVE})\b\s*[=:]\s*)([^&\s,;'\"}}]+)"),
    re.compile(rf"(?i)(['\"](?:{_SENSITIVE})['\"]\s*[:,]\s*['\"])([^'\"]*)"),
    re.compile(r"(?i)((?:Signature|Credential)=)([^,&\s]+)"),
    # XML elements (AWS STS: <SecretAccessKey>, <SessionToken>).
    re.compile(rf"(?i)(<(?:{_SENSITIVE})>)([^<]*)"),
]
REDACTED = "***"

log_bodies = False
"""Set True (or pass ``log_bodies=True`` to the helpers) to log request/response bodies."""


def redact(text: str) -> str:
    """``text`` with the values of credential-like keys replaced by ``***``."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message so no credential value leaves the process."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        return True


def _configure(handler: logging.Handler, name: str, level: int, fmt: str | None) -> logging.Logger:
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(fmt or _FORMAT))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger(name)
    logger.setLevel(level)
    logger.addHandler(handler)
    return logger


def set_stream_logger(
    name: str = "cloudcore",
    level: int = logging.DEBUG,
    format_string: str | None = None,
    log_bodies: bool = False,
) -> logging.Logger:
    """Log ``name`` (and below) to stderr at ``level``, with credentials redacted."""
    _set_bodies(log_bodies)
    return _configure(logging.StreamHandler(), name, level, format_string)


def set_file_logger(
    path: str,
    level: int = logging.DEBUG,
    name: str = "cloudcore",
    max_bytes: int = 10 * 1024 * 1024,
    backup_count: int = 5,
    log_bodies: bool = False,
) -> logging.Logger:
    """Log to a rotating file at ``path``, with credentials redacted."""
    _set_bodies(log_bodies)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
    )
    return _configure(handler, name, level, None)


def _set_bodies(enabled: bool) -> None:
    global log_bodies
    log_bodies = enabled


def describe_headers(headers: Any) -> str:
    """Headers for a DEBUG line: names with values, credential ones redacted."""
    return redact(", ".join(f"{k}: {v}" for k, v in headers.items()))


BODY_LIMIT = 4096


def describe_body(body: bytes) -> str:
    """A body for a DEBUG line: text up to ``BODY_LIMIT`` bytes, else its size."""
    text = body[:BODY_LIMIT].decode("utf-8", errors="replace")
    more = len(body) - BODY_LIMIT
    return text + (f"... ({more} more bytes)" if more > 0 else "")

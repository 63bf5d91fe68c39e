"""cloudcore: a data-driven, multi-cloud SDK core.

>>> import cloudcore
>>> ecs = cloudcore.Session().create_client("ecs", region_name="cn-hangzhou")

Importing this package loads nothing heavy: the names below are resolved on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ClientError",
    "CloudcoreError",
    "Config",
    "Credentials",
    "Session",
    "__version__",
    "set_file_logger",
    "set_stream_logger",
]

_LAZY = {
    "Session": "cloudcore.session",
    "Config": "cloudcore.config",
    "Credentials": "cloudcore.auth.credentials",
    "ClientError": "cloudcore.exceptions",
    "CloudcoreError": "cloudcore.exceptions",
    "set_stream_logger": "cloudcore.logs",
    "set_file_logger": "cloudcore.logs",
}

if TYPE_CHECKING:
    from cloudcore.auth.credentials import Credentials
    from cloudcore.config import Config
    from cloudcore.exceptions import ClientError, CloudcoreError
    from cloudcore.logs import set_file_logger, set_stream_logger
    from cloudcore.session import Session


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cloudcore' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

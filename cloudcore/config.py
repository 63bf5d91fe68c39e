"""Config: the frozen per-client settings value object.

``Config(read_timeout=5, retries={"mode": "standard", "max_attempts": 4})``. Only the
fields a caller sets count as set: :meth:`Config.merge` lays one config over another the
way botocore does (``base.merge(override)``), and the session fills what nobody set from
the environment and the config file (see ``cloudcore.settings``). Every value is checked
when the Config is made, so a typo fails at construction with the field's name, not deep
inside a call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudcore.exceptions import ConfigError
from cloudcore.frozen import Frozen, set_field

__all__ = ["Config", "RetryConfig"]

_RETRY_MODES = ("standard", "adaptive", "off", "legacy")
_ADDRESSING = ("auto", "virtual", "path")


class RetryConfig(Frozen):
    """``mode`` and ``max_attempts`` (total attempts, the first one included)."""

    __slots__ = ("max_attempts", "mode")
    mode: str
    max_attempts: int

    def __init__(self, mode: str = "standard", max_attempts: int = 3) -> None:
        if mode not in _RETRY_MODES:
            raise ConfigError(f"retries.mode must be one of {_RETRY_MODES}, got {mode!r}")
        if not isinstance(max_attempts, int) or max_attempts < 1:
            raise ConfigError(f"retries.max_attempts must be an integer >= 1, got {max_attempts!r}")
        set_field(self, "mode", mode)
        set_field(self, "max_attempts", max_attempts)

    @classmethod
    def from_value(cls, value: RetryConfig | Mapping[str, Any]) -> RetryConfig:
        if isinstance(value, RetryConfig):
            return value
        if not isinstance(value, Mapping):
            raise ConfigError(f"retries must be a dict or RetryConfig, got {value!r}")
        unknown = set(value) - {"mode", "max_attempts", "total_max_attempts"}
        if unknown:
            raise ConfigError(f"retries has unknown keys: {sorted(unknown)}")
        attempts = value.get("max_attempts", value.get("total_max_attempts", 3))
        mode = value.get("mode", "standard")
        return cls(mode="off" if attempts == 1 and mode == "off" else mode, max_attempts=attempts)


_UNSET: Any = None

# Config's fields in order (its constructor's positional order); ``_set`` is bookkeeping.
_CONFIG_FIELDS = (
    "region_name",
    "connect_timeout",
    "read_timeout",
    "total_timeout",
    "retries",
    "proxies",
    "verify",
    "max_pool_connections",
    "user_agent_extra",
    "signature_version",
    "s3",
    "region_breaker",
    "parameter_validation",
    "language",
    "regional_endpoints",
)


class Config(Frozen):
    """Per-client settings. ``None`` means "not set here"; defaults apply last."""

    __slots__ = (*_CONFIG_FIELDS, "_set")
    _hidden = frozenset({"_set"})
    _uncompared = frozenset({"_set"})
    region_name: str | None
    connect_timeout: float | None
    read_timeout: float | None
    total_timeout: float | None  # the whole call, all attempts and sleeps
    retries: RetryConfig | Mapping[str, Any] | None
    proxies: Mapping[str, str] | None
    verify: bool | str | None  # False, True, or a CA bundle path
    max_pool_connections: int | None
    user_agent_extra: str | None
    signature_version: str | None
    s3: Mapping[str, Any] | None  # {"addressing_style": "auto"|"virtual"|"path"}
    region_breaker: Any  # a cloudcore.breaker.RegionBreaker
    parameter_validation: bool | None
    language: str | None  # Tencent X-TC-Language / Alibaba AcceptLanguage
    regional_endpoints: bool | None  # {service}.{region}.<domain> hosts (Tencent)
    _set: frozenset[str]  # the fields given a value (here or by a merged Config)

    def __init__(
        self,
        region_name: str | None = _UNSET,
        connect_timeout: float | None = _UNSET,
        read_timeout: float | None = _UNSET,
        total_timeout: float | None = _UNSET,
        retries: RetryConfig | Mapping[str, Any] | None = _UNSET,
        proxies: Mapping[str, str] | None = _UNSET,
        verify: bool | str | None = _UNSET,
        max_pool_connections: int | None = _UNSET,
        user_agent_extra: str | None = _UNSET,
        signature_version: str | None = _UNSET,
        s3: Mapping[str, Any] | None = _UNSET,
        region_breaker: Any = _UNSET,
        parameter_validation: bool | None = _UNSET,
        language: str | None = _UNSET,
        regional_endpoints: bool | None = _UNSET,
        _set: frozenset[str] = frozenset(),
    ) -> None:
        values = locals()  # the arguments by field name
        given = frozenset(name for name in _CONFIG_FIELDS if values[name] is not None)
        for name in _CONFIG_FIELDS:
            set_field(self, name, values[name])
        set_field(self, "_set", given | _set)
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            value = values[name]
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0
            ):
                raise ConfigError(f"{name} must be a positive number of seconds, got {value!r}")
        if retries is not None and not isinstance(retries, RetryConfig):
            set_field(self, "retries", RetryConfig.from_value(retries))
        mpc = max_pool_connections
        if mpc is not None and (not isinstance(mpc, int) or isinstance(mpc, bool) or mpc < 1):
            raise ConfigError(f"max_pool_connections must be an integer >= 1, got {mpc!r}")
        if verify is not None and not isinstance(verify, (bool, str)):
            raise ConfigError(f"verify must be True, False or a CA bundle path, got {verify!r}")
        if s3 is not None:
            style = s3.get("addressing_style", "auto")
            if style not in _ADDRESSING:
                raise ConfigError(
                    f"s3.addressing_style must be one of {_ADDRESSING}, got {style!r}"
                )
        if region_breaker is not None:
            from cloudcore.breaker import RegionBreaker

            if not isinstance(region_breaker, RegionBreaker):
                raise ConfigError(
                    "region_breaker must be a cloudcore.breaker.RegionBreaker, "
                    f"got {region_breaker!r}"
                )
        if proxies is not None and not isinstance(proxies, Mapping):
            raise ConfigError(f"proxies must be a dict like {{'https': URL}}, got {proxies!r}")

    @property
    def retry(self) -> RetryConfig:
        retries = self.retries
        return retries if isinstance(retries, RetryConfig) else RetryConfig()

    def is_set(self, name: str) -> bool:
        return name in self._set

    def merge(self, other: Config | None) -> Config:
        """A new Config: this one with every field ``other`` set laid over it."""
        if other is None:
            return self
        changes = {name: getattr(other, name) for name in other._set}
        return self.replace(_set=self._set | other._set, **changes)

    def with_defaults(self, defaults: Mapping[str, Any]) -> Config:
        """Fill fields nobody set (``defaults`` keys are field names)."""
        changes = {k: v for k, v in defaults.items() if k not in self._set and v is not None}
        return self.replace(**changes) if changes else self


DEFAULTS: Mapping[str, Any] = {
    "connect_timeout": 10.0,
    "read_timeout": 60.0,
    "retries": RetryConfig(),
    "verify": True,
    "max_pool_connections": 10,
    "parameter_validation": True,
    "s3": {"addressing_style": "auto"},
    "regional_endpoints": False,
}
"""What applies when neither code, environment nor config file set a value."""

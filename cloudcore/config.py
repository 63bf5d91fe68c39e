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
from dataclasses import dataclass, field, fields, replace
from typing import Any

from cloudcore.exceptions import ConfigError

__all__ = ["Config", "RetryConfig"]

_RETRY_MODES = ("standard", "adaptive", "off", "legacy")
_ADDRESSING = ("auto", "virtual", "path")


@dataclass(frozen=True, slots=True)
class RetryConfig:
    """``mode`` and ``max_attempts`` (total attempts, the first one included)."""

    mode: str = "standard"
    max_attempts: int = 3

    def __post_init__(self) -> None:
        if self.mode not in _RETRY_MODES:
            raise ConfigError(f"retries.mode must be one of {_RETRY_MODES}, got {self.mode!r}")
        if not isinstance(self.max_attempts, int) or self.max_attempts < 1:
            raise ConfigError(
                f"retries.max_attempts must be an integer >= 1, got {self.max_attempts!r}"
            )

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


@dataclass(frozen=True, slots=True)
class Config:
    """Per-client settings. ``None`` means "not set here"; defaults apply last."""

    region_name: str | None = _UNSET
    connect_timeout: float | None = _UNSET
    read_timeout: float | None = _UNSET
    total_timeout: float | None = _UNSET  # the whole call, all attempts and sleeps
    retries: RetryConfig | Mapping[str, Any] | None = _UNSET
    proxies: Mapping[str, str] | None = _UNSET
    verify: bool | str | None = _UNSET  # False, True, or a CA bundle path
    max_pool_connections: int | None = _UNSET
    user_agent_extra: str | None = _UNSET
    signature_version: str | None = _UNSET
    s3: Mapping[str, Any] | None = _UNSET  # {"addressing_style": "auto"|"virtual"|"path"}
    region_breaker: Any = _UNSET  # a cloudcore.breaker.RegionBreaker
    parameter_validation: bool | None = _UNSET
    language: str | None = _UNSET  # Tencent X-TC-Language / Alibaba AcceptLanguage
    regional_endpoints: bool | None = _UNSET  # {service}.{region}.<domain> hosts (Tencent)
    _set: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        set_fields = frozenset(
            f.name for f in fields(self) if f.name != "_set" and getattr(self, f.name) is not None
        )
        object.__setattr__(self, "_set", set_fields | self._set)
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0
            ):
                raise ConfigError(f"{name} must be a positive number of seconds, got {value!r}")
        if self.retries is not None and not isinstance(self.retries, RetryConfig):
            object.__setattr__(self, "retries", RetryConfig.from_value(self.retries))
        mpc = self.max_pool_connections
        if mpc is not None and (not isinstance(mpc, int) or isinstance(mpc, bool) or mpc < 1):
            raise ConfigError(f"max_pool_connections must be an integer >= 1, got {mpc!r}")
        if self.verify is not None and not isinstance(self.verify, (bool, str)):
            raise ConfigError(
                f"verify must be True, False or a CA bundle path, got {self.verify!r}"
            )
        if self.s3 is not None:
            style = self.s3.get("addressing_style", "auto")
            if style not in _ADDRESSING:
                raise ConfigError(
                    f"s3.addressing_style must be one of {_ADDRESSING}, got {style!r}"
                )
        if self.region_breaker is not None:
            from cloudcore.breaker import RegionBreaker

            if not isinstance(self.region_breaker, RegionBreaker):
                raise ConfigError(
                    "region_breaker must be a cloudcore.breaker.RegionBreaker, "
                    f"got {self.region_breaker!r}"
                )
        if self.proxies is not None and not isinstance(self.proxies, Mapping):
            raise ConfigError(f"proxies must be a dict like {{'https': URL}}, got {self.proxies!r}")

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
        return replace(self, _set=self._set | other._set, **changes)

    def with_defaults(self, defaults: Mapping[str, Any]) -> Config:
        """Fill fields nobody set (``defaults`` keys are field names)."""
        changes = {k: v for k, v in defaults.items() if k not in self._set and v is not None}
        return replace(self, **changes) if changes else self


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

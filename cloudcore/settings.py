"""Session settings: one precedence, and the answer to "where did this value come from?".

Each setting is looked up, first hit wins, in:

1. code: ``Session(...)``/``create_client(...)`` arguments and ``Config`` fields;
2. the environment: ``CLOUDCORE_*`` first, then the cloud's own variables
   (``ALIBABA_CLOUD_REGION_ID``, ``TENCENTCLOUD_REGION``, ``AWS_REGION`` ...);
3. the config file ``~/.cloudcore/config`` (``CLOUDCORE_CONFIG_FILE`` overrides), INI with a
   ``[default]`` section and ``[profile NAME]`` sections; a key may be cloud-scoped as
   ``aliyun.region`` to apply to one cloud only;
4. the built-in default.

``Session.settings.lookup("region_name", cloud="aliyun")`` returns the value with its
source, e.g. ``Setting("cn-hangzhou", "environment variable ALIBABA_CLOUD_REGION_ID")``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cloudcore.exceptions import ConfigError
from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set

__all__ = ["CONFIG_SETTINGS", "SETTINGS", "Setting", "SettingSpec", "Settings"]


class Setting(Frozen):
    """A setting's value and where it came from."""

    __slots__ = ("source", "value")
    value: Any
    source: str

    def __init__(self, value: Any, source: str) -> None:
        _set(self, "value", value)
        _set(self, "source", source)


class SettingSpec(Frozen):
    """Where one setting is looked for, its default and how its text is read."""

    __slots__ = ("cloud_env", "convert", "default", "env", "file_key")
    env: tuple[str, ...]  # CLOUDCORE_ variables, for every cloud
    cloud_env: Mapping[str, tuple[str, ...]]  # cloud -> that cloud's own variables
    file_key: str
    default: Any
    convert: Callable[[str], Any]

    def __init__(
        self,
        env: tuple[str, ...],
        cloud_env: Mapping[str, tuple[str, ...]],
        file_key: str,
        default: Any,
        convert: Callable[[str], Any] = str,
    ) -> None:
        _set(self, "env", env)
        _set(self, "cloud_env", cloud_env)
        _set(self, "file_key", file_key)
        _set(self, "default", default)
        _set(self, "convert", convert)


def _bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {text!r}")


SETTINGS: Mapping[str, SettingSpec] = {
    "region_name": SettingSpec(
        ("CLOUDCORE_REGION",),
        {
            "aliyun": ("ALIBABA_CLOUD_REGION_ID",),
            "tencentcloud": ("TENCENTCLOUD_REGION",),
            "aws": ("AWS_REGION", "AWS_DEFAULT_REGION"),
        },
        "region",
        None,
    ),
    "retry_mode": SettingSpec(
        ("CLOUDCORE_RETRY_MODE",), {"aws": ("AWS_RETRY_MODE",)}, "retry_mode", "standard"
    ),
    "max_attempts": SettingSpec(
        ("CLOUDCORE_MAX_ATTEMPTS",), {"aws": ("AWS_MAX_ATTEMPTS",)}, "max_attempts", 3, int
    ),
    "connect_timeout": SettingSpec(
        ("CLOUDCORE_CONNECT_TIMEOUT",), {}, "connect_timeout", 10.0, float
    ),
    "read_timeout": SettingSpec(("CLOUDCORE_READ_TIMEOUT",), {}, "read_timeout", 60.0, float),
    "ca_bundle": SettingSpec(
        ("CLOUDCORE_CA_BUNDLE",), {"aws": ("AWS_CA_BUNDLE",)}, "ca_bundle", None
    ),
    "parameter_validation": SettingSpec(
        ("CLOUDCORE_PARAMETER_VALIDATION",), {}, "parameter_validation", True, _bool
    ),
    "endpoint_url": SettingSpec(
        ("CLOUDCORE_ENDPOINT_URL",), {"aws": ("AWS_ENDPOINT_URL",)}, "endpoint_url", None
    ),
    "language": SettingSpec(("CLOUDCORE_LANGUAGE",), {}, "language", None),
    "total_timeout": SettingSpec(("CLOUDCORE_TOTAL_TIMEOUT",), {}, "total_timeout", None, float),
    "max_pool_connections": SettingSpec(
        ("CLOUDCORE_MAX_POOL_CONNECTIONS",), {}, "max_pool_connections", 10, int
    ),
    "s3_addressing_style": SettingSpec(
        ("CLOUDCORE_S3_ADDRESSING_STYLE",), {}, "s3_addressing_style", "auto"
    ),
    "regional_endpoints": SettingSpec(
        ("CLOUDCORE_REGIONAL_ENDPOINTS",), {}, "regional_endpoints", False, _bool
    ),
}

CONFIG_SETTINGS: Mapping[str, tuple[str, ...]] = {
    "region_name": ("region_name",),
    "connect_timeout": ("connect_timeout",),
    "read_timeout": ("read_timeout",),
    "total_timeout": ("total_timeout",),
    "retries": ("retry_mode", "max_attempts"),
    "verify": ("ca_bundle",),
    "max_pool_connections": ("max_pool_connections",),
    "parameter_validation": ("parameter_validation",),
    "language": ("language",),
    "s3": ("s3_addressing_style",),
    "regional_endpoints": ("regional_endpoints",),
}
"""Config field -> the settings (environment variable / config file key) that fill it."""


class Settings:
    """Resolves settings for one session (explicit values, environment, file, default)."""

    def __init__(
        self,
        explicit: Mapping[str, Any] | None = None,
        profile: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._explicit = {k: v for k, v in (explicit or {}).items() if v is not None}
        self._environ = os.environ if environ is None else environ
        self.profile = profile or self._environ.get("CLOUDCORE_PROFILE") or None
        self._file: dict[str, str] | None = None
        self._file_path = Path(
            self._environ.get("CLOUDCORE_CONFIG_FILE") or "~/.cloudcore/config"
        ).expanduser()

    def _file_values(self) -> dict[str, str]:
        if self._file is None:
            values: dict[str, str] = {}
            if self._file_path.is_file():
                import configparser  # only when there is a file to read

                parser = configparser.ConfigParser(interpolation=None)
                try:
                    parser.read(self._file_path, encoding="utf-8")
                except configparser.Error as e:
                    raise ConfigError(f"Cannot read config file {self._file_path}: {e}") from None
                section = f"profile {self.profile}" if self.profile else "default"
                if self.profile and not parser.has_section(section):
                    raise ConfigError(
                        f"Profile {self.profile!r} not found in {self._file_path} "
                        f"(sections: {', '.join(parser.sections()) or 'none'})"
                    )
                if parser.has_section(section):
                    values = dict(parser.items(section))
            self._file = values
        return self._file

    def lookup(self, name: str, cloud: str | None = None) -> Setting:
        spec = SETTINGS.get(name)
        if spec is None:
            raise ConfigError(f"Unknown setting {name!r}; known: {', '.join(SETTINGS)}")
        if name in self._explicit:
            return Setting(self._explicit[name], "explicit argument")
        env_names = spec.env + (spec.cloud_env.get(cloud, ()) if cloud else ())
        for var in env_names:
            raw = self._environ.get(var)
            if raw:
                return Setting(
                    self._convert(spec, raw, f"environment variable {var}"),
                    f"environment variable {var}",
                )
        values = self._file_values()
        for key in ((f"{cloud}.{spec.file_key}",) if cloud else ()) + (spec.file_key,):
            if key in values:
                where = f"config file {self._file_path} [{self.profile or 'default'}] {key}"
                return Setting(self._convert(spec, values[key], where), where)
        return Setting(spec.default, "default")

    def get(self, name: str, cloud: str | None = None) -> Any:
        return self.lookup(name, cloud).value

    @staticmethod
    def _convert(spec: SettingSpec, raw: str, where: str) -> Any:
        try:
            return spec.convert(raw)
        except ValueError as e:
            raise ConfigError(f"Invalid value in {where}: {e}") from None

    def describe(self, cloud: str | None = None) -> dict[str, Setting]:
        """Every setting with its value and source."""
        return {name: self.lookup(name, cloud) for name in SETTINGS}

"""Readers for the clouds' shared credential files, turning one profile into a plan.

- Alibaba Cloud: ``~/.aliyun/config.json``, the aliyun CLI's JSON (``current`` and a list
  of ``profiles`` with a ``mode`` of ``AK``, ``StsToken``, ``RamRoleArn`` or ``EcsRamRole``).
- Tencent Cloud: ``~/.tencentcloud/credentials``, INI with one section per profile
  (``secret_id``, ``secret_key``, optional ``token``, ``role_arn``, ``role_session_name``,
  ``duration_seconds``).
- AWS: ``~/.aws/credentials`` and ``~/.aws/config``, INI (``[name]`` in the first,
  ``[profile name]`` in the second); a profile may assume ``role_arn`` with the credentials
  of ``source_profile`` or of a ``credential_source``.

The readers only parse: a :class:`ProfileSpec` says what a profile asks for (keys, a role to
assume, where the role's source credentials come from) and ``providers`` acts on it. A
malformed file raises :class:`CredentialRetrievalError` naming the file and the problem;
values are never quoted, since any of them may be a secret.
"""

from __future__ import annotations

import configparser
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudcore.auth.credentials import Credentials
from cloudcore.exceptions import CredentialRetrievalError

__all__ = [
    "INSTANCE_METADATA",
    "ProfileSpec",
    "RoleSpec",
    "read_aliyun_profile",
    "read_aws_profile",
    "read_tencentcloud_profile",
]

INSTANCE_METADATA = "InstanceMetadata"
"""``ProfileSpec.credential_source``: the instance's metadata role."""
ENVIRONMENT = "Environment"
"""``ProfileSpec.credential_source``: the cloud's environment variables."""

ALIYUN_MODES = ("AK", "StsToken", "RamRoleArn", "EcsRamRole")
AWS_CREDENTIAL_SOURCES = {"Environment": ENVIRONMENT, "Ec2InstanceMetadata": INSTANCE_METADATA}


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """A role a profile assumes through STS."""

    role_arn: str
    session_name: str | None = None
    duration_seconds: int | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class ProfileSpec:
    """What one profile asks for.

    The profile's base credentials are, in this order of checking: ``credential_source``
    (environment or instance metadata, with ``instance_role_name`` when the profile names
    the role), ``source_profile`` (another profile, AWS), or ``keys``. With ``role`` set the
    base credentials assume that role; without it they are the answer.
    """

    location: str
    keys: Credentials | None = None
    role: RoleSpec | None = None
    source_profile: ProfileSpec | None = None
    credential_source: str | None = None
    instance_role_name: str | None = None


def _error(path: Path, reason: str) -> CredentialRetrievalError:
    return CredentialRetrievalError(f"shared file {path}", reason)


def _read_text(path: Path) -> str | None:
    """The file's text, or ``None`` when it does not exist."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise _error(path, "the file is not UTF-8 text") from None
    except OSError as e:
        raise _error(path, f"the file cannot be read ({type(e).__name__})") from None


def _read_ini(path: Path) -> configparser.ConfigParser | None:
    text = _read_text(path)
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None)
    # The parsers' own messages quote the offending line, which may hold a secret: report
    # line numbers and names only.
    try:
        parser.read_string(text, source=str(path))
    except configparser.MissingSectionHeaderError as e:
        raise _error(path, f"line {e.lineno} comes before any [section] header") from None
    except configparser.ParsingError as e:
        lines = ", ".join(str(lineno) for lineno, _ in e.errors)
        raise _error(path, f"cannot parse line {lines} (expected 'name = value')") from None
    except configparser.DuplicateSectionError as e:
        raise _error(path, f"section [{e.section}] appears twice (line {e.lineno})") from None
    except configparser.DuplicateOptionError as e:
        raise _error(
            path, f"{e.option!r} appears twice in section [{e.section}] (line {e.lineno})"
        ) from None
    except configparser.Error as e:
        raise _error(path, f"not a valid INI file ({type(e).__name__})") from None
    return parser


def _key_pair(
    path: Path,
    where: str,
    values: Mapping[str, Any],
    names: tuple[str, str, str],
    location: str,
) -> Credentials | None:
    """Keys from ``values`` under ``names`` (id, secret, token); half a pair is an error."""
    id_name, secret_name, token_name = names
    key_id, secret, token = (values.get(name) or None for name in names)
    for name, value in zip(names, (key_id, secret, token), strict=True):
        if value is not None and not isinstance(value, str):
            raise _error(path, f"{where}: {name} must be a string")
    if key_id is None and secret is None:
        if token is not None:
            raise _error(path, f"{where} has {token_name} but no {id_name}/{secret_name}")
        return None
    if key_id is None or secret is None:
        have, missing = (id_name, secret_name) if secret is None else (secret_name, id_name)
        raise _error(path, f"{where} has {have} but no {missing}")
    return Credentials(key_id, secret, token, source=location)


def _optional_int(path: Path, where: str, name: str, value: Any) -> int | None:
    if value in (None, "", 0):  # the aliyun CLI writes 0 for "not set"
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _error(path, f"{where}: {name} must be a whole number of seconds") from None
    if number <= 0:
        raise _error(path, f"{where}: {name} must be positive")
    return number


# --- Alibaba Cloud ----------------------------------------------------------------------


def read_aliyun_profile(path: Path, profile: str | None) -> ProfileSpec | None:
    """The chosen profile of an aliyun CLI ``config.json``; ``None`` if there is none.

    The profile is ``profile`` if given, else the file's ``current``, else ``default``; a
    profile named by either of the first two must exist.
    """
    text = _read_text(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise _error(path, f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    if not isinstance(data, dict):
        raise _error(path, "the top level must be a JSON object")
    profiles = data.get("profiles", [])
    if not isinstance(profiles, list):
        raise _error(path, "'profiles' must be a list")
    by_name: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(profiles):
        if not isinstance(entry, dict):
            raise _error(path, f"profiles[{index}] must be an object")
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise _error(path, f"profiles[{index}] has no 'name'")
        by_name.setdefault(name, entry)
    current = data.get("current")
    if current is not None and not isinstance(current, str):
        raise _error(path, "'current' must be a string")
    wanted = profile or current or "default"
    entry = by_name.get(wanted)
    if entry is None:
        if profile or current:
            known = ", ".join(sorted(by_name)) or "none"
            raise _error(path, f"profile {wanted!r} not found (profiles: {known})")
        return None
    return _aliyun_spec(path, wanted, entry)


def _aliyun_spec(path: Path, name: str, entry: Mapping[str, Any]) -> ProfileSpec:
    mode = entry.get("mode") or "AK"
    if mode not in ALIYUN_MODES:
        raise _error(
            path,
            f"profile {name!r} has mode {mode!r}, which is not supported "
            f"(supported: {', '.join(ALIYUN_MODES)})",
        )
    where = f"profile {name!r} (mode {mode})"
    location = f"shared file {path}, profile {name!r}"

    def text(field: str) -> str | None:
        value = entry.get(field)
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            raise _error(path, f"{where}: {field} must be a string")
        return value

    if mode == "EcsRamRole":
        return ProfileSpec(
            location,
            credential_source=INSTANCE_METADATA,
            instance_role_name=text("ram_role_name"),
        )
    keys = _key_pair(
        path, where, entry, ("access_key_id", "access_key_secret", "sts_token"), location
    )
    if keys is None:
        raise _error(path, f"{where} needs access_key_id and access_key_secret")
    if mode != "StsToken":
        keys = keys.replace(security_token=None)  # the CLI ignores sts_token in other modes
    elif not keys.security_token:
        raise _error(path, f"{where} needs sts_token")
    if mode != "RamRoleArn":
        return ProfileSpec(location, keys=keys)
    role_arn = text("ram_role_arn")
    if role_arn is None:
        raise _error(path, f"{where} needs ram_role_arn")
    duration = _optional_int(path, where, "expired_seconds", entry.get("expired_seconds"))
    return ProfileSpec(
        location,
        keys=keys,
        role=RoleSpec(role_arn, text("ram_session_name"), duration),
    )


# --- Tencent Cloud ----------------------------------------------------------------------


def read_tencentcloud_profile(path: Path, profile: str | None) -> ProfileSpec | None:
    """Section ``profile`` (else ``default``) of a Tencent Cloud credentials INI file."""
    parser = _read_ini(path)
    if parser is None:
        return None
    wanted = profile or "default"
    if not parser.has_section(wanted):
        if profile:
            known = ", ".join(parser.sections()) or "none"
            raise _error(path, f"profile [{wanted}] not found (sections: {known})")
        return None
    values = parser[wanted]
    where = f"section [{wanted}]"
    location = f"shared file {path}, profile {wanted!r}"
    keys = _key_pair(path, where, values, ("secret_id", "secret_key", "token"), location)
    role_arn = values.get("role_arn") or None
    if role_arn is None:
        return None if keys is None else ProfileSpec(location, keys=keys)
    if keys is None:
        raise _error(path, f"{where} has role_arn but no secret_id/secret_key to assume it with")
    duration = _optional_int(path, where, "duration_seconds", values.get("duration_seconds"))
    role = RoleSpec(role_arn, values.get("role_session_name") or None, duration)
    return ProfileSpec(location, keys=keys, role=role)


# --- AWS --------------------------------------------------------------------------------


def read_aws_profile(
    credentials_path: Path, config_path: Path, profile: str | None
) -> ProfileSpec | None:
    """Profile ``profile`` (else ``default``) from the AWS credentials and config files.

    Keys in the credentials file win over the same keys in the config file. A profile with
    ``role_arn`` assumes it with ``source_profile`` (which may itself be a role profile) or
    ``credential_source`` (``Environment`` or ``Ec2InstanceMetadata``).
    """
    reader = _AWSProfiles(credentials_path, config_path)
    if not reader.any_file:
        return None
    wanted = profile or "default"
    if reader.section(wanted) is None:
        if profile:
            raise _error(
                credentials_path,
                f"profile {wanted!r} is in neither this file nor {config_path} "
                f"(profiles: {', '.join(reader.names()) or 'none'})",
            )
        return None
    return reader.spec(wanted, ())


class _AWSProfiles:
    def __init__(self, credentials_path: Path, config_path: Path) -> None:
        self.credentials_path = credentials_path
        self.config_path = config_path
        self.credentials = _read_ini(credentials_path)
        self.config = _read_ini(config_path)
        self.any_file = self.credentials is not None or self.config is not None

    def names(self) -> list[str]:
        found = set(self.credentials.sections() if self.credentials else ())
        for section in self.config.sections() if self.config else ():
            found.add(section.removeprefix("profile ").strip())
        return sorted(found)

    def _config_section(self, name: str) -> Mapping[str, str] | None:
        if self.config is None:
            return None
        for section in (f"profile {name}", name if name == "default" else None):
            if section and self.config.has_section(section):
                return self.config[section]
        return None

    def section(self, name: str) -> tuple[dict[str, str], Path] | None:
        """The merged keys of profile ``name`` and the file its access keys come from."""
        from_config = self._config_section(name)
        from_credentials = (
            self.credentials[name]
            if self.credentials is not None and self.credentials.has_section(name)
            else None
        )
        if from_config is None and from_credentials is None:
            return None
        merged = dict(from_config or {})
        merged.update(from_credentials or {})
        keys_from = (
            self.credentials_path
            if from_credentials is not None and "aws_access_key_id" in from_credentials
            else self.config_path
        )
        return merged, keys_from

    def spec(self, name: str, chain: tuple[str, ...]) -> ProfileSpec | None:
        found = self.section(name)
        if found is None:
            raise _error(
                self.config_path,
                f"source_profile {name!r} (used by profile {chain[-1]!r}) does not exist",
            )
        values, path = found
        where = f"profile {name!r}"
        location = f"shared file {path}, profile {name!r}"
        names = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
        keys = _key_pair(path, where, values, names, location)
        role_arn = values.get("role_arn") or None
        if role_arn is None:
            return None if keys is None else ProfileSpec(location, keys=keys)
        source_profile = values.get("source_profile") or None
        credential_source = values.get("credential_source") or None
        if (source_profile is None) == (credential_source is None):
            raise _error(
                self.config_path,
                f"{where} has role_arn and needs exactly one of source_profile or "
                "credential_source",
            )
        duration = _optional_int(path, where, "duration_seconds", values.get("duration_seconds"))
        role = RoleSpec(
            role_arn,
            values.get("role_session_name") or None,
            duration,
            values.get("external_id") or None,
        )
        location = f"shared file {self.config_path}, profile {name!r}"
        if credential_source is not None:
            source = AWS_CREDENTIAL_SOURCES.get(credential_source)
            if source is None:
                raise _error(
                    self.config_path,
                    f"{where} has credential_source {credential_source!r}; supported: "
                    f"{', '.join(AWS_CREDENTIAL_SOURCES)}",
                )
            return ProfileSpec(location, role=role, credential_source=source)
        assert source_profile is not None
        if source_profile == name:
            # A profile may name itself: its own keys assume its role.
            if keys is None:
                raise _error(path, f"{where} is its own source_profile but has no keys")
            return ProfileSpec(location, keys=keys, role=role)
        if source_profile in chain:
            loop = " -> ".join((*chain, name, source_profile))
            raise _error(self.config_path, f"source_profile loop: {loop}")
        source_spec = self.spec(source_profile, (*chain, name))
        if source_spec is None:
            raise _error(
                self.config_path,
                f"source_profile {source_profile!r} of {where} has no credentials",
            )
        return ProfileSpec(location, role=role, source_profile=source_spec)

"""The credential chain of each cloud: where credentials are looked for, and in what order.

For every cloud, first hit wins:

1. explicit arguments (``access_key_id``/``access_key_secret``/``security_token`` or a
   ``credentials`` object): never overridden by anything else;
2. the environment (``ALIBABA_CLOUD_ACCESS_KEY_ID`` ..., ``TENCENTCLOUD_SECRET_ID`` ...,
   ``AWS_ACCESS_KEY_ID`` ...);
3. the shared file's profile (``~/.aliyun/config.json``, ``~/.tencentcloud/credentials``,
   ``~/.aws/credentials`` + ``~/.aws/config``), which may itself assume a role or use the
   instance's role;
4. a role named in the environment (``ALIBABA_CLOUD_ROLE_ARN``, ``TENCENTCLOUD_ROLE_ARN``,
   ``AWS_ROLE_ARN``): when set, the credentials steps 2, 3 and 5 find are not used
   directly but to assume that role;
5. the instance metadata role.

:func:`build_chain` builds that chain for one cloud; :meth:`CredentialChain.resolve` walks
it and raises :class:`NoCredentialsError` listing every place it looked.
``credentials_source(creds)`` says which place won.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cloudcore.auth.assume_role import AssumeRoleProvider, ClientFactory
from cloudcore.auth.config_files import (
    ENVIRONMENT,
    INSTANCE_METADATA,
    ProfileSpec,
    RoleSpec,
    read_aliyun_profile,
    read_aws_profile,
    read_tencentcloud_profile,
)
from cloudcore.auth.credentials import (
    AnyCredentials,
    CredentialProvider,
    Credentials,
    credentials_source,
    utc_now,
)
from cloudcore.auth.metadata import DEFAULT_TIMEOUT, InstanceMetadataProvider
from cloudcore.exceptions import CredentialRetrievalError, NoCredentialsError

__all__ = [
    "CLOUDS",
    "CLOUD_VARIABLES",
    "CloudVariables",
    "CredentialChain",
    "EnvironmentProvider",
    "ExplicitProvider",
    "SharedFileProvider",
    "StaticProvider",
    "build_chain",
    "credentials_source",
]


@dataclass(frozen=True, slots=True)
class CloudVariables:
    """The environment variables one cloud's chain reads."""

    access_key_id: str
    access_key_secret: str
    security_token: str
    profile: str
    role_arn: str
    role_session_name: str


CLOUD_VARIABLES: dict[str, CloudVariables] = {
    "aliyun": CloudVariables(
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_PROFILE",
        "ALIBABA_CLOUD_ROLE_ARN",
        "ALIBABA_CLOUD_ROLE_SESSION_NAME",
    ),
    "tencentcloud": CloudVariables(
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_SESSION_TOKEN",
        "TENCENTCLOUD_PROFILE",
        "TENCENTCLOUD_ROLE_ARN",
        "TENCENTCLOUD_ROLE_SESSION_NAME",
    ),
    "aws": CloudVariables(
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_ROLE_ARN",
        "AWS_ROLE_SESSION_NAME",
    ),
}
CLOUDS = tuple(CLOUD_VARIABLES)


class StaticProvider(CredentialProvider):
    """Credentials already at hand (e.g. a profile's keys), returned as they are."""

    def __init__(self, credentials: AnyCredentials | None, name: str) -> None:
        self.credentials = credentials
        self.name = name

    def load(self) -> AnyCredentials | None:
        return self.credentials


class ExplicitProvider(CredentialProvider):
    """Credentials passed in code: a credentials object or the key arguments."""

    name = "explicit arguments"

    def __init__(
        self,
        credentials: AnyCredentials | None = None,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        security_token: str | None = None,
    ) -> None:
        if credentials is not None and (access_key_id or access_key_secret or security_token):
            raise CredentialRetrievalError(
                self.name, "pass either credentials or access_key_id/access_key_secret, not both"
            )
        if credentials is None and (access_key_id or access_key_secret or security_token):
            if not (access_key_id and access_key_secret):
                raise CredentialRetrievalError(
                    self.name, "access_key_id and access_key_secret must be given together"
                )
            credentials = Credentials(
                access_key_id, access_key_secret, security_token or None, source=self.name
            )
        self.credentials = credentials

    def load(self) -> AnyCredentials | None:
        return self.credentials


class EnvironmentProvider(CredentialProvider):
    """Keys from the cloud's environment variables; half a pair is an error."""

    def __init__(self, cloud: str, environ: Mapping[str, str]) -> None:
        self.variables = CLOUD_VARIABLES[cloud]
        self._environ = environ
        self.name = (
            f"environment variables {self.variables.access_key_id}/"
            f"{self.variables.access_key_secret}"
        )

    def load(self) -> Credentials | None:
        names = self.variables
        key_id = self._environ.get(names.access_key_id) or None
        secret = self._environ.get(names.access_key_secret) or None
        token = self._environ.get(names.security_token) or None
        if key_id is None and secret is None:
            if token is not None:
                raise CredentialRetrievalError(
                    self.name,
                    f"{names.security_token} is set but {names.access_key_id} and "
                    f"{names.access_key_secret} are not",
                )
            return None
        if key_id is None or secret is None:
            have, missing = (
                (names.access_key_id, names.access_key_secret)
                if secret is None
                else (names.access_key_secret, names.access_key_id)
            )
            raise CredentialRetrievalError(self.name, f"{have} is set but {missing} is not")
        return Credentials(key_id, secret, token, source=self.name)


class SharedFileProvider(CredentialProvider):
    """The chosen profile of a cloud's shared credentials file(s).

    A profile that asks for a role or for the instance's role gets it; if that source
    finds nothing, that is an error rather than a silent fall-through, since the profile
    said where the credentials must come from.
    """

    def __init__(
        self,
        name: str,
        read: Callable[[], ProfileSpec | None],
        realise: Callable[[ProfileSpec], CredentialProvider],
    ) -> None:
        self.name = name
        self._read = read
        self._realise = realise

    def load(self) -> AnyCredentials | None:
        spec = self._read()
        if spec is None:
            return None
        credentials = self._realise(spec).load()
        if credentials is None:
            raise CredentialRetrievalError(
                spec.location, "the source of credentials this profile names found none"
            )
        return credentials


class CredentialChain(CredentialProvider):
    """Providers in order; the first that finds credentials wins."""

    def __init__(self, providers: Sequence[CredentialProvider], cloud: str = "") -> None:
        self.providers = tuple(providers)
        self.cloud = cloud
        self.name = "; ".join(provider.name for provider in self.providers)

    def looked_in(self) -> list[str]:
        """Every place the chain looks, in order."""
        return [place for provider in self.providers for place in provider.looked_in()]

    def load(self) -> AnyCredentials | None:
        for provider in self.providers:
            credentials = provider.load()
            if credentials is not None:
                return credentials
        return None

    def resolve(self) -> AnyCredentials:
        """The first credentials found; :class:`NoCredentialsError` if none."""
        credentials = self.load()
        if credentials is None:
            raise NoCredentialsError(self.cloud, looked_in=self.looked_in())
        return credentials

    def __repr__(self) -> str:
        return f"CredentialChain({self.cloud!r}, {self.looked_in()!r})"


@dataclass(frozen=True, slots=True)
class _ChainContext:
    cloud: str
    environ: Mapping[str, str]
    client_factory: ClientFactory | None
    now: Callable[[], datetime]
    metadata_timeout: float

    def metadata(self, role_name: str | None = None) -> InstanceMetadataProvider:
        return InstanceMetadataProvider(
            self.cloud,
            self.environ,
            role_name=role_name,
            timeout=self.metadata_timeout,
            now=self.now,
        )

    def assume(self, role: RoleSpec, source: CredentialProvider, origin: str) -> CredentialProvider:
        return AssumeRoleProvider(
            self.cloud, role, source, self.client_factory, origin=origin, now=self.now
        )

    def realise(self, spec: ProfileSpec) -> CredentialProvider:
        """The provider a profile describes."""
        base: CredentialProvider
        if spec.credential_source == ENVIRONMENT:
            base = EnvironmentProvider(self.cloud, self.environ)
        elif spec.credential_source == INSTANCE_METADATA:
            base = self.metadata(spec.instance_role_name)
        elif spec.source_profile is not None:
            base = self.realise(spec.source_profile)
        else:
            base = StaticProvider(spec.keys, spec.location)
        return self.assume(spec.role, base, spec.location) if spec.role else base


def _path(environ: Mapping[str, str], variable: str, home: Path, default: str) -> Path:
    raw = environ.get(variable)
    if not raw:
        return home / default
    if raw == "~" or raw.startswith("~/"):
        return home / raw[2:]
    return Path(raw)


def _shared_file_provider(
    context: _ChainContext, profile: str | None, home: Path
) -> SharedFileProvider:
    environ, cloud = context.environ, context.cloud
    chosen = profile or environ.get(CLOUD_VARIABLES[cloud].profile) or None
    read: Callable[[], ProfileSpec | None]
    if cloud == "aliyun":
        path = _path(environ, "ALIBABA_CLOUD_CONFIG_FILE", home, ".aliyun/config.json")
        where = f"shared file {path}, profile {chosen or '(current)'}"
        read = lambda: read_aliyun_profile(path, chosen)  # noqa: E731
    elif cloud == "tencentcloud":
        path = _path(environ, "TENCENTCLOUD_CREDENTIALS_FILE", home, ".tencentcloud/credentials")
        where = f"shared file {path}, profile {chosen or 'default'}"
        read = lambda: read_tencentcloud_profile(path, chosen)  # noqa: E731
    else:
        credentials = _path(environ, "AWS_SHARED_CREDENTIALS_FILE", home, ".aws/credentials")
        config = _path(environ, "AWS_CONFIG_FILE", home, ".aws/config")
        where = f"shared files {credentials} and {config}, profile {chosen or 'default'}"
        read = lambda: read_aws_profile(credentials, config, chosen)  # noqa: E731
    return SharedFileProvider(where, read, context.realise)


def build_chain(
    cloud: str,
    *,
    profile: str | None = None,
    explicit: AnyCredentials | None = None,
    environ: Mapping[str, str] | None = None,
    client_factory: ClientFactory | None = None,
    home: Path | None = None,
    now: Callable[[], datetime] = utc_now,
    metadata_timeout: float = DEFAULT_TIMEOUT,
) -> CredentialChain:
    """The documented chain for ``cloud`` (``"aliyun"``, ``"tencentcloud"`` or ``"aws"``).

    ``environ`` and ``home`` default to the process's; ``client_factory`` makes the STS
    clients that assume roles (``("aliyun.sts", source_credentials) -> client``).
    """
    if cloud not in CLOUD_VARIABLES:
        raise ValueError(f"Unknown cloud {cloud!r}; expected one of {', '.join(CLOUDS)}")
    environ = os.environ if environ is None else environ
    if home is None:
        home = Path(environ.get("HOME") or os.path.expanduser("~"))
    context = _ChainContext(cloud, environ, client_factory, now, metadata_timeout)
    explicit_step = ExplicitProvider(explicit)
    found = [
        EnvironmentProvider(cloud, environ),
        _shared_file_provider(context, profile, home),
        context.metadata(),
    ]
    variables = CLOUD_VARIABLES[cloud]
    role_arn = environ.get(variables.role_arn)
    if not role_arn:
        return CredentialChain([explicit_step, *found], cloud)
    role = RoleSpec(role_arn, environ.get(variables.role_session_name) or None)
    source = CredentialChain(found, cloud)
    return CredentialChain(
        [explicit_step, context.assume(role, source, f"from {variables.role_arn}")], cloud
    )

"""Assume-role through each cloud's own STS: Alibaba RAM, Tencent CAM and AWS IAM roles.

The three clouds differ only in names, so they are one table (:data:`STS_DIALECTS`) and one
provider. STS is called with cloudcore's own clients, obtained from an injected
``client_factory(service_name, source_credentials)`` (the session passes its
``create_client``), so this module never imports the session. The result is
:class:`RefreshableCredentials` that assume the role again before expiry, each time with
fresh source credentials.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cloudcore.auth.config_files import RoleSpec
from cloudcore.auth.credentials import (
    AnyCredentials,
    CredentialFields,
    CredentialProvider,
    Credentials,
    RefreshableCredentials,
    utc_now,
)
from cloudcore.exceptions import CloudcoreError, CredentialRetrievalError

__all__ = ["DEFAULT_ROLE_DURATION", "STS_DIALECTS", "AssumeRoleProvider", "STSDialect"]

ClientFactory = Callable[[str, Credentials], Any]
"""``(cloud-qualified service name, source credentials) -> client with assume_role()``."""

DEFAULT_ROLE_DURATION = 3600
"""Seconds asked for when the configuration says nothing (every cloud accepts 900-3600)."""


@dataclass(frozen=True, slots=True)
class STSDialect:
    """How one cloud's ``AssumeRole`` is called and where its answer keeps the keys."""

    service: str
    role_kind: str
    fields: CredentialFields


STS_DIALECTS: dict[str, STSDialect] = {
    "aliyun": STSDialect(
        "aliyun.sts",
        "RAM role",
        CredentialFields(
            ("Credentials", "AccessKeyId"),
            ("Credentials", "AccessKeySecret"),
            ("Credentials", "SecurityToken"),
            (("Credentials", "Expiration"),),
        ),
    ),
    "tencentcloud": STSDialect(
        "tencentcloud.sts",
        "CAM role",
        CredentialFields(
            ("Credentials", "TmpSecretId"),
            ("Credentials", "TmpSecretKey"),
            ("Credentials", "Token"),
            (("ExpiredTime",), ("Expiration",)),
        ),
    ),
    "aws": STSDialect(
        "aws.sts",
        "IAM role",
        CredentialFields(
            ("Credentials", "AccessKeyId"),
            ("Credentials", "SecretAccessKey"),
            ("Credentials", "SessionToken"),
            (("Credentials", "Expiration"),),
        ),
    ),
}


class AssumeRoleProvider(CredentialProvider):
    """Assumes ``role`` with the credentials ``source`` finds.

    Returns ``None`` when ``source`` finds nothing. The first ``AssumeRole`` call happens
    when the credentials are first used, not when they are found.
    """

    def __init__(
        self,
        cloud: str,
        role: RoleSpec,
        source: CredentialProvider,
        client_factory: ClientFactory | None,
        *,
        origin: str,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.dialect = STS_DIALECTS[cloud]
        self.role = role
        self.source = source
        self._client_factory = client_factory
        self._now = now
        self._role_label = f"{self.dialect.role_kind} {role.role_arn} ({origin})"
        self.name = f"{self._role_label}, assumed with {source.name}"

    def looked_in(self) -> list[str]:
        return [f"{place} (to assume {self._role_label})" for place in self.source.looked_in()]

    def load(self) -> RefreshableCredentials | None:
        source_credentials = self.source.load()
        if source_credentials is None:
            return None
        if self._client_factory is None:
            raise CredentialRetrievalError(
                self.name, "no STS client factory was given to assume the role"
            )
        label = (
            f"{self.dialect.role_kind} {self.role.role_arn} assumed with "
            f"{source_credentials.source}"
        )
        return RefreshableCredentials(
            lambda: self._assume(source_credentials, label), source=label, now=self._now
        )

    def _assume(self, source_credentials: AnyCredentials, label: str) -> Credentials:
        assert self._client_factory is not None
        params: dict[str, Any] = {
            "RoleArn": self.role.role_arn,
            "RoleSessionName": self.role.session_name
            or f"cloudcore-{int(self._now().timestamp())}",
            "DurationSeconds": self.role.duration_seconds or DEFAULT_ROLE_DURATION,
        }
        if self.role.external_id:
            params["ExternalId"] = self.role.external_id
        try:
            client = self._client_factory(self.dialect.service, source_credentials.get_frozen())
            answer = client.assume_role(**params)
        except CloudcoreError as e:
            raise CredentialRetrievalError(label, f"AssumeRole failed: {e}") from e
        if not isinstance(answer, dict):
            raise CredentialRetrievalError(label, "AssumeRole answered something not a dict")
        return self.dialect.fields.extract(answer, label)

"""Instance metadata roles: Alibaba ECS RAM roles, Tencent CVM CAM roles and AWS EC2 roles.

All three services work the same way: list the instance's role name, then GET its
temporary credentials as JSON. Alibaba and AWS also issue a session token first (PUT
``/latest/api/token``); when the token request is refused the provider falls back to
plain GETs, unless the cloud's "v1 disabled" variable forbids it. The differences are one
table (:data:`METADATA_SERVICES`).

Requests are short: 1 s to connect, 1 s to read, at most one retry, so a machine outside
the cloud gives up within seconds. An unreachable service (or an instance without a role)
means "no credentials here"; a service that answers nonsense is an error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cloudcore.auth.credentials import (
    CredentialFields,
    CredentialProvider,
    Credentials,
    RefreshableCredentials,
    utc_now,
)
from cloudcore.exceptions import CredentialRetrievalError

if TYPE_CHECKING:
    import urllib3

__all__ = ["METADATA_SERVICES", "InstanceMetadataProvider", "MetadataService"]

logger = logging.getLogger("cloudcore.auth")

DEFAULT_TIMEOUT = 1.0
TOKEN_TTL_SECONDS = 21600


@dataclass(frozen=True, slots=True)
class MetadataService:
    """One cloud's instance metadata service, as far as credentials go."""

    role_kind: str
    default_endpoint: str
    endpoint_env: str
    disabled_env: str
    roles_path: str
    fields: CredentialFields
    token_path: str | None = None
    token_ttl_header: str = ""
    token_header: str = ""
    v1_disabled_env: str = ""


_TOKEN_PATH = "/latest/api/token"

METADATA_SERVICES: dict[str, MetadataService] = {
    "aliyun": MetadataService(
        role_kind="ECS RAM role",
        default_endpoint="http://100.100.100.200",
        endpoint_env="ALIBABA_CLOUD_ECS_METADATA_ENDPOINT",
        disabled_env="ALIBABA_CLOUD_ECS_METADATA_DISABLED",
        roles_path="/latest/meta-data/ram/security-credentials/",
        fields=CredentialFields(
            ("AccessKeyId",), ("AccessKeySecret",), ("SecurityToken",), (("Expiration",),)
        ),
        token_path=_TOKEN_PATH,
        token_ttl_header="X-aliyun-ecs-metadata-token-ttl-seconds",
        token_header="X-aliyun-ecs-metadata-token",
        v1_disabled_env="ALIBABA_CLOUD_IMDSV1_DISABLED",
    ),
    "tencentcloud": MetadataService(
        role_kind="CVM CAM role",
        default_endpoint="http://metadata.tencentyun.com",
        endpoint_env="TENCENTCLOUD_METADATA_ENDPOINT",
        disabled_env="TENCENTCLOUD_METADATA_DISABLED",
        roles_path="/latest/meta-data/cam/security-credentials/",
        fields=CredentialFields(
            ("TmpSecretId",), ("TmpSecretKey",), ("Token",), (("ExpiredTime",), ("Expiration",))
        ),
    ),
    "aws": MetadataService(
        role_kind="EC2 IAM role",
        default_endpoint="http://169.254.169.254",
        endpoint_env="AWS_EC2_METADATA_SERVICE_ENDPOINT",
        disabled_env="AWS_EC2_METADATA_DISABLED",
        roles_path="/latest/meta-data/iam/security-credentials/",
        fields=CredentialFields(
            ("AccessKeyId",), ("SecretAccessKey",), ("Token",), (("Expiration",),)
        ),
        token_path=_TOKEN_PATH,
        token_ttl_header="X-aws-ec2-metadata-token-ttl-seconds",
        token_header="X-aws-ec2-metadata-token",
        v1_disabled_env="AWS_EC2_METADATA_V1_DISABLED",
    ),
}


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


class InstanceMetadataProvider(CredentialProvider):
    """Role credentials from the instance metadata service of ``cloud``.

    ``role_name`` skips the lookup of the instance's role (Alibaba's ``EcsRamRole``
    profiles may name it). ``timeout`` bounds connecting and reading, each.
    """

    def __init__(
        self,
        cloud: str,
        environ: Mapping[str, str],
        *,
        role_name: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self.service = METADATA_SERVICES[cloud]
        endpoint = environ.get(self.service.endpoint_env) or self.service.default_endpoint
        if "://" not in endpoint:
            endpoint = "http://" + endpoint
        self.endpoint = endpoint.rstrip("/")
        self.disabled = _is_true(environ.get(self.service.disabled_env))
        self.v1_disabled = bool(self.service.v1_disabled_env) and _is_true(
            environ.get(self.service.v1_disabled_env)
        )
        self.role_name = role_name
        self.timeout = timeout
        self._now = now
        self._http: urllib3.PoolManager | None = None
        off = f" (disabled by {self.service.disabled_env}=true)" if self.disabled else ""
        self.name = f"{self.service.role_kind} from instance metadata at {self.endpoint}{off}"

    def load(self) -> RefreshableCredentials | None:
        if self.disabled:
            return None
        first = self._fetch()
        if first is None:
            return None
        return RefreshableCredentials(
            self._fetch_or_fail, source=first.source, initial=first, now=self._now
        )

    def _fetch_or_fail(self) -> Credentials:
        creds = self._fetch()
        if creds is None:
            raise CredentialRetrievalError(
                self.name, "the metadata service did not answer or has no role any more"
            )
        return creds

    def _pool(self) -> urllib3.PoolManager:
        if self._http is None:
            # Imported here: only instances that reach this step pay for urllib3.
            import urllib3

            self._http = urllib3.PoolManager(
                num_pools=1,
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
                retries=urllib3.Retry(
                    total=1,
                    redirect=0,
                    status=0,
                    other=0,
                    backoff_factor=0,
                    raise_on_redirect=False,
                    raise_on_status=False,
                ),
            )
        return self._http

    def _request(
        self, method: str, path: str, headers: Mapping[str, str]
    ) -> tuple[int, bytes] | None:
        """``(status, body)``, or ``None`` when the service cannot be reached in time."""
        import urllib3

        try:
            response = self._pool().request(method, self.endpoint + path, headers=dict(headers))
        except urllib3.exceptions.HTTPError as e:
            logger.debug("Instance metadata at %s unreachable: %s", self.endpoint, type(e).__name__)
            return None
        return response.status, response.data

    def _token_headers(self) -> dict[str, str] | None:
        """The session-token header, ``{}`` in plain-GET mode, ``None`` if unreachable."""
        service = self.service
        if service.token_path is None:
            return {}
        answer = self._request(
            "PUT", service.token_path, {service.token_ttl_header: str(TOKEN_TTL_SECONDS)}
        )
        if answer is None:
            return None
        status, body = answer
        if status == 200 and body.strip():
            return {service.token_header: body.decode("utf-8", "replace").strip()}
        if self.v1_disabled:
            raise CredentialRetrievalError(
                self.name,
                f"the session token request answered HTTP {status} and "
                f"{service.v1_disabled_env}=true forbids requests without a token",
            )
        return {}

    def _fetch(self) -> Credentials | None:
        headers = self._token_headers()
        if headers is None:
            return None
        role = self.role_name
        if not role:
            listing = self._request("GET", self.service.roles_path, headers)
            if listing is None or listing[0] == 404:
                return None  # outside the cloud, or an instance without a role
            role = self._role_from_listing(*listing)
            if role is None:
                return None
        answer = self._request("GET", self.service.roles_path + quote(role, safe=""), headers)
        if answer is None:
            return None
        status, body = answer
        where = f"{self.service.role_kind} {role!r} from instance metadata at {self.endpoint}"
        if status != 200:
            raise CredentialRetrievalError(where, f"the credentials request answered HTTP {status}")
        try:
            document: Any = json.loads(body)
        except ValueError:
            raise CredentialRetrievalError(where, "the answer is not JSON") from None
        if not isinstance(document, dict):
            raise CredentialRetrievalError(where, "the answer is not a JSON object")
        code = document.get("Code")
        if code is not None and code != "Success":
            raise CredentialRetrievalError(where, f"the answer has Code {str(code)[:40]!r}")
        return self.service.fields.extract(document, where)

    def _role_from_listing(self, status: int, body: bytes) -> str | None:
        if status != 200:
            raise CredentialRetrievalError(
                self.name, f"listing the instance's role answered HTTP {status}"
            )
        lines = body.decode("utf-8", "replace").split()
        return lines[0] if lines else None

"""Instance metadata: role credentials as an instance of each cloud serves them.

- Alibaba Cloud: ``/latest/meta-data/ram/security-credentials/[ROLE]`` (optionally with a
  token from ``PUT /latest/api/token`` and ``X-aliyun-ecs-metadata-token-ttl-seconds``);
- Tencent Cloud: ``/latest/meta-data/cam/security-credentials/[ROLE]``;
- AWS: ``/latest/meta-data/iam/security-credentials/[ROLE]`` behind an IMDSv2 session
  token from ``PUT /latest/api/token`` with ``X-aws-ec2-metadata-token-ttl-seconds``.

The role's credentials are temporary credentials from the emulator's credential table,
so requests signed with them are accepted until they expire.
"""

from __future__ import annotations

import json
import secrets
import threading
from datetime import datetime, timedelta
from typing import Any

from cloudcore.auth.credentials import Credentials
from cloudcore.emulator.services.base import EmulatorEnv, iso_seconds
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse

__all__ = ["DEFAULT_ROLE_NAME", "InstanceMetadata"]

DEFAULT_ROLE_NAME = "cloudcore-emulator-role"
ROLE_CREDENTIAL_SECONDS = 6 * 3600
_CLOUD_BY_SEGMENT = {"ram": "aliyun", "cam": "tencentcloud", "iam": "aws"}
_TOKEN_TTL_HEADERS = {
    "x-aws-ec2-metadata-token-ttl-seconds": ("aws", "x-aws-ec2-metadata-token"),
    "x-aliyun-ecs-metadata-token-ttl-seconds": ("aliyun", "x-aliyun-ecs-metadata-token"),
}
_TOKEN_HEADERS = {"aws": "x-aws-ec2-metadata-token", "aliyun": "x-aliyun-ecs-metadata-token"}


def _text(status: int, text: str, content_type: str = "text/plain") -> HTTPResponse:
    return HTTPResponse(status, HTTPHeaders({"Content-Type": content_type}), text.encode())


class InstanceMetadata:
    """The ``/latest/`` tree of the three clouds' metadata services."""

    def __init__(self, env: EmulatorEnv, role_name: str = DEFAULT_ROLE_NAME) -> None:
        self.env = env
        self.role_name = role_name
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, datetime]] = {}  # token -> (cloud, expiry)
        self._role_credentials: dict[str, Credentials] = {}

    def reset(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._role_credentials.clear()

    def handle(self, request: HTTPRequest) -> HTTPResponse:
        path = request.path
        if path == "/latest/api/token":
            return self._issue_token(request)
        parts = path.strip("/").split("/")
        # latest / meta-data / <ram|cam|iam> / security-credentials / [role]
        if (
            len(parts) < 4
            or parts[1] != "meta-data"
            or parts[2] not in _CLOUD_BY_SEGMENT
            or parts[3] != "security-credentials"
        ):
            return _text(404, "Not Found")
        cloud = _CLOUD_BY_SEGMENT[parts[2]]
        if request.method not in ("GET", "HEAD"):
            return _text(405, "Method Not Allowed")
        refusal = self._check_token(request, cloud)
        if refusal is not None:
            return refusal
        role = parts[4] if len(parts) > 4 else ""
        if not role:
            return _text(200, self.role_name)
        if role != self.role_name:
            return _text(404, "Not Found")
        return _text(200, json.dumps(self._document(cloud)), "application/json")

    def _issue_token(self, request: HTTPRequest) -> HTTPResponse:
        if request.method != "PUT":
            return _text(405, "Method Not Allowed")
        for header, (cloud, _) in _TOKEN_TTL_HEADERS.items():
            raw = request.headers.get(header)
            if raw is None:
                continue
            try:
                ttl = int(raw)
            except ValueError:
                return _text(400, "Bad Request")
            if not 1 <= ttl <= 21600:
                return _text(400, "Bad Request")
            token = secrets.token_urlsafe(32)
            with self._lock:
                self._tokens[token] = (cloud, self.env.clock() + timedelta(seconds=ttl))
            return HTTPResponse(
                200, HTTPHeaders({"Content-Type": "text/plain", header: str(ttl)}), token.encode()
            )
        return _text(400, "Bad Request")

    def _check_token(self, request: HTTPRequest, cloud: str) -> HTTPResponse | None:
        header = _TOKEN_HEADERS.get(cloud)
        if header is None:
            return None
        token = request.headers.get(header)
        if token is None:
            # IMDSv2 is required on AWS (as the hardened default is); Alibaba's is optional.
            return _text(401, "Unauthorized") if cloud == "aws" else None
        with self._lock:
            entry = self._tokens.get(str(token))
        if entry is None or entry[0] != cloud or entry[1] <= self.env.clock():
            return _text(401, "Unauthorized")
        return None

    def _credentials(self, cloud: str) -> Credentials:
        now = self.env.clock()
        with self._lock:
            creds = self._role_credentials.get(cloud)
            if (
                creds is None
                or creds.expiration is None
                or creds.expiration - now < timedelta(minutes=30)
            ):
                role_arn = f"acs:ram::123456789012:role/{self.role_name}"
                creds = self.env.credentials.issue_temporary(
                    now, ROLE_CREDENTIAL_SECONDS, "STS.", role_arn, "instance"
                )
                self._role_credentials[cloud] = creds
            return creds

    def _document(self, cloud: str) -> dict[str, Any]:
        creds = self._credentials(cloud)
        assert creds.expiration is not None
        expiration = iso_seconds(creds.expiration)
        updated = iso_seconds(self.env.clock())
        if cloud == "aliyun":
            return {
                "AccessKeyId": creds.access_key_id,
                "AccessKeySecret": creds.access_key_secret,
                "SecurityToken": creds.security_token,
                "Expiration": expiration,
                "LastUpdated": updated,
                "Code": "Success",
            }
        if cloud == "tencentcloud":
            return {
                "TmpSecretId": creds.access_key_id,
                "TmpSecretKey": creds.access_key_secret,
                "Token": creds.security_token,
                "ExpiredTime": int(creds.expiration.timestamp()),
                "Expiration": expiration,
                "Code": "Success",
            }
        return {
            "Code": "Success",
            "LastUpdated": updated,
            "Type": "AWS-HMAC",
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.access_key_secret,
            "Token": creds.security_token,
            "Expiration": expiration,
        }

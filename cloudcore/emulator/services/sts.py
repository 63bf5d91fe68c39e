"""STS for the three clouds: AssumeRole issues temporary credentials that the emulator
accepts until they expire; GetCallerIdentity says whose key signed the call; AWS also
has GetSessionToken.
"""

from __future__ import annotations

from typing import Any

from cloudcore.auth.credentials import Credentials
from cloudcore.emulator.errors import ServiceError
from cloudcore.emulator.services.base import (
    Behaviour,
    CallContext,
    emulates,
    iso_seconds,
    require_param,
)

__all__ = ["AliyunStsBehaviour", "AwsStsBehaviour", "TencentStsBehaviour"]


def _duration(params: dict[str, Any], default: int, low: int, high: int, code: str) -> int:
    raw = params.get("DurationSeconds")
    seconds = default if raw in (None, "") else int(raw)
    if not low <= seconds <= high:
        raise ServiceError(code, f"DurationSeconds must be between {low} and {high}.", 400)
    return seconds


def _issue(ctx: CallContext, seconds: int, prefix: str, params: dict[str, Any]) -> Credentials:
    role_arn = str(params.get("RoleArn") or "") or None
    session = str(params.get("RoleSessionName") or "") or None
    return ctx.env.credentials.issue_temporary(ctx.now, seconds, prefix, role_arn, session)


def _identity(ctx: CallContext) -> Any:
    identity = ctx.env.credentials.identity(ctx.access_key_id)
    if identity is None:  # verified a moment ago, so only a reset in between gets here
        raise ServiceError("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
    return identity


class AliyunStsBehaviour(Behaviour):
    @emulates("AssumeRole")
    def assume_role(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        require_param(params, "RoleArn")
        require_param(params, "RoleSessionName")
        seconds = _duration(params, 3600, 900, 43200, "InvalidParameter.DurationSeconds")
        creds = _issue(ctx, seconds, "STS.", params)
        identity = ctx.env.credentials.identity(creds.access_key_id)
        assert creds.expiration is not None and identity is not None
        return {
            "Credentials": {
                "AccessKeyId": creds.access_key_id,
                "AccessKeySecret": creds.access_key_secret,
                "SecurityToken": creds.security_token,
                "Expiration": iso_seconds(creds.expiration),
            },
            "AssumedRoleUser": {"Arn": identity.arn, "AssumedRoleId": identity.user_id},
        }

    @emulates("GetCallerIdentity")
    def get_caller_identity(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        identity = _identity(ctx)
        return {
            "AccountId": identity.account_id,
            "UserId": identity.user_id,
            "Arn": identity.arn,
            "IdentityType": "AssumedRoleUser" if identity.role_arn else "RAMUser",
            "PrincipalId": identity.user_id,
            "RoleId": identity.user_id.split(":", 1)[0] if identity.role_arn else "",
        }


class TencentStsBehaviour(Behaviour):
    @emulates("AssumeRole")
    def assume_role(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        require_param(params, "RoleArn")
        require_param(params, "RoleSessionName")
        seconds = _duration(params, 1800, 1, 43200, "InvalidParameter.DurationSeconds")
        creds = _issue(ctx, seconds, "AKID", params)
        assert creds.expiration is not None
        return {
            "Credentials": {
                "TmpSecretId": creds.access_key_id,
                "TmpSecretKey": creds.access_key_secret,
                "Token": creds.security_token,
            },
            "ExpiredTime": int(creds.expiration.timestamp()),
            "Expiration": iso_seconds(creds.expiration),
        }

    @emulates("GetCallerIdentity")
    def get_caller_identity(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        identity = _identity(ctx)
        return {
            "Arn": identity.arn.replace("arn:cloudcore:", "qcs::"),
            "AccountId": identity.account_id,
            "UserId": identity.user_id,
            "PrincipalId": identity.account_id,
            "Type": "CAMRole" if identity.role_arn else "CAMUser",
        }


class AwsStsBehaviour(Behaviour):
    def _credentials(self, creds: Credentials) -> dict[str, Any]:
        return {
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.access_key_secret,
            "SessionToken": creds.security_token,
            "Expiration": creds.expiration,
        }

    @emulates("AssumeRole")
    def assume_role(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        require_param(params, "RoleArn", "MissingParameter")
        require_param(params, "RoleSessionName", "MissingParameter")
        seconds = _duration(params, 3600, 900, 43200, "ValidationError")
        creds = _issue(ctx, seconds, "ASIA", params)
        identity = ctx.env.credentials.identity(creds.access_key_id)
        assert identity is not None
        return {
            "Credentials": self._credentials(creds),
            "AssumedRoleUser": {"AssumedRoleId": identity.user_id, "Arn": identity.arn},
            "PackedPolicySize": 0,
        }

    @emulates("GetSessionToken")
    def get_session_token(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        seconds = _duration(params, 43200, 900, 129600, "ValidationError")
        creds = _issue(ctx, seconds, "ASIA", {})
        return {"Credentials": self._credentials(creds)}

    @emulates("GetCallerIdentity")
    def get_caller_identity(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        identity = _identity(ctx)
        return {
            "UserId": identity.user_id,
            "Account": identity.account_id,
            "Arn": identity.arn.replace("arn:cloudcore:", "arn:aws:"),
        }

"""S3 presigned POST uploads: a ``multipart/form-data`` POST to a bucket whose fields
carry a base64 policy and its SigV4 signature.

Checked as S3 checks them: the signature (HMAC-SHA256 of the policy text under the day's
S3 signing key of the credential's secret), the policy's ``expiration``, and every
condition (exact matches as ``{"field": value}`` or ``["eq", "$field", value]``,
``["starts-with", "$field", prefix]`` and ``["content-length-range", min, max]``); every
form field except the signature, the policy and the file must be covered by a condition.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

from cloudcore.emulator.errors import ServiceError, standard_error
from cloudcore.emulator.services.base import CallContext
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse

if TYPE_CHECKING:
    from cloudcore.emulator.services.s3 import S3Behaviour

__all__ = ["handle_post_upload", "parse_form"]

_UNCHECKED = frozenset({"policy", "x-amz-signature", "file"})
_IGNORED_PREFIX = "x-ignore-"


def parse_form(request: HTTPRequest) -> tuple[dict[str, str], bytes, str]:
    """The form's text fields (lower-cased names), the file's bytes and file name."""
    content_type = str(request.headers.get("Content-Type", ""))
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.body_bytes())
    fields: dict[str, str] = {}
    data, filename = b"", ""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        if name.lower() == "file":
            data = raw
            filename = str(part.get_filename() or "")
        else:
            fields[name.lower()] = raw.decode("utf-8")
    return fields, data, filename


def _denied(message: str) -> ServiceError:
    return ServiceError("AccessDenied", message, 403)


def _check_conditions(
    policy: dict[str, Any], fields: dict[str, str], bucket: str, size: int, now: datetime
) -> None:
    try:
        expiration = datetime.fromisoformat(str(policy["expiration"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        raise ServiceError(
            "InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value.", 400
        ) from None
    if now >= expiration:
        raise _denied("Invalid according to Policy: Policy expired.")
    values = dict(fields, bucket=bucket)
    covered = set()
    for condition in policy.get("conditions", []):
        if isinstance(condition, dict):
            for name, expected in condition.items():
                covered.add(name.lower())
                if values.get(name.lower()) != str(expected):
                    raise _denied(
                        f"Invalid according to Policy: Policy Condition failed: "
                        f'["eq", "${name}", "{expected}"]'
                    )
        elif isinstance(condition, list) and len(condition) == 3:
            op, target, expected = condition
            op = str(op).lower()
            if op == "content-length-range":
                if not int(target) <= size <= int(expected):
                    raise ServiceError(
                        "EntityTooLarge" if size > int(expected) else "EntityTooSmall",
                        "Your proposed upload is outside the content-length-range of the policy.",
                        400,
                    )
                continue
            name = str(target).lstrip("$").lower()
            covered.add(name)
            have = values.get(name, "")
            ok = have == str(expected) if op == "eq" else have.startswith(str(expected))
            if op not in ("eq", "starts-with") or not ok:
                raise _denied(
                    f"Invalid according to Policy: Policy Condition failed: {json.dumps(condition)}"
                )
    for name in fields:
        if name not in _UNCHECKED and name not in covered and not name.startswith(_IGNORED_PREFIX):
            raise _denied(f"Invalid according to Policy: Extra input fields: {name}")


def _verify(fields: dict[str, str], ctx: CallContext) -> None:
    from cloudcore.auth.signers.sigv4 import sigv4_signing_key

    credential = fields.get("x-amz-credential", "")
    parts = credential.split("/")
    if len(parts) != 5 or not fields.get("x-amz-signature") or not fields.get("policy"):
        raise _denied("Access Denied")
    key_id, date, region, service, _ = parts
    creds = ctx.env.credentials.lookup(key_id)
    if creds is None:
        raise standard_error("aws", "s3", "unknown_key")
    key = sigv4_signing_key(creds.access_key_secret, date, region, service)
    expected = hmac.new(key, fields["policy"].encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["x-amz-signature"]):
        raise ServiceError(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
            403,
        )
    if (creds.security_token or "") != fields.get("x-amz-security-token", ""):
        raise standard_error("aws", "s3", "bad_token")
    if creds.expiration is not None and ctx.now >= creds.expiration:
        raise standard_error("aws", "s3", "token_expired")


def handle_post_upload(s3: S3Behaviour, request: HTTPRequest, ctx: CallContext) -> HTTPResponse:
    from cloudcore.protocols import server_protocol

    bucket = request.path.strip("/").split("/", 1)[0]
    try:
        fields, data, filename = parse_form(request)
        _verify(fields, ctx)
        try:
            policy = json.loads(base64.b64decode(fields["policy"], validate=True))
        except (binascii.Error, ValueError):
            raise ServiceError(
                "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.", 400
            ) from None
        key = fields.get("key", "").replace("${filename}", filename)
        if not key:
            raise ServiceError(
                "InvalidArgument", "Bucket POST must contain a field named 'key'.", 400
            )
        _check_conditions(policy, fields, bucket, len(data), ctx.now)
        obj = s3.store(bucket, key, data, {"ContentType": fields.get("content-type")}, ctx.now)
    except ServiceError as error:
        return server_protocol(ctx.service.protocol).serialize_error(
            ctx.service, None, error.spec(ctx.request_id)
        )
    status = int(fields.get("success_action_status") or 204)
    headers = {
        "ETag": obj["ETag"],
        "Location": f"/{bucket}/{key}",
        "x-amz-request-id": ctx.request_id,
    }
    return HTTPResponse(status if status in (200, 201, 204) else 204, HTTPHeaders(headers))

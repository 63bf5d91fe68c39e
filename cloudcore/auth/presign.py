"""The parts of presigning that need no client: how long a presigned request may live,
and S3 POST policies (browser uploads).

A presigned URL itself is the ordinary signer run with ``placement="query"``; this module
decides whether the asked lifetime is allowed (:func:`check_expires_in`) and builds the
form fields of an S3 POST upload (:func:`build_presigned_post`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from cloudcore.auth.credentials import Credentials, redact_key_id
from cloudcore.exceptions import SigningError

__all__ = ["PRESIGN_MAX_EXPIRES", "build_presigned_post", "check_expires_in"]

PRESIGN_MAX_EXPIRES: Mapping[str, int] = {
    # SigV4 presigned URLs carry X-Amz-Expires, at most seven days.
    "v4": 604800,
    "s3v4": 604800,
    # These carry only their signing time; the server accepts it within its clock-skew
    # window (Alibaba Cloud 15 minutes, Tencent Cloud 5 minutes), so that is the limit.
    "acs-rpc-v1": 900,
    "tc-hmac-v1": 300,
}
"""signatureVersion -> the longest lifetime, in seconds, of a presigned request."""

_ALGORITHM = "AWS4-HMAC-SHA256"
_FILENAME = "${filename}"


def check_expires_in(
    signature_version: str,
    expires_in: int,
    credentials: Credentials | None = None,
    now: datetime | None = None,
) -> int:
    """``expires_in`` when a presigned request may live that long, else :class:`SigningError`.

    Refused: a scheme with no presigned form, a lifetime below one second or above the
    scheme's maximum, and one that outlives temporary credentials (a URL signed with them
    stops working when they expire, whatever it claims).
    """
    maximum = PRESIGN_MAX_EXPIRES.get(signature_version)
    if maximum is None:
        known = ", ".join(sorted(PRESIGN_MAX_EXPIRES))
        raise SigningError(
            f"Requests signed with {signature_version!r} cannot be presigned; "
            f"presigning works with: {known}."
        )
    if isinstance(expires_in, bool) or not isinstance(expires_in, int):
        raise SigningError(f"ExpiresIn must be a whole number of seconds, not {expires_in!r}.")
    if not 1 <= expires_in <= maximum:
        raise SigningError(
            f"ExpiresIn={expires_in} is out of range for {signature_version}: "
            f"it must be 1 to {maximum} seconds."
        )
    if credentials is not None and credentials.expiration is not None:
        expiration = credentials.expiration
        if expiration.tzinfo is None:
            expiration = expiration.replace(tzinfo=timezone.utc)
        moment = now or datetime.now(timezone.utc)
        if moment + timedelta(seconds=expires_in) > expiration:
            raise SigningError(
                f"ExpiresIn={expires_in} outlives the temporary credentials of key "
                f"{redact_key_id(credentials.access_key_id)}, which expire at "
                f"{expiration.isoformat()}; ask for at most "
                f"{max(0, int((expiration - moment).total_seconds()))} seconds or refresh them."
            )
    return expires_in


def _iso8601(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_presigned_post(
    url: str,
    bucket: str,
    key: str,
    fields: Mapping[str, str] | None,
    conditions: Sequence[Any] | None,
    expires_in: int,
    credentials: Credentials,
    region: str,
    now: datetime,
) -> dict[str, Any]:
    """The URL and form fields of an S3 POST upload, signed with SigV4.

    ``conditions`` are the caller's policy conditions; the bucket, the key (a key ending
    in ``${filename}`` becomes a ``starts-with`` condition on its prefix) and the signing
    fields are added after them. The policy is the base64 of its JSON; the signature is
    the hex HMAC-SHA256 of that base64 text under the day's S3 signing key.
    """
    from cloudcore.auth.signers.sigv4 import amz_date, sigv4_signing_key

    check_expires_in("s3v4", expires_in, credentials, now)
    moment = now.astimezone(timezone.utc)
    timestamp = amz_date(moment)
    credential = f"{credentials.access_key_id}/{timestamp[:8]}/{region}/s3/aws4_request"
    form = dict(fields or {})
    form["key"] = key
    rules: list[Any] = list(conditions or [])
    rules.append({"bucket": bucket})
    if key.endswith(_FILENAME):
        rules.append(["starts-with", "$key", key[: -len(_FILENAME)]])
    else:
        rules.append({"key": key})
    signing = {
        "x-amz-algorithm": _ALGORITHM,
        "x-amz-credential": credential,
        "x-amz-date": timestamp,
    }
    if credentials.security_token:
        signing["x-amz-security-token"] = credentials.security_token
    for name, value in signing.items():
        form[name] = value
        rules.append({name: value})
    policy = {
        "expiration": _iso8601(moment + timedelta(seconds=expires_in)),
        "conditions": rules,
    }
    encoded = base64.b64encode(json.dumps(policy).encode()).decode()
    form["policy"] = encoded
    signing_key = sigv4_signing_key(credentials.access_key_secret, timestamp[:8], region, "s3")
    form["x-amz-signature"] = hmac.new(signing_key, encoded.encode(), hashlib.sha256).hexdigest()
    return {"url": url, "fields": form}

"""Presigned URLs and S3 POST forms, built by a client's own pipeline.

A presigned URL runs the once-per-call stages of a real call (parameter hooks, tokens,
validation, serialization), then signs with the signature in the query and stops before
sending. Everything travels in the URL, so a form body moves into the query and the
method becomes GET, and protocols whose presigned form differs from their usual one
(Tencent's legacy GET form) provide it through ``ClientProtocol.presign_request``. The
signer may be a different scheme from the one calls use: the model's
``presignSignatureVersion`` names it (Tencent Cloud presigns with ``tc-hmac-v1``).

``ExpiresIn`` is checked before anything is signed: within the scheme's limit (SigV4:
604800 s) and not beyond the expiry of temporary credentials. Left out, it is an hour, or
the scheme's limit where that is shorter (Alibaba RPC 900 s, Tencent legacy 300 s).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cloudcore.auth.presign import PRESIGN_MAX_EXPIRES, build_presigned_post, check_expires_in
from cloudcore.exceptions import SigningError
from cloudcore.http import HTTPRequest
from cloudcore.models.service import xform_name
from cloudcore.s3_addressing import BucketAddressing, s3_bucket_url

if TYPE_CHECKING:
    from cloudcore.client.base import BaseClient

__all__ = ["generate_presigned_post", "generate_presigned_url", "s3_bucket_url"]

_FORM = "application/x-www-form-urlencoded"
DEFAULT_EXPIRES_IN = 3600


def _operation_name(client: BaseClient, client_method: str) -> str:
    model = client.meta.service_model
    if model.has_operation(client_method):
        return client_method
    for name in model.operation_names:
        if xform_name(name) == client_method:
            return name
    raise SigningError(
        f"{client_method!r} is not an operation of {model.service_name}; "
        f"use a method name such as {xform_name(model.operation_names[0])!r}"
    )


def _form_into_query(request: HTTPRequest) -> HTTPRequest:
    """A presigned URL carries every parameter: a form body joins the query."""
    if not str(request.headers.get("Content-Type", "")).startswith(_FORM):
        return request
    body = request.body_bytes().decode("utf-8")
    if not body:
        return request.with_headers({"Content-Type": None}).replace(method="GET")
    base, _, query = request.url.partition("?")
    joined = f"{query}&{body}" if query else body
    return request.replace(method="GET", url=f"{base}?{joined}", body=b"").with_headers(
        {"Content-Type": None, "Content-Length": None}
    )


def generate_presigned_url(
    client: BaseClient,
    client_method: str,
    params: Mapping[str, Any] | None,
    expires_in: int | None,
    http_method: str | None,
) -> str:
    pipeline = client._pipeline
    settings = pipeline.settings
    operation = client.meta.service_model.operation_model(_operation_name(client, client_method))
    version = str(
        operation.service_model.metadata.get("presignSignatureVersion")
        or settings.signature_version
    )
    if expires_in is None:  # an hour, or less where the scheme allows less
        expires_in = min(DEFAULT_EXPIRES_IN, PRESIGN_MAX_EXPIRES.get(version, DEFAULT_EXPIRES_IN))
    if not isinstance(expires_in, int) or isinstance(expires_in, bool):
        raise SigningError(f"ExpiresIn must be a whole number of seconds, got {expires_in!r}")
    check_expires_in(version, expires_in, settings.credentials(), settings.clock.now())
    _, request = pipeline.prepare(operation, params or {}, {})
    request = settings.protocol.presign_request(operation, request)
    request = _form_into_query(request)
    if http_method:
        request = request.replace(method=http_method.upper())
    signed = pipeline.sign(
        operation,
        request,
        placement="query",
        expires_in=expires_in,
        signature_version=version,
    )
    return signed.url


def generate_presigned_post(
    client: BaseClient,
    bucket: str,
    key: str,
    fields: Mapping[str, str] | None,
    conditions: Sequence[Any] | None,
    expires_in: int,
) -> dict[str, Any]:
    settings = client._pipeline.settings
    if settings.signature_version not in ("s3v4", "v4"):
        raise SigningError(
            f"Presigned POST forms are an S3 feature; {client.meta.service_model.service_name} "
            "signs with " + settings.signature_version
        )
    addressing = settings.bucket_addressing or BucketAddressing.from_data(
        None, client.meta.config.s3
    )
    url = addressing.bucket_url(client.meta.endpoint_url, bucket)
    return build_presigned_post(
        url,
        bucket,
        key,
        fields,
        conditions,
        expires_in,
        settings.credentials(),
        settings.signing_region,
        settings.clock.now(),
    )

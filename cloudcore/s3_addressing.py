"""Bucket addressing: whether a bucket goes in the host or in the path.

Which operations address a bucket is model data: the input member marked
``contextParam: {"name": "Bucket"}`` that leads the URI path (``/{Bucket}/...``). Which
hosts serve ``bucket.host`` is endpoint data: a service entry in
``data/<cloud>/_endpoints.json`` with ``"bucket_addressing": {"virtual_domains":
["amazonaws.com", ...]}``. ``Config(s3={"addressing_style": ...})`` picks the style:

* ``path``: ``https://host/bucket/key``, always;
* ``virtual``: ``https://bucket.host/key``, always (the bucket must be a DNS name);
* ``auto`` (the default): virtual for DNS-compatible bucket names without dots on the
  cloud's own domains, path style elsewhere (an emulator, an IP address, a custom
  endpoint, names TLS certificates cannot cover).

The same rule serves calls and presigned URLs (:meth:`BucketAddressing.apply`, run by the
pipeline before signing) and presigned POST forms (:func:`s3_bucket_url`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from cloudcore.exceptions import ConfigError
from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set

if TYPE_CHECKING:
    from cloudcore.models.service import OperationModel
    from cloudcore.protocols.base import SerializedRequest

__all__ = ["STYLES", "BucketAddressing", "bucket_member", "s3_bucket_url", "uses_virtual_host"]

STYLES = ("auto", "virtual", "path")
S3_DOMAINS = ("amazonaws.com", "amazonaws.com.cn")
"""S3's own domains, for callers without endpoint data at hand (clients use the data)."""
_DNS_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PLAN = "bucket-member"


def uses_virtual_host(
    endpoint_url: str, bucket: str, style: str, virtual_domains: Sequence[str] = ()
) -> bool:
    """Whether ``bucket`` goes in the host for this endpoint and style."""
    if style == "path":
        return False
    if style == "virtual":
        if not _dns_name(bucket):
            raise ConfigError(
                f"Bucket {bucket!r} is not a DNS name, so it cannot be addressed in the host; "
                "use s3={'addressing_style': 'path'} or 'auto'"
            )
        return True
    return (
        _on_virtual_domain(endpoint_url, tuple(virtual_domains))
        and "." not in bucket
        and _dns_name(bucket)
    )


def _dns_name(bucket: str) -> bool:
    return bool(_DNS_BUCKET.match(bucket)) and ".." not in bucket


@lru_cache(maxsize=64)
def _on_virtual_domain(endpoint_url: str, virtual_domains: tuple[str, ...]) -> bool:
    """Whether the endpoint's host is one of the domains (kept: a client asks every call)."""
    host = (urlsplit(endpoint_url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in virtual_domains)


def s3_bucket_url(
    endpoint_url: str, bucket: str, style: str, virtual_domains: Sequence[str] = S3_DOMAINS
) -> str:
    """The bucket's URL: virtual-hosted (``scheme://bucket.host/``) or ``scheme://host/bucket``."""
    parts = urlsplit(endpoint_url)
    if uses_virtual_host(endpoint_url, bucket, style, virtual_domains):
        return f"{parts.scheme}://{bucket}.{parts.netloc}{parts.path.rstrip('/')}/"
    return f"{endpoint_url.rstrip('/')}/{quote(bucket, safe='')}"


def bucket_member(operation: OperationModel) -> str:
    """The input member naming a bucket that leads the URI path (``/{Bucket}/...``), or "".

    The model marks it with ``contextParam: {"name": "Bucket"}``; found once per operation.
    """
    cached = operation.plans.get(_PLAN)
    if cached is None:
        cached = ""
        shape = operation.input_shape
        uri = str(operation.http.get("requestUri", ""))
        members = shape.raw.get("members", {}) if shape is not None else {}
        for name, ref in members.items():
            context = ref.get("contextParam") or {}
            wire = ref.get("locationName", name)
            if (
                context.get("name") == "Bucket"
                and ref.get("location") == "uri"
                and uri.startswith(f"/{{{wire}}}")
            ):
                cached = name
                break
        operation.plans[_PLAN] = cached
    return str(cached)


class BucketAddressing(Frozen):
    """One client's rule: the style and the domains that serve virtual-hosted buckets."""

    __slots__ = ("style", "virtual_domains")
    style: str
    virtual_domains: tuple[str, ...]

    def __init__(self, style: str = "auto", virtual_domains: tuple[str, ...] = ()) -> None:
        _set(self, "style", style)
        _set(self, "virtual_domains", virtual_domains)

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any] | None, s3_config: Mapping[str, Any] | None
    ) -> BucketAddressing:
        """From an endpoint entry's ``bucket_addressing`` (may be None) and ``Config.s3``."""
        style = (s3_config or {}).get("addressing_style", "auto")
        if style not in STYLES:
            raise ConfigError(f"s3.addressing_style must be one of {STYLES}, got {style!r}")
        return cls(style, tuple((data or {}).get("virtual_domains", ())))

    @property
    def moves_buckets(self) -> bool:
        """Whether any bucket could go in the host: never with ``path``, nor with ``auto``
        where the endpoint data names no virtual-hosting domain (a client then skips the
        per-call check)."""
        return self.style == "virtual" or (self.style == "auto" and bool(self.virtual_domains))

    def bucket_url(self, endpoint_url: str, bucket: str) -> str:
        return s3_bucket_url(endpoint_url, bucket, self.style, self.virtual_domains)

    def apply(
        self,
        endpoint_url: str,
        serialized: SerializedRequest,
        operation: OperationModel,
        params: Mapping[str, Any],
    ) -> tuple[str, SerializedRequest]:
        """The endpoint and request for one call: the bucket moved into the host if virtual.

        The serializer always writes path style (``/bucket/key``); for virtual hosting
        the leading ``/bucket`` segment leaves the path and the host gains ``bucket.``.
        """
        member = bucket_member(operation)
        if not member:
            return endpoint_url, serialized
        bucket = params.get(member)
        if not isinstance(bucket, str) or not bucket:
            return endpoint_url, serialized
        if not uses_virtual_host(endpoint_url, bucket, self.style, self.virtual_domains):
            return endpoint_url, serialized
        prefix = "/" + quote(bucket, safe="")
        path = serialized.path
        if not (path == prefix or path.startswith((prefix + "/", prefix + "?"))):
            return endpoint_url, serialized
        rest = path[len(prefix) :]
        if not rest.startswith("/"):
            rest = "/" + rest
        scheme, _, hostpart = endpoint_url.partition("://")
        return f"{scheme}://{bucket}.{hostpart}", serialized.replace(path=rest)

"""Endpoint resolution from ``data/<cloud>/_endpoints.json``.

Order: an explicit ``endpoint_url`` wins; then the service's per-region ``endpoints``
entry; then its ``global`` host (products such as STS that one host serves for every
region); then its ``hostname`` template; then the cloud's template (``regional_hostname``
when regional hosts are asked for, else ``hostname``). Templates take ``{service}`` (the
model's ``endpointPrefix``) and ``{region}``; a ``partitions`` entry (region prefix ->
domain) moves a templated host into another partition's domain (AWS China). A region the
data lists for neither the cloud nor the service (a service's own ``regions`` list wins)
gives :class:`InvalidRegionError` naming the known regions, unless the host is global; a
region name that could not be a host label is always refused, so a region can never
smuggle a different host into the URL.

Regional hosts (Tencent Cloud's ``{service}.{region}.tencentcloudapi.com``) are used when
the caller asks (``Config(regional_endpoints=True)``) or when the service's entry says
``"regional": true``. A service entry may also carry ``bucket_addressing`` (see
``cloudcore.s3_addressing``), which the resolved :class:`Endpoint` passes on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cloudcore.exceptions import ConfigError, InvalidRegionError
from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set

__all__ = ["Endpoint", "EndpointResolver"]

_REGION_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class Endpoint(Frozen):
    """Where a client sends its calls, and the region it signs for."""

    __slots__ = ("bucket_addressing", "is_global", "signing_region", "url")
    url: str  # scheme://host[:port][/path]
    signing_region: str
    is_global: bool
    bucket_addressing: Mapping[str, Any] | None  # the service's data entry, if any

    def __init__(
        self,
        url: str,
        signing_region: str,
        is_global: bool = False,
        bucket_addressing: Mapping[str, Any] | None = None,
    ) -> None:
        _set(self, "url", url)
        _set(self, "signing_region", signing_region)
        _set(self, "is_global", is_global)
        _set(self, "bucket_addressing", bucket_addressing)


class EndpointResolver:
    """Resolves ``(service, region)`` for one cloud from its endpoints data."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data
        self._services: Mapping[str, Any] = data.get("services", {})
        self._regions = frozenset(data.get("regions", ()))

    def resolve(
        self,
        service: str,
        region: str | None,
        endpoint_url: str | None = None,
        regional: bool = False,
    ) -> Endpoint:
        entry = self._services.get(service, {})
        scheme = entry.get("scheme", self._data.get("scheme", "https"))
        buckets = entry.get("bucket_addressing")
        if endpoint_url:
            if "://" not in endpoint_url:
                raise ConfigError(
                    f"endpoint_url must include a scheme (https://...), got {endpoint_url!r}"
                )
            return Endpoint(endpoint_url.rstrip("/"), region or "", False, buckets)
        if region is not None and not _REGION_RE.match(region):
            raise ConfigError(f"{region!r} is not a valid region name")
        regional = regional or bool(entry.get("regional", False))
        if "global" in entry and not (regional and "hostname" in entry):
            return Endpoint(f"{scheme}://{entry['global']}", region or "", True, buckets)
        if region is None:
            raise ConfigError(
                f"No region for service {service!r}: pass region_name= or set one in the "
                "environment or config file"
            )
        host = entry.get("endpoints", {}).get(region)
        if host is None:
            served = entry.get("regions")
            known = frozenset(served) if served is not None else self._regions
            if known and region not in known:
                raise InvalidRegionError(service, region, sorted(known))
            template = entry.get("hostname")
            if template is None:
                cloud_regional = self._data.get("regional_hostname")
                template = cloud_regional if regional and cloud_regional else self._data["hostname"]
            host = template.format(service=service, region=region)
            for prefix, suffix in self._data.get("partitions", {}).items():
                if region.startswith(prefix):
                    host = host.rsplit(".", 2)[0] + "." + suffix
        return Endpoint(f"{scheme}://{host}", region, False, buckets)

"""Which service a request on the emulator's single port is for.

The tables are computed once from the models on the search path:

- Alibaba RPC (``aliyun-rpc``): ``Action`` + ``Version`` from the query or form (or the
  ``x-acs-action``/``x-acs-version`` headers), matched to the models' apiVersion;
- Tencent Cloud (``tc3-json``): ``X-TC-Action`` with the service named in the TC3
  credential scope, else the Host's first label; the legacy signature (``SecretId`` in the
  query of a GET or presigned URL, or in a POST form body) by ``Action`` + ``Version``
  like Alibaba RPC;
- AWS SigV4: the credential scope's service (``Authorization`` header or a presigned
  ``X-Amz-Credential``), matched to the models' signing name; an unsigned request that
  fits nothing else (anonymous S3, presigned POST) goes to S3;
- ACM: the ``/diamond-server/`` path prefix;
- instance metadata: ``/latest/`` paths; the admin API: ``/_emulator/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl

from cloudcore.http import HTTPRequest
from cloudcore.models.loader import Loader
from cloudcore.models.service import ServiceModel

__all__ = ["ADMIN_PREFIX", "METADATA_PREFIX", "Route", "Router"]

ADMIN_PREFIX = "/_emulator/"
METADATA_PREFIX = "/latest/"
ACM_PREFIX = "/diamond-server/"
_SCOPE = re.compile(r"Credential=([^/,\s]+)/([^/,\s]+)/(?:([^/,\s]+)/)?([^/,\s]+)/(\w+_request)")

RouteKind = Literal["admin", "metadata", "service", "unknown"]


@dataclass(frozen=True, slots=True)
class Route:
    kind: RouteKind
    service: ServiceModel | None = None
    detail: str = ""


class Router:
    """Routing tables over every model on the loader's search path."""

    def __init__(self, loader: Loader | None = None) -> None:
        self.loader = loader or Loader()
        self.services: list[ServiceModel] = []
        self._rpc: dict[tuple[str, str], list[ServiceModel]] = {}
        self._tc3: dict[str, dict[str, ServiceModel]] = {}
        self._tc_legacy: dict[tuple[str, str], list[ServiceModel]] = {}
        self._sigv4: dict[str, ServiceModel] = {}
        self._acm: ServiceModel | None = None
        self._s3: ServiceModel | None = None
        for model in self._load_models():
            self._index(model)

    def _load_models(self) -> Iterable[ServiceModel]:
        for qualified in self.loader.list_available_services(qualified=True):
            cloud, name = qualified.split(".", 1)
            versions = self.loader.list_api_versions(name, cloud)
            # Newest last, so its entries win where a table keeps one model per key.
            for version in versions:
                yield self.loader.load_service_model(name, cloud, version)

    def _index(self, model: ServiceModel) -> None:
        self.services.append(model)
        protocol = model.protocol
        if protocol == "aliyun-rpc":
            for op in model.operation_names:
                self._rpc.setdefault((model.api_version, op), []).append(model)
        elif protocol == "tc3-json":
            self._tc3.setdefault(model.endpoint_prefix, {})[model.api_version] = model
            for op in model.operation_names:
                self._tc_legacy.setdefault((model.api_version, op), []).append(model)
        elif protocol == "acm":
            self._acm = model
        elif model.signature_version in ("v4", "s3v4") or model.cloud == "aws":
            self._sigv4[model.signing_name] = model
            if model.signature_version == "s3v4" or model.endpoint_prefix == "s3":
                self._s3 = model

    def route(self, request: HTTPRequest) -> Route:
        path = request.path
        if path.startswith(ADMIN_PREFIX):
            return Route("admin")
        if path.startswith(METADATA_PREFIX):
            return Route("metadata")
        if path.startswith(ACM_PREFIX) and self._acm is not None:
            return Route("service", self._acm)
        headers = request.headers
        authorization = str(headers.get("Authorization", ""))
        if "X-TC-Action" in headers or authorization.startswith("TC3-"):
            return self._route_tc3(request, authorization)
        if authorization.startswith("AWS4-") or "X-Amz-Credential=" in request.query:
            return self._route_sigv4(request, authorization)
        params = _signed_params(request)
        if "SecretId" in params:
            legacy = self._by_action(params, request.host, self._tc_legacy)
            if legacy is not None:
                return legacy
        rpc = self._route_rpc(request, params)
        if rpc is not None:
            return rpc
        if self._s3 is not None:
            return Route("service", self._s3)
        return Route("unknown", detail="no service model matches this request")

    def _route_tc3(self, request: HTTPRequest, authorization: str) -> Route:
        match = _SCOPE.search(authorization)
        service = match.group(4) if match else None
        if not service:
            service = request.host.split(".", 1)[0]
        versions = self._tc3.get(service)
        if not versions:
            return Route("unknown", detail=f"no Tencent Cloud model for service {service!r}")
        version = str(request.headers.get("X-TC-Version", ""))
        model = versions.get(version) or versions[max(versions)]
        return Route("service", model)

    def _route_sigv4(self, request: HTTPRequest, authorization: str) -> Route:
        match = _SCOPE.search(authorization)
        if match is None:
            credential = dict(parse_qsl(request.query)).get("X-Amz-Credential", "")
            match = _SCOPE.search("Credential=" + credential)
        service = match.group(4) if match else ""
        model = self._sigv4.get(service)
        if model is None:
            return Route("unknown", detail=f"no AWS model signs as service {service!r}")
        return Route("service", model)

    def _route_rpc(self, request: HTTPRequest, params: dict[str, str]) -> Route | None:
        action = params.get("Action") or request.headers.get("x-acs-action")
        version = params.get("Version") or request.headers.get("x-acs-version")
        if not action or not version:
            return None
        candidates = self._rpc.get((str(version), str(action)))
        if not candidates:
            return Route(
                "unknown", detail=f"no Alibaba Cloud RPC API {action} at version {version}"
            )
        label = request.host.split(".", 1)[0].split("-", 1)[0]
        for model in candidates:
            if model.endpoint_prefix == label:
                return Route("service", model)
        return Route("service", candidates[-1])

    def _by_action(
        self,
        params: dict[str, str],
        host: str,
        table: dict[tuple[str, str], list[ServiceModel]],
    ) -> Route | None:
        """The model for the params' ``Action`` at their ``Version`` (Host label breaks a tie)."""
        candidates = table.get((params.get("Version", ""), params.get("Action", "")))
        if not candidates:
            return None
        label = host.split(".", 1)[0]
        for model in candidates:
            if model.endpoint_prefix == label:
                return Route("service", model)
        return Route("service", candidates[-1])


def _signed_params(request: HTTPRequest) -> dict[str, str]:
    """The query's params, with a POST form body's beside them (the query wins a clash).

    Alibaba RPC and Tencent's legacy signature both send their common params
    (``Action``, ``Version``, ``SecretId``...) in either place.
    """
    params = dict(parse_qsl(request.query))
    if request.method == "POST":
        content_type = str(request.headers.get("Content-Type", ""))
        if "form-urlencoded" in content_type:
            form = parse_qsl(request.body_bytes().decode("utf-8", "replace"))
            for key, value in form:
                params.setdefault(key, value)
    return params

"""CommonClient: call an action that no model describes yet.

>>> ecs = session.create_common_client("aliyun", "ecs", "2014-05-26")
>>> ecs.call("DescribeRegions", {"RegionId": "cn-hangzhou"})
>>> cs = session.create_common_client("aliyun", "cs", "2015-12-15")
>>> cs.call("DescribeClusterDetail", {"ClusterId": "c1"}, path="/clusters/{ClusterId}")
>>> cvm = session.create_common_client("tencentcloud", "cvm", "2017-03-12")
>>> cvm.call("DescribeInstances", {"Limit": 1})

It is what the Alibaba SDK calls a CommonRequest and the Tencent SDK
``CommonClient.call_json``: the params go out as given (RPC flattening, TC3 JSON, ROA path
labels and query or body), the parsed JSON comes back as a dict, and the call runs
through the same pipeline as a modelled one: events, signing, retries and typed
``ClientError`` exceptions. For Alibaba Cloud a ``path`` selects the ROA style.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from cloudcore.exceptions import ModelError

if TYPE_CHECKING:
    from cloudcore.config import Config
    from cloudcore.pipeline import CallPipeline
    from cloudcore.session import Session
    from cloudcore.transport import Transport

__all__ = ["CommonClient"]

# cloud -> (default protocol, protocol when a path is given)
_PROTOCOLS: dict[str, tuple[str, str | None]] = {
    "aliyun": ("aliyun-rpc", "aliyun-roa"),
    "tencentcloud": ("tc3-json", None),
}


class CommonClient:
    """Free-form calls to one product of one cloud at one api-version."""

    def __init__(
        self,
        session: Session,
        provider: str,
        service: str,
        api_version: str,
        region_name: str | None,
        endpoint_url: str | None,
        config: Config | None,
        credentials: Any,
        transport: Transport | None,
    ) -> None:
        if provider not in _PROTOCOLS:
            raise ModelError(
                f"Common calls are supported for {', '.join(sorted(_PROTOCOLS))}, "
                f"not {provider!r}; AWS services have complete models"
            )
        self.provider = provider
        self.service = service
        self.api_version = api_version
        self._session = session
        self._settings = (region_name, endpoint_url, config, credentials, transport)
        self._pipelines: dict[str, CallPipeline] = {}
        self._lock = threading.Lock()
        self.region_name = region_name

    def _pipeline(self, protocol: str, operation: Any) -> CallPipeline:
        pipeline = self._pipelines.get(protocol)
        if pipeline is None:
            with self._lock:
                pipeline = self._pipelines.get(protocol)
                if pipeline is None:
                    region, endpoint, config, creds, transport = self._settings
                    pipeline = self._session.build_pipeline(
                        operation.service_model, region, endpoint, config, creds, transport
                    )
                    self._pipelines[protocol] = pipeline
        return pipeline

    def call(
        self,
        action: str,
        params: Mapping[str, Any] | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
    ) -> dict[str, Any]:
        """Call ``action`` with ``params``; return the parsed JSON (plus ResponseMetadata)."""
        from cloudcore.protocols.generic import generic_operation

        rpc, rest = _PROTOCOLS[self.provider]
        if path is not None and rest is None:
            raise ModelError(f"{self.provider} common calls take no path")
        protocol = rest if path is not None and rest is not None else rpc
        operation = generic_operation(
            protocol,
            action,
            self.api_version,
            service=self.service,
            method=method,
            path=path or "/",
        )
        return self._pipeline(protocol, operation).call(operation, params or {})

    def close(self) -> None:
        for pipeline in self._pipelines.values():
            pipeline.settings.transport.close()

    def __enter__(self) -> CommonClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<CommonClient {self.provider}.{self.service} {self.api_version}>"

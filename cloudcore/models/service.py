"""ServiceModel and OperationModel: the read-only view of one ``service-2.json``.

One ``ServiceModel`` exists per loaded model file in the process (the loader caches it),
and every client of that service shares it. Operation models are built on first use.
``OperationModel.plans`` is where protocols keep what they compile from the model once
(serializer and parser plans) so that no call walks the shape tree again.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from cloudcore.exceptions import UnknownOperationError
from cloudcore.models.shapes import Shape, ShapeResolver, StructureShape

__all__ = ["OperationModel", "ServiceModel", "xform_name"]

_FIRST_CAP = re.compile(r"(.)([A-Z][a-z]+)")
_ALL_CAP = re.compile(r"([a-z0-9])([A-Z])")
_xform_cache: dict[str, str] = {}


def xform_name(name: str) -> str:
    """``DescribeInstances`` -> ``describe_instances`` (``ListV2Objects`` keeps its digits)."""
    cached = _xform_cache.get(name)
    if cached is None:
        cached = _ALL_CAP.sub(r"\1_\2", _FIRST_CAP.sub(r"\1_\2", name)).lower()
        _xform_cache[name] = cached
    return cached


class ServiceModel:
    """One service at one api-version."""

    def __init__(
        self,
        model: Mapping[str, Any],
        service_name: str | None = None,
        source: str = "<model>",
        cloud: str | None = None,
    ) -> None:
        self._model = model
        self.metadata: Mapping[str, Any] = model.get("metadata", {})
        self.source = source
        self._resolver = ShapeResolver(model.get("shapes", {}), source)
        self._operations: dict[str, OperationModel] = {}
        self._lock = threading.Lock()
        self.service_name: str = (
            service_name
            or self.metadata.get("endpointPrefix")
            or str(self.metadata.get("serviceId", "")).lower().replace(" ", "-")
        )
        self.cloud: str = cloud or self.provider

    # --- metadata ---------------------------------------------------------------------

    @property
    def provider(self) -> str:
        return str(self.metadata.get("provider", "aws"))

    @property
    def protocol(self) -> str:
        return str(self.metadata.get("protocol", ""))

    @property
    def api_version(self) -> str:
        return str(self.metadata.get("apiVersion", ""))

    @property
    def endpoint_prefix(self) -> str:
        return str(self.metadata.get("endpointPrefix", self.service_name))

    @cached_property  # read on every signature
    def signing_name(self) -> str:
        return str(self.metadata.get("signingName", self.endpoint_prefix))

    @property
    def signature_version(self) -> str:
        return str(self.metadata.get("signatureVersion", ""))

    @property
    def service_id(self) -> str:
        return str(self.metadata.get("serviceId", self.service_name))

    @property
    def documentation(self) -> str:
        return str(self._model.get("documentation", ""))

    # --- operations and shapes --------------------------------------------------------

    @cached_property
    def operation_names(self) -> list[str]:
        return list(self._model.get("operations", {}))

    def has_operation(self, name: str) -> bool:
        return name in self._model.get("operations", {})

    def operation_model(self, name: str) -> OperationModel:
        op = self._operations.get(name)
        if op is None:
            try:
                data = self._model["operations"][name]
            except KeyError:
                raise UnknownOperationError(self.service_name, name) from None
            with self._lock:
                op = self._operations.get(name)
                if op is None:
                    op = self._operations[name] = OperationModel(data, self, name)
        return op

    def shape(self, name: str) -> Shape:
        return self._resolver.get(name)

    @property
    def shape_names(self) -> list[str]:
        return self._resolver.names

    @cached_property
    def error_shapes(self) -> list[StructureShape]:
        errors: list[StructureShape] = []
        for name in self._resolver.names:
            shape = self._resolver.get(name)
            if isinstance(shape, StructureShape) and shape.is_error:
                errors.append(shape)
        return errors

    def __repr__(self) -> str:
        return f"ServiceModel({self.cloud}/{self.service_name} {self.api_version})"


class OperationModel:
    """One operation: its HTTP binding, input, output and errors."""

    def __init__(self, data: Mapping[str, Any], service_model: ServiceModel, name: str) -> None:
        self._data = data
        self.service_model = service_model
        self.name: str = data.get("name", name)
        self.python_name = xform_name(self.name)
        self.http: Mapping[str, Any] = data.get("http", {})
        # Compiled artefacts keyed by their owner (e.g. "serializer:aliyun-rpc").
        self.plans: dict[str, Any] = {}

    @cached_property
    def input_shape(self) -> StructureShape | None:
        return self._ref("input")

    @cached_property
    def output_shape(self) -> StructureShape | None:
        return self._ref("output")

    def _ref(self, key: str) -> StructureShape | None:
        ref = self._data.get(key)
        if not ref:
            return None
        shape = self.service_model._resolver.resolve_ref(ref, f"{self.name}.{key}")
        assert isinstance(shape, StructureShape), f"{self.name} {key} must be a structure"
        return shape

    @cached_property
    def error_shapes(self) -> list[StructureShape]:
        shapes = []
        for ref in self._data.get("errors", ()):
            shape = self.service_model._resolver.resolve_ref(ref, f"{self.name}.errors")
            if isinstance(shape, StructureShape):
                shapes.append(shape)
        return shapes

    @property
    def documentation(self) -> str:
        return str(self._data.get("documentation", ""))

    @property
    def deprecated(self) -> bool:
        return bool(self._data.get("deprecated"))

    @property
    def endpoint(self) -> Mapping[str, Any]:
        """``{"hostPrefix": "{AccountId}."}`` and the like."""
        endpoint: Mapping[str, Any] = self._data.get("endpoint", {})
        return endpoint

    @cached_property  # read on every signature
    def auth_type(self) -> str | None:
        auth = self._data.get("authtype")
        return str(auth) if auth else None

    @cached_property
    def idempotency_members(self) -> tuple[str, ...]:
        shape = self.input_shape
        if shape is None:
            return ()
        return tuple(n for n, m in shape.members.items() if m.is_idempotency_token)

    @property
    def idempotent(self) -> bool:
        """Safe to resend after the request was sent: marked so, or carrying a token."""
        return bool(self._data.get("idempotent")) or bool(self.idempotency_members)

    @cached_property
    def has_streaming_output(self) -> bool:
        out = self.output_shape
        if out is None or out.payload_member is None:
            return False
        return out.members[out.payload_member].is_streaming

    @cached_property
    def has_streaming_input(self) -> bool:
        shape = self.input_shape
        if shape is None or shape.payload_member is None:
            return False
        return shape.members[shape.payload_member].is_streaming

    @property
    def raw(self) -> Mapping[str, Any]:
        return self._data

    def __repr__(self) -> str:
        return f"OperationModel({self.service_model.service_name}.{self.name})"

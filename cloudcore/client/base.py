"""BaseClient: what every generated client class inherits.

A generated class (see ``cloudcore.client.creator``) adds one :class:`OperationMethod` per
operation. Calling one runs the shared pipeline (``cloudcore.pipeline``); its docstring and
signature are built from the model only when someone asks (``help()``, an IDE).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cloudcore.client.errors import ClientExceptions, exceptions_for
from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set

if TYPE_CHECKING:
    import inspect

    from cloudcore.config import Config
    from cloudcore.hooks import HierarchicalEmitter
    from cloudcore.models.loader import ModelLocation
    from cloudcore.models.service import ServiceModel
    from cloudcore.paginate import Paginator
    from cloudcore.pipeline import CallPipeline
    from cloudcore.waiter import Waiter

__all__ = ["BaseClient", "ClientMeta", "OperationMethod"]


class ClientMeta(Frozen):
    """``client.meta``: what the client was built with."""

    __slots__ = (
        "config",
        "endpoint_url",
        "events",
        "location",
        "provider",
        "region_name",
        "service_model",
    )
    service_model: ServiceModel
    region_name: str | None
    endpoint_url: str
    config: Config
    events: HierarchicalEmitter
    provider: str
    location: ModelLocation | None

    def __init__(
        self,
        service_model: ServiceModel,
        region_name: str | None,
        endpoint_url: str,
        config: Config,
        events: HierarchicalEmitter,
        provider: str,
        location: ModelLocation | None = None,
    ) -> None:
        _set(self, "service_model", service_model)
        _set(self, "region_name", region_name)
        _set(self, "endpoint_url", endpoint_url)
        _set(self, "config", config)
        _set(self, "events", events)
        _set(self, "provider", provider)
        _set(self, "location", location)

    @property
    def method_to_api_mapping(self) -> Mapping[str, str]:
        from cloudcore.models.service import xform_name

        return {xform_name(n): n for n in self.service_model.operation_names}


class OperationMethod:
    """A client method for one operation: keyword-only, documented lazily."""

    __slots__ = ("__name__", "__qualname__", "operation_name")

    def __init__(self, operation_name: str, python_name: str, class_name: str) -> None:
        self.operation_name = operation_name
        self.__name__ = python_name
        self.__qualname__ = f"{class_name}.{python_name}"

    def __get__(self, client: BaseClient | None, owner: type | None = None) -> Any:
        if client is None:
            return self
        return _BoundOperation(client, self)

    def _doc(self, client_cls: type[BaseClient]) -> str:
        from cloudcore.client.docs import operation_docstring

        model = client_cls._service_model.operation_model(self.operation_name)
        return operation_docstring(model)

    def _signature(self, client_cls: type[BaseClient]) -> inspect.Signature:
        import inspect  # only for help() and IDEs; it costs ~2 ms to import

        model = client_cls._service_model.operation_model(self.operation_name)
        shape = model.input_shape
        params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)]
        if shape is not None:
            required = shape.required_members
            for name in shape.members:
                default = inspect.Parameter.empty if name in required else None
                params.append(
                    inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default)
                )
        return inspect.Signature(params)


class _BoundOperation:
    """``client.describe_instances``: call it with keyword arguments only."""

    __slots__ = ("_client", "_method")

    def __init__(self, client: BaseClient, method: OperationMethod) -> None:
        self._client = client
        self._method = method

    def __call__(self, *args: Any, **params: Any) -> dict[str, Any]:
        if args:
            raise TypeError(
                f"{self._method.__name__}() takes keyword arguments only "
                f"(got {len(args)} positional)"
            )
        return self._client._make_api_call(self._method.operation_name, params)

    @property
    def __name__(self) -> str:
        return self._method.__name__

    @property
    def __doc__(self) -> str:  # type: ignore[override]
        return self._method._doc(type(self._client))

    @property
    def __signature__(self) -> inspect.Signature:
        sig = self._method._signature(type(self._client))
        return sig.replace(parameters=list(sig.parameters.values())[1:])

    def __repr__(self) -> str:
        return f"<bound operation {type(self._client).__name__}.{self._method.__name__}>"


class BaseClient:
    """The base of every client class; one instance per ``create_client`` call."""

    _service_model: ServiceModel  # set on each generated class

    def __init__(self, pipeline: CallPipeline, meta: ClientMeta) -> None:
        self._pipeline = pipeline
        self.meta = meta

    @property
    def exceptions(self) -> ClientExceptions:
        return exceptions_for(self._service_model)

    def _make_api_call(self, operation_name: str, params: Mapping[str, Any]) -> dict[str, Any]:
        operation = self._service_model.operation_model(operation_name)
        return self._pipeline.call(operation, params)

    # --- paginators and waiters ---------------------------------------------------------

    def _companion(self, stem: str, section: str) -> Mapping[str, Any]:
        from cloudcore.models.loader import load_companion

        location = self.meta.location
        if location is None:
            return {}
        data: Mapping[str, Any] = load_companion(location, stem).get(section, {})
        return data

    def _find(self, stem: str, section: str, name: str) -> tuple[str, Mapping[str, Any]] | None:
        from cloudcore.models.service import xform_name

        entries = self._companion(stem, section)
        if name in entries:
            return name, entries[name]
        for key, value in entries.items():
            if xform_name(key) == name:
                return key, value
        return None

    def can_paginate(self, operation_name: str) -> bool:
        """Whether ``get_paginator`` has a paginator of this name (API or Python name)."""
        return self._find("paginators-1", "pagination", operation_name) is not None

    def get_paginator(self, operation_name: str) -> Paginator:
        from cloudcore.models.service import xform_name
        from cloudcore.paginate import Paginator

        found = self._find("paginators-1", "pagination", operation_name)
        if found is None:
            from cloudcore.exceptions import OperationNotPageableError

            names = list(self._companion("paginators-1", "pagination"))
            raise OperationNotPageableError(
                self.meta.service_model.service_name, operation_name, names
            )
        name, config = found
        operation = str(config.get("operation", name))
        return Paginator(getattr(self, xform_name(operation)), name, config)

    @property
    def waiter_names(self) -> list[str]:
        from cloudcore.models.service import xform_name

        return sorted(xform_name(n) for n in self._companion("waiters-2", "waiters"))

    def get_waiter(self, waiter_name: str) -> Waiter:
        from cloudcore.models.service import xform_name
        from cloudcore.waiter import Waiter

        found = self._find("waiters-2", "waiters", waiter_name)
        if found is None:
            from cloudcore.exceptions import UnknownWaiterError

            service = self.meta.service_model.service_name
            raise UnknownWaiterError(service, waiter_name, self.waiter_names)
        name, config = found
        return Waiter(name, config, getattr(self, xform_name(config["operation"])))

    # --- presigning ----------------------------------------------------------------------

    def generate_presigned_url(
        self,
        ClientMethod: str,
        Params: Mapping[str, Any] | None = None,
        ExpiresIn: int | None = None,
        HttpMethod: str | None = None,
    ) -> str:
        """A URL that performs ``ClientMethod`` with ``Params`` for ``ExpiresIn`` seconds.

        ``ExpiresIn`` defaults to an hour, or to the scheme's limit where that is shorter.
        """
        from cloudcore.client.presign import generate_presigned_url

        return generate_presigned_url(self, ClientMethod, Params, ExpiresIn, HttpMethod)

    def generate_presigned_post(
        self,
        Bucket: str,
        Key: str,
        Fields: Mapping[str, str] | None = None,
        Conditions: Sequence[Any] | None = None,
        ExpiresIn: int = 3600,
    ) -> dict[str, Any]:
        """``{"url", "fields"}`` for a browser form that uploads ``Key`` to ``Bucket`` (S3)."""
        from cloudcore.client.presign import generate_presigned_post

        return generate_presigned_post(self, Bucket, Key, Fields, Conditions, ExpiresIn)

    def close(self) -> None:
        """Close the client's connection pools."""
        self._pipeline.settings.transport.close()

    def __enter__(self) -> BaseClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.meta.provider}.{self._service_model.service_name} "
            f"{self._service_model.api_version} region={self.meta.region_name} "
            f"endpoint={self.meta.endpoint_url}>"
        )

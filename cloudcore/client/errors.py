"""``client.exceptions``: one ``ClientError`` subclass per modelled error, per service.

``client.exceptions.InvalidInstanceIdNotFound`` is the class for the error shape of that
name; ``client.exceptions.from_code("InvalidInstanceId.NotFound")`` finds it by the code
the service sends, and for a code the model does not list returns a class made for that
code (once), so ``except client.exceptions.from_code("Throttling.User")`` works too.
The classes are built once per service model and shared by every client of it. They
pickle by (cloud, service, api-version, code), so they cross process boundaries when the
receiving process has the same model on its search path.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import Any

from cloudcore.exceptions import ClientError
from cloudcore.models.service import ServiceModel

__all__ = ["ClientExceptions", "exceptions_for"]

_factories: dict[int, tuple[ServiceModel, ClientExceptions]] = {}
_lock = threading.Lock()


def exceptions_for(service_model: ServiceModel) -> ClientExceptions:
    entry = _factories.get(id(service_model))
    if entry is None or entry[0] is not service_model:
        with _lock:
            entry = _factories.get(id(service_model))
            if entry is None or entry[0] is not service_model:
                entry = (service_model, ClientExceptions(service_model))
                _factories[id(service_model)] = entry
    return entry[1]


def _class_name(code: str) -> str:
    name = re.sub(r"[^0-9A-Za-z_]", "", code.title() if code.islower() else code)
    return name if name and not name[0].isdigit() else f"Error{name}"


def _rebuild(identity: tuple[str, str, str], code: str, response: Any, operation: str) -> Any:
    """Unpickle a modelled error: find its class again through the loader, or fall back."""
    cloud, service, version = identity
    try:
        from cloudcore.models.loader import Loader

        model = Loader().load_service_model(service, provider=cloud, api_version=version)
        cls: type[ClientError] = exceptions_for(model).from_code(code)
    except Exception:  # the model is not here: the base class still carries everything
        cls = ClientError
    return cls(response, operation)


class _ModelledClientError(ClientError):
    """Base of the generated classes; knows how to pickle itself."""

    _identity: tuple[str, str, str] = ("", "", "")
    _code: str = ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._identity, self._code, self.response, self.operation_name))


_BaseClientError = ClientError


class ClientExceptions:
    """The error classes of one service (``ClientError`` is the base of them all)."""

    ClientError = _BaseClientError

    def __init__(self, service_model: ServiceModel) -> None:
        self._identity = (
            service_model.cloud,
            service_model.service_name,
            service_model.api_version,
        )
        self._by_code: dict[str, type[_BaseClientError]] = {}
        self._by_name: dict[str, type[_BaseClientError]] = {}
        self._lock = threading.Lock()
        for shape in service_model.error_shapes:
            cls = self._make(shape.name, shape.error_code, shape.documentation)
            self._by_code[shape.error_code] = cls
            self._by_name[shape.name] = cls

    def _make(self, name: str, code: str, doc: str = "") -> type[_BaseClientError]:
        attrs = {
            "__doc__": doc or f"The service answered with error code {code!r}.",
            "__module__": "cloudcore.errors",
            "_identity": self._identity,
            "_code": code,
        }
        return type(name, (_ModelledClientError,), attrs)

    def from_code(self, code: str) -> type[_BaseClientError]:
        """The class for ``code``: modelled, or made once for an unmodelled code."""
        cls = self._by_code.get(code)
        if cls is None:
            with self._lock:
                cls = self._by_code.get(code)
                if cls is None:
                    cls = self._by_code[code] = self._make(_class_name(code), code)
        return cls

    @property
    def modelled(self) -> Mapping[str, type[_BaseClientError]]:
        """Shape name -> class, for the errors the model lists."""
        return dict(self._by_name)

    def __getattr__(self, name: str) -> type[_BaseClientError]:
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(sorted(self._by_name)) or "none"
            raise AttributeError(
                f"{self._identity[1]} has no modelled error {name!r} (modelled: {known}); "
                "use from_code() for other codes"
            ) from None

    def __dir__(self) -> list[str]:
        return sorted([*self._by_name, "ClientError", "from_code", "modelled"])

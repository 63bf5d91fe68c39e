"""ClientCreator: one client class per service model, built once with ``type()``.

The class for a service model is cached for the whole process (models themselves are
shared), so a further client of the same service costs an instance and its small
per-client state, nothing more. A session that listens to ``creating-client-class`` gets
classes built for it alone, since its handlers may change them.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from cloudcore.client.base import BaseClient, OperationMethod

if TYPE_CHECKING:
    from cloudcore.hooks import HierarchicalEmitter
    from cloudcore.models.service import ServiceModel

__all__ = ["client_class_for"]

_classes: dict[int, tuple[ServiceModel, type[BaseClient]]] = {}
_lock = threading.Lock()


def _class_name(model: ServiceModel) -> str:
    base = model.service_id or model.service_name
    return "".join(part[:1].upper() + part[1:] for part in base.replace("-", " ").split())


def _build(model: ServiceModel, emitter: HierarchicalEmitter | None) -> type[BaseClient]:
    name = _class_name(model)
    attrs: dict[str, Any] = {
        "_service_model": model,
        "__doc__": model.documentation or f"A client for {model.cloud} {model.service_name}.",
        "__module__": "cloudcore.clients",
    }
    for op_name in model.operation_names:
        method = OperationMethod(op_name, _python_name(op_name), name)
        attrs[method.__name__] = method
    bases: list[type] = [BaseClient]
    if emitter is not None:  # only a session whose handlers customise classes gets here
        from cloudcore.events import CreatingClientClass

        event = CreatingClientClass(model.service_name, attrs, bases)
        emitter.emit(f"creating-client-class.{model.service_name}", event)
        attrs, bases = event.class_attributes, event.bases
    return type(name, tuple(bases), attrs)


def _python_name(op_name: str) -> str:
    from cloudcore.models.service import xform_name

    return xform_name(op_name)


def client_class_for(
    model: ServiceModel, emitter: HierarchicalEmitter | None = None
) -> type[BaseClient]:
    """The client class for ``model``; shared unless the emitter customises classes."""
    if emitter is not None and emitter.handlers_for(f"creating-client-class.{model.service_name}"):
        return _build(model, emitter)
    entry = _classes.get(id(model))
    if entry is None or entry[0] is not model:
        with _lock:
            entry = _classes.get(id(model))
            if entry is None or entry[0] is not model:
                entry = (model, _build(model, None))
                _classes[id(model)] = entry
    return entry[1]

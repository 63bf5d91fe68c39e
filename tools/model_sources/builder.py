"""A small builder for botocore-format service models, so model sources stay short.

Members are written as ``{"Name": "Shape"}`` or ``{"Name": ref("Shape", jsonStyle=True)}``;
shapes are declared once and referenced by name. Nothing here knows about a particular
cloud: wire conventions are chosen by the service module that uses the builder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Member = str | dict[str, Any]

# Scalar shapes every model gets, named as botocore's models name them.
_SCALARS = {
    "String": "string",
    "Integer": "integer",
    "Long": "long",
    "Float": "float",
    "Boolean": "boolean",
}


def ref(shape: str, **traits: Any) -> dict[str, Any]:
    """A member reference with traits (``location``, ``jsonStyle``, ``documentation``...)."""
    return {"shape": shape, **traits}


@dataclass
class ServiceFiles:
    """The three files of one service at one api-version, and where they go."""

    cloud: str
    service: str
    api_version: str
    service_model: dict[str, Any]
    paginators: dict[str, Any] = field(default_factory=dict)
    waiters: dict[str, Any] = field(default_factory=dict)


class ModelBuilder:
    """Collects operations and shapes, then renders a ``service-2.json`` document."""

    def __init__(self, metadata: Mapping[str, Any], documentation: str) -> None:
        self.metadata = dict(metadata)
        self.documentation = documentation
        self.operations: dict[str, dict[str, Any]] = {}
        self.shapes: dict[str, dict[str, Any]] = {
            name: {"type": kind} for name, kind in _SCALARS.items()
        }
        self.paginators: dict[str, dict[str, Any]] = {}
        self.waiters: dict[str, dict[str, Any]] = {}

    # --- shapes -----------------------------------------------------------------------

    def shape(self, name: str, type_name: str, **traits: Any) -> str:
        self._add(name, {"type": type_name, **traits})
        return name

    def string(self, name: str, *, enum: Iterable[str] = (), **traits: Any) -> str:
        data: dict[str, Any] = {"type": "string", **traits}
        if enum:
            data["enum"] = list(enum)
        self._add(name, data)
        return name

    def struct(
        self,
        name: str,
        members: Mapping[str, Member],
        required: Iterable[str] = (),
        **traits: Any,
    ) -> str:
        data: dict[str, Any] = {"type": "structure"}
        required = list(required)
        if required:
            missing = [r for r in required if r not in members]
            if missing:
                raise ValueError(f"{name}: required {missing} are not members")
            data["required"] = required
        data["members"] = {k: _as_ref(v) for k, v in members.items()}
        data.update(traits)
        self._add(name, data)
        return name

    def list_of(self, name: str, member: Member, **traits: Any) -> str:
        self._add(name, {"type": "list", "member": _as_ref(member), **traits})
        return name

    def map_of(self, name: str, key: Member, value: Member, **traits: Any) -> str:
        self._add(name, {"type": "map", "key": _as_ref(key), "value": _as_ref(value), **traits})
        return name

    def wrapped_list(self, name: str, item_key: str, item_shape: str) -> str:
        """Alibaba's JSON list nesting: ``{"Instances": {"Instance": [...]}}``.

        ``name`` is the wrapper structure; its one member ``item_key`` holds the list,
        which is named ``<item_shape>List``.
        """
        list_name = f"{item_shape}List"
        if list_name not in self.shapes:
            self.list_of(list_name, item_shape)
        return self.struct(name, {item_key: list_name})

    def error(
        self,
        name: str,
        code: str,
        status: int | None,
        documentation: str,
        members: Mapping[str, Member] | None = None,
    ) -> str:
        """A modelled error: ``name`` is the Python class name, ``code`` the wire code."""
        error: dict[str, Any] = {"code": code}
        if status is not None:
            error["httpStatusCode"] = status
        data: dict[str, Any] = {
            "type": "structure",
            "members": {
                k: _as_ref(v)
                for k, v in (members or {"Code": "String", "Message": "String"}).items()
            },
            "error": error,
            "exception": True,
            "documentation": documentation,
        }
        self._add(name, data)
        return name

    def _add(self, name: str, data: dict[str, Any]) -> None:
        if name in self.shapes and self.shapes[name] != data:
            raise ValueError(f"shape {name!r} is defined twice, differently")
        self.shapes[name] = data

    # --- operations -------------------------------------------------------------------

    def operation(
        self,
        name: str,
        documentation: str,
        *,
        input: str | None = None,
        output: str | None = None,
        errors: Iterable[str] = (),
        idempotent: bool = False,
        http: Mapping[str, Any] | None = None,
        auth_type: str | None = None,
    ) -> None:
        op: dict[str, Any] = {
            "name": name,
            "http": dict(http or {"method": "POST", "requestUri": "/"}),
        }
        if input is not None:
            op["input"] = {"shape": input}
        if output is not None:
            op["output"] = {"shape": output}
        error_list = list(dict.fromkeys(errors))
        if error_list:
            op["errors"] = [{"shape": e} for e in error_list]
        op["documentation"] = documentation
        if idempotent:
            op["idempotent"] = True
        if auth_type is not None:
            op["authtype"] = auth_type  # "none": the operation is sent unsigned
        if name in self.operations:
            raise ValueError(f"operation {name!r} is defined twice")
        self.operations[name] = op

    def paginator(self, name: str, **config: Any) -> None:
        self.paginators[name] = config

    def waiter(self, name: str, **config: Any) -> None:
        self.waiters[name] = config

    # --- output -----------------------------------------------------------------------

    def files(self, cloud: str, service: str) -> ServiceFiles:
        unused = self._unreachable()
        unused_scalars = unused & set(_SCALARS)
        unused -= unused_scalars
        if unused:
            raise ValueError(f"{service}: shapes never referenced: {sorted(unused)}")
        shapes = {n: d for n, d in sorted(self.shapes.items()) if n not in unused_scalars}
        model = {
            "version": "2.0",
            "metadata": self.metadata,
            "documentation": self.documentation,
            "operations": self.operations,
            "shapes": shapes,
        }
        paginators = {"pagination": self.paginators} if self.paginators else {}
        waiters = {"version": 2, "waiters": self.waiters} if self.waiters else {}
        return ServiceFiles(cloud, service, self.metadata["apiVersion"], model, paginators, waiters)

    def _unreachable(self) -> set[str]:
        """Shapes no operation reaches (unused scalars are dropped, others are a mistake)."""
        seen: set[str] = set()
        todo = [
            ref["shape"]
            for op in self.operations.values()
            for key in ("input", "output")
            if (ref := op.get(key))
        ]
        todo += [e["shape"] for op in self.operations.values() for e in op.get("errors", ())]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            data = self.shapes[name]
            todo += [m["shape"] for m in data.get("members", {}).values()]
            todo += [data[k]["shape"] for k in ("member", "key", "value") if k in data]
        return set(self.shapes) - seen


def _as_ref(member: Member) -> dict[str, Any]:
    return {"shape": member} if isinstance(member, str) else dict(member)

"""Ad-hoc operations for actions no model describes (a "common request").

:func:`generic_operation` builds an :class:`~cloudcore.models.service.OperationModel`
whose input and output are free-form documents, so the protocols send the params as
given and return the response JSON as it came:

- ``aliyun-rpc``: params flattened with lists numbered from 1 (nested dicts add
  ``.Key``), ``RegionId`` taken from the params or the client's region;
- ``tc3-json``: the params as the JSON body (or 0-based flat query with ``GET``);
- ``aliyun-roa``: ``{Label}`` parts of ``path`` filled from params of the same name, the
  rest as the query (``GET``/``HEAD``/``DELETE``) or the JSON body;
- ``acm``: not free-form (its operations are fixed); use the shipped model.

Models are cached per argument tuple, so repeated calls reuse the compiled plans.
"""

from __future__ import annotations

import functools
from typing import Any

from cloudcore.exceptions import ModelError
from cloudcore.models.service import OperationModel, ServiceModel

__all__ = ["generic_operation"]

# protocol -> (provider, signatureVersion)
_DEFAULTS: dict[str, tuple[str, str]] = {
    "aliyun-rpc": ("aliyun", "acs-rpc-v1"),
    "aliyun-roa": ("aliyun", "acs-roa-v1"),
    "tc3-json": ("tencentcloud", "tc3-hmac-sha256"),
}
_FREE_FORM = {"type": "structure", "members": {}, "document": True}


def generic_operation(
    protocol: str,
    action: str,
    api_version: str,
    *,
    service: str = "",
    method: str | None = None,
    path: str = "/",
    signature_version: str | None = None,
) -> OperationModel:
    """An operation named ``action`` of ``service`` at ``api_version`` with free-form I/O.

    ``service`` is the product code (endpoint prefix, TC3 signing service). ``method``
    defaults to ``POST`` (``GET`` for ``aliyun-roa``); ``path`` matters only for
    ``aliyun-roa``. Raises :class:`~cloudcore.exceptions.ModelError` for a protocol that
    has no free-form calls.
    """
    if protocol not in _DEFAULTS:
        raise ModelError(
            f"Protocol {protocol!r} has no free-form calls; "
            f"choose one of: {', '.join(sorted(_DEFAULTS))}"
        )
    if not action:
        raise ModelError("A free-form call needs an action name")
    default_method = "GET" if protocol == "aliyun-roa" else "POST"
    return _build(
        protocol,
        action,
        api_version,
        service,
        (method or default_method).upper(),
        path or "/",
        signature_version or _DEFAULTS[protocol][1],
    )


@functools.lru_cache(maxsize=256)
def _build(
    protocol: str,
    action: str,
    api_version: str,
    service: str,
    method: str,
    path: str,
    signature_version: str,
) -> OperationModel:
    model: dict[str, Any] = {
        "metadata": {
            "apiVersion": api_version,
            "protocol": protocol,
            "provider": _DEFAULTS[protocol][0],
            "signatureVersion": signature_version,
            "endpointPrefix": service,
            "serviceId": service or action,
        },
        "operations": {
            action: {
                "name": action,
                "http": {"method": method, "requestUri": path},
                "input": {"shape": "FreeForm"},
                "output": {"shape": "FreeForm"},
            }
        },
        "shapes": {"FreeForm": _FREE_FORM},
    }
    service_model = ServiceModel(model, service_name=service or None, source="<free-form>")
    return service_model.operation_model(action)

"""Wire protocols: one module per protocol, each with a client half and a server half.

Modules are imported only when a client or the emulator first needs them, so
``import cloudcore`` pays for none of them. ``client_protocol("aliyun-rpc")`` and
``server_protocol("aliyun-rpc")`` return the shared (stateless) instance.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

from cloudcore.exceptions import ModelError

if TYPE_CHECKING:
    from cloudcore.protocols.base import ClientProtocol, ServerProtocol

__all__ = ["REGISTRY", "client_protocol", "server_protocol"]

# protocol name -> (module, client class, server class)
REGISTRY: dict[str, tuple[str, str, str]] = {
    "aliyun-rpc": ("cloudcore.protocols.aliyun_rpc", "AliyunRpcClient", "AliyunRpcServer"),
    "aliyun-roa": ("cloudcore.protocols.aliyun_roa", "AliyunRoaClient", "AliyunRoaServer"),
    "tc3-json": ("cloudcore.protocols.tc3_json", "Tc3JsonClient", "Tc3JsonServer"),
    "acm": ("cloudcore.protocols.acm", "AcmClient", "AcmServer"),
    "query": ("cloudcore.protocols.query", "QueryClient", "QueryServer"),
    "ec2": ("cloudcore.protocols.ec2", "Ec2Client", "Ec2Server"),
    "json": ("cloudcore.protocols.json_rpc", "JsonClient", "JsonServer"),
    "rest-json": ("cloudcore.protocols.rest_json", "RestJsonClient", "RestJsonServer"),
    "rest-xml": ("cloudcore.protocols.rest_xml", "RestXmlClient", "RestXmlServer"),
}

_clients: dict[str, ClientProtocol] = {}
_servers: dict[str, ServerProtocol] = {}


def _load(name: str, which: int) -> object:
    try:
        entry = REGISTRY[name]
    except KeyError:
        raise ModelError(
            f"Unknown protocol {name!r}; known: {', '.join(sorted(REGISTRY))}"
        ) from None
    module = importlib.import_module(entry[0])
    return getattr(module, entry[which])()


def client_protocol(name: str) -> ClientProtocol:
    proto = _clients.get(name)
    if proto is None:
        proto = _clients[name] = cast("ClientProtocol", _load(name, 1))
    return proto


def server_protocol(name: str) -> ServerProtocol:
    proto = _servers.get(name)
    if proto is None:
        proto = _servers[name] = cast("ServerProtocol", _load(name, 2))
    return proto

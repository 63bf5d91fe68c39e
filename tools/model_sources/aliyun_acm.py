"""Alibaba Cloud ACM (Application Configuration Management): config items and listeners.

The wire API under ``/diamond-server/`` carries no version of its own; ``2020-01-01`` is
the label cloudcore gives this description of it (the API as served since the
namespace/``tenant`` model became the norm), so a later change can ship beside it.

How the ``acm`` protocol reads this model: members without a ``location`` go in the query
of a ``GET`` and in the GBK form body of a ``POST``, in member order; a list of
structures is a *probe list* (fields joined by ``\\x02``, records ended by ``\\x01``); an
output ``payload`` of type string is the body text, a list payload is a probe list, and
otherwise the body is JSON. Errors are HTTP statuses, named by the error shapes'
``httpStatusCode``. Member names are the wire names, as everywhere in cloudcore.
"""

from __future__ import annotations

from model_sources.builder import ModelBuilder, ServiceFiles, ref


def build() -> ServiceFiles:
    b = ModelBuilder(
        {
            "apiVersion": "2020-01-01",
            "provider": "aliyun",
            "protocol": "acm",
            "signatureVersion": "spas-hmac-sha1",
            "endpointPrefix": "acm",
            "serviceId": "Acm",
            "serviceFullName": "Application Configuration Management",
        },
        "Application Configuration Management: configuration items (dataId, group, "
        "namespace) and long-poll listeners. The wire API has no version; 2020-01-01 is "
        "cloudcore's label for it.",
    )
    b.error("BadRequest", "BadRequest", 400, "The request is malformed or misses a field.")
    b.error(
        "Forbidden",
        "Forbidden",
        403,
        "The signature or the key's permission on the namespace was refused.",
    )
    b.error("ConfigNotFound", "ConfigNotFound", 404, "No configuration item has that key.")
    b.error(
        "ConfigConflict",
        "ConfigConflict",
        409,
        "The item is being written right now; read it again shortly.",
    )
    common = ["BadRequest", "Forbidden"]

    tenant = ref("String", documentation="The namespace ID; empty for the default namespace.")
    key = {
        "dataId": ref("String", documentation="The configuration item's ID."),
        "group": ref("String", documentation="Its group, often DEFAULT_GROUP."),
        "tenant": tenant,
    }
    b.struct("ConfigKey", key, required=["dataId", "group"])
    b.struct("GetConfigResponse", {"content": "String"}, payload="content")
    b.operation(
        "GetConfig",
        "Returns the item's content as text (GBK on the wire, str here).",
        input="ConfigKey",
        output="GetConfigResponse",
        errors=[*common, "ConfigNotFound", "ConfigConflict"],
        idempotent=True,
        http={"method": "GET", "requestUri": "/diamond-server/config.co"},
    )

    b.struct(
        "PublishConfigRequest",
        {
            "dataId": key["dataId"],
            "group": key["group"],
            "content": ref("String", documentation="The new content (sent as GBK)."),
            "tenant": tenant,
            "appName": "String",
            "desc": "String",
        },
        required=["dataId", "group", "content"],
    )
    b.struct("TextResult", {"result": "String"}, payload="result")
    b.operation(
        "PublishConfig",
        "Creates or replaces an item; the text result is 'true' on success.",
        input="PublishConfigRequest",
        output="TextResult",
        errors=common,
        idempotent=True,
        http={"method": "POST", "requestUri": "/diamond-server/basestone.do?method=syncUpdateAll"},
    )
    b.operation(
        "DeleteConfig",
        "Deletes an item; the text result is 'OK' or 'true' on success.",
        input="ConfigKey",
        output="TextResult",
        errors=common,
        idempotent=True,
        http={
            "method": "POST",
            "requestUri": "/diamond-server/datum.do?method=deleteAllDatums",
        },
    )

    b.struct(
        "ListConfigsRequest",
        {
            "tenant": tenant,
            "pageNo": ref("Integer", documentation="From 1."),
            "pageSize": ref("Integer", documentation="At most 200."),
        },
        required=["pageNo", "pageSize"],
    )
    b.struct(
        "ConfigItem",
        {
            "id": "String",
            "dataId": "String",
            "group": "String",
            "content": "String",
            "md5": "String",
            "appName": "String",
            "tenant": "String",
            "type": "String",
        },
    )
    b.list_of("ConfigItemList", "ConfigItem")
    b.struct(
        "ListConfigsResponse",
        {
            "totalCount": "Integer",
            "pageNumber": "Integer",
            "pagesAvailable": "Integer",
            "pageItems": "ConfigItemList",
        },
    )
    b.operation(
        "ListConfigs",
        "Lists a namespace's items with their content, a page at a time (JSON answer).",
        input="ListConfigsRequest",
        output="ListConfigsResponse",
        errors=common,
        idempotent=True,
        http={
            "method": "GET",
            "requestUri": "/diamond-server/basestone.do?method=getAllConfigByTenant",
        },
    )

    b.struct(
        "ListeningConfig",
        {
            "dataId": "String",
            "group": "String",
            "contentMD5": ref("String", documentation="md5 of the GBK content held; '' if none."),
            "tenant": "String",
        },
        required=["dataId", "group", "contentMD5"],
    )
    b.list_of("ListeningConfigList", "ListeningConfig")
    b.struct(
        "ListenConfigsRequest",
        {
            "ListeningConfigs": ref(
                "ListeningConfigList",
                locationName="Probe-Modify-Request",
                documentation="The items to watch and the md5 of what the caller holds.",
            ),
            "longPullingTimeout": ref(
                "Integer",
                location="header",
                locationName="longPullingTimeout",
                documentation="How long the server may hold the request, in milliseconds.",
            ),
            "longPullingNoHangUp": ref(
                "Boolean",
                location="header",
                locationName="longPullingNoHangUp",
                documentation="true: answer at once if something already changed.",
            ),
        },
        required=["ListeningConfigs"],
    )
    b.struct(
        "ChangedConfig",
        {"dataId": "String", "group": "String", "tenant": "String"},
        required=["dataId", "group"],
    )
    b.list_of("ChangedConfigList", "ChangedConfig")
    b.struct("ListenConfigsResponse", {"changed": "ChangedConfigList"}, payload="changed")
    b.operation(
        "ListenConfigs",
        "Long-polls until a watched item changes or the timeout passes; answers the probe "
        "list of changed keys (empty when nothing changed).",
        input="ListenConfigsRequest",
        output="ListenConfigsResponse",
        errors=common,
        idempotent=True,
        http={"method": "POST", "requestUri": "/diamond-server/config.co"},
    )

    b.struct("GetServerListRequest", {})
    b.struct("ServerListResponse", {"servers": "String"}, payload="servers")
    b.operation(
        "GetServerList",
        "Asked of the address server (not a config server), which takes no credentials: "
        "answers text, one 'ip[:port]' config server per line.",
        input="GetServerListRequest",
        output="ServerListResponse",
        idempotent=True,
        http={"method": "GET", "requestUri": "/diamond-server/diamond"},
        auth_type="none",
    )

    b.paginator(
        "ListConfigs",
        style="page_number",
        input_token="pageNo",
        limit_key="pageSize",
        result_key="pageItems",
        total_key="totalCount",
    )
    return b.files("aliyun", "acm")

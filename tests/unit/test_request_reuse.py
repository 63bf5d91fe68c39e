"""A call whose request is always the same (no params) is serialized and bound once.

The protocol hands out one ``SerializedRequest`` per operation for such calls, and the
pipeline keeps the request it last bound to its endpoint. Every attempt is still signed
afresh, anything that changes the params gets a request of its own, and clients with other
endpoints never see each other's requests.
"""

from __future__ import annotations

import io
import json
from typing import Any

from cloudcore.config import Config
from cloudcore.http import HTTPHeaders, HTTPRequest, HTTPResponse
from cloudcore.models.service import ServiceModel
from cloudcore.protocols import client_protocol
from cloudcore.protocols.base import KeptRequestsProtocol, SerializedRequest
from cloudcore.session import Session
from cloudcore.transport import MockTransport

STS_XML = (
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/u</Arn>"
    b"<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
    b"<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"
    b"</GetCallerIdentityResponse>"
)
TOKEN_XML = (
    b"<GetSessionTokenResponse><GetSessionTokenResult><Credentials>"
    b"<AccessKeyId>AK</AccessKeyId><SecretAccessKey>SK</SecretAccessKey>"
    b"<SessionToken>T</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>"
    b"</Credentials></GetSessionTokenResult>"
    b"<ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata>"
    b"</GetSessionTokenResponse>"
)
BARE_BODY = b"Action=GetCallerIdentity&Version=2011-06-15"


class Recorder:
    """An STS client on a mock transport, with the prepared and the sent requests."""

    def __init__(self, session: Session, endpoint: str) -> None:
        self.prepared: list[HTTPRequest] = []
        self.sent: list[HTTPRequest] = []
        self.client: Any = session.create_client(
            "aws.sts",
            region_name="us-east-1",
            endpoint_url=endpoint,
            access_key_id="AKIDEXAMPLE",
            access_key_secret="secret",
            transport=MockTransport(self._answer),
        )
        self.client.meta.events.register(
            "before-call.sts", lambda event: self.prepared.append(event.request)
        )

    def _answer(self, request: HTTPRequest) -> HTTPResponse:
        self.sent.append(request)
        body = STS_XML if b"GetCallerIdentity" in request.body_bytes() else TOKEN_XML
        return HTTPResponse(200, HTTPHeaders({"Content-Type": "text/xml"}), body)


def test_a_call_without_params_is_bound_once_and_signed_every_time() -> None:
    sts = Recorder(Session(), "https://sts.example")
    first = sts.client.get_caller_identity()
    second = sts.client.get_caller_identity()
    assert first["Account"] == second["Account"] == "123456789012"
    assert sts.prepared[0] is sts.prepared[1]
    assert sts.prepared[0].body == BARE_BODY
    assert "authorization" not in sts.prepared[0].headers
    assert sts.sent[0] is not sts.sent[1]
    for sent in sts.sent:
        assert sent.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=")
        assert sent.url == "https://sts.example/"


def test_params_get_a_request_of_their_own() -> None:
    sts = Recorder(Session(), "https://sts.example")
    sts.client.get_caller_identity()
    sts.client.get_session_token(DurationSeconds=900)
    sts.client.get_caller_identity()
    bare, with_params, bare_again = sts.prepared
    assert with_params.body == b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=900"
    assert bare_again.body == bare.body == BARE_BODY


def test_a_hook_that_adds_params_is_not_given_the_shared_request() -> None:
    sts = Recorder(Session(), "https://sts.example")
    sts.client.get_session_token()

    def add_param(event: Any) -> None:
        event.params["DurationSeconds"] = 900

    sts.client.meta.events.register("before-parameter-build.sts.GetSessionToken", add_param)
    sts.client.get_session_token()
    bare, hooked = sts.prepared
    assert bare.body == b"Action=GetSessionToken&Version=2011-06-15"
    assert hooked.body == bare.body + b"&DurationSeconds=900"


def test_clients_with_other_endpoints_keep_their_own_requests() -> None:
    session = Session()
    one = Recorder(session, "https://one.example")
    two = Recorder(session, "http://127.0.0.1:9")
    for _ in range(2):
        one.client.get_caller_identity()
        two.client.get_caller_identity()
    assert {r.url for r in one.prepared} == {"https://one.example/"}
    assert {r.url for r in two.prepared} == {"http://127.0.0.1:9/"}
    assert {r.url for r in two.sent} == {"http://127.0.0.1:9/"}


def _json_client(service: str, region: str, body: bytes, **options: Any) -> Any:
    prepared: list[HTTPRequest] = []

    def answer(request: HTTPRequest) -> HTTPResponse:
        return HTTPResponse(200, HTTPHeaders({"Content-Type": "application/json"}), body)

    client: Any = Session().create_client(
        service,
        region_name=region,
        access_key_id="AKIDEXAMPLE",
        access_key_secret="secret",
        transport=MockTransport(answer),
        **options,
    )
    client.meta.events.register("before-call", lambda event: prepared.append(event.request))
    client.prepared = prepared
    return client


TC3_BODY = b'{"Response": {"RequestId": "r", "TotalCount": 0, "InstanceSet": []}}'
RPC_BODY = b'{"RequestId": "r", "Regions": {"Region": []}}'


def test_tencent_requests_without_params_are_kept_per_region_and_language() -> None:
    canton = _json_client("cvm", "ap-guangzhou", TC3_BODY)
    shanghai = _json_client("cvm", "ap-shanghai", TC3_BODY)
    english = _json_client("cvm", "ap-guangzhou", TC3_BODY, config=Config(language="en-US"))
    for client in (canton, shanghai, english, canton, shanghai, english):
        client.describe_instances()
    for client, region in ((canton, "ap-guangzhou"), (shanghai, "ap-shanghai")):
        first, second = client.prepared
        assert first is second
        assert first.headers["x-tc-region"] == region
        assert "x-tc-language" not in first.headers
    assert english.prepared[0].headers["x-tc-language"] == "en-US"
    assert english.prepared[0] is not canton.prepared[0]
    canton.describe_instances(Limit=5)
    assert canton.prepared[-1].body == b'{"Limit": 5}'
    assert canton.prepared[0].body == b"{}"


def test_alibaba_requests_without_params_are_kept_per_region() -> None:
    hangzhou = _json_client("ecs", "cn-hangzhou", RPC_BODY)
    beijing = _json_client("ecs", "cn-beijing", RPC_BODY)
    for client in (hangzhou, beijing, hangzhou, beijing):
        client.describe_regions()
    assert hangzhou.prepared[0] is hangzhou.prepared[1]
    assert "RegionId=cn-hangzhou" in hangzhou.prepared[0].url
    assert "RegionId=cn-beijing" in beijing.prepared[0].url


def test_aws_json_requests_without_params_are_kept() -> None:
    model = {
        "metadata": {
            "protocol": "json",
            "apiVersion": "2020-01-01",
            "endpointPrefix": "demo",
            "jsonVersion": "1.0",
            "targetPrefix": "Demo_20200101",
        },
        "shapes": {
            "In": {"type": "structure", "members": {"Limit": {"shape": "N"}, "Id": {"shape": "S"}}},
            "N": {"type": "integer"},
            "S": {"type": "string"},
        },
        "operations": {
            "ListThings": {"name": "ListThings", "input": {"shape": "In"}},
        },
    }
    service = ServiceModel(model)
    protocol = client_protocol("json")
    listing = service.operation_model("ListThings")
    bare = protocol.serialize_request(listing, {})
    assert protocol.serialize_request(listing, {}) is bare
    assert bare.body == b"{}"
    assert bare.headers["X-Amz-Target"] == "Demo_20200101.ListThings"
    limited = protocol.serialize_request(listing, {"Limit": 3})
    assert limited is not bare and limited.body == b'{"Limit":3}'
    assert protocol.serialize_request(listing, {"Limit": 3}) is not limited


LIST_BUCKETS_XML = (
    b'<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    b"<Owner><ID>o</ID></Owner><Buckets><Bucket><Name>b</Name>"
    b"<CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets>"
    b"</ListAllMyBucketsResult>"
)


def test_rest_requests_without_params_are_kept_with_frozen_headers() -> None:
    s3 = _json_client("s3", "us-east-1", LIST_BUCKETS_XML)
    first = s3.list_buckets()
    s3.list_buckets()
    assert [b["Name"] for b in first["Buckets"]] == ["b"]
    bare, again = s3.prepared
    assert bare is again
    assert bare.method == "GET" and bare.body == b""
    listing = s3.meta.service_model.operation_model("ListBuckets")
    kept = client_protocol("rest-xml").serialize_request(listing, {})
    assert isinstance(kept.headers, HTTPHeaders)  # shared, so immutable
    assert client_protocol("rest-xml").serialize_request(listing, {}) is kept


class CountingProtocol(KeptRequestsProtocol):
    """Serializes a fixed request (or a streamed one) and counts how often it does."""

    name = "counting"

    def __init__(self, stream: bool = False) -> None:
        self.stream = stream
        self.built = 0

    def _settings_key(self, region_name: str | None) -> Any:
        return region_name

    def _serialize(self, operation: Any, params: Any, region_name: str | None) -> Any:
        self.built += 1
        body: Any = io.BytesIO(b"x") if self.stream else json.dumps(params).encode()
        return SerializedRequest("POST", "/", "", {"X-Region": str(region_name)}, body)

    def parse_response(self, operation: Any, response: HTTPResponse) -> dict[str, Any]:
        return {}


class Subclassed(CountingProtocol):
    """The same name, another class: it keeps requests of its own."""


def _operation() -> Any:
    model = {
        "metadata": {"protocol": "json", "apiVersion": "2020-01-01", "endpointPrefix": "demo"},
        "shapes": {
            "In": {"type": "structure", "members": {"A": {"shape": "S"}}},
            "S": {"type": "string"},
        },
        "operations": {"Op": {"name": "Op", "input": {"shape": "In"}}},
    }
    return ServiceModel(model).operation_model("Op")


def test_kept_requests_per_settings_with_frozen_headers_and_a_bound() -> None:
    operation, protocol = _operation(), CountingProtocol()
    first = protocol.serialize_request(operation, {}, "r1")
    assert protocol.serialize_request(operation, {}, "r1") is first
    assert isinstance(first.headers, HTTPHeaders) and first.headers["x-region"] == "r1"
    assert protocol.serialize_request(operation, {}, "r2").headers["x-region"] == "r2"
    assert protocol.serialize_request(operation, {"A": "1"}, "r1").body == b'{"A": "1"}'
    assert protocol.built == 3
    for n in range(70):  # more settings than the table holds: it starts again, still right
        assert protocol.serialize_request(operation, {}, f"s{n}").headers["x-region"] == f"s{n}"
    assert protocol.serialize_request(operation, {}, "r1").headers["x-region"] == "r1"
    other = Subclassed()
    other.serialize_request(operation, {}, "r1")
    assert other.built == 1  # not handed the other class's request


def test_a_request_with_a_streamed_body_is_not_kept() -> None:
    operation, protocol = _operation(), CountingProtocol(stream=True)
    protocol.serialize_request(operation, {}, "r1")
    protocol.serialize_request(operation, {}, "r1")
    assert protocol.built == 2

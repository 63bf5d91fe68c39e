"""A service no code knows about, dropped into CLOUDCORE_DATA_PATH, works end to end.

The model uses a real wire protocol and signer (Alibaba RPC); a small server on
127.0.0.1 checks the signature with the signer's own verify function and answers in the
protocol's server format, so the whole client path runs over real HTTP.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cloudcore.auth.credentials import Credentials
from cloudcore.auth.signers import get_signer
from cloudcore.auth.signers.base import SignatureVerificationError
from cloudcore.http import HTTPHeaders, HTTPRequest
from cloudcore.models.service import ServiceModel
from cloudcore.protocols import server_protocol
from cloudcore.protocols.base import ServiceErrorSpec
from cloudcore.session import Session

from tests.unit.support import widget_model, write_model

KEY = Credentials("AKIDWIDGETS", "widgets-secret-value")


def _model() -> dict[str, Any]:
    model = widget_model(protocol="aliyun-rpc")
    model["metadata"]["signatureVersion"] = "acs-rpc-v1"
    return model


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    service = ServiceModel(_model(), "widgets", cloud="aliyun")

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        host = self.headers["Host"]
        request = HTTPRequest(
            self.command, f"http://{host}{self.path}", HTTPHeaders(self.headers.items()), body
        )
        proto = server_protocol("aliyun-rpc")
        try:
            get_signer("acs-rpc-v1").verify(
                request, {KEY.access_key_id: KEY}.get, datetime.now(timezone.utc)
            )
            operation, params = proto.parse_request(self.service, request)
            if params.get("Name") == "taken":
                error = ServiceErrorSpec("Widget.Exists", "That name is taken", 409, "req-2")
                response = proto.serialize_error(self.service, operation, error)
            else:
                output = {"WidgetId": f"w-{params['Name']}-{params.get('Size', 0)}"}
                response = proto.serialize_response(operation, output, "req-1")
        except SignatureVerificationError as e:
            error = ServiceErrorSpec("SignatureDoesNotMatch", str(e), 400, "req-3")
            response = proto.serialize_error(self.service, None, error)
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def session(tmp_path: Path) -> Session:
    write_model(tmp_path, _model())
    return Session(environ={"CLOUDCORE_DATA_PATH": str(tmp_path), "HOME": str(tmp_path)})


def test_new_model_gives_a_working_client_with_no_code(session: Session, server: str) -> None:
    assert "widgets" in session.get_available_services()
    client = session.create_client(
        "widgets",
        region_name="cn-hangzhou",
        endpoint_url=server,
        access_key_id=KEY.access_key_id,
        access_key_secret=KEY.access_key_secret,
    )
    result = client.make_widget(Name="gear", Size=3)
    assert result["WidgetId"] == "w-gear-3"
    assert result["ResponseMetadata"]["RequestId"] == "req-1"
    with pytest.raises(client.exceptions.WidgetExists) as info:
        client.make_widget(Name="taken")
    assert info.value.response["Error"]["Message"] == "That name is taken"


def test_wrong_secret_is_refused_by_the_server(session: Session, server: str) -> None:
    client = session.create_client(
        "widgets",
        region_name="cn-hangzhou",
        endpoint_url=server,
        access_key_id=KEY.access_key_id,
        access_key_secret="not-the-secret",
    )
    with pytest.raises(client.exceptions.ClientError) as info:
        client.make_widget(Name="gear")
    assert info.value.code == "SignatureDoesNotMatch"
    assert "not-the-secret" not in str(info.value)

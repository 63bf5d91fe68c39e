"""HTTP messages: ``split_url`` and the request's URL parts agree with ``urlsplit``; header
views are fresh copies."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from cloudcore.http import HTTPHeaders, HTTPRequest, split_url
from hypothesis import given
from hypothesis import strategies as st

_PART = st.text(alphabet="abc%2F-._~=&+:@!$'()*,;", max_size=12)


@given(
    scheme=st.sampled_from(["http", "https"]),
    authority=st.sampled_from(["h", "h:8080", "u:p@h", "[::1]:9000", "b.s3.amazonaws.com"]),
    path=st.lists(_PART, max_size=3).map(lambda parts: "".join("/" + p for p in parts)),
    query=st.none() | _PART,
    fragment=st.none() | _PART,
)
def test_split_url_agrees_with_urlsplit(
    scheme: str, authority: str, path: str, query: str | None, fragment: str | None
) -> None:
    url = f"{scheme}://{authority}{path}"
    if query is not None:
        url += "?" + query
    if fragment is not None:
        url += "#" + fragment
    parts = urlsplit(url)
    assert split_url(url) == (f"{scheme}://{parts.netloc}", parts.path or "/", parts.query)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://ecs.aliyuncs.com:443/?a=1", "ecs.aliyuncs.com"),
        ("http://127.0.0.1:80/", "127.0.0.1"),
        ("http://127.0.0.1:8080/x", "127.0.0.1:8080"),
        ("https://key:secret@h.example:8443/p", "h.example:8443"),
        ("http://[::1]:9000", "[::1]:9000"),
    ],
)
def test_request_host_leaves_out_default_ports_and_user_info(url: str, host: str) -> None:
    request = HTTPRequest("GET", url)
    assert request.host == host
    assert request.host == host  # the second answer comes from the per-origin cache


def test_lower_views_of_headers_are_copies_the_caller_may_change() -> None:
    headers = HTTPHeaders({"Content-Type": "text/xml", "X-Amz-Request-Id": "r1"})
    first = headers.to_lower_dict()
    assert first == {"content-type": "text/xml", "x-amz-request-id": "r1"}
    first["content-type"] = "changed"
    del first["x-amz-request-id"]
    assert headers.to_lower_dict() == {"content-type": "text/xml", "x-amz-request-id": "r1"}
    assert dict(headers.items_lower()) == {"content-type": "text/xml", "x-amz-request-id": "r1"}
    assert headers.merged({"X-Amz-Request-Id": None}).to_lower_dict() == {
        "content-type": "text/xml"
    }

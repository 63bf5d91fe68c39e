"""A fixed-response HTTP/1.1 server for the benchmarks, so the server is not what is measured.

    python tools/bench/server.py        # prints its URL, serves until stdin closes

It answers each protocol's canned response at once, keeping connections alive: Alibaba RPC
and Tencent TC3 DescribeInstances, STS GetCallerIdentity (query), EC2 DescribeInstances,
DynamoDB ListTables (json), S3 HeadObject and ListObjectsV2 (rest-xml; ten pages of 1,000
keys chained by continuation tokens). Requests are told apart by a few bytes of their
head or body; nothing is parsed beyond what HTTP framing needs.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading

PAGE_SIZE = 1000
PAGES = 10


def _response(body: bytes, content_type: str, status: str = "200 OK", extra: str = "") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nx-amz-request-id: req-1\r\n{extra}\r\n"
    )
    return head.encode() + body


_INSTANCE = {
    "InstanceId": "i-bp1benchmark0001",
    "InstanceName": "bench",
    "Status": "Running",
    "RegionId": "cn-hangzhou",
    "ZoneId": "cn-hangzhou-h",
    "InstanceType": "ecs.g6.large",
    "Cpu": 2,
    "Memory": 8192,
    "CreationTime": "2024-01-01T00:00Z",
    "Tags": {"Tag": [{"TagKey": "env", "TagValue": "bench"}]},
}

ALIYUN_RPC = _response(
    json.dumps(
        {
            "RequestId": "6F5C2E6A-0000-4000-8000-000000000001",
            "TotalCount": 1,
            "PageNumber": 1,
            "PageSize": 10,
            "Instances": {"Instance": [_INSTANCE]},
        }
    ).encode(),
    "application/json;charset=utf-8",
)

TENCENT_TC3 = _response(
    json.dumps(
        {
            "Response": {
                "TotalCount": 1,
                "InstanceSet": [
                    {
                        "InstanceId": "ins-benchmark",
                        "InstanceName": "bench",
                        "InstanceState": "RUNNING",
                        "InstanceType": "S5.MEDIUM4",
                        "CPU": 2,
                        "Memory": 4,
                        "CreatedTime": "2024-01-01T00:00:00Z",
                        "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0},
                        "Tags": [{"Key": "env", "Value": "bench"}],
                    }
                ],
                "RequestId": "6F5C2E6A-0000-4000-8000-000000000002",
            }
        }
    ).encode(),
    "application/json",
)

STS_QUERY = _response(
    b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    b"<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/bench</Arn>"
    b"<UserId>AIDABENCHMARK</UserId><Account>123456789012</Account>"
    b"</GetCallerIdentityResult><ResponseMetadata><RequestId>req-1</RequestId>"
    b"</ResponseMetadata></GetCallerIdentityResponse>",
    "text/xml",
)

EC2_QUERY = _response(
    b'<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
    b"<requestId>req-1</requestId><reservationSet><item><reservationId>r-1</reservationId>"
    b"<ownerId>123456789012</ownerId><instancesSet><item><instanceId>i-1</instanceId>"
    b"<instanceType>t3.micro</instanceType><instanceState><code>16</code><name>running</name>"
    b"</instanceState></item></instancesSet></item></reservationSet>"
    b"</DescribeInstancesResponse>",
    "text/xml",
)

DYNAMODB_JSON = _response(
    b'{"TableNames":["bench-a","bench-b","bench-c"]}', "application/x-amz-json-1.0"
)

S3_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
    b'ETag: "5d41402abc4b2a76b9719d911017c592"\r\n'
    b"Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nx-amz-request-id: req-1\r\n"
    b"x-amz-meta-owner: bench\r\n\r\n"
)

NOT_FOUND = _response(b'{"message":"no canned answer"}', "application/json", "404 Not Found")


def _list_page(index: int) -> bytes:
    keys = "".join(
        f"<Contents><Key>key-{index * PAGE_SIZE + i:06d}</Key>"
        "<LastModified>2024-01-01T00:00:00.000Z</LastModified>"
        '<ETag>"5d41402abc4b2a76b9719d911017c592"</ETag><Size>5</Size>'
        "<StorageClass>STANDARD</StorageClass></Contents>"
        for i in range(PAGE_SIZE)
    )
    last = index == PAGES - 1
    token = "" if last else f"<NextContinuationToken>page{index + 1}</NextContinuationToken>"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        f"<Name>bench</Name><Prefix></Prefix><KeyCount>{PAGE_SIZE}</KeyCount>"
        f"<MaxKeys>{PAGE_SIZE}</MaxKeys><IsTruncated>{'false' if last else 'true'}</IsTruncated>"
        f"{token}{keys}</ListBucketResult>"
    )
    return _response(body.encode(), "application/xml")


LIST_PAGES = [_list_page(i) for i in range(PAGES)]


def answer(head: bytes, body: bytes) -> bytes:
    """The canned response for one request (``head`` is its request line and headers)."""
    line, _, rest = head.partition(b"\r\n")
    lower = rest.lower()
    if line.startswith(b"HEAD "):
        return S3_HEAD
    if b"x-tc-action:" in lower:
        return TENCENT_TC3
    if b"x-amz-target:" in lower:
        return DYNAMODB_JSON
    if b"list-type=2" in line:
        marker = line.find(b"continuation-token=page")
        page = 0
        if marker >= 0:
            digits = line[marker + len(b"continuation-token=page") :].split(b"&")[0].split(b" ")
            page = int(digits[0])
        return LIST_PAGES[page]
    text = line + body
    if b"GetCallerIdentity" in text:
        return STS_QUERY
    if b"DescribeInstances" in text:
        return EC2_QUERY if b"2016-11-15" in text else ALIYUN_RPC
    return NOT_FOUND


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        assert self.transport is not None
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            for header in head.split(b"\r\n")[1:]:
                name, _, value = header.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(answer(head, body))


async def _serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Connection, "127.0.0.1", port, backlog=256)
    bound = server.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{bound}", flush=True)
    stop = asyncio.Event()
    # The server ends when whoever started it closes our stdin (or exits).
    threading.Thread(
        target=lambda: (sys.stdin.read(), loop.call_soon_threadsafe(stop.set)), daemon=True
    ).start()
    async with server:
        await stop.wait()


def main() -> int:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    asyncio.run(_serve(port))
    return 0


if __name__ == "__main__":
    sys.exit(main())

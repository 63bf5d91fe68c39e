from __future__ import annotations

import uuid

from cloudcore.emulator.errors import new_request_id


def test_request_ids_are_written_as_each_cloud_writes_them() -> None:
    alibaba = new_request_id("aliyun")
    assert alibaba == alibaba.upper() and uuid.UUID(alibaba)
    for cloud in ("tencentcloud", "aws"):
        other = new_request_id(cloud)
        assert other == other.lower() and uuid.UUID(other)

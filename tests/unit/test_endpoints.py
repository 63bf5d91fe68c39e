"""Endpoint resolution: every rule of ``cloudcore.endpoints`` against shipped and made-up data."""

from __future__ import annotations

from typing import Any

import pytest
from cloudcore.config import Config
from cloudcore.endpoints import EndpointResolver
from cloudcore.exceptions import ConfigError, InvalidRegionError
from cloudcore.models.loader import PACKAGED_DATA, Loader
from cloudcore.session import Session
from cloudcore.transport import MockTransport


def _resolver(cloud: str) -> EndpointResolver:
    return EndpointResolver(Loader([str(PACKAGED_DATA)]).load_cloud_data(cloud, "_endpoints"))


@pytest.fixture(scope="module")
def aliyun() -> EndpointResolver:
    return _resolver("aliyun")


@pytest.fixture(scope="module")
def tencent() -> EndpointResolver:
    return _resolver("tencentcloud")


@pytest.fixture(scope="module")
def aws() -> EndpointResolver:
    return _resolver("aws")


# --- Alibaba Cloud ----------------------------------------------------------------------


def test_aliyun_product_template(aliyun: EndpointResolver) -> None:
    assert aliyun.resolve("kms", "cn-beijing").url == "https://kms.cn-beijing.aliyuncs.com"


def test_aliyun_per_region_override_beats_the_template(aliyun: EndpointResolver) -> None:
    assert aliyun.resolve("ecs", "cn-hangzhou").url == "https://ecs-cn-hangzhou.aliyuncs.com"
    assert aliyun.resolve("ecs", "cn-beijing").url == "https://ecs.cn-beijing.aliyuncs.com"


def test_aliyun_global_product_serves_every_region_from_one_host(
    aliyun: EndpointResolver,
) -> None:
    for region in ("cn-hangzhou", "eu-central-1", None):
        endpoint = aliyun.resolve("sts", region)
        assert endpoint.url == "https://sts.aliyuncs.com"
        assert endpoint.is_global
    assert aliyun.resolve("sts", "cn-beijing").signing_region == "cn-beijing"


def test_aliyun_unlisted_product_uses_the_cloud_template(aliyun: EndpointResolver) -> None:
    assert aliyun.resolve("vpc", "cn-qingdao").url == "https://vpc.cn-qingdao.aliyuncs.com"


def test_aliyun_unknown_region_names_the_known_ones(aliyun: EndpointResolver) -> None:
    with pytest.raises(InvalidRegionError) as info:
        aliyun.resolve("ecs", "mars-north-1")
    message = str(info.value)
    assert "mars-north-1" in message and "cn-hangzhou" in message and "ecs" in message


def test_a_product_region_list_narrows_the_cloud_list() -> None:
    data: dict[str, Any] = {
        "hostname": "{service}.{region}.example.com",
        "regions": ["r-one", "r-two", "r-three"],
        "services": {"narrow": {"regions": ["r-one"]}},
    }
    resolver = EndpointResolver(data)
    assert resolver.resolve("narrow", "r-one").url == "https://narrow.r-one.example.com"
    with pytest.raises(InvalidRegionError) as info:
        resolver.resolve("narrow", "r-two")
    assert info.value.fields.get("known") == ["r-one"] or "r-one" in str(info.value)
    assert "r-three" not in str(info.value)
    assert resolver.resolve("other", "r-two").url == "https://other.r-two.example.com"


# --- Tencent Cloud ----------------------------------------------------------------------


def test_tencent_default_host_has_no_region(tencent: EndpointResolver) -> None:
    endpoint = tencent.resolve("cvm", "ap-guangzhou")
    assert endpoint.url == "https://cvm.tencentcloudapi.com"
    assert endpoint.signing_region == "ap-guangzhou"


def test_tencent_regional_hosts_on_request(tencent: EndpointResolver) -> None:
    url = tencent.resolve("cvm", "ap-shanghai", regional=True).url
    assert url == "https://cvm.ap-shanghai.tencentcloudapi.com"


def test_tencent_regional_switch_in_the_endpoint_data() -> None:
    data: dict[str, Any] = {
        "hostname": "{service}.tencentcloudapi.com",
        "regional_hostname": "{service}.{region}.tencentcloudapi.com",
        "services": {"cos": {"regional": True}},
    }
    resolver = EndpointResolver(data)
    assert resolver.resolve("cos", "ap-beijing").url == "https://cos.ap-beijing.tencentcloudapi.com"
    assert resolver.resolve("cvm", "ap-beijing").url == "https://cvm.tencentcloudapi.com"


def test_tencent_global_product_stays_global_with_regional_hosts(
    tencent: EndpointResolver,
) -> None:
    assert (
        tencent.resolve("sts", "ap-tokyo", regional=True).url == "https://sts.tencentcloudapi.com"
    )


def test_config_regional_endpoints_reaches_the_client() -> None:
    session = Session(environ={})
    transport = MockTransport(lambda r: None)  # type: ignore[arg-type,return-value]
    regional = session.create_client(
        "cvm",
        region_name="ap-shanghai",
        config=Config(regional_endpoints=True),
        access_key_id="AKID",
        access_key_secret="secret",
        transport=transport,
    )
    assert regional.meta.endpoint_url == "https://cvm.ap-shanghai.tencentcloudapi.com"
    plain = session.create_client(
        "cvm", region_name="ap-shanghai", access_key_id="AKID", access_key_secret="s"
    )
    assert plain.meta.endpoint_url == "https://cvm.tencentcloudapi.com"


def test_regional_endpoints_from_the_environment() -> None:
    session = Session(environ={"CLOUDCORE_REGIONAL_ENDPOINTS": "true"})
    client = session.create_client(
        "cvm", region_name="ap-beijing", access_key_id="AKID", access_key_secret="s"
    )
    assert client.meta.endpoint_url == "https://cvm.ap-beijing.tencentcloudapi.com"


# --- AWS --------------------------------------------------------------------------------


def test_aws_regional_template(aws: EndpointResolver) -> None:
    assert aws.resolve("sts", "eu-west-1").url == "https://sts.eu-west-1.amazonaws.com"


def test_aws_china_partition_changes_the_domain(aws: EndpointResolver) -> None:
    assert aws.resolve("sts", "cn-north-1").url == "https://sts.cn-north-1.amazonaws.com.cn"
    assert aws.resolve("s3", "cn-northwest-1").url == "https://s3.cn-northwest-1.amazonaws.com.cn"


def test_aws_us_east_1_s3_is_the_legacy_global_host(aws: EndpointResolver) -> None:
    assert aws.resolve("s3", "us-east-1").url == "https://s3.amazonaws.com"


def test_aws_s3_entry_carries_bucket_addressing_data(aws: EndpointResolver) -> None:
    data = aws.resolve("s3", "eu-west-1").bucket_addressing
    assert data is not None and "amazonaws.com" in data["virtual_domains"]
    assert aws.resolve("sts", "eu-west-1").bucket_addressing is None


# --- rules for every cloud --------------------------------------------------------------


@pytest.mark.parametrize("cloud", ["aliyun", "tencentcloud", "aws"])
def test_endpoint_url_overrides_everything(cloud: str) -> None:
    resolver = _resolver(cloud)
    endpoint = resolver.resolve("sts", "nowhere-1", "http://127.0.0.1:9000/base/")
    assert endpoint.url == "http://127.0.0.1:9000/base"
    assert endpoint.signing_region == "nowhere-1"  # no region check against the data


def test_endpoint_url_needs_a_scheme(aliyun: EndpointResolver) -> None:
    with pytest.raises(ConfigError, match="scheme"):
        aliyun.resolve("ecs", "cn-hangzhou", "ecs.example.com")


@pytest.mark.parametrize("region", ["evil.com/", "CN-HANGZHOU", "a b", "x@y", ""])
def test_region_that_is_not_a_host_label_is_refused(aliyun: EndpointResolver, region: str) -> None:
    with pytest.raises(ConfigError):
        aliyun.resolve("kms", region)


def test_no_region_for_a_regional_product(aliyun: EndpointResolver) -> None:
    with pytest.raises(ConfigError, match="region"):
        aliyun.resolve("kms", None)

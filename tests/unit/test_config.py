from __future__ import annotations

from pathlib import Path

import pytest
from cloudcore.config import Config, RetryConfig
from cloudcore.exceptions import ConfigError
from cloudcore.settings import Settings


def test_config_is_frozen_and_checked() -> None:
    config = Config(read_timeout=5, retries={"mode": "adaptive", "max_attempts": 5})
    assert config.retry == RetryConfig("adaptive", 5)
    with pytest.raises(AttributeError):
        config.read_timeout = 3
    for bad in (
        {"read_timeout": 0},
        {"connect_timeout": "10"},
        {"retries": {"mode": "sometimes"}},
        {"retries": {"max_attempts": 0}},
        {"retries": {"tries": 3}},
        {"max_pool_connections": 0},
        {"s3": {"addressing_style": "sideways"}},
        {"verify": 3},
    ):
        with pytest.raises(ConfigError):
            Config(**bad)


def test_merge_lays_set_fields_over() -> None:
    base = Config(read_timeout=5, connect_timeout=2)
    merged = base.merge(Config(read_timeout=9))
    assert (merged.read_timeout, merged.connect_timeout) == (9, 2)
    filled = Config(read_timeout=5).with_defaults({"read_timeout": 60, "connect_timeout": 10})
    assert (filled.read_timeout, filled.connect_timeout) == (5, 10)


def test_settings_precedence_and_sources(tmp_path: Path) -> None:
    config_file = tmp_path / "config"
    config_file.write_text(
        "[default]\nregion = cn-beijing\nmax_attempts = 7\n"
        "[profile work]\naliyun.region = cn-shanghai\nregion = us-east-1\n"
    )
    env = {"CLOUDCORE_CONFIG_FILE": str(config_file)}
    settings = Settings({}, None, env)
    assert settings.lookup("region_name", "aliyun").value == "cn-beijing"
    assert "[default] region" in settings.lookup("region_name", "aliyun").source
    assert settings.get("max_attempts") == 7
    assert settings.lookup("read_timeout").source == "default"

    env_settings = Settings({}, None, {**env, "ALIBABA_CLOUD_REGION_ID": "cn-shenzhen"})
    region = env_settings.lookup("region_name", "aliyun")
    assert (region.value, region.source) == (
        "cn-shenzhen",
        "environment variable ALIBABA_CLOUD_REGION_ID",
    )
    assert env_settings.get("region_name", "aws") == "cn-beijing"

    explicit = Settings({"region_name": "cn-qingdao"}, None, {**env, "CLOUDCORE_REGION": "x"})
    assert explicit.lookup("region_name", "aliyun").source == "explicit argument"

    work = Settings({}, "work", env)
    assert work.get("region_name", "aliyun") == "cn-shanghai"
    assert work.get("region_name", "aws") == "us-east-1"


def test_bad_settings_are_typed_errors(tmp_path: Path) -> None:
    config_file = tmp_path / "config"
    config_file.write_text("[default]\nmax_attempts = many\n")
    settings = Settings({}, None, {"CLOUDCORE_CONFIG_FILE": str(config_file)})
    with pytest.raises(ConfigError, match="max_attempts"):
        settings.get("max_attempts")
    with pytest.raises(ConfigError, match="Profile 'nope' not found"):
        Settings({}, "nope", {"CLOUDCORE_CONFIG_FILE": str(config_file)}).get("region_name")
    with pytest.raises(ConfigError, match="Unknown setting"):
        settings.get("colour")

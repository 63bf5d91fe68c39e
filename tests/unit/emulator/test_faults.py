"""Fault SPEC parsing and seeded, repeatable decisions."""

from __future__ import annotations

import pytest
from cloudcore.emulator.faults import FaultInjector, FaultRule, FaultSpecError, parse_fault_spec


def test_spec_grammar_reads_every_setting() -> None:
    rules = parse_fault_spec(
        "ecs.DescribeInstances:throttle=0.3,error=0.1,code=Boom,status=500;*:latency=50ms;"
        "s3:reset=1,truncate=0.5,latency=1.5s"
    )
    assert rules[0] == FaultRule(
        "ecs.DescribeInstances", error=0.1, throttle=0.3, code="Boom", status=500
    )
    assert rules[1] == FaultRule("*", latency_ms=50.0)
    assert rules[2] == FaultRule("s3", reset=1.0, truncate=0.5, latency_ms=1500.0)


@pytest.mark.parametrize(
    "spec", ["ecs", "ecs:throttle", "ecs:throttle=2", "ecs:bogus=1", "ecs:latency=-1", ":error=1"]
)
def test_bad_specs_are_refused_with_a_reason(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        parse_fault_spec(spec)


def test_json_rules_round_trip() -> None:
    rule = FaultRule("kms.*", error=0.5, code="X")
    assert FaultRule.from_json(rule.to_json()) == rule
    with pytest.raises(FaultSpecError):
        FaultRule.from_json({"target": "x", "nope": 1})


def test_targets_match_service_operation_and_cloud_qualified_names() -> None:
    injector = FaultInjector(parse_fault_spec("aliyun.sts.*:error=1;ecs:throttle=1"))
    assert injector.decide("aliyun", "sts", "AssumeRole").action == "error"
    assert injector.decide("aws", "sts", "AssumeRole").action is None
    assert injector.decide("aliyun", "ecs", "RunInstances").action == "throttle"
    assert injector.decide("aliyun", "kms", "Encrypt").action is None


def test_later_rules_override_earlier_settings() -> None:
    injector = FaultInjector(parse_fault_spec("*:error=1,latency=10ms;ecs:error=0"))
    decision = injector.decide("aliyun", "ecs", "DescribeRegions")
    assert decision.action is None and decision.latency_ms == 10.0


def test_seeded_injectors_make_the_same_decisions() -> None:
    def run(seed: int) -> list[str | None]:
        injector = FaultInjector(parse_fault_spec("*:error=0.5"), seed=seed)
        return [injector.decide("aws", "s3", "GetObject").action for _ in range(40)]

    assert run(7) == run(7)
    outcomes = run(7)
    assert "error" in outcomes and None in outcomes


def test_clear_removes_every_rule() -> None:
    injector = FaultInjector(parse_fault_spec("*:error=1"))
    injector.clear()
    assert injector.decide("aws", "s3", "GetObject").action is None
    assert injector.to_json()["rules"] == []

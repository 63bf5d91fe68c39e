"""The README's first command: ``cloudcore demo`` runs its whole tour and exits 0."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from cloudcore.cli import main
from cloudcore.demo import run_tour


def test_tour_runs_every_step() -> None:
    lines: list[str] = []
    assert run_tour(lines.append) == 0, "\n".join(lines)
    text = "\n".join(lines)
    assert "ECS waiter instance_running: all Running" in text
    assert "CVM waiter instance_running: all RUNNING" in text
    assert "decrypt gives 'hello from cloudcore'" in text
    assert "ACM long-poll watcher woke up on the change" in text
    assert "S3 presigned PUT -> 200, plain GET -> 200 'hello, presigned world'" in text
    assert "FAILED" not in text


def test_console_script_entry_point() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cloudcore.cli import main; sys.exit(main())",
            "demo",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["ok"] is True


def test_cli_lists_services(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["services"]) == 0
    out = capsys.readouterr().out
    for name in ("aliyun.ecs", "tencentcloud.cvm", "aws.s3", "aliyun.acm"):
        assert name in out

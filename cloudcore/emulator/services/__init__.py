"""Per-service behaviours of the emulator, one module per service, loaded on first use.

``BEHAVIOURS`` maps ``cloud.service`` (the model's cloud and service name) to the class
that emulates it; :class:`BehaviourSet` keeps one instance of each for an emulator.
"""

from __future__ import annotations

import importlib
import threading

from cloudcore.emulator.services.base import Behaviour, EmulatorEnv
from cloudcore.models.service import ServiceModel

__all__ = ["BEHAVIOURS", "BehaviourSet"]

BEHAVIOURS: dict[str, tuple[str, str]] = {
    "aliyun.ecs": ("cloudcore.emulator.services.ecs", "EcsBehaviour"),
    "tencentcloud.cvm": ("cloudcore.emulator.services.cvm", "CvmBehaviour"),
    "aliyun.sts": ("cloudcore.emulator.services.sts", "AliyunStsBehaviour"),
    "tencentcloud.sts": ("cloudcore.emulator.services.sts", "TencentStsBehaviour"),
    "aws.sts": ("cloudcore.emulator.services.sts", "AwsStsBehaviour"),
    "aliyun.kms": ("cloudcore.emulator.services.kms", "KmsBehaviour"),
    "aliyun.acm": ("cloudcore.emulator.services.acm", "AcmBehaviour"),
    "aws.s3": ("cloudcore.emulator.services.s3", "S3Behaviour"),
}


class BehaviourSet:
    """The behaviour instances (and so the in-memory state) of one emulator."""

    def __init__(self, env: EmulatorEnv) -> None:
        self.env = env
        self._lock = threading.Lock()
        self._instances: dict[str, Behaviour | None] = {}

    def for_service(self, service: ServiceModel) -> Behaviour | None:
        key = f"{service.cloud}.{service.service_name}"
        with self._lock:
            if key not in self._instances:
                entry = BEHAVIOURS.get(key)
                instance = None
                if entry is not None:
                    cls = getattr(importlib.import_module(entry[0]), entry[1])
                    instance = cls(self.env)
                self._instances[key] = instance
            return self._instances[key]

    def reset(self) -> None:
        """Drop every service's state (the next call starts from nothing)."""
        with self._lock:
            instances, self._instances = self._instances, {}
        for instance in instances.values():
            if instance is not None:
                instance.close()

    close = reset

"""Tencent Cloud CVM: instances with a timed life cycle, regions, zones, images,
instance type configs and key pairs.

States are Tencent's: ``PENDING -> RUNNING``, ``STOPPING -> STOPPED``, ``STARTING`` and
``REBOOTING -> RUNNING``, ``TERMINATING`` -> gone, each step taking
``transition_seconds``. Listings page with ``Offset``/``Limit`` and ``TotalCount``;
``Filters`` take Tencent's names (``zone``, ``instance-id``, ``instance-name``,
``instance-state``, ``tag-key``, ``tag:<key>``). ``ClientToken`` makes RunInstances
idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudcore.emulator.errors import ServiceError
from cloudcore.emulator.services.base import (
    Behaviour,
    CallContext,
    EmulatorEnv,
    emulates,
    iso_seconds,
    require_param,
)
from cloudcore.emulator.services.catalog import catalog, zones_of
from cloudcore.emulator.services.idempotency import IdempotencyCache
from cloudcore.emulator.services.lifecycle import Lifecycle, Resource
from cloudcore.emulator.services.paging import page_by_offset
from cloudcore.emulator.services.params import as_bool, as_list

__all__ = ["INSTANCE_LIFECYCLE", "CvmBehaviour"]

INSTANCE_LIFECYCLE = Lifecycle(
    {
        "PENDING": "RUNNING",
        "STARTING": "RUNNING",
        "REBOOTING": "RUNNING",
        "STOPPING": "STOPPED",
        "TERMINATING": "TERMINATED",
    },
    final="TERMINATED",
)
DEFAULT_REGION = "ap-guangzhou"


def _region(ctx: CallContext) -> str:
    return str(ctx.request.headers.get("X-TC-Region") or DEFAULT_REGION)


def _filters(params: Mapping[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for item in as_list(params.get("Filters"), "Filters"):
        if isinstance(item, Mapping) and item.get("Name"):
            out.setdefault(str(item["Name"]), set()).update(
                str(v) for v in as_list(item.get("Values"))
            )
    return out


class CvmBehaviour(Behaviour):
    def __init__(self, env: EmulatorEnv) -> None:
        super().__init__(env)
        self.instances: dict[str, Resource] = {}
        self.key_pairs: dict[str, dict[str, Any]] = {}
        self.tokens = IdempotencyCache()

    def _now(self) -> float:
        return self.env.timer()

    def _advance(self, resource: Resource) -> str:
        state = INSTANCE_LIFECYCLE.advance(resource, self._now(), self.env.transition_seconds)
        if INSTANCE_LIFECYCLE.is_gone(resource):
            self.instances.pop(resource.id, None)
        return state

    def _live(self) -> list[Resource]:
        for resource in list(self.instances.values()):
            self._advance(resource)
        return list(self.instances.values())

    def _instance(self, instance_id: Any) -> Resource:
        resource = self.instances.get(str(instance_id))
        if resource is None or INSTANCE_LIFECYCLE.is_gone(resource):
            raise ServiceError(
                "InvalidInstanceId.NotFound", f"The instance {instance_id} does not exist.", 200
            )
        self._advance(resource)
        if resource.id not in self.instances:
            raise ServiceError(
                "InvalidInstanceId.NotFound", f"The instance {instance_id} does not exist.", 200
            )
        return resource

    # --- catalogue ----------------------------------------------------------------------

    @emulates("DescribeRegions")
    def describe_regions(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        regions = [dict(r, RegionState="AVAILABLE") for r in catalog("tencentcloud")["regions"]]
        return {"TotalCount": len(regions), "RegionSet": regions}

    @emulates("DescribeZones")
    def describe_zones(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        zones = [
            {"Zone": z, "ZoneName": z, "ZoneId": str(100001 + i), "ZoneState": "AVAILABLE"}
            for i, z in enumerate(zones_of("tencentcloud", _region(ctx)))
        ]
        return {"TotalCount": len(zones), "ZoneSet": zones}

    @emulates("DescribeImages")
    def describe_images(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        images = list(catalog("tencentcloud")["images"])
        ids = {str(i) for i in as_list(params.get("ImageIds"))}
        if ids:
            images = [i for i in images if i["ImageId"] in ids]
        page = page_by_offset(images, params.get("Offset"), params.get("Limit"))
        return {"TotalCount": page.total, "ImageSet": page.items}

    @emulates("DescribeInstanceTypeConfigs")
    def describe_instance_type_configs(
        self, params: dict[str, Any], ctx: CallContext
    ) -> dict[str, Any]:
        zone = zones_of("tencentcloud", _region(ctx))[0]
        configs = [
            dict(t, Zone=zone, GPU=0, FPGA=0) for t in catalog("tencentcloud")["instance_types"]
        ]
        return {"InstanceTypeConfigSet": configs}

    # --- instances ----------------------------------------------------------------------

    @emulates("RunInstances")
    def run_instances(self, params: dict[str, Any], ctx: CallContext) -> Mapping[str, Any]:
        if as_bool(params.get("DryRun")):
            raise ServiceError("DryRunOperation", "The request would have succeeded.", 200)
        image = str(require_param(params, "ImageId", "MissingParameter"))
        count = int(params.get("InstanceCount") or 1)
        placement = params.get("Placement") or {}
        zone = str(placement.get("Zone") or zones_of("tencentcloud", _region(ctx))[0])
        instance_type = str(params.get("InstanceType") or "S5.MEDIUM2")
        spec = {t["InstanceType"]: t for t in catalog("tencentcloud")["instance_types"]}.get(
            instance_type, {"CPU": 1, "Memory": 1}
        )
        tags = [
            tag
            for item in as_list(params.get("TagSpecification"))
            if isinstance(item, Mapping)
            for tag in as_list(item.get("Tags"))
        ]

        def work() -> dict[str, Any]:
            ids = []
            with self.lock:
                for _ in range(count):
                    instance_id = "ins-" + f"{next(self._ids):08x}"
                    fields = {
                        "InstanceId": instance_id,
                        "InstanceName": params.get("InstanceName") or "Unnamed",
                        "InstanceType": instance_type,
                        "InstanceChargeType": params.get("InstanceChargeType")
                        or "POSTPAID_BY_HOUR",
                        "Placement": {"Zone": zone, "ProjectId": 0},
                        "CPU": spec["CPU"],
                        "Memory": spec["Memory"],
                        "ImageId": image,
                        "SecurityGroupIds": as_list(params.get("SecurityGroupIds")),
                        "Tags": tags,
                        "CreatedTime": iso_seconds(self.env.clock()),
                        "HostName": params.get("HostName") or instance_id,
                        "Uuid": f"{int(instance_id[4:], 16):032x}",
                        "PrivateIpAddresses": [f"10.0.0.{len(self.instances) % 250 + 2}"],
                        "RestrictState": "NORMAL",
                    }
                    self.instances[instance_id] = Resource(
                        instance_id, "PENDING", self._now(), fields
                    )
                    ids.append(instance_id)
            return {"InstanceIdSet": ids}

        return self.tokens.run("RunInstances", params.get("ClientToken"), work)

    def _matches(self, resource: Resource, filters: dict[str, set[str]]) -> bool:
        f = resource.fields
        tags = {str(t.get("Key")): str(t.get("Value")) for t in f["Tags"] if isinstance(t, Mapping)}
        for name, values in filters.items():
            if name == "zone" and f["Placement"]["Zone"] not in values:
                return False
            if name == "instance-id" and resource.id not in values:
                return False
            if name == "instance-name" and f["InstanceName"] not in values:
                return False
            if name == "instance-state" and resource.state not in values:
                return False
            if name == "tag-key" and not values & set(tags):
                return False
            if name.startswith("tag:") and tags.get(name[4:]) not in values:
                return False
        return True

    @emulates("DescribeInstances")
    def describe_instances(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ids = [str(i) for i in as_list(params.get("InstanceIds"))]
        if ids and params.get("Filters"):
            raise ServiceError(
                "InvalidParameter", "InstanceIds and Filters cannot be given together.", 200
            )
        filters = _filters(params)
        with self.lock:
            views = [
                dict(r.fields, InstanceState=r.state)
                for r in self._live()
                if (not ids or r.id in ids) and self._matches(r, filters)
            ]
        page = page_by_offset(views, params.get("Offset"), params.get("Limit"))
        return {"TotalCount": page.total, "InstanceSet": page.items}

    @emulates("DescribeInstancesStatus")
    def describe_instances_status(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ids = [str(i) for i in as_list(params.get("InstanceIds"))]
        with self.lock:
            rows = [
                {"InstanceId": r.id, "InstanceState": r.state}
                for r in self._live()
                if not ids or r.id in ids
            ]
        page = page_by_offset(rows, params.get("Offset"), params.get("Limit"))
        return {"TotalCount": page.total, "InstanceStatusSet": page.items}

    def _transition(self, params: dict[str, Any], allowed: set[str], to: str) -> dict[str, Any]:
        ids = as_list(require_param(params, "InstanceIds"), "InstanceIds")
        with self.lock:
            resources = [self._instance(i) for i in ids]
            for resource in resources:
                if resource.state not in allowed:
                    state = resource.state.title().replace("_", "")
                    raise ServiceError(
                        f"UnsupportedOperation.InstanceState{state}",
                        f"The instance {resource.id} is {resource.state}; the operation is "
                        "not supported in this state.",
                        200,
                    )
            for resource in resources:
                INSTANCE_LIFECYCLE.move(resource, to, self._now())
                self._advance(resource)
        return {}

    @emulates("StartInstances")
    def start_instances(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._transition(params, {"STOPPED"}, "STARTING")

    @emulates("StopInstances")
    def stop_instances(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._transition(params, {"RUNNING"}, "STOPPING")

    @emulates("RebootInstances")
    def reboot_instances(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._transition(params, {"RUNNING"}, "REBOOTING")

    @emulates("TerminateInstances")
    def terminate_instances(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._transition(params, {"RUNNING", "STOPPED", "PENDING"}, "TERMINATING")

    @emulates("ModifyInstancesAttribute")
    def modify_instances_attribute(
        self, params: dict[str, Any], ctx: CallContext
    ) -> dict[str, Any]:
        with self.lock:
            for instance_id in as_list(require_param(params, "InstanceIds")):
                resource = self._instance(instance_id)
                for name in ("InstanceName", "HostName", "CamRoleName"):
                    if params.get(name) is not None:
                        resource.fields[name] = params[name]
                if params.get("SecurityGroups"):
                    resource.fields["SecurityGroupIds"] = as_list(params["SecurityGroups"])
        return {}

    # --- key pairs ----------------------------------------------------------------------

    @emulates("CreateKeyPair")
    def create_key_pair(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        name = str(require_param(params, "KeyName"))
        with self.lock:
            if any(k["KeyName"] == name for k in self.key_pairs.values()):
                raise ServiceError("InvalidKeyPairName.Duplicate", "The key name exists.", 200)
            key_id = f"skey-{next(self._ids):08x}"
            pair = {
                "KeyId": key_id,
                "KeyName": name,
                "ProjectId": int(params.get("ProjectId") or 0),
                "Description": "",
                "PublicKey": f"ssh-rsa AAAAemulated {name}",
                "AssociatedInstanceIds": [],
                "CreatedTime": iso_seconds(self.env.clock()),
            }
            self.key_pairs[key_id] = pair
        return {
            "KeyPair": dict(
                pair,
                PrivateKey="-----BEGIN RSA PRIVATE KEY-----\nemulated\n"
                "-----END RSA PRIVATE KEY-----",
            )
        }

    @emulates("DescribeKeyPairs")
    def describe_key_pairs(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ids = {str(i) for i in as_list(params.get("KeyIds"))}
        names = _filters(params).get("key-name")
        with self.lock:
            pairs = [
                dict(p)
                for p in self.key_pairs.values()
                if (not ids or p["KeyId"] in ids) and (not names or p["KeyName"] in names)
            ]
        page = page_by_offset(pairs, params.get("Offset"), params.get("Limit"))
        return {"TotalCount": page.total, "KeyPairSet": page.items}

    @emulates("DeleteKeyPairs")
    def delete_key_pairs(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            for key_id in as_list(require_param(params, "KeyIds")):
                if str(key_id) not in self.key_pairs:
                    raise ServiceError(
                        "InvalidKeyPairId.NotFound", f"The key pair {key_id} does not exist.", 200
                    )
                del self.key_pairs[str(key_id)]
        return {}

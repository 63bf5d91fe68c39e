"""Alibaba Cloud ECS: instances with a timed life cycle, the catalogue (regions, zones,
images, instance types), security groups and their rules, disks, key pairs and tags.

Instances go ``Pending -> Running`` after ``transition_seconds``; ``StopInstance`` goes
``Stopping -> Stopped``; ``StartInstance``/``RebootInstance`` go ``Starting -> Running``;
``DeleteInstance`` needs ``Stopped`` (or ``Force``). Listings page as ECS does: with
``PageNumber``/``PageSize`` and ``TotalCount``, or with ``NextToken``/``MaxResults``
when either is sent. ``ClientToken`` makes creation idempotent.
"""

from __future__ import annotations

import fnmatch
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
from cloudcore.emulator.services.paging import Page, page_by_number, page_by_token
from cloudcore.emulator.services.params import as_bool, as_list, tag_pairs
from cloudcore.emulator.services.tags import TagStore

__all__ = ["INSTANCE_LIFECYCLE", "EcsBehaviour"]

INSTANCE_LIFECYCLE = Lifecycle({"Pending": "Running", "Starting": "Running", "Stopping": "Stopped"})
DEFAULT_REGION = "cn-hangzhou"


def _not_found(kind: str, resource_id: str) -> ServiceError:
    return ServiceError(
        f"Invalid{kind}.NotFound", f"The specified {kind} {resource_id} does not exist.", 404
    )


def _page(items: list[Any], params: Mapping[str, Any]) -> Page:
    if params.get("NextToken") or params.get("MaxResults"):
        return page_by_token(items, params.get("NextToken"), params.get("MaxResults"))
    return page_by_number(items, params.get("PageNumber"), params.get("PageSize"))


def _paged(key: str, item: str, page: Page, params: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {key: {item: page.items}, "TotalCount": page.total}
    if params.get("NextToken") or params.get("MaxResults"):
        out["MaxResults"] = page.size
        out["NextToken"] = page.next_token or ""
    else:
        out["PageNumber"] = page.number
        out["PageSize"] = page.size
    return out


class EcsBehaviour(Behaviour):
    def __init__(self, env: EmulatorEnv) -> None:
        super().__init__(env)
        self.instances: dict[str, Resource] = {}
        self.security_groups: dict[str, dict[str, Any]] = {}
        self.disks: dict[str, dict[str, Any]] = {}
        self.key_pairs: dict[str, dict[str, Any]] = {}
        self.tags = TagStore()
        self.tokens = IdempotencyCache()

    # --- helpers ------------------------------------------------------------------------

    def _now(self) -> float:
        return self.env.timer()

    def _instance(self, instance_id: Any) -> Resource:
        resource = self.instances.get(str(instance_id))
        if resource is None:
            raise _not_found("InstanceId", str(instance_id))
        INSTANCE_LIFECYCLE.advance(resource, self._now(), self.env.transition_seconds)
        return resource

    def _status_error(self, resource: Resource, action: str) -> ServiceError:
        return ServiceError(
            "IncorrectInstanceStatus",
            f"The current status of the resource does not support this operation: instance "
            f"{resource.id} is {resource.state}, {action} is not allowed.",
            403,
        )

    def _instance_view(self, resource: Resource) -> dict[str, Any]:
        view = dict(resource.fields)
        view["Status"] = resource.state
        tags = self.tags.get("instance", resource.id)
        view["Tags"] = {
            "Tag": [{"TagKey": k, "TagValue": v, "Key": k, "Value": v} for k, v in tags.items()]
        }
        return view

    # --- catalogue ----------------------------------------------------------------------

    @emulates("DescribeRegions")
    def describe_regions(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        regions = [
            dict(r, RegionEndpoint=f"ecs.{r['RegionId']}.aliyuncs.com", Status="available")
            for r in catalog("aliyun")["regions"]
        ]
        return {"Regions": {"Region": regions}}

    @emulates("DescribeZones")
    def describe_zones(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        region = str(params.get("RegionId") or DEFAULT_REGION)
        zones = [{"ZoneId": z, "LocalName": z.upper()} for z in zones_of("aliyun", region)]
        return {"Zones": {"Zone": zones}}

    @emulates("DescribeImages")
    def describe_images(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        images = [
            dict(i, Status="Available", ImageOwnerAlias="system")
            for i in catalog("aliyun")["images"]
        ]
        wanted = params.get("ImageId")
        if wanted:
            ids = set(str(wanted).split(","))
            images = [i for i in images if i["ImageId"] in ids]
        page = page_by_number(images, params.get("PageNumber"), params.get("PageSize"))
        out = _paged("Images", "Image", page, {})
        out["RegionId"] = params.get("RegionId") or DEFAULT_REGION
        return out

    @emulates("DescribeInstanceTypes")
    def describe_instance_types(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        types = catalog("aliyun")["instance_types"]
        family = params.get("InstanceTypeFamily")
        if family:
            types = [t for t in types if t["InstanceTypeFamily"] == family]
        return {"InstanceTypes": {"InstanceType": types}}

    # --- instances ----------------------------------------------------------------------

    def _create_instances(self, params: dict[str, Any], amount: int) -> list[str]:
        region = str(require_param(params, "RegionId"))
        image = str(require_param(params, "ImageId"))
        instance_type = str(require_param(params, "InstanceType"))
        types = {t["InstanceTypeId"]: t for t in catalog("aliyun")["instance_types"]}
        spec = types.get(instance_type, {"CpuCoreCount": 2, "MemorySize": 4.0})
        zone = str(params.get("ZoneId") or zones_of("aliyun", region)[0])
        tags = tag_pairs(params.get("Tag"))
        created = []
        with self.lock:
            for _ in range(amount):
                instance_id = self.new_id("i-", 20)
                name = str(params.get("InstanceName") or instance_id)
                fields = {
                    "InstanceId": instance_id,
                    "InstanceName": name,
                    "HostName": str(params.get("HostName") or name),
                    "RegionId": region,
                    "ZoneId": zone,
                    "InstanceType": instance_type,
                    "ImageId": image,
                    "Cpu": spec["CpuCoreCount"],
                    "Memory": int(float(spec["MemorySize"]) * 1024),
                    # ECS writes instance creation times to the minute: 2024-01-01T00:00Z
                    "CreationTime": iso_seconds(self.env.clock())[:-4] + "Z",
                    "InstanceChargeType": "PostPaid",
                    "KeyPairName": params.get("KeyPairName") or "",
                    "SecurityGroupIds": {
                        "SecurityGroupId": [params["SecurityGroupId"]]
                        if params.get("SecurityGroupId")
                        else []
                    },
                }
                self.instances[instance_id] = Resource(instance_id, "Pending", self._now(), fields)
                if tags:
                    self.tags.set("instance", instance_id, tags)
                created.append(instance_id)
        return created

    @emulates("RunInstances")
    def run_instances(self, params: dict[str, Any], ctx: CallContext) -> Mapping[str, Any]:
        amount = int(params.get("Amount") or 1)
        if as_bool(params.get("DryRun")):
            raise ServiceError(
                "DryRunOperation", "Request validation has been passed with DryRun flag set.", 400
            )

        def work() -> dict[str, Any]:
            ids = self._create_instances(params, amount)
            return {"InstanceIdSets": {"InstanceIdSet": ids}}

        return self.tokens.run("RunInstances", params.get("ClientToken"), work)

    @emulates("CreateInstance")
    def create_instance(self, params: dict[str, Any], ctx: CallContext) -> Mapping[str, Any]:
        def work() -> dict[str, Any]:
            instance_id = self._create_instances(params, 1)[0]
            with self.lock:
                # CreateInstance leaves the instance stopped, unlike RunInstances.
                INSTANCE_LIFECYCLE.move(self.instances[instance_id], "Stopped", self._now())
            return {"InstanceId": instance_id}

        return self.tokens.run("CreateInstance", params.get("ClientToken"), work)

    @emulates("DescribeInstances")
    def describe_instances(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        wanted_ids = [str(i) for i in as_list(params.get("InstanceIds"), "InstanceIds")]
        wanted_tags: dict[str, str | None] = {
            str(t.get("Key")): t.get("Value")
            for t in as_list(params.get("Tag"))
            if isinstance(t, Mapping) and t.get("Key")
        }
        with self.lock:
            views = []
            for resource in list(self.instances.values()):
                INSTANCE_LIFECYCLE.advance(resource, self._now(), self.env.transition_seconds)
                f = resource.fields
                if params.get("RegionId") and f["RegionId"] != params["RegionId"]:
                    continue
                if params.get("ZoneId") and f["ZoneId"] != params["ZoneId"]:
                    continue
                if wanted_ids and resource.id not in wanted_ids:
                    continue
                if params.get("Status") and resource.state != params["Status"]:
                    continue
                name = params.get("InstanceName")
                if name and not fnmatch.fnmatchcase(f["InstanceName"], str(name)):
                    continue
                if wanted_tags and not self.tags.matches("instance", resource.id, wanted_tags):
                    continue
                views.append(self._instance_view(resource))
        return _paged("Instances", "Instance", _page(views, params), params)

    @emulates("DescribeInstanceStatus")
    def describe_instance_status(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            rows = []
            for resource in self.instances.values():
                INSTANCE_LIFECYCLE.advance(resource, self._now(), self.env.transition_seconds)
                rows.append({"InstanceId": resource.id, "Status": resource.state})
        page = page_by_number(rows, params.get("PageNumber"), params.get("PageSize"))
        return _paged("InstanceStatuses", "InstanceStatus", page, {})

    def _transition(
        self, params: dict[str, Any], allowed: set[str], to: str, action: str
    ) -> dict[str, Any]:
        with self.lock:
            resource = self._instance(require_param(params, "InstanceId"))
            if resource.state not in allowed:
                raise self._status_error(resource, action)
            INSTANCE_LIFECYCLE.move(resource, to, self._now())
            INSTANCE_LIFECYCLE.advance(resource, self._now(), self.env.transition_seconds)
        return {}

    @emulates("StartInstance")
    def start_instance(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._transition(params, {"Stopped"}, "Starting", "StartInstance")

    @emulates("StopInstance")
    def stop_instance(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._transition(params, {"Running"}, "Stopping", "StopInstance")

    @emulates("RebootInstance")
    def reboot_instance(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._transition(params, {"Running"}, "Starting", "RebootInstance")

    def _batch(
        self, params: dict[str, Any], allowed: set[str], to: str, action: str
    ) -> dict[str, Any]:
        rows = []
        with self.lock:
            for instance_id in as_list(require_param(params, "InstanceId"), "InstanceId"):
                resource = self._instance(instance_id)
                previous = resource.state
                if previous not in allowed:
                    raise self._status_error(resource, action)
                INSTANCE_LIFECYCLE.move(resource, to, self._now())
                current = INSTANCE_LIFECYCLE.advance(
                    resource, self._now(), self.env.transition_seconds
                )
                rows.append(
                    {
                        "InstanceId": resource.id,
                        "Code": "200",
                        "Message": "success",
                        "PreviousStatus": previous,
                        "CurrentStatus": current,
                    }
                )
        return {"InstanceResponses": {"InstanceResponse": rows}}

    @emulates("StartInstances")
    def start_instances(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._batch(params, {"Stopped"}, "Starting", "StartInstances")

    @emulates("StopInstances")
    def stop_instances(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        return self._batch(params, {"Running"}, "Stopping", "StopInstances")

    @emulates("DescribeInstanceAttribute")
    def describe_instance_attribute(
        self, params: dict[str, Any], ctx: CallContext
    ) -> dict[str, Any]:
        with self.lock:
            return self._instance_view(self._instance(require_param(params, "InstanceId")))

    @emulates("ModifyInstanceAttribute")
    def modify_instance_attribute(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            resource = self._instance(require_param(params, "InstanceId"))
            for name in ("InstanceName", "Description", "HostName", "DeletionProtection"):
                if params.get(name) is not None:
                    resource.fields[name] = params[name]
            if params.get("SecurityGroupIds"):
                resource.fields["SecurityGroupIds"] = {
                    "SecurityGroupId": as_list(params["SecurityGroupIds"])
                }
        return {}

    def _delete(self, instance_id: Any, force: bool) -> None:
        resource = self._instance(instance_id)
        if resource.state != "Stopped" and not force:
            raise self._status_error(resource, "DeleteInstance")
        del self.instances[resource.id]
        self.tags.drop("instance", resource.id)
        for disk in self.disks.values():
            if disk.get("InstanceId") == resource.id:
                disk.update(InstanceId="", Status="Available")

    @emulates("DeleteInstance")
    def delete_instance(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            self._delete(require_param(params, "InstanceId"), as_bool(params.get("Force")))
        return {}

    @emulates("DeleteInstances")
    def delete_instances(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ids = as_list(require_param(params, "InstanceId"), "InstanceId")
        with self.lock:
            for instance_id in ids:
                self._instance(instance_id)  # all exist, or nothing is deleted
            for instance_id in ids:
                self._delete(instance_id, as_bool(params.get("Force")))
        return {}

    # --- security groups ----------------------------------------------------------------

    @emulates("CreateSecurityGroup")
    def create_security_group(self, params: dict[str, Any], ctx: CallContext) -> Mapping[str, Any]:
        def work() -> dict[str, Any]:
            with self.lock:
                group_id = self.new_id("sg-", 20)
                self.security_groups[group_id] = {
                    "SecurityGroupId": group_id,
                    "SecurityGroupName": params.get("SecurityGroupName") or group_id,
                    "Description": params.get("Description") or "",
                    "VpcId": params.get("VpcId") or "",
                    "RegionId": params.get("RegionId") or DEFAULT_REGION,
                    "CreationTime": iso_seconds(self.env.clock()),
                    "Permissions": [],
                }
            return {"SecurityGroupId": group_id}

        return self.tokens.run("CreateSecurityGroup", params.get("ClientToken"), work)

    def _group(self, group_id: Any) -> dict[str, Any]:
        group = self.security_groups.get(str(group_id))
        if group is None:
            raise _not_found("SecurityGroupId", str(group_id))
        return group

    @emulates("DescribeSecurityGroups")
    def describe_security_groups(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            groups = [
                {k: v for k, v in g.items() if k != "Permissions"}
                for g in self.security_groups.values()
                if not params.get("RegionId") or g["RegionId"] == params["RegionId"]
            ]
        out = _paged("SecurityGroups", "SecurityGroup", _page(groups, params), params)
        out["RegionId"] = params.get("RegionId") or DEFAULT_REGION
        return out

    @emulates("DescribeSecurityGroupAttribute")
    def describe_security_group_attribute(
        self, params: dict[str, Any], ctx: CallContext
    ) -> dict[str, Any]:
        with self.lock:
            group = self._group(require_param(params, "SecurityGroupId"))
            out = {k: v for k, v in group.items() if k != "Permissions"}
            out["Permissions"] = {"Permission": [dict(p) for p in group["Permissions"]]}
        return out

    def _rule(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "IpProtocol": str(require_param(params, "IpProtocol")).upper(),
            "PortRange": str(require_param(params, "PortRange")),
            "SourceCidrIp": str(params.get("SourceCidrIp") or ""),
            "Policy": str(params.get("Policy") or "Accept"),
            "Priority": str(params.get("Priority") or "1"),
            "Direction": "ingress",
            "Description": str(params.get("Description") or ""),
        }

    def _rules(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        permissions = as_list(params.get("Permissions"))
        if permissions:
            return [self._rule(p) for p in permissions if isinstance(p, Mapping)]
        return [self._rule(params)]

    @emulates("AuthorizeSecurityGroup")
    def authorize_security_group(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            group = self._group(require_param(params, "SecurityGroupId"))
            for rule in self._rules(params):
                if rule not in group["Permissions"]:
                    group["Permissions"].append(rule)
        return {}

    @emulates("RevokeSecurityGroup")
    def revoke_security_group(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            group = self._group(require_param(params, "SecurityGroupId"))
            for rule in self._rules(params):
                if rule in group["Permissions"]:
                    group["Permissions"].remove(rule)
        return {}

    @emulates("DeleteSecurityGroup")
    def delete_security_group(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            group_id = str(require_param(params, "SecurityGroupId"))
            self._group(group_id)
            for resource in self.instances.values():
                if group_id in resource.fields["SecurityGroupIds"]["SecurityGroupId"]:
                    raise ServiceError(
                        "DependencyViolation",
                        "There is still instance(s) in the specified security group.",
                        403,
                    )
            del self.security_groups[group_id]
        return {}

    # --- disks --------------------------------------------------------------------------

    @emulates("CreateDisk")
    def create_disk(self, params: dict[str, Any], ctx: CallContext) -> Mapping[str, Any]:
        def work() -> dict[str, Any]:
            with self.lock:
                disk_id = self.new_id("d-", 20)
                self.disks[disk_id] = {
                    "DiskId": disk_id,
                    "DiskName": params.get("DiskName") or disk_id,
                    "Size": int(params.get("Size") or 20),
                    "Category": params.get("DiskCategory") or "cloud_essd",
                    "ZoneId": params.get("ZoneId") or "",
                    "RegionId": params.get("RegionId") or DEFAULT_REGION,
                    "Status": "Available",
                    "Type": "data",
                    "InstanceId": "",
                    "CreationTime": iso_seconds(self.env.clock()),
                }
            return {"DiskId": disk_id}

        return self.tokens.run("CreateDisk", params.get("ClientToken"), work)

    def _disk(self, disk_id: Any) -> dict[str, Any]:
        disk = self.disks.get(str(disk_id))
        if disk is None:
            raise _not_found("DiskId", str(disk_id))
        return disk

    @emulates("DescribeDisks")
    def describe_disks(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        ids = {str(i) for i in as_list(params.get("DiskIds"), "DiskIds")}
        with self.lock:
            disks = [
                dict(d)
                for d in self.disks.values()
                if (not ids or d["DiskId"] in ids)
                and (not params.get("InstanceId") or d["InstanceId"] == params["InstanceId"])
            ]
        return _paged("Disks", "Disk", _page(disks, params), params)

    @emulates("AttachDisk")
    def attach_disk(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            disk = self._disk(require_param(params, "DiskId"))
            instance = self._instance(require_param(params, "InstanceId"))
            if disk["Status"] != "Available":
                raise ServiceError(
                    "IncorrectDiskStatus", f"The disk {disk['DiskId']} is {disk['Status']}.", 403
                )
            if instance.state not in ("Running", "Stopped"):
                raise self._status_error(instance, "AttachDisk")
            disk.update(InstanceId=instance.id, Status="In_use")
        return {}

    @emulates("DetachDisk")
    def detach_disk(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            disk = self._disk(require_param(params, "DiskId"))
            if disk["InstanceId"] != params.get("InstanceId"):
                raise ServiceError(
                    "IncorrectDiskStatus",
                    f"The disk {disk['DiskId']} is not attached to that instance.",
                    403,
                )
            disk.update(InstanceId="", Status="Available")
        return {}

    @emulates("DeleteDisk")
    def delete_disk(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            disk = self._disk(require_param(params, "DiskId"))
            if disk["Status"] != "Available":
                raise ServiceError("IncorrectDiskStatus", "A disk in use cannot be deleted.", 403)
            del self.disks[disk["DiskId"]]
        return {}

    # --- key pairs ----------------------------------------------------------------------

    @emulates("CreateKeyPair")
    def create_key_pair(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        name = str(require_param(params, "KeyPairName"))
        with self.lock:
            if name in self.key_pairs:
                raise ServiceError("KeyPair.AlreadyExist", "The key pair already exists.", 400)
            fingerprint = ":".join(f"{b:02x}" for b in name.encode()[:16].ljust(16, b"\0"))
            self.key_pairs[name] = {
                "KeyPairName": name,
                "KeyPairFingerPrint": fingerprint,
                "CreationTime": iso_seconds(self.env.clock()),
            }
        return {
            "KeyPairName": name,
            "KeyPairFingerPrint": fingerprint,
            "PrivateKeyBody": "-----BEGIN RSA PRIVATE KEY-----\nemulated\n"
            "-----END RSA PRIVATE KEY-----",
        }

    @emulates("DescribeKeyPairs")
    def describe_key_pairs(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        pattern = params.get("KeyPairName")
        with self.lock:
            pairs = [
                dict(p)
                for n, p in self.key_pairs.items()
                if not pattern or fnmatch.fnmatchcase(n, str(pattern))
            ]
        return _paged("KeyPairs", "KeyPair", _page(pairs, params), params)

    @emulates("DeleteKeyPairs")
    def delete_key_pairs(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            for name in as_list(require_param(params, "KeyPairNames")):
                self.key_pairs.pop(str(name), None)
        return {}

    # --- tags ---------------------------------------------------------------------------

    def _known(self, kind: str, resource_id: str) -> bool:
        stores: dict[str, Mapping[str, Any]] = {
            "instance": self.instances,
            "disk": self.disks,
            "securitygroup": self.security_groups,
            "keypair": self.key_pairs,
        }
        store = stores.get(kind.lower())
        return store is None or resource_id in store

    @emulates("TagResources")
    def tag_resources(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        kind = str(require_param(params, "ResourceType"))
        tags = tag_pairs(require_param(params, "Tag"))
        with self.lock:
            for resource_id in as_list(require_param(params, "ResourceId")):
                if not self._known(kind, str(resource_id)):
                    raise _not_found("ResourceId", str(resource_id))
                self.tags.set(kind, str(resource_id), tags)
        return {}

    @emulates("UntagResources")
    def untag_resources(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        kind = str(require_param(params, "ResourceType"))
        keys = [str(k) for k in as_list(params.get("TagKey"))]
        remove_all = as_bool(params.get("All")) or not keys
        for resource_id in as_list(require_param(params, "ResourceId")):
            self.tags.remove(kind, str(resource_id), None if remove_all else keys)
        return {}

    @emulates("ListTagResources")
    def list_tag_resources(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        kind = params.get("ResourceType")
        ids = [str(i) for i in as_list(params.get("ResourceId"))]
        wanted = tag_pairs(params.get("Tag"))
        rows = [
            {"ResourceType": k, "ResourceId": rid, "TagKey": key, "TagValue": value}
            for k, rid, key, value in self.tags.listing(str(kind) if kind else None, ids)
            if not wanted or (key in wanted and wanted[key] in ("", value))
        ]
        page = page_by_token(rows, params.get("NextToken"), params.get("MaxResults") or 50)
        return {"TagResources": {"TagResource": page.items}, "NextToken": page.next_token or ""}

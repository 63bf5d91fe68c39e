"""Alibaba Cloud ECS (2014-05-26): instances, images, security groups, disks and tags.

Wire conventions of this API that the model encodes:

* JSON responses nest every list in a wrapper object: ``{"Instances": {"Instance": [...]}}``.
* Some list parameters travel as one JSON text (``InstanceIds='["i-1","i-2"]'``): those
  members carry ``jsonStyle``. The others are flattened 1-based (``InstanceId.1``).
* Tags on requests are ``Tag.N.Key``/``Tag.N.Value``; tags in responses are
  ``{"Tags": {"Tag": [{"TagKey": ..., "TagValue": ...}]}}``.
"""

from __future__ import annotations

from model_sources.builder import Member, ModelBuilder, ServiceFiles, ref

RPC = {"method": "POST", "requestUri": "/"}


def build() -> ServiceFiles:
    b = ModelBuilder(
        {
            "apiVersion": "2014-05-26",
            "provider": "aliyun",
            "protocol": "aliyun-rpc",
            "signatureVersion": "acs-rpc-v1",
            "endpointPrefix": "ecs",
            "serviceId": "Ecs",
            "serviceFullName": "Elastic Compute Service",
        },
        "Elastic Compute Service: virtual machines on Alibaba Cloud.",
    )
    _common(b)
    _errors(b)
    _regions(b)
    _instances(b)
    _images_and_types(b)
    _security_groups(b)
    _disks(b)
    _tags(b)
    _paginators(b)
    _waiters(b)
    return b.files("aliyun", "ecs")


# --- shared shapes --------------------------------------------------------------------


def _common(b: ModelBuilder) -> None:
    b.shape("RegionId", "string", min=1, max=64)
    b.shape("PageNumber", "integer", min=1)
    b.shape("PageSize", "integer", min=1, max=100)
    b.shape("Amount", "integer", min=1, max=100)
    b.struct("RequestIdResponse", {"RequestId": "String"})
    b.struct("Tag", {"Key": "String", "Value": "String"})
    b.list_of("TagList", "Tag", max=20)
    b.struct("ResourceTag", {"TagKey": "String", "TagValue": "String"})
    b.list_of("ResourceTagList", "ResourceTag")
    b.struct("Tags", {"Tag": "ResourceTagList"})
    b.list_of("StringList", "String")
    b.list_of("InstanceIdList", "String", max=100)
    b.struct("IpAddressSet", {"IpAddress": "StringList"})
    b.struct("SecurityGroupIdSet", {"SecurityGroupId": "StringList"})
    b.string("InstanceStatus", enum=["Pending", "Running", "Starting", "Stopping", "Stopped"])
    b.string("BatchOptimization", enum=["SuccessFirst", "AllTogether"])
    b.string("StoppedMode", enum=["StopCharging", "KeepCharging", "Not-applicable"])


# The service-wide and per-resource errors worth catching by name.
_ERRORS = [
    ("Throttling", "Throttling", 400, "Too many requests in this period; slow down and retry."),
    ("InvalidRegionIdNotFound", "InvalidRegionId.NotFound", 404, "The region does not exist."),
    ("InvalidZoneIdNotFound", "InvalidZoneId.NotFound", 404, "The zone does not exist."),
    (
        "InvalidInstanceIdNotFound",
        "InvalidInstanceId.NotFound",
        404,
        "The instance does not exist.",
    ),
    (
        "IncorrectInstanceStatus",
        "IncorrectInstanceStatus",
        403,
        "The instance is not in a state that allows the operation.",
    ),
    (
        "InstanceLockedForSecurity",
        "InstanceLockedForSecurity",
        403,
        "The instance is locked for a security reason.",
    ),
    ("InvalidImageIdNotFound", "InvalidImageId.NotFound", 404, "The image does not exist."),
    (
        "InvalidSecurityGroupIdNotFound",
        "InvalidSecurityGroupId.NotFound",
        404,
        "The security group does not exist.",
    ),
    ("InvalidVSwitchIdNotFound", "InvalidVSwitchId.NotFound", 404, "The vSwitch does not exist."),
    (
        "OperationDeniedNoStock",
        "OperationDenied.NoStock",
        403,
        "The requested resource is sold out in this zone.",
    ),
    (
        "QuotaExceedElasticQuota",
        "QuotaExceed.ElasticQuota",
        403,
        "The request would exceed the account's instance quota.",
    ),
    (
        "IdempotentParameterMismatch",
        "IdempotentParameterMismatch",
        400,
        "The ClientToken was used before with different parameters.",
    ),
    (
        "DependencyViolation",
        "DependencyViolation",
        403,
        "Other resources still use the security group.",
    ),
    ("InvalidDiskIdNotFound", "InvalidDiskId.NotFound", 404, "The disk does not exist."),
    (
        "IncorrectDiskStatus",
        "IncorrectDiskStatus",
        403,
        "The disk is not in a state that allows the operation.",
    ),
]


def _errors(b: ModelBuilder) -> None:
    for name, code, status, doc in _ERRORS:
        b.error(name, code, status, doc)


def _op(
    b: ModelBuilder,
    name: str,
    doc: str,
    input: str,
    output: str,
    errors: list[str] | tuple[str, ...] = (),
    idempotent: bool = False,
) -> None:
    b.operation(
        name,
        doc,
        input=input,
        output=output,
        errors=[*errors, "Throttling"],
        idempotent=idempotent,
        http=RPC,
    )


# --- regions and zones ----------------------------------------------------------------


def _regions(b: ModelBuilder) -> None:
    b.struct(
        "DescribeRegionsRequest",
        {
            "RegionId": ref("RegionId", documentation="The region to ask in."),
            "InstanceChargeType": "String",
            "ResourceType": "String",
            "AcceptLanguage": "String",
        },
    )
    b.struct(
        "Region",
        {
            "RegionId": "String",
            "LocalName": "String",
            "RegionEndpoint": "String",
            "Status": "String",
        },
    )
    b.list_of("RegionList", "Region")
    b.struct("Regions", {"Region": "RegionList"})
    b.struct("DescribeRegionsResponse", {"RequestId": "String", "Regions": "Regions"})
    _op(
        b,
        "DescribeRegions",
        "Lists the regions ECS serves.",
        "DescribeRegionsRequest",
        "DescribeRegionsResponse",
        idempotent=True,
    )

    b.struct(
        "DescribeZonesRequest",
        {
            "RegionId": "RegionId",
            "InstanceChargeType": "String",
            "SpotStrategy": "String",
            "AcceptLanguage": "String",
            "Verbose": "Boolean",
        },
        required=["RegionId"],
    )
    b.struct("ResourceTypeSet", {"ResourceTypes": "StringList"})
    b.struct("InstanceTypeNameSet", {"InstanceTypes": "StringList"})
    b.struct("DiskCategorySet", {"DiskCategories": "StringList"})
    b.struct(
        "Zone",
        {
            "ZoneId": "String",
            "LocalName": "String",
            "ZoneType": "String",
            "AvailableResourceCreation": "ResourceTypeSet",
            "AvailableInstanceTypes": "InstanceTypeNameSet",
            "AvailableDiskCategories": "DiskCategorySet",
        },
    )
    b.wrapped_list("Zones", "Zone", "Zone")
    b.struct("DescribeZonesResponse", {"RequestId": "String", "Zones": "Zones"})
    _op(
        b,
        "DescribeZones",
        "Lists the zones of a region and what each can create.",
        "DescribeZonesRequest",
        "DescribeZonesResponse",
        ["InvalidRegionIdNotFound"],
        idempotent=True,
    )


# --- instances ------------------------------------------------------------------------


def _instances(b: ModelBuilder) -> None:
    not_found = ["InvalidInstanceIdNotFound"]
    state = ["InvalidInstanceIdNotFound", "IncorrectInstanceStatus", "InstanceLockedForSecurity"]

    b.struct(
        "VpcAttributes",
        {
            "VpcId": "String",
            "VSwitchId": "String",
            "PrivateIpAddress": "IpAddressSet",
            "NatIpAddress": "String",
        },
    )
    b.struct(
        "EipAddress",
        {
            "AllocationId": "String",
            "IpAddress": "String",
            "Bandwidth": "Integer",
            "InternetChargeType": "String",
        },
    )
    b.struct("LockReason", {"LockReason": "String"})
    b.list_of("LockReasonList", "LockReason")
    b.struct("OperationLocks", {"LockReason": "LockReasonList"})
    instance_members = {
        "InstanceId": "String",
        "InstanceName": "String",
        "Description": "String",
        "HostName": "String",
        "RegionId": "String",
        "ZoneId": "String",
        "InstanceType": "String",
        "InstanceTypeFamily": "String",
        "ImageId": "String",
        "Status": "String",
        "CreationTime": "String",
        "ExpiredTime": "String",
        "StartTime": "String",
        "Cpu": "Integer",
        "Memory": "Integer",
        "OSName": "String",
        "OSType": "String",
        "InstanceNetworkType": "String",
        "InstanceChargeType": "String",
        "InternetChargeType": "String",
        "InternetMaxBandwidthIn": "Integer",
        "InternetMaxBandwidthOut": "Integer",
        "KeyPairName": "String",
        "StoppedMode": "String",
        "DeletionProtection": "Boolean",
        "ResourceGroupId": "String",
        "PublicIpAddress": "IpAddressSet",
        "InnerIpAddress": "IpAddressSet",
        "VpcAttributes": "VpcAttributes",
        "EipAddress": "EipAddress",
        "SecurityGroupIds": "SecurityGroupIdSet",
        "OperationLocks": "OperationLocks",
        "Tags": "Tags",
    }
    b.struct("Instance", instance_members)
    b.list_of("InstanceList", "Instance")
    b.struct("Instances", {"Instance": "InstanceList"})

    json_list = {"jsonStyle": True, "documentation": "Sent as a JSON array text."}
    b.struct(
        "DescribeInstancesRequest",
        {
            "RegionId": "RegionId",
            "ZoneId": "String",
            "VpcId": "String",
            "VSwitchId": "String",
            "SecurityGroupId": "String",
            "InstanceIds": ref("InstanceIdList", **json_list),
            "PrivateIpAddresses": ref("StringList", **json_list),
            "PublicIpAddresses": ref("StringList", **json_list),
            "InstanceNetworkType": "String",
            "Status": "InstanceStatus",
            "InstanceName": "String",
            "ImageId": "String",
            "InstanceType": "String",
            "InstanceChargeType": "String",
            "KeyPairName": "String",
            "ResourceGroupId": "String",
            "PageNumber": "PageNumber",
            "PageSize": "PageSize",
            "NextToken": "String",
            "MaxResults": "Integer",
            "DryRun": "Boolean",
            "Tag": "TagList",
        },
        required=["RegionId"],
    )
    b.struct(
        "DescribeInstancesResponse",
        {
            "RequestId": "String",
            "TotalCount": "Integer",
            "PageNumber": "Integer",
            "PageSize": "Integer",
            "NextToken": "String",
            "Instances": "Instances",
        },
    )
    _op(
        b,
        "DescribeInstances",
        "Lists instances, by page number or by NextToken; filters narrow the list.",
        "DescribeInstancesRequest",
        "DescribeInstancesResponse",
        ["InvalidRegionIdNotFound"],
        idempotent=True,
    )

    b.struct(
        "DescribeInstanceStatusRequest",
        {
            "RegionId": "RegionId",
            "ZoneId": "String",
            "InstanceId": "InstanceIdList",
            "PageNumber": "PageNumber",
            "PageSize": ref("PageSize", documentation="At most 50."),
        },
        required=["RegionId"],
    )
    b.struct("InstanceStatusItem", {"InstanceId": "String", "Status": "String"})
    b.wrapped_list("InstanceStatuses", "InstanceStatus", "InstanceStatusItem")
    b.struct(
        "DescribeInstanceStatusResponse",
        {
            "RequestId": "String",
            "TotalCount": "Integer",
            "PageNumber": "Integer",
            "PageSize": "Integer",
            "InstanceStatuses": "InstanceStatuses",
        },
    )
    _op(
        b,
        "DescribeInstanceStatus",
        "Lists the status of instances, a page at a time.",
        "DescribeInstanceStatusRequest",
        "DescribeInstanceStatusResponse",
        ["InvalidRegionIdNotFound"],
        idempotent=True,
    )

    b.struct("InstanceRequest", {"InstanceId": "String"}, required=["InstanceId"])
    attribute = {k: v for k, v in instance_members.items() if k != "Tags"}
    b.struct("DescribeInstanceAttributeResponse", {"RequestId": "String", **attribute})
    _op(
        b,
        "DescribeInstanceAttribute",
        "Returns the attributes of one instance.",
        "InstanceRequest",
        "DescribeInstanceAttributeResponse",
        not_found,
        idempotent=True,
    )

    b.struct(
        "SystemDisk",
        {
            "Size": "Integer",
            "Category": "String",
            "DiskName": "String",
            "Description": "String",
            "PerformanceLevel": "String",
        },
    )
    b.struct(
        "DataDisk",
        {
            "Size": "Integer",
            "Category": "String",
            "SnapshotId": "String",
            "DiskName": "String",
            "Description": "String",
            "Encrypted": "Boolean",
            "KMSKeyId": "String",
            "PerformanceLevel": "String",
            "DeleteWithInstance": "Boolean",
            "Device": "String",
        },
    )
    b.list_of("DataDiskList", "DataDisk", max=16)
    create_members: dict[str, Member] = {
        "RegionId": "RegionId",
        "ZoneId": "String",
        "ImageId": "String",
        "InstanceType": "String",
        "SecurityGroupId": "String",
        "VSwitchId": "String",
        "InstanceName": "String",
        "Description": "String",
        "HostName": "String",
        "Password": ref("String", sensitive=True),
        "KeyPairName": "String",
        "InternetChargeType": "String",
        "InternetMaxBandwidthIn": "Integer",
        "InternetMaxBandwidthOut": "Integer",
        "SystemDisk": "SystemDisk",
        "DataDisk": "DataDiskList",
        "InstanceChargeType": "String",
        "Period": "Integer",
        "PeriodUnit": "String",
        "AutoRenew": "Boolean",
        "SpotStrategy": "String",
        "SpotPriceLimit": "Float",
        "UserData": "String",
        "RamRoleName": "String",
        "ResourceGroupId": "String",
        "DeletionProtection": "Boolean",
        "ClientToken": ref("String", idempotencyToken=True),
        "DryRun": "Boolean",
        "Tag": "TagList",
    }
    b.struct(
        "RunInstancesRequest",
        {
            **create_members,
            "SecurityGroupIds": "StringList",
            "Amount": "Amount",
            "MinAmount": "Amount",
            "AutoReleaseTime": "String",
        },
        required=["RegionId", "ImageId", "InstanceType"],
    )
    b.list_of("InstanceIdSetList", "String")
    b.struct("InstanceIdSets", {"InstanceIdSet": "InstanceIdSetList"})
    b.struct(
        "RunInstancesResponse",
        {
            "RequestId": "String",
            "InstanceIdSets": "InstanceIdSets",
            "OrderId": "String",
            "TradePrice": "Float",
        },
    )
    create_errors = [
        "InvalidRegionIdNotFound",
        "InvalidZoneIdNotFound",
        "InvalidImageIdNotFound",
        "InvalidSecurityGroupIdNotFound",
        "InvalidVSwitchIdNotFound",
        "OperationDeniedNoStock",
        "QuotaExceedElasticQuota",
        "IdempotentParameterMismatch",
    ]
    _op(
        b,
        "RunInstances",
        "Creates one or more instances and starts them.",
        "RunInstancesRequest",
        "RunInstancesResponse",
        create_errors,
    )

    b.struct(
        "CreateInstanceRequest", create_members, required=["RegionId", "ImageId", "InstanceType"]
    )
    b.struct(
        "CreateInstanceResponse",
        {"RequestId": "String", "InstanceId": "String", "OrderId": "String", "TradePrice": "Float"},
    )
    _op(
        b,
        "CreateInstance",
        "Creates one instance, left Stopped until it is started.",
        "CreateInstanceRequest",
        "CreateInstanceResponse",
        create_errors,
    )

    _op(
        b,
        "StartInstance",
        "Starts a stopped instance.",
        "InstanceRequest",
        "RequestIdResponse",
        state,
    )

    batch: dict[str, Member] = {
        "RegionId": "RegionId",
        "InstanceId": ref("InstanceIdList", documentation="Sent as InstanceId.1, .2 ..."),
        "BatchOptimization": "BatchOptimization",
        "DryRun": "Boolean",
    }
    b.struct("StartInstancesRequest", batch, required=["RegionId", "InstanceId"])
    b.struct(
        "InstanceResponse",
        {
            "InstanceId": "String",
            "Code": "String",
            "Message": "String",
            "PreviousStatus": "String",
            "CurrentStatus": "String",
        },
    )
    b.wrapped_list("InstanceResponses", "InstanceResponse", "InstanceResponse")
    b.struct(
        "BatchInstancesResponse", {"RequestId": "String", "InstanceResponses": "InstanceResponses"}
    )
    _op(
        b,
        "StartInstances",
        "Starts up to 100 instances; the answer has one line each.",
        "StartInstancesRequest",
        "BatchInstancesResponse",
        state,
    )

    b.struct(
        "StopInstanceRequest",
        {
            "InstanceId": "String",
            "ForceStop": "Boolean",
            "StoppedMode": "StoppedMode",
            "ConfirmStop": "Boolean",
            "DryRun": "Boolean",
        },
        required=["InstanceId"],
    )
    _op(
        b,
        "StopInstance",
        "Stops a running instance.",
        "StopInstanceRequest",
        "RequestIdResponse",
        state,
    )
    b.struct(
        "StopInstancesRequest",
        {**batch, "ForceStop": "Boolean", "StoppedMode": "StoppedMode"},
        required=["RegionId", "InstanceId"],
    )
    _op(
        b,
        "StopInstances",
        "Stops up to 100 instances; the answer has one line each.",
        "StopInstancesRequest",
        "BatchInstancesResponse",
        state,
    )

    b.struct(
        "RebootInstanceRequest",
        {"InstanceId": "String", "ForceStop": "Boolean", "DryRun": "Boolean"},
        required=["InstanceId"],
    )
    _op(
        b,
        "RebootInstance",
        "Restarts a running instance.",
        "RebootInstanceRequest",
        "RequestIdResponse",
        state,
    )

    b.struct(
        "DeleteInstanceRequest",
        {"InstanceId": "String", "Force": "Boolean", "TerminateSubscription": "Boolean"},
        required=["InstanceId"],
    )
    _op(
        b,
        "DeleteInstance",
        "Releases an instance.",
        "DeleteInstanceRequest",
        "RequestIdResponse",
        state,
    )
    b.struct(
        "DeleteInstancesRequest",
        {
            "RegionId": "RegionId",
            "InstanceId": "InstanceIdList",
            "Force": "Boolean",
            "TerminateSubscription": "Boolean",
            "ClientToken": ref("String", idempotencyToken=True),
            "DryRun": "Boolean",
        },
        required=["RegionId", "InstanceId"],
    )
    _op(
        b,
        "DeleteInstances",
        "Releases up to 100 instances.",
        "DeleteInstancesRequest",
        "RequestIdResponse",
        [*state, "IdempotentParameterMismatch"],
    )

    b.struct(
        "ModifyInstanceAttributeRequest",
        {
            "InstanceId": "String",
            "InstanceName": "String",
            "Description": "String",
            "HostName": "String",
            "Password": ref("String", sensitive=True),
            "UserData": "String",
            "SecurityGroupIds": "StringList",
            "DeletionProtection": "Boolean",
            "CreditSpecification": "String",
        },
        required=["InstanceId"],
    )
    _op(
        b,
        "ModifyInstanceAttribute",
        "Changes an instance's name, description, host name, password or security groups.",
        "ModifyInstanceAttributeRequest",
        "RequestIdResponse",
        state,
    )


# --- images and instance types --------------------------------------------------------


def _images_and_types(b: ModelBuilder) -> None:
    b.string("ImageOwnerAlias", enum=["system", "self", "others", "marketplace"])
    b.struct(
        "DescribeImagesRequest",
        {
            "RegionId": "RegionId",
            "ImageId": ref("String", documentation="Comma-separated image IDs."),
            "ImageName": "String",
            "ImageFamily": "String",
            "ImageOwnerAlias": "ImageOwnerAlias",
            "Status": "String",
            "OSType": "String",
            "Architecture": "String",
            "InstanceType": "String",
            "Usage": "String",
            "IsSupportCloudinit": "Boolean",
            "ShowExpired": "Boolean",
            "ResourceGroupId": "String",
            "PageNumber": "PageNumber",
            "PageSize": "PageSize",
            "DryRun": "Boolean",
            "Tag": "TagList",
        },
        required=["RegionId"],
    )
    b.struct(
        "DiskDeviceMapping",
        {
            "Device": "String",
            "Size": "String",
            "SnapshotId": "String",
            "Type": "String",
            "Format": "String",
        },
    )
    b.wrapped_list("DiskDeviceMappings", "DiskDeviceMapping", "DiskDeviceMapping")
    b.struct(
        "Image",
        {
            "ImageId": "String",
            "ImageName": "String",
            "ImageFamily": "String",
            "ImageVersion": "String",
            "ImageOwnerAlias": "String",
            "Description": "String",
            "Size": "Long",
            "Architecture": "String",
            "OSName": "String",
            "OSNameEn": "String",
            "OSType": "String",
            "Platform": "String",
            "Status": "String",
            "Progress": "String",
            "Usage": "String",
            "CreationTime": "String",
            "IsPublic": "Boolean",
            "IsSupportCloudinit": "Boolean",
            "IsSupportIoOptimized": "Boolean",
            "DiskDeviceMappings": "DiskDeviceMappings",
            "Tags": "Tags",
        },
    )
    b.wrapped_list("Images", "Image", "Image")
    b.struct(
        "DescribeImagesResponse",
        {
            "RequestId": "String",
            "RegionId": "String",
            "TotalCount": "Integer",
            "PageNumber": "Integer",
            "PageSize": "Integer",
            "Images": "Images",
        },
    )
    _op(
        b,
        "DescribeImages",
        "Lists the images usable in a region, a page at a time.",
        "DescribeImagesRequest",
        "DescribeImagesResponse",
        ["InvalidRegionIdNotFound"],
        idempotent=True,
    )

    b.struct(
        "DescribeInstanceTypesRequest",
        {
            "InstanceTypes": ref("StringList", documentation="Sent as InstanceTypes.1, .2 ..."),
            "InstanceTypeFamily": "String",
            "CpuArchitecture": "String",
            "MinimumCpuCoreCount": "Integer",
            "MaximumCpuCoreCount": "Integer",
            "MinimumMemorySize": "Float",
            "MaximumMemorySize": "Float",
            "NextToken": "String",
            "MaxResults": "Integer",
        },
    )
    b.struct(
        "InstanceType",
        {
            "InstanceTypeId": "String",
            "InstanceTypeFamily": "String",
            "InstanceCategory": "String",
            "CpuArchitecture": "String",
            "CpuCoreCount": "Integer",
            "MemorySize": "Float",
            "GPUAmount": "Integer",
            "GPUSpec": "String",
            "LocalStorageCategory": "String",
            "LocalStorageAmount": "Integer",
            "LocalStorageCapacity": "Long",
            "EniQuantity": "Integer",
            "InstanceBandwidthRx": "Integer",
            "InstanceBandwidthTx": "Integer",
            "InstancePpsRx": "Long",
            "InstancePpsTx": "Long",
        },
    )
    b.wrapped_list("InstanceTypes", "InstanceType", "InstanceType")
    b.struct(
        "DescribeInstanceTypesResponse",
        {"RequestId": "String", "NextToken": "String", "InstanceTypes": "InstanceTypes"},
    )
    _op(
        b,
        "DescribeInstanceTypes",
        "Lists instance types with their CPU, memory and network.",
        "DescribeInstanceTypesRequest",
        "DescribeInstanceTypesResponse",
        idempotent=True,
    )


# --- security groups ------------------------------------------------------------------


def _security_groups(b: ModelBuilder) -> None:
    b.string("SecurityGroupType", enum=["normal", "enterprise"])
    b.struct(
        "CreateSecurityGroupRequest",
        {
            "RegionId": "RegionId",
            "SecurityGroupName": "String",
            "Description": "String",
            "VpcId": "String",
            "SecurityGroupType": "SecurityGroupType",
            "ResourceGroupId": "String",
            "ClientToken": ref("String", idempotencyToken=True),
            "Tag": "TagList",
        },
        required=["RegionId"],
    )
    b.struct("CreateSecurityGroupResponse", {"RequestId": "String", "SecurityGroupId": "String"})
    _op(
        b,
        "CreateSecurityGroup",
        "Creates a security group; answers its ID.",
        "CreateSecurityGroupRequest",
        "CreateSecurityGroupResponse",
        ["InvalidRegionIdNotFound", "IdempotentParameterMismatch"],
    )

    b.struct(
        "DescribeSecurityGroupsRequest",
        {
            "RegionId": "RegionId",
            "VpcId": "String",
            "SecurityGroupId": "String",
            "SecurityGroupIds": ref(
                "StringList", jsonStyle=True, documentation="Sent as a JSON array text."
            ),
            "SecurityGroupName": "String",
            "SecurityGroupType": "SecurityGroupType",
            "NetworkType": "String",
            "ResourceGroupId": "String",
            "PageNumber": "PageNumber",
            "PageSize": ref("PageSize", documentation="At most 50."),
            "NextToken": "String",
            "MaxResults": "Integer",
            "DryRun": "Boolean",
            "Tag": "TagList",
        },
        required=["RegionId"],
    )
    b.struct(
        "SecurityGroup",
        {
            "SecurityGroupId": "String",
            "SecurityGroupName": "String",
            "SecurityGroupType": "String",
            "Description": "String",
            "VpcId": "String",
            "CreationTime": "String",
            "ResourceGroupId": "String",
            "ServiceManaged": "Boolean",
            "Tags": "Tags",
        },
    )
    b.wrapped_list("SecurityGroups", "SecurityGroup", "SecurityGroup")
    b.struct(
        "DescribeSecurityGroupsResponse",
        {
            "RequestId": "String",
            "RegionId": "String",
            "TotalCount": "Integer",
            "PageNumber": "Integer",
            "PageSize": "Integer",
            "NextToken": "String",
            "SecurityGroups": "SecurityGroups",
        },
    )
    _op(
        b,
        "DescribeSecurityGroups",
        "Lists security groups, by page number or by NextToken.",
        "DescribeSecurityGroupsRequest",
        "DescribeSecurityGroupsResponse",
        ["InvalidRegionIdNotFound"],
        idempotent=True,
    )

    b.string("RulePolicy", enum=["accept", "drop"])
    b.struct(
        "Permission",
        {
            "IpProtocol": "String",
            "PortRange": "String",
            "SourceCidrIp": "String",
            "SourceGroupId": "String",
            "SourcePortRange": "String",
            "DestCidrIp": "String",
            "Policy": "RulePolicy",
            "Priority": "String",
            "NicType": "String",
            "Description": "String",
        },
    )
    b.list_of("PermissionList", "Permission", max=100)
    rule: dict[str, Member] = {
        "RegionId": "RegionId",
        "SecurityGroupId": "String",
        "Permissions": ref("PermissionList", documentation="Sent as Permissions.N.IpProtocol."),
        "IpProtocol": "String",
        "PortRange": "String",
        "SourceCidrIp": "String",
        "SourceGroupId": "String",
        "SourcePortRange": "String",
        "DestCidrIp": "String",
        "Policy": "RulePolicy",
        "Priority": "String",
        "NicType": "String",
        "Description": "String",
        "ClientToken": ref("String", idempotencyToken=True),
    }
    b.struct("AuthorizeSecurityGroupRequest", rule, required=["RegionId", "SecurityGroupId"])
    _op(
        b,
        "AuthorizeSecurityGroup",
        "Adds inbound rules to a security group.",
        "AuthorizeSecurityGroupRequest",
        "RequestIdResponse",
        ["InvalidSecurityGroupIdNotFound"],
    )
    b.struct(
        "RevokeSecurityGroupRequest",
        {
            **rule,
            "SecurityGroupRuleId": ref(
                "StringList", documentation="Sent as SecurityGroupRuleId.1 ..."
            ),
        },
        required=["RegionId", "SecurityGroupId"],
    )
    _op(
        b,
        "RevokeSecurityGroup",
        "Removes inbound rules from a security group.",
        "RevokeSecurityGroupRequest",
        "RequestIdResponse",
        ["InvalidSecurityGroupIdNotFound"],
    )

    b.struct(
        "DeleteSecurityGroupRequest",
        {"RegionId": "RegionId", "SecurityGroupId": "String"},
        required=["RegionId", "SecurityGroupId"],
    )
    _op(
        b,
        "DeleteSecurityGroup",
        "Deletes a security group that nothing uses any more.",
        "DeleteSecurityGroupRequest",
        "RequestIdResponse",
        ["InvalidSecurityGroupIdNotFound", "DependencyViolation"],
    )


# --- disks ----------------------------------------------------------------------------


def _disks(b: ModelBuilder) -> None:
    disk_errors = ["InvalidDiskIdNotFound", "IncorrectDiskStatus"]
    b.struct(
        "CreateDiskRequest",
        {
            "RegionId": "RegionId",
            "ZoneId": "String",
            "DiskName": "String",
            "Description": "String",
            "DiskCategory": "String",
            "Size": ref("Integer", documentation="GiB."),
            "SnapshotId": "String",
            "PerformanceLevel": "String",
            "Encrypted": "Boolean",
            "KMSKeyId": "String",
            "InstanceId": "String",
            "ResourceGroupId": "String",
            "ClientToken": ref("String", idempotencyToken=True),
            "Tag": "TagList",
        },
        required=["RegionId"],
    )
    b.struct("CreateDiskResponse", {"RequestId": "String", "DiskId": "String", "OrderId": "String"})
    _op(
        b,
        "CreateDisk",
        "Creates a data disk; answers its ID.",
        "CreateDiskRequest",
        "CreateDiskResponse",
        [
            "InvalidRegionIdNotFound",
            "InvalidZoneIdNotFound",
            "OperationDeniedNoStock",
            "IdempotentParameterMismatch",
        ],
    )

    b.string("DiskType", enum=["all", "system", "data"])
    b.struct(
        "DescribeDisksRequest",
        {
            "RegionId": "RegionId",
            "ZoneId": "String",
            "DiskIds": ref(
                "StringList", jsonStyle=True, documentation="Sent as a JSON array text."
            ),
            "InstanceId": "String",
            "DiskType": "DiskType",
            "Category": "String",
            "Status": "String",
            "DiskName": "String",
            "SnapshotId": "String",
            "Portable": "Boolean",
            "DeleteWithInstance": "Boolean",
            "Encrypted": "Boolean",
            "ResourceGroupId": "String",
            "PageNumber": "PageNumber",
            "PageSize": "PageSize",
            "NextToken": "String",
            "MaxResults": "Integer",
            "DryRun": "Boolean",
            "Tag": "TagList",
        },
        required=["RegionId"],
    )
    b.struct(
        "Disk",
        {
            "DiskId": "String",
            "DiskName": "String",
            "Description": "String",
            "Type": "String",
            "Category": "String",
            "Size": "Integer",
            "Status": "String",
            "RegionId": "String",
            "ZoneId": "String",
            "InstanceId": "String",
            "Device": "String",
            "ImageId": "String",
            "SourceSnapshotId": "String",
            "PerformanceLevel": "String",
            "Encrypted": "Boolean",
            "KMSKeyId": "String",
            "Portable": "Boolean",
            "DeleteWithInstance": "Boolean",
            "CreationTime": "String",
            "AttachedTime": "String",
            "DetachedTime": "String",
            "ResourceGroupId": "String",
            "Tags": "Tags",
        },
    )
    b.wrapped_list("Disks", "Disk", "Disk")
    b.struct(
        "DescribeDisksResponse",
        {
            "RequestId": "String",
            "TotalCount": "Integer",
            "PageNumber": "Integer",
            "PageSize": "Integer",
            "NextToken": "String",
            "Disks": "Disks",
        },
    )
    _op(
        b,
        "DescribeDisks",
        "Lists disks, by page number or by NextToken.",
        "DescribeDisksRequest",
        "DescribeDisksResponse",
        ["InvalidRegionIdNotFound"],
        idempotent=True,
    )

    b.struct(
        "AttachDiskRequest",
        {
            "InstanceId": "String",
            "DiskId": "String",
            "DeleteWithInstance": "Boolean",
            "Bootable": "Boolean",
            "Password": ref("String", sensitive=True),
            "KeyPairName": "String",
            "Force": "Boolean",
        },
        required=["InstanceId", "DiskId"],
    )
    _op(
        b,
        "AttachDisk",
        "Attaches a disk to an instance in the same zone.",
        "AttachDiskRequest",
        "RequestIdResponse",
        [*disk_errors, "InvalidInstanceIdNotFound", "IncorrectInstanceStatus"],
    )
    b.struct(
        "DetachDiskRequest",
        {"InstanceId": "String", "DiskId": "String", "DeleteWithInstance": "Boolean"},
        required=["InstanceId", "DiskId"],
    )
    _op(
        b,
        "DetachDisk",
        "Detaches a data disk from its instance.",
        "DetachDiskRequest",
        "RequestIdResponse",
        [*disk_errors, "InvalidInstanceIdNotFound"],
    )
    b.struct("DeleteDiskRequest", {"DiskId": "String"}, required=["DiskId"])
    _op(
        b,
        "DeleteDisk",
        "Releases a disk that is not attached.",
        "DeleteDiskRequest",
        "RequestIdResponse",
        disk_errors,
    )


# --- tags -----------------------------------------------------------------------------


def _tags(b: ModelBuilder) -> None:
    b.string(
        "TaggedResourceType",
        enum=[
            "instance",
            "disk",
            "snapshot",
            "image",
            "securitygroup",
            "volume",
            "eni",
            "ddh",
            "keypair",
            "launchtemplate",
            "reservedinstance",
            "snapshotpolicy",
            "elasticityassurance",
            "capacityreservation",
            "command",
            "deploymentset",
            "activation",
            "managedinstance",
            "dedicatedhostcluster",
        ],
    )
    b.struct(
        "TagResourcesRequest",
        {
            "RegionId": "RegionId",
            "ResourceType": "TaggedResourceType",
            "ResourceId": ref("StringList", documentation="Sent as ResourceId.1 ..."),
            "Tag": "TagList",
        },
        required=["RegionId", "ResourceType", "ResourceId", "Tag"],
    )
    _op(
        b,
        "TagResources",
        "Adds or overwrites tags on resources of one type.",
        "TagResourcesRequest",
        "RequestIdResponse",
        ["InvalidRegionIdNotFound"],
    )
    b.struct(
        "UntagResourcesRequest",
        {
            "RegionId": "RegionId",
            "ResourceType": "TaggedResourceType",
            "ResourceId": "StringList",
            "TagKey": ref("StringList", documentation="Sent as TagKey.1 ..."),
            "All": "Boolean",
        },
        required=["RegionId", "ResourceType", "ResourceId"],
    )
    _op(
        b,
        "UntagResources",
        "Removes tags, by key or all of them, from resources.",
        "UntagResourcesRequest",
        "RequestIdResponse",
        ["InvalidRegionIdNotFound"],
        idempotent=True,
    )
    b.struct("TagFilter", {"TagKey": "String", "TagValues": "StringList"})
    b.list_of("TagFilterList", "TagFilter", max=10)
    b.struct(
        "ListTagResourcesRequest",
        {
            "RegionId": "RegionId",
            "ResourceType": "TaggedResourceType",
            "ResourceId": "StringList",
            "Tag": "TagList",
            "TagFilter": "TagFilterList",
            "NextToken": "String",
        },
        required=["RegionId", "ResourceType"],
    )
    b.struct(
        "TagResource",
        {
            "ResourceId": "String",
            "ResourceType": "String",
            "TagKey": "String",
            "TagValue": "String",
        },
    )
    b.wrapped_list("TagResources", "TagResource", "TagResource")
    b.struct(
        "ListTagResourcesResponse",
        {"RequestId": "String", "NextToken": "String", "TagResources": "TagResources"},
    )
    _op(
        b,
        "ListTagResources",
        "Lists resource-tag pairs, a NextToken page at a time.",
        "ListTagResourcesRequest",
        "ListTagResourcesResponse",
        ["InvalidRegionIdNotFound"],
        idempotent=True,
    )


# --- paginators and waiters -----------------------------------------------------------


def _paged(b: ModelBuilder, op: str, result_key: str, by_token: bool) -> None:
    b.paginator(
        op,
        style="page_number",
        input_token="PageNumber",
        limit_key="PageSize",
        result_key=result_key,
        total_key="TotalCount",
    )
    if by_token:
        b.paginator(
            f"{op}ByToken",
            operation=op,
            input_token="NextToken",
            output_token="NextToken",
            limit_key="MaxResults",
            result_key=result_key,
        )


def _paginators(b: ModelBuilder) -> None:
    _paged(b, "DescribeInstances", "Instances.Instance", by_token=True)
    _paged(b, "DescribeInstanceStatus", "InstanceStatuses.InstanceStatus", by_token=False)
    _paged(b, "DescribeImages", "Images.Image", by_token=False)
    _paged(b, "DescribeSecurityGroups", "SecurityGroups.SecurityGroup", by_token=True)
    _paged(b, "DescribeDisks", "Disks.Disk", by_token=True)
    b.paginator(
        "DescribeInstanceTypes",
        input_token="NextToken",
        output_token="NextToken",
        limit_key="MaxResults",
        result_key="InstanceTypes.InstanceType",
    )
    b.paginator(
        "ListTagResources",
        input_token="NextToken",
        output_token="NextToken",
        result_key="TagResources.TagResource",
    )


def _waiters(b: ModelBuilder) -> None:
    for name, status in (("InstanceRunning", "Running"), ("InstanceStopped", "Stopped")):
        b.waiter(
            name,
            operation="DescribeInstances",
            delay=5,
            maxAttempts=60,
            acceptors=[
                {
                    "matcher": "pathAll",
                    "argument": "Instances.Instance[].Status",
                    "expected": status,
                    "state": "success",
                },
            ],
        )
    b.waiter(
        "InstanceDeleted",
        operation="DescribeInstances",
        delay=5,
        maxAttempts=60,
        acceptors=[
            {
                "matcher": "path",
                "argument": "length(Instances.Instance[]) == `0`",
                "expected": True,
                "state": "success",
            },
        ],
    )

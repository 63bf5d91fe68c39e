"""Tencent Cloud CVM (2017-03-12): instances, images, instance types and key pairs.

Output shapes are the object inside ``{"Response": ...}``; every one has ``RequestId``.
Errors come back with HTTP 200 and ``Response.Error.Code``, so error shapes carry no
status. Lists are plain JSON arrays; list endpoints page by ``Offset``/``Limit`` and say
``TotalCount``.
"""

from __future__ import annotations

from model_sources.builder import ModelBuilder, ServiceFiles, ref

POST = {"method": "POST", "requestUri": "/"}

_ERRORS = [
    ("RequestLimitExceeded", "RequestLimitExceeded", "Too many requests; slow down."),
    ("InvalidInstanceIdNotFound", "InvalidInstanceId.NotFound", "No such instance."),
    (
        "InvalidInstanceIdMalformed",
        "InvalidInstanceId.Malformed",
        "An instance ID is not of the form ins-xxxxxxxx.",
    ),
    (
        "ResourceNotFoundInvalidZoneInstanceType",
        "ResourceNotFound.InvalidZoneInstanceType",
        "The instance type is not offered in that zone.",
    ),
    (
        "ResourceNotFoundKeyPairNotFound",
        "ResourceNotFound.KeyPairNotFound",
        "The key pair does not exist.",
    ),
    (
        "ResourcesSoldOutSpecifiedInstanceType",
        "ResourcesSoldOut.SpecifiedInstanceType",
        "The instance type is sold out.",
    ),
    ("InvalidImageIdNotFound", "InvalidImageId.NotFound", "No such image."),
    (
        "InvalidZoneMismatchRegion",
        "InvalidZone.MismatchRegion",
        "The zone is not in the request's region.",
    ),
    (
        "InvalidSecurityGroupIdNotFound",
        "InvalidSecurityGroupId.NotFound",
        "No such security group.",
    ),
    (
        "LimitExceededInstanceQuota",
        "LimitExceeded.InstanceQuota",
        "The request would exceed the instance quota.",
    ),
    (
        "InvalidInstanceState",
        "InvalidInstanceState",
        "The instance's state does not allow the operation.",
    ),
    (
        "OperationDeniedInstanceOperationInProgress",
        "OperationDenied.InstanceOperationInProgress",
        "Another operation on the instance is still running.",
    ),
    ("InvalidKeyPairIdNotFound", "InvalidKeyPairId.NotFound", "No such key pair."),
    (
        "InvalidKeyPairNameDuplicate",
        "InvalidKeyPairName.Duplicate",
        "A key pair with this name exists.",
    ),
    (
        "InvalidKeyPairLimitExceeded",
        "InvalidKeyPair.LimitExceeded",
        "The key pair quota is used up.",
    ),
]


def build() -> ServiceFiles:
    b = ModelBuilder(
        {
            "apiVersion": "2017-03-12",
            "provider": "tencentcloud",
            "protocol": "tc3-json",
            "signatureVersion": "tc3-hmac-sha256",
            "presignSignatureVersion": "tc-hmac-v1",
            "endpointPrefix": "cvm",
            "serviceId": "Cvm",
            "serviceFullName": "Cloud Virtual Machine",
        },
        "Cloud Virtual Machine: virtual machines on Tencent Cloud.",
    )
    for name, code, doc in _ERRORS:
        b.error(name, code, None, doc)
    _common(b)
    _regions(b)
    _instances(b)
    _images_and_types(b)
    _key_pairs(b)
    _paginators_and_waiters(b)
    return b.files("tencentcloud", "cvm")


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
        errors=[*errors, "RequestLimitExceeded"],
        idempotent=idempotent,
        http=POST,
    )


def _common(b: ModelBuilder) -> None:
    b.list_of("StringList", "String")
    b.list_of("InstanceIdList", "String", max=100)
    b.struct("Filter", {"Name": "String", "Values": "StringList"}, required=["Name", "Values"])
    b.list_of("FilterList", "Filter", max=10)
    b.struct("Tag", {"Key": "String", "Value": "String"}, required=["Key", "Value"])
    b.list_of("TagList", "Tag")
    b.struct(
        "TagSpecification",
        {"ResourceType": "String", "Tags": "TagList"},
        required=["ResourceType", "Tags"],
    )
    b.list_of("TagSpecificationList", "TagSpecification")
    b.shape("Offset", "integer", min=0)
    b.shape("Limit", "integer", min=1, max=100)
    b.struct("RequestIdResponse", {"RequestId": "String"})
    b.struct("Empty", {})


def _regions(b: ModelBuilder) -> None:
    b.struct("RegionInfo", {"Region": "String", "RegionName": "String", "RegionState": "String"})
    b.list_of("RegionInfoList", "RegionInfo")
    b.struct(
        "DescribeRegionsResponse",
        {"TotalCount": "Integer", "RegionSet": "RegionInfoList", "RequestId": "String"},
    )
    _op(
        b,
        "DescribeRegions",
        "Lists the regions CVM serves.",
        "Empty",
        "DescribeRegionsResponse",
        idempotent=True,
    )
    b.struct(
        "ZoneInfo",
        {"Zone": "String", "ZoneName": "String", "ZoneId": "String", "ZoneState": "String"},
    )
    b.list_of("ZoneInfoList", "ZoneInfo")
    b.struct(
        "DescribeZonesResponse",
        {"TotalCount": "Integer", "ZoneSet": "ZoneInfoList", "RequestId": "String"},
    )
    _op(
        b,
        "DescribeZones",
        "Lists the zones of the request's region.",
        "Empty",
        "DescribeZonesResponse",
        idempotent=True,
    )


def _instances(b: ModelBuilder) -> None:
    b.struct(
        "Placement",
        {"Zone": "String", "ProjectId": "Integer", "HostIds": "StringList"},
        required=["Zone"],
    )
    b.struct(
        "SystemDisk",
        {"DiskType": "String", "DiskId": "String", "DiskSize": ref("Integer", documentation="GB.")},
    )
    b.struct(
        "DataDisk",
        {
            "DiskSize": "Integer",
            "DiskType": "String",
            "DiskId": "String",
            "DeleteWithInstance": "Boolean",
            "SnapshotId": "String",
            "Encrypt": "Boolean",
            "KmsKeyId": "String",
        },
        required=["DiskSize"],
    )
    b.list_of("DataDiskList", "DataDisk")
    b.struct(
        "InternetAccessible",
        {
            "InternetChargeType": "String",
            "InternetMaxBandwidthOut": "Integer",
            "PublicIpAssigned": "Boolean",
            "BandwidthPackageId": "String",
        },
    )
    b.struct(
        "VirtualPrivateCloud",
        {
            "VpcId": "String",
            "SubnetId": "String",
            "AsVpcGateway": "Boolean",
            "PrivateIpAddresses": "StringList",
            "Ipv6AddressCount": "Integer",
        },
        required=["VpcId", "SubnetId"],
    )
    b.struct(
        "LoginSettings",
        {
            "Password": ref("String", sensitive=True),
            "KeyIds": "StringList",
            "KeepImageLogin": "String",
        },
    )
    b.struct(
        "Instance",
        {
            "InstanceId": "String",
            "InstanceName": "String",
            "InstanceType": "String",
            "InstanceState": "String",
            "InstanceChargeType": "String",
            "Placement": "Placement",
            "CPU": "Integer",
            "Memory": ref("Integer", documentation="GB."),
            "ImageId": "String",
            "OsName": "String",
            "SystemDisk": "SystemDisk",
            "DataDisks": "DataDiskList",
            "PrivateIpAddresses": "StringList",
            "PublicIpAddresses": "StringList",
            "IPv6Addresses": "StringList",
            "InternetAccessible": "InternetAccessible",
            "VirtualPrivateCloud": "VirtualPrivateCloud",
            "SecurityGroupIds": "StringList",
            "LoginSettings": "LoginSettings",
            "Tags": "TagList",
            "RenewFlag": "String",
            "RestrictState": "String",
            "StopChargingMode": "String",
            "CreatedTime": "String",
            "ExpiredTime": "String",
            "Uuid": "String",
            "LatestOperation": "String",
            "LatestOperationState": "String",
            "LatestOperationRequestId": "String",
            "CamRoleName": "String",
            "HostName": "String",
            "DisableApiTermination": "Boolean",
        },
    )
    b.list_of("InstanceList", "Instance")
    b.struct(
        "DescribeInstancesRequest",
        {
            "InstanceIds": "InstanceIdList",
            "Filters": "FilterList",
            "Offset": "Offset",
            "Limit": "Limit",
        },
    )
    b.struct(
        "DescribeInstancesResponse",
        {"TotalCount": "Integer", "InstanceSet": "InstanceList", "RequestId": "String"},
    )
    _op(
        b,
        "DescribeInstances",
        "Lists instances by ID or filter, Offset/Limit a page; TotalCount says how many.",
        "DescribeInstancesRequest",
        "DescribeInstancesResponse",
        ["InvalidInstanceIdMalformed"],
        idempotent=True,
    )

    b.struct(
        "InstancePageRequest",
        {"InstanceIds": "InstanceIdList", "Offset": "Offset", "Limit": "Limit"},
    )
    b.struct("InstanceStatus", {"InstanceId": "String", "InstanceState": "String"})
    b.list_of("InstanceStatusList", "InstanceStatus")
    b.struct(
        "DescribeInstancesStatusResponse",
        {"TotalCount": "Integer", "InstanceStatusSet": "InstanceStatusList", "RequestId": "String"},
    )
    _op(
        b,
        "DescribeInstancesStatus",
        "Lists the state of instances, Offset/Limit a page.",
        "InstancePageRequest",
        "DescribeInstancesStatusResponse",
        ["InvalidInstanceIdMalformed"],
        idempotent=True,
    )

    b.struct(
        "InstanceChargePrepaid", {"Period": "Integer", "RenewFlag": "String"}, required=["Period"]
    )
    b.struct(
        "RunInstancesRequest",
        {
            "InstanceChargeType": "String",
            "InstanceChargePrepaid": "InstanceChargePrepaid",
            "Placement": "Placement",
            "InstanceType": "String",
            "ImageId": "String",
            "SystemDisk": "SystemDisk",
            "DataDisks": "DataDiskList",
            "VirtualPrivateCloud": "VirtualPrivateCloud",
            "InternetAccessible": "InternetAccessible",
            "InstanceCount": ref("Integer", documentation="How many to create (default 1)."),
            "InstanceName": "String",
            "LoginSettings": "LoginSettings",
            "SecurityGroupIds": "StringList",
            "ClientToken": ref("String", idempotencyToken=True),
            "HostName": "String",
            "TagSpecification": "TagSpecificationList",
            "UserData": ref("String", documentation="Base64, at most 16 KB."),
            "CamRoleName": "String",
            "DisableApiTermination": "Boolean",
            "DryRun": "Boolean",
        },
        required=["Placement"],
    )
    b.struct("RunInstancesResponse", {"InstanceIdSet": "StringList", "RequestId": "String"})
    _op(
        b,
        "RunInstances",
        "Creates and starts instances; answers their IDs.",
        "RunInstancesRequest",
        "RunInstancesResponse",
        [
            "ResourceNotFoundInvalidZoneInstanceType",
            "ResourcesSoldOutSpecifiedInstanceType",
            "InvalidImageIdNotFound",
            "InvalidZoneMismatchRegion",
            "InvalidSecurityGroupIdNotFound",
            "ResourceNotFoundKeyPairNotFound",
            "LimitExceededInstanceQuota",
        ],
    )

    state = [
        "InvalidInstanceIdNotFound",
        "InvalidInstanceIdMalformed",
        "InvalidInstanceState",
        "OperationDeniedInstanceOperationInProgress",
    ]
    b.struct("InstanceIdsRequest", {"InstanceIds": "InstanceIdList"}, required=["InstanceIds"])
    _op(
        b,
        "StartInstances",
        "Starts stopped instances.",
        "InstanceIdsRequest",
        "RequestIdResponse",
        state,
    )
    b.string("StopType", enum=["SOFT", "HARD", "SOFT_FIRST"])
    b.string("StoppedMode", enum=["KEEP_CHARGING", "STOP_CHARGING"])
    b.struct(
        "StopInstancesRequest",
        {
            "InstanceIds": "InstanceIdList",
            "StopType": "StopType",
            "StoppedMode": "StoppedMode",
            "ForceStop": ref("Boolean", deprecated=True),
        },
        required=["InstanceIds"],
    )
    _op(
        b,
        "StopInstances",
        "Stops running instances.",
        "StopInstancesRequest",
        "RequestIdResponse",
        state,
    )
    b.struct(
        "RebootInstancesRequest",
        {
            "InstanceIds": "InstanceIdList",
            "StopType": "StopType",
            "ForceReboot": ref("Boolean", deprecated=True),
        },
        required=["InstanceIds"],
    )
    _op(
        b,
        "RebootInstances",
        "Restarts running instances.",
        "RebootInstancesRequest",
        "RequestIdResponse",
        state,
    )
    b.struct(
        "TerminateInstancesRequest",
        {
            "InstanceIds": "InstanceIdList",
            "ReleaseAddress": "Boolean",
            "ReleasePrepaidDataDisks": "Boolean",
        },
        required=["InstanceIds"],
    )
    _op(
        b,
        "TerminateInstances",
        "Returns (deletes) instances.",
        "TerminateInstancesRequest",
        "RequestIdResponse",
        state,
    )
    b.struct(
        "ModifyInstancesAttributeRequest",
        {
            "InstanceIds": "InstanceIdList",
            "InstanceName": "String",
            "HostName": "String",
            "SecurityGroups": "StringList",
            "UserData": "String",
            "CamRoleName": "String",
            "DisableApiTermination": "Boolean",
        },
        required=["InstanceIds"],
    )
    _op(
        b,
        "ModifyInstancesAttribute",
        "Renames instances, or changes their security groups or host name.",
        "ModifyInstancesAttributeRequest",
        "RequestIdResponse",
        state,
    )


def _images_and_types(b: ModelBuilder) -> None:
    b.struct(
        "DescribeImagesRequest",
        {
            "ImageIds": "StringList",
            "Filters": "FilterList",
            "Offset": "Offset",
            "Limit": "Limit",
            "InstanceType": "String",
        },
    )
    b.struct("Snapshot", {"SnapshotId": "String", "DiskUsage": "String", "DiskSize": "Integer"})
    b.list_of("SnapshotList", "Snapshot")
    b.struct(
        "Image",
        {
            "ImageId": "String",
            "ImageName": "String",
            "ImageDescription": "String",
            "ImageType": "String",
            "ImageState": "String",
            "ImageSize": "Integer",
            "ImageSource": "String",
            "ImageCreator": "String",
            "OsName": "String",
            "Platform": "String",
            "Architecture": "String",
            "CreatedTime": "String",
            "SyncPercent": "Integer",
            "IsSupportCloudinit": "Boolean",
            "LicenseType": "String",
            "ImageFamily": "String",
            "SnapshotSet": "SnapshotList",
            "Tags": "TagList",
        },
    )
    b.list_of("ImageList", "Image")
    b.struct(
        "DescribeImagesResponse",
        {"ImageSet": "ImageList", "TotalCount": "Integer", "RequestId": "String"},
    )
    _op(
        b,
        "DescribeImages",
        "Lists images by ID or filter, Offset/Limit a page.",
        "DescribeImagesRequest",
        "DescribeImagesResponse",
        ["InvalidImageIdNotFound"],
        idempotent=True,
    )

    b.struct("FiltersRequest", {"Filters": "FilterList"})
    b.struct(
        "InstanceTypeConfig",
        {
            "Zone": "String",
            "InstanceType": "String",
            "InstanceFamily": "String",
            "CPU": "Integer",
            "Memory": "Integer",
            "GPU": "Integer",
            "FPGA": "Integer",
            "GpuCount": "Float",
        },
    )
    b.list_of("InstanceTypeConfigList", "InstanceTypeConfig")
    b.struct(
        "DescribeInstanceTypeConfigsResponse",
        {"InstanceTypeConfigSet": "InstanceTypeConfigList", "RequestId": "String"},
    )
    _op(
        b,
        "DescribeInstanceTypeConfigs",
        "Lists instance types per zone (filter by zone or instance-family).",
        "FiltersRequest",
        "DescribeInstanceTypeConfigsResponse",
        idempotent=True,
    )


def _key_pairs(b: ModelBuilder) -> None:
    b.struct(
        "KeyPair",
        {
            "KeyId": "String",
            "KeyName": "String",
            "ProjectId": "Integer",
            "Description": "String",
            "PublicKey": "String",
            "PrivateKey": ref(
                "String", sensitive=True, documentation="Only in CreateKeyPair's answer."
            ),
            "AssociatedInstanceIds": "StringList",
            "CreatedTime": "String",
            "Tags": "TagList",
        },
    )
    b.list_of("KeyPairList", "KeyPair")
    b.struct(
        "DescribeKeyPairsRequest",
        {"KeyIds": "StringList", "Filters": "FilterList", "Offset": "Offset", "Limit": "Limit"},
    )
    b.struct(
        "DescribeKeyPairsResponse",
        {"TotalCount": "Integer", "KeyPairSet": "KeyPairList", "RequestId": "String"},
    )
    _op(
        b,
        "DescribeKeyPairs",
        "Lists SSH key pairs, Offset/Limit a page.",
        "DescribeKeyPairsRequest",
        "DescribeKeyPairsResponse",
        ["InvalidKeyPairIdNotFound"],
        idempotent=True,
    )
    b.struct(
        "CreateKeyPairRequest",
        {"KeyName": "String", "ProjectId": "Integer", "TagSpecification": "TagSpecificationList"},
        required=["KeyName", "ProjectId"],
    )
    b.struct("CreateKeyPairResponse", {"KeyPair": "KeyPair", "RequestId": "String"})
    _op(
        b,
        "CreateKeyPair",
        "Creates an SSH key pair; the answer holds the private key once.",
        "CreateKeyPairRequest",
        "CreateKeyPairResponse",
        ["InvalidKeyPairNameDuplicate", "InvalidKeyPairLimitExceeded"],
    )
    b.struct("DeleteKeyPairsRequest", {"KeyIds": "StringList"}, required=["KeyIds"])
    _op(
        b,
        "DeleteKeyPairs",
        "Deletes key pairs no instance uses.",
        "DeleteKeyPairsRequest",
        "RequestIdResponse",
        ["InvalidKeyPairIdNotFound"],
    )


def _paginators_and_waiters(b: ModelBuilder) -> None:
    for op, result in (
        ("DescribeInstances", "InstanceSet"),
        ("DescribeInstancesStatus", "InstanceStatusSet"),
        ("DescribeImages", "ImageSet"),
        ("DescribeKeyPairs", "KeyPairSet"),
    ):
        b.paginator(
            op,
            style="offset",
            input_token="Offset",
            limit_key="Limit",
            result_key=result,
            total_key="TotalCount",
        )
    for name, state in (("InstanceRunning", "RUNNING"), ("InstanceStopped", "STOPPED")):
        b.waiter(
            name,
            operation="DescribeInstances",
            delay=5,
            maxAttempts=60,
            acceptors=[
                {
                    "matcher": "pathAll",
                    "argument": "InstanceSet[].InstanceState",
                    "expected": state,
                    "state": "success",
                },
                {
                    "matcher": "pathAny",
                    "argument": "InstanceSet[].LatestOperationState",
                    "expected": "FAILED",
                    "state": "failure",
                },
            ],
        )

"""Tencent Cloud STS (2018-08-13): temporary credentials for a CAM role, and who am I."""

from __future__ import annotations

from model_sources.builder import ModelBuilder, ServiceFiles, ref

POST = {"method": "POST", "requestUri": "/"}


def build() -> ServiceFiles:
    b = ModelBuilder(
        {
            "apiVersion": "2018-08-13",
            "provider": "tencentcloud",
            "protocol": "tc3-json",
            "signatureVersion": "tc3-hmac-sha256",
            "presignSignatureVersion": "tc-hmac-v1",
            "endpointPrefix": "sts",
            "serviceId": "Sts",
            "serviceFullName": "Security Token Service",
        },
        "Security Token Service: short-lived credentials for CAM roles.",
    )
    b.error(
        "ResourceNotFoundRoleNotFound",
        "ResourceNotFound.RoleNotFound",
        None,
        "The role does not exist.",
    )
    b.error(
        "InternalErrorGetRoleError",
        "InternalError.GetRoleError",
        None,
        "The role could not be read (often: no such role, or no trust).",
    )
    b.error(
        "InvalidParameterParamError",
        "InvalidParameter.ParamError",
        None,
        "A parameter is malformed (role ARN, session name or duration).",
    )
    b.error(
        "InvalidParameterPolicyTooLong",
        "InvalidParameter.PolicyTooLong",
        None,
        "The inline policy is too long.",
    )
    b.error(
        "UnauthorizedOperation",
        "UnauthorizedOperation",
        None,
        "The caller may not assume this role.",
    )
    b.error("RequestLimitExceeded", "RequestLimitExceeded", None, "Too many requests.")

    b.struct("Tag", {"Key": "String", "Value": "String"}, required=["Key", "Value"])
    b.list_of("TagList", "Tag", max=50)
    b.shape("SecretString", "string", sensitive=True)
    b.struct(
        "AssumeRoleRequest",
        {
            "RoleArn": "String",
            "RoleSessionName": "String",
            "DurationSeconds": ref("Integer", documentation="0 to 43200; default 7200."),
            "Policy": ref("String", documentation="URL-encoded policy text."),
            "ExternalId": "String",
            "Tags": "TagList",
            "SourceIdentity": "String",
        },
        required=["RoleArn", "RoleSessionName"],
    )
    b.struct(
        "Credentials",
        {"Token": "SecretString", "TmpSecretId": "String", "TmpSecretKey": "SecretString"},
    )
    b.struct(
        "AssumeRoleResponse",
        {
            "Credentials": "Credentials",
            "ExpiredTime": ref("Long", documentation="Unix seconds."),
            "Expiration": ref("String", documentation="ISO 8601, UTC."),
            "RequestId": "String",
        },
    )
    b.operation(
        "AssumeRole",
        "Returns temporary credentials (id, key, token, expiry) for a CAM role.",
        input="AssumeRoleRequest",
        output="AssumeRoleResponse",
        errors=[
            "ResourceNotFoundRoleNotFound",
            "InternalErrorGetRoleError",
            "InvalidParameterParamError",
            "InvalidParameterPolicyTooLong",
            "UnauthorizedOperation",
            "RequestLimitExceeded",
        ],
        http=POST,
    )
    b.struct("Empty", {})
    b.struct(
        "GetCallerIdentityResponse",
        {
            "Arn": "String",
            "AccountId": "String",
            "UserId": "String",
            "PrincipalId": "String",
            "Type": "String",
            "RequestId": "String",
        },
    )
    b.operation(
        "GetCallerIdentity",
        "Says which account and identity the request was signed as.",
        input="Empty",
        output="GetCallerIdentityResponse",
        errors=["RequestLimitExceeded"],
        idempotent=True,
        http=POST,
    )
    return b.files("tencentcloud", "sts")

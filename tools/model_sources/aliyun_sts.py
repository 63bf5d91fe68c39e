"""Alibaba Cloud STS (2015-04-01): temporary credentials for a RAM role, and who am I."""

from __future__ import annotations

from model_sources.builder import ModelBuilder, ServiceFiles, ref

RPC = {"method": "POST", "requestUri": "/"}


def build() -> ServiceFiles:
    b = ModelBuilder(
        {
            "apiVersion": "2015-04-01",
            "provider": "aliyun",
            "protocol": "aliyun-rpc",
            "signatureVersion": "acs-rpc-v1",
            "endpointPrefix": "sts",
            "serviceId": "Sts",
            "serviceFullName": "Security Token Service",
        },
        "Security Token Service: short-lived credentials for RAM roles.",
    )
    b.error("EntityNotExistRole", "EntityNotExist.Role", 404, "The role does not exist.")
    b.error(
        "NoPermission",
        "NoPermission",
        403,
        "The caller may not assume this role (check the role's trust policy).",
    )
    b.error(
        "InvalidParameterRoleSessionName",
        "InvalidParameter.RoleSessionName",
        400,
        "The session name is empty, too long or has characters outside [\\w.@-].",
    )
    b.error(
        "InvalidParameterDurationSeconds",
        "InvalidParameter.DurationSeconds",
        400,
        "The duration is outside what the role allows.",
    )
    b.error("Throttling", "Throttling", 400, "Too many requests in this period.")

    b.shape("DurationSeconds", "long", min=900, max=43200)
    b.struct(
        "AssumeRoleRequest",
        {
            "RoleArn": "String",
            "RoleSessionName": "String",
            "DurationSeconds": ref("DurationSeconds", documentation="Lifetime in seconds."),
            "Policy": ref("String", documentation="A policy text that narrows the role."),
            "ExternalId": "String",
            "SourceIdentity": "String",
        },
        required=["RoleArn", "RoleSessionName"],
    )
    b.struct(
        "Credentials",
        {
            "AccessKeyId": "String",
            "AccessKeySecret": ref("SecretString"),
            "SecurityToken": ref("SecretString"),
            "Expiration": ref("String", documentation="UTC, ISO 8601."),
        },
    )
    b.shape("SecretString", "string", sensitive=True)
    b.struct("AssumedRoleUser", {"Arn": "String", "AssumedRoleId": "String"})
    b.struct(
        "AssumeRoleResponse",
        {
            "RequestId": "String",
            "Credentials": "Credentials",
            "AssumedRoleUser": "AssumedRoleUser",
            "SourceIdentity": "String",
        },
    )
    b.operation(
        "AssumeRole",
        "Returns temporary credentials (key, secret, token, expiry) for a RAM role.",
        input="AssumeRoleRequest",
        output="AssumeRoleResponse",
        errors=[
            "EntityNotExistRole",
            "NoPermission",
            "InvalidParameterRoleSessionName",
            "InvalidParameterDurationSeconds",
            "Throttling",
        ],
        http=RPC,
    )
    b.struct("GetCallerIdentityRequest", {})
    b.struct(
        "GetCallerIdentityResponse",
        {
            "RequestId": "String",
            "AccountId": "String",
            "UserId": "String",
            "Arn": "String",
            "IdentityType": "String",
            "PrincipalId": "String",
            "RoleId": "String",
        },
    )
    b.operation(
        "GetCallerIdentity",
        "Says which account and identity the request was signed as.",
        input="GetCallerIdentityRequest",
        output="GetCallerIdentityResponse",
        errors=["Throttling"],
        idempotent=True,
        http=RPC,
    )
    return b.files("aliyun", "sts")

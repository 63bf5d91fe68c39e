"""Alibaba Cloud KMS (2016-01-20): customer master keys, envelope encryption, data keys.

``EncryptionContext`` travels as one JSON text (``jsonStyle``); ``Tags`` and ``Filters``
are JSON text the caller writes, so they are plain strings here.
"""

from __future__ import annotations

from model_sources.builder import ModelBuilder, ServiceFiles, ref

RPC = {"method": "POST", "requestUri": "/"}


def build() -> ServiceFiles:
    b = ModelBuilder(
        {
            "apiVersion": "2016-01-20",
            "provider": "aliyun",
            "protocol": "aliyun-rpc",
            "signatureVersion": "acs-rpc-v1",
            "endpointPrefix": "kms",
            "serviceId": "Kms",
            "serviceFullName": "Key Management Service",
        },
        "Key Management Service: keys that never leave the service, and data keys.",
    )
    b.error("ForbiddenKeyNotFound", "Forbidden.KeyNotFound", 404, "The key does not exist.")
    b.error("ForbiddenAliasNotFound", "Forbidden.AliasNotFound", 404, "The alias does not exist.")
    b.error(
        "ForbiddenNoPermission",
        "Forbidden.NoPermission",
        403,
        "The caller is not allowed to use this key.",
    )
    b.error(
        "RejectedUnsupportedOperation",
        "Rejected.UnsupportedOperation",
        400,
        "The key does not support this operation (wrong usage or spec).",
    )
    b.error("Throttling", "Throttling", 400, "Too many requests in this period.")
    key_errors = [
        "ForbiddenKeyNotFound",
        "ForbiddenAliasNotFound",
        "ForbiddenNoPermission",
        "RejectedUnsupportedOperation",
        "Throttling",
    ]

    b.string("KeyUsage", enum=["ENCRYPT/DECRYPT", "SIGN/VERIFY"])
    b.string("Origin", enum=["Aliyun_KMS", "EXTERNAL"])
    b.string("ProtectionLevel", enum=["SOFTWARE", "HSM"])
    b.shape("SecretString", "string", sensitive=True)
    b.map_of("EncryptionContext", "String", "String")
    context = ref(
        "EncryptionContext",
        jsonStyle=True,
        documentation="Sent as a JSON object text; decryption needs the same one.",
    )
    b.struct(
        "KeyMetadata",
        {
            "KeyId": "String",
            "Arn": "String",
            "Description": "String",
            "KeyState": "String",
            "KeyUsage": "String",
            "KeySpec": "String",
            "Origin": "String",
            "ProtectionLevel": "String",
            "Creator": "String",
            "CreationDate": "String",
            "DeleteDate": "String",
            "MaterialExpireTime": "String",
            "PrimaryKeyVersion": "String",
            "AutomaticRotation": "String",
            "RotationInterval": "String",
            "LastRotationDate": "String",
            "NextRotationDate": "String",
            "DKMSInstanceId": "String",
        },
    )
    b.struct("KeyMetadataResponse", {"RequestId": "String", "KeyMetadata": "KeyMetadata"})

    b.struct(
        "CreateKeyRequest",
        {
            "Description": "String",
            "KeyUsage": "KeyUsage",
            "KeySpec": "String",
            "Origin": "Origin",
            "ProtectionLevel": "ProtectionLevel",
            "EnableAutomaticRotation": "Boolean",
            "RotationInterval": ref("String", documentation="Such as 365d."),
            "DKMSInstanceId": "String",
            "Tags": ref("String", documentation='JSON text: [{"TagKey":..,"TagValue":..}].'),
        },
    )
    b.operation(
        "CreateKey",
        "Creates a customer master key; answers its metadata.",
        input="CreateKeyRequest",
        output="KeyMetadataResponse",
        errors=["ForbiddenNoPermission", "Throttling"],
        http=RPC,
    )

    b.struct(
        "DescribeKeyRequest",
        {"KeyId": ref("String", documentation="ID, ARN or alias.")},
        required=["KeyId"],
    )
    b.operation(
        "DescribeKey",
        "Returns a key's metadata: state, usage, spec, rotation.",
        input="DescribeKeyRequest",
        output="KeyMetadataResponse",
        errors=key_errors,
        idempotent=True,
        http=RPC,
    )

    b.struct(
        "ListKeysRequest",
        {
            "PageNumber": ref("Integer", documentation="From 1."),
            "PageSize": ref("Integer", documentation="1 to 100."),
            "Filters": ref("String", documentation="JSON text of key/values filters."),
        },
    )
    b.struct("KeyEntry", {"KeyId": "String", "KeyArn": "String"})
    b.wrapped_list("Keys", "Key", "KeyEntry")
    b.struct(
        "ListKeysResponse",
        {
            "RequestId": "String",
            "TotalCount": "Integer",
            "PageNumber": "Integer",
            "PageSize": "Integer",
            "Keys": "Keys",
        },
    )
    b.operation(
        "ListKeys",
        "Lists the keys of the region, a page at a time.",
        input="ListKeysRequest",
        output="ListKeysResponse",
        errors=["Throttling"],
        idempotent=True,
        http=RPC,
    )

    b.struct(
        "EncryptRequest",
        {
            "KeyId": "String",
            "Plaintext": ref("SecretString", documentation="The text to encrypt (<= 6 KB)."),
            "EncryptionContext": context,
        },
        required=["KeyId", "Plaintext"],
    )
    b.struct(
        "EncryptResponse",
        {
            "RequestId": "String",
            "KeyId": "String",
            "KeyVersionId": "String",
            "CiphertextBlob": "String",
        },
    )
    b.operation(
        "Encrypt",
        "Encrypts up to 6 KB with a key; answers base64 ciphertext.",
        input="EncryptRequest",
        output="EncryptResponse",
        errors=key_errors,
        http=RPC,
    )

    b.struct(
        "DecryptRequest",
        {"CiphertextBlob": "String", "EncryptionContext": context},
        required=["CiphertextBlob"],
    )
    b.struct(
        "DecryptResponse",
        {
            "RequestId": "String",
            "KeyId": "String",
            "KeyVersionId": "String",
            "Plaintext": "SecretString",
        },
    )
    b.operation(
        "Decrypt",
        "Decrypts ciphertext made by Encrypt or GenerateDataKey.",
        input="DecryptRequest",
        output="DecryptResponse",
        errors=key_errors,
        http=RPC,
    )

    b.string("DataKeySpec", enum=["AES_256", "AES_128"])
    b.struct(
        "GenerateDataKeyRequest",
        {
            "KeyId": "String",
            "KeySpec": "DataKeySpec",
            "NumberOfBytes": ref("Integer", documentation="1 to 1024; overrides KeySpec."),
            "EncryptionContext": context,
        },
        required=["KeyId"],
    )
    b.struct(
        "GenerateDataKeyResponse",
        {
            "RequestId": "String",
            "KeyId": "String",
            "KeyVersionId": "String",
            "Plaintext": ref("SecretString", documentation="The data key, base64."),
            "CiphertextBlob": ref("String", documentation="The data key encrypted by KeyId."),
        },
    )
    b.operation(
        "GenerateDataKey",
        "Makes a random data key; answers it in plain and encrypted under KeyId.",
        input="GenerateDataKeyRequest",
        output="GenerateDataKeyResponse",
        errors=key_errors,
        http=RPC,
    )

    b.paginator(
        "ListKeys",
        style="page_number",
        input_token="PageNumber",
        limit_key="PageSize",
        result_key="Keys.Key",
        total_key="TotalCount",
    )
    return b.files("aliyun", "kms")

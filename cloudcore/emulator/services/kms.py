"""Alibaba Cloud KMS: keys, and Encrypt/Decrypt/GenerateDataKey round trips.

No real cryptography is needed for an emulator, but its ciphertexts behave like real
ones: a blob is bound to its key and encryption context and authenticated, so decrypting
a tampered blob, or with another context, fails with ``InvalidCiphertext``. The blob is
``version | key id | nonce | data XOR keystream | tag``, the keystream and the tag are
HMAC-SHA256 under a per-key secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import uuid
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
from cloudcore.emulator.services.paging import page_by_number

__all__ = ["KmsBehaviour"]

_VERSION = b"\x01"
_NONCE = 16
_TAG = 32
_DATA_KEY_BYTES = {"AES_256": 32, "AES_128": 16}


def _keystream(secret: bytes, nonce: bytes, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hmac.new(secret, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        counter += 1
    return out[:length]


def _xor(data: bytes, secret: bytes, nonce: bytes) -> bytes:
    stream = _keystream(secret, nonce, len(data))
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))


def _context_bytes(context: Any) -> bytes:
    if isinstance(context, str):
        context = json.loads(context) if context else {}
    return json.dumps(context or {}, sort_keys=True, separators=(",", ":")).encode()


def _invalid() -> ServiceError:
    return ServiceError("InvalidCiphertext", "The specified Ciphertext is invalid.", 400)


class KmsBehaviour(Behaviour):
    def __init__(self, env: EmulatorEnv) -> None:
        super().__init__(env)
        self.keys: dict[str, dict[str, Any]] = {}
        self.secrets: dict[str, bytes] = {}

    def _key(self, key_id: Any) -> dict[str, Any]:
        key = self.keys.get(str(key_id))
        if key is None:
            raise ServiceError(
                "Forbidden.KeyNotFound", f"The specified Key {key_id} is not found.", 404
            )
        if key["KeyState"] != "Enabled":
            raise ServiceError("Rejected.Disabled", f"The key {key_id} is disabled.", 400)
        return key

    @emulates("CreateKey")
    def create_key(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        key_id = str(uuid.UUID(int=next(self._ids)))
        metadata = {
            "KeyId": key_id,
            "Arn": f"acs:kms:cn-hangzhou:123456789012:key/{key_id}",
            "Description": params.get("Description") or "",
            "KeyState": "Enabled",
            "KeyUsage": params.get("KeyUsage") or "ENCRYPT/DECRYPT",
            "KeySpec": params.get("KeySpec") or "Aliyun_AES_256",
            "Origin": params.get("Origin") or "Aliyun_KMS",
            "ProtectionLevel": params.get("ProtectionLevel") or "SOFTWARE",
            "Creator": "123456789012",
            "CreationDate": iso_seconds(ctx.now),
            "PrimaryKeyVersion": str(uuid.UUID(int=next(self._ids))),
            "AutomaticRotation": "Disabled",
        }
        with self.lock:
            self.keys[key_id] = metadata
            self.secrets[key_id] = secrets.token_bytes(32)
        return {"KeyMetadata": dict(metadata)}

    @emulates("DescribeKey")
    def describe_key(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            return {"KeyMetadata": dict(self._key(require_param(params, "KeyId")))}

    @emulates("ListKeys")
    def list_keys(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            rows = [{"KeyId": k, "KeyArn": m["Arn"]} for k, m in self.keys.items()]
        page = page_by_number(rows, params.get("PageNumber"), params.get("PageSize"))
        return {
            "TotalCount": page.total,
            "PageNumber": page.number,
            "PageSize": page.size,
            "Keys": {"Key": page.items},
        }

    def _seal(self, key_id: str, plaintext: bytes, context: Any) -> str:
        secret = self.secrets[key_id]
        nonce = secrets.token_bytes(_NONCE)
        body = _xor(plaintext, secret, nonce)
        key_bytes = key_id.encode()
        header = _VERSION + len(key_bytes).to_bytes(1, "big") + key_bytes + nonce
        tag = hmac.new(secret, header + body + _context_bytes(context), hashlib.sha256).digest()
        return base64.b64encode(header + body + tag).decode()

    def _open(self, blob: str, context: Any) -> tuple[str, bytes]:
        try:
            raw = base64.b64decode(blob, validate=True)
        except (binascii.Error, ValueError):
            raise _invalid() from None
        if len(raw) < 2 + _NONCE + _TAG or raw[:1] != _VERSION:
            raise _invalid()
        size = raw[1]
        key_id = raw[2 : 2 + size].decode("utf-8", "replace")
        header_end = 2 + size + _NONCE
        header, body, tag = raw[:header_end], raw[header_end:-_TAG], raw[-_TAG:]
        with self.lock:
            self._key(key_id)
            secret = self.secrets[key_id]
        expected = hmac.new(secret, header + body + _context_bytes(context), hashlib.sha256)
        if not hmac.compare_digest(expected.digest(), tag):
            raise _invalid()
        nonce = header[-_NONCE:]
        return key_id, _xor(body, secret, nonce)

    def _version(self, key_id: str) -> str:
        return str(self.keys[key_id]["PrimaryKeyVersion"])

    @emulates("Encrypt")
    def encrypt(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        key_id = str(require_param(params, "KeyId"))
        plaintext = str(require_param(params, "Plaintext")).encode("utf-8")
        with self.lock:
            self._key(key_id)
            blob = self._seal(key_id, plaintext, params.get("EncryptionContext"))
        return {"KeyId": key_id, "KeyVersionId": self._version(key_id), "CiphertextBlob": blob}

    @emulates("Decrypt")
    def decrypt(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        blob = str(require_param(params, "CiphertextBlob"))
        key_id, plaintext = self._open(blob, params.get("EncryptionContext"))
        try:
            text = plaintext.decode("utf-8")
        except UnicodeDecodeError:
            raise _invalid() from None
        return {"KeyId": key_id, "KeyVersionId": self._version(key_id), "Plaintext": text}

    @emulates("GenerateDataKey")
    def generate_data_key(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        key_id = str(require_param(params, "KeyId"))
        size = params.get("NumberOfBytes")
        if size in (None, ""):
            size = _DATA_KEY_BYTES.get(str(params.get("KeySpec") or "AES_256"), 32)
        if not 1 <= int(size) <= 1024:
            raise ServiceError("InvalidParameter", "NumberOfBytes must be 1 to 1024.", 400)
        data_key = base64.b64encode(secrets.token_bytes(int(size))).decode()
        with self.lock:
            self._key(key_id)
            blob = self._seal(key_id, data_key.encode(), params.get("EncryptionContext"))
        return {
            "KeyId": key_id,
            "KeyVersionId": self._version(key_id),
            "Plaintext": data_key,
            "CiphertextBlob": blob,
        }

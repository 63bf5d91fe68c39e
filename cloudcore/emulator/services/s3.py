"""AWS S3: buckets and objects (put, get, head, delete, copy, DeleteObjects,
ListObjectsV2 with continuation tokens) and multipart uploads.

Presigned URLs are verified by the signer like any other request (including their
expiry); presigned POST uploads are answered by :mod:`.s3_post` before authentication,
since their signature covers a policy, not the request.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from cloudcore.emulator.errors import ServiceError
from cloudcore.emulator.services.base import (
    Behaviour,
    CallContext,
    EmulatorEnv,
    emulates,
    require_param,
)
from cloudcore.emulator.services.paging import decode_token, encode_token
from cloudcore.emulator.services.params import as_list
from cloudcore.http import HTTPRequest, HTTPResponse

__all__ = ["S3Behaviour"]

OWNER = {"DisplayName": "emulator", "ID": "0" * 64}


def _body_bytes(value: Any) -> bytes:
    if value is None:
        return b""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    read = getattr(value, "read", None)
    return bytes(read()) if read is not None else bytes(value)


def _no_bucket(name: str) -> ServiceError:
    return ServiceError("NoSuchBucket", "The specified bucket does not exist", 404, BucketName=name)


class S3Behaviour(Behaviour):
    def __init__(self, env: EmulatorEnv) -> None:
        super().__init__(env)
        self.buckets: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, dict[str, Any]] = {}

    def intercept(self, request: HTTPRequest, ctx: CallContext) -> HTTPResponse | None:
        content_type = str(request.headers.get("Content-Type", ""))
        if request.method == "POST" and content_type.startswith("multipart/form-data"):
            from cloudcore.emulator.services.s3_post import handle_post_upload

            return handle_post_upload(self, request, ctx)
        return None

    # --- storage ------------------------------------------------------------------------

    def bucket(self, name: Any) -> dict[str, Any]:
        bucket = self.buckets.get(str(name))
        if bucket is None:
            raise _no_bucket(str(name))
        return bucket

    def store(
        self,
        bucket: str,
        key: str,
        data: bytes,
        params: Mapping[str, Any],
        now: Any,
        etag: str | None = None,
    ) -> dict[str, Any]:
        obj = {
            "Body": data,
            "ETag": etag or f'"{hashlib.md5(data).hexdigest()}"',
            "LastModified": now,
            "ContentType": params.get("ContentType") or "binary/octet-stream",
            "Metadata": dict(params.get("Metadata") or {}),
            "StorageClass": params.get("StorageClass") or "STANDARD",
        }
        with self.lock:
            self.bucket(bucket)["objects"][key] = obj
        return obj

    def _object(self, params: Mapping[str, Any]) -> dict[str, Any]:
        bucket = self.bucket(require_param(params, "Bucket"))
        obj = bucket["objects"].get(str(require_param(params, "Key")))
        if obj is None:
            raise ServiceError(
                "NoSuchKey", "The specified key does not exist.", 404, Key=str(params["Key"])
            )
        found: dict[str, Any] = obj
        return found

    # --- buckets ------------------------------------------------------------------------

    @emulates("ListBuckets")
    def list_buckets(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            buckets = [
                {"Name": n, "CreationDate": b["CreationDate"], "BucketRegion": b["Region"]}
                for n, b in sorted(self.buckets.items())
            ]
        return {"Buckets": buckets, "Owner": OWNER}

    @emulates("CreateBucket")
    def create_bucket(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        name = str(require_param(params, "Bucket"))
        config = params.get("CreateBucketConfiguration") or {}
        with self.lock:
            if name in self.buckets:
                raise ServiceError(
                    "BucketAlreadyOwnedByYou",
                    "Your previous request to create "
                    "the named bucket succeeded and you already own it.",
                    409,
                    BucketName=name,
                )
            self.buckets[name] = {
                "CreationDate": ctx.now,
                "Region": config.get("LocationConstraint") or "us-east-1",
                "objects": {},
            }
        return {"Location": f"/{name}"}

    @emulates("DeleteBucket")
    def delete_bucket(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        name = str(require_param(params, "Bucket"))
        with self.lock:
            if self.bucket(name)["objects"]:
                raise ServiceError(
                    "BucketNotEmpty",
                    "The bucket you tried to delete is not empty",
                    409,
                    BucketName=name,
                )
            del self.buckets[name]
        return {}

    @emulates("HeadBucket")
    def head_bucket(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            bucket = self.bucket(require_param(params, "Bucket"))
        return {"BucketRegion": bucket["Region"]}

    # --- objects ------------------------------------------------------------------------

    @emulates("PutObject")
    def put_object(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        data = _body_bytes(params.get("Body"))
        obj = self.store(
            str(require_param(params, "Bucket")),
            str(require_param(params, "Key")),
            data,
            params,
            ctx.now,
        )
        return {"ETag": obj["ETag"]}

    def _object_headers(self, obj: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "ContentLength": len(obj["Body"]),
            "ETag": obj["ETag"],
            "LastModified": obj["LastModified"],
            "ContentType": obj["ContentType"],
            "Metadata": dict(obj["Metadata"]),
            "AcceptRanges": "bytes",
        }

    @emulates("GetObject")
    def get_object(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            obj = self._object(params)
        out = self._object_headers(obj)
        body: bytes = obj["Body"]
        byte_range = str(params.get("Range") or "")
        if byte_range.startswith("bytes="):
            first, _, last = byte_range[6:].partition("-")
            start = int(first) if first else max(len(body) - int(last), 0)
            end = int(last) if first and last else len(body) - 1
            body = body[start : end + 1]
            out["ContentRange"] = f"bytes {start}-{start + len(body) - 1}/{len(obj['Body'])}"
            out["ContentLength"] = len(body)
        out["Body"] = body
        return out

    @emulates("HeadObject")
    def head_object(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            return self._object_headers(self._object(params))

    @emulates("DeleteObject")
    def delete_object(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            self.bucket(require_param(params, "Bucket"))["objects"].pop(
                str(require_param(params, "Key")), None
            )
        return {}

    @emulates("CopyObject")
    def copy_object(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        source = unquote(str(require_param(params, "CopySource"))).lstrip("/")
        source = source.split("?", 1)[0]
        src_bucket, _, src_key = source.partition("/")
        with self.lock:
            src = self._object({"Bucket": src_bucket, "Key": src_key})
            replace = params.get("MetadataDirective") == "REPLACE"
            meta = (
                params
                if replace
                else {"ContentType": src["ContentType"], "Metadata": src["Metadata"]}
            )
            obj = self.store(
                str(require_param(params, "Bucket")),
                str(require_param(params, "Key")),
                src["Body"],
                meta,
                ctx.now,
            )
        return {"CopyObjectResult": {"ETag": obj["ETag"], "LastModified": obj["LastModified"]}}

    @emulates("DeleteObjects")
    def delete_objects(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        spec = params.get("Delete") or {}
        deleted = []
        with self.lock:
            objects = self.bucket(require_param(params, "Bucket"))["objects"]
            for item in as_list(spec.get("Objects")):
                key = str(item.get("Key"))
                objects.pop(key, None)
                deleted.append({"Key": key})
        quiet = str(spec.get("Quiet")).lower() == "true"
        return {"Deleted": [] if quiet else deleted}

    @emulates("ListObjectsV2")
    def list_objects_v2(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        name = str(require_param(params, "Bucket"))
        prefix = str(params.get("Prefix") or "")
        delimiter = str(params.get("Delimiter") or "")
        raw_max = params.get("MaxKeys")
        max_keys = 1000 if raw_max is None else int(raw_max)
        token = params.get("ContinuationToken")
        start = decode_token(str(token), "InvalidArgument") if token else 0
        with self.lock:
            objects = self.bucket(name)["objects"]
            keys = sorted(k for k in objects if k.startswith(prefix))
            start_after = str(params.get("StartAfter") or "")
            keys = [k for k in keys if k > start_after]
            # Collapse keys under a delimiter into common prefixes, keeping order.
            entries: list[tuple[str, str]] = []
            seen: set[str] = set()
            for key in keys:
                cut = key.find(delimiter, len(prefix)) if delimiter else -1
                if cut >= 0:
                    common = key[: cut + len(delimiter)]
                    if common not in seen:
                        seen.add(common)
                        entries.append(("prefix", common))
                else:
                    entries.append(("key", key))
            page = entries[start : start + max_keys]
            contents = [
                {
                    "Key": k,
                    "LastModified": objects[k]["LastModified"],
                    "ETag": objects[k]["ETag"],
                    "Size": len(objects[k]["Body"]),
                    "StorageClass": objects[k]["StorageClass"],
                }
                for kind, k in page
                if kind == "key"
            ]
        truncated = start + max_keys < len(entries)
        out: dict[str, Any] = {
            "IsTruncated": truncated,
            "Contents": contents,
            "CommonPrefixes": [{"Prefix": p} for kind, p in page if kind == "prefix"],
            "Name": name,
            "Prefix": prefix,
            "MaxKeys": max_keys,
            "KeyCount": len(page),
        }
        if delimiter:
            out["Delimiter"] = delimiter
        if token:
            out["ContinuationToken"] = token
        if truncated:
            out["NextContinuationToken"] = encode_token(start + max_keys)
        return out

    # --- multipart ----------------------------------------------------------------------

    def _upload(self, params: Mapping[str, Any]) -> dict[str, Any]:
        upload = self.uploads.get(str(require_param(params, "UploadId")))
        if upload is None or upload["Key"] != params.get("Key"):
            raise ServiceError("NoSuchUpload", "The specified upload does not exist.", 404)
        return upload

    @emulates("CreateMultipartUpload")
    def create_multipart_upload(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        bucket = str(require_param(params, "Bucket"))
        key = str(require_param(params, "Key"))
        upload_id = secrets.token_urlsafe(24)
        with self.lock:
            self.bucket(bucket)
            self.uploads[upload_id] = {
                "Bucket": bucket,
                "Key": key,
                "Parts": {},
                "Initiated": ctx.now,
                "Params": dict(params),
            }
        return {"Bucket": bucket, "Key": key, "UploadId": upload_id}

    @emulates("UploadPart")
    def upload_part(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        number = int(require_param(params, "PartNumber"))
        if not 1 <= number <= 10000:
            raise ServiceError(
                "InvalidArgument",
                "Part number must be an integer between 1 and 10000, inclusive",
                400,
            )
        data = _body_bytes(params.get("Body"))
        etag = f'"{hashlib.md5(data).hexdigest()}"'
        with self.lock:
            self._upload(params)["Parts"][number] = {
                "Body": data,
                "ETag": etag,
                "LastModified": ctx.now,
            }
        return {"ETag": etag}

    @emulates("CompleteMultipartUpload")
    def complete_multipart_upload(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        parts = as_list((params.get("MultipartUpload") or {}).get("Parts"))
        with self.lock:
            upload = self._upload(params)
            chunks, digests, last = [], [], 0
            for part in parts:
                number = int(part.get("PartNumber") or 0)
                stored = upload["Parts"].get(number)
                if stored is None or stored["ETag"].strip('"') != str(part.get("ETag")).strip('"'):
                    raise ServiceError(
                        "InvalidPart", "One or more of the specified parts could not be found.", 400
                    )
                if number <= last:
                    raise ServiceError(
                        "InvalidPartOrder", "The list of parts was not in ascending order.", 400
                    )
                last = number
                chunks.append(stored["Body"])
                digests.append(bytes.fromhex(stored["ETag"].strip('"')))
            etag = f'"{hashlib.md5(b"".join(digests)).hexdigest()}-{len(chunks)}"'
            self.store(
                upload["Bucket"], upload["Key"], b"".join(chunks), upload["Params"], ctx.now, etag
            )
            del self.uploads[str(params["UploadId"])]
        return {
            "Location": f"/{upload['Bucket']}/{upload['Key']}",
            "Bucket": upload["Bucket"],
            "Key": upload["Key"],
            "ETag": etag,
        }

    @emulates("AbortMultipartUpload")
    def abort_multipart_upload(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            self._upload(params)
            del self.uploads[str(params["UploadId"])]
        return {}

    @emulates("ListParts")
    def list_parts(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        with self.lock:
            upload = self._upload(params)
            parts = [
                {
                    "PartNumber": n,
                    "ETag": p["ETag"],
                    "Size": len(p["Body"]),
                    "LastModified": p["LastModified"],
                }
                for n, p in sorted(upload["Parts"].items())
            ]
        marker = int(params.get("PartNumberMarker") or 0)
        size = int(params.get("MaxParts") or 1000)
        parts = [p for p in parts if p["PartNumber"] > marker]
        page = parts[:size]
        out: dict[str, Any] = {
            "Bucket": upload["Bucket"],
            "Key": upload["Key"],
            "UploadId": params["UploadId"],
            "Parts": page,
            "MaxParts": size,
            "IsTruncated": len(parts) > size,
            "PartNumberMarker": marker,
        }
        if len(parts) > size:
            out["NextPartNumberMarker"] = page[-1]["PartNumber"]
        return out

    @emulates("ListMultipartUploads")
    def list_multipart_uploads(self, params: dict[str, Any], ctx: CallContext) -> dict[str, Any]:
        bucket = str(require_param(params, "Bucket"))
        with self.lock:
            self.bucket(bucket)
            uploads = [
                {
                    "UploadId": uid,
                    "Key": u["Key"],
                    "Initiated": u["Initiated"],
                    "StorageClass": "STANDARD",
                }
                for uid, u in self.uploads.items()
                if u["Bucket"] == bucket
            ]
        return {
            "Bucket": bucket,
            "Uploads": uploads,
            "IsTruncated": False,
            "MaxUploads": int(params.get("MaxUploads") or 1000),
        }

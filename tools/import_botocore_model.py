"""Import a trimmed AWS model from the installed botocore package into ``data/aws/``.

    python tools/import_botocore_model.py s3                  # the operations listed below
    python tools/import_botocore_model.py sts AssumeRole GetCallerIdentity --output /tmp/m

Keeps only the named operations and the shapes they reach, drops botocore's
documentation (each kept operation gets cloudcore's own one-line text from the table
below), adds ``metadata.provider = "aws"``, and writes ``service-2.json`` plus the
paginators and waiters of the kept operations to ``<output>/aws/<service>/<api-version>/``.
botocore is needed only to run this tool, never by cloudcore itself.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parent
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from generate_models import DATA, dump  # noqa: E402

# Our own one-line text for each operation we ship; the operations of a service listed
# here are what a bare ``import_botocore_model.py <service>`` imports.
OPERATION_DOCS: dict[str, dict[str, str]] = {
    "s3": {
        "ListBuckets": "Lists the buckets the caller owns.",
        "CreateBucket": "Creates a bucket (set LocationConstraint outside us-east-1).",
        "DeleteBucket": "Deletes an empty bucket.",
        "HeadBucket": "Checks that a bucket exists and the caller may use it (404/403).",
        "PutObject": "Stores an object from bytes or a file-like body.",
        "GetObject": "Reads an object; Body is a stream to read and close.",
        "HeadObject": "Reads an object's metadata without its body.",
        "DeleteObject": "Deletes one object (or adds a delete marker when versioned).",
        "CopyObject": "Copies an object server-side, up to 5 GB.",
        "DeleteObjects": "Deletes up to 1000 objects in one request.",
        "ListObjectsV2": "Lists objects by prefix, a ContinuationToken page at a time.",
        "CreateMultipartUpload": "Starts a multipart upload; answers its UploadId.",
        "UploadPart": "Uploads one part (1-10000) of a multipart upload.",
        "CompleteMultipartUpload": "Joins the uploaded parts into the object.",
        "AbortMultipartUpload": "Abandons a multipart upload and frees its parts.",
        "ListParts": "Lists the parts uploaded so far for an UploadId.",
        "ListMultipartUploads": "Lists multipart uploads in progress in a bucket.",
    },
    "sts": {
        "AssumeRole": "Returns temporary credentials for an IAM role.",
        "GetCallerIdentity": "Says which account and ARN the request was signed as.",
        "GetSessionToken": "Returns temporary credentials for the caller (e.g. with MFA).",
    },
}

# Errors the service really returns for an operation but botocore's model leaves out;
# each must name an error shape that the model defines.
EXTRA_ERRORS: dict[str, dict[str, list[str]]] = {
    "s3": {
        "DeleteBucket": ["NoSuchBucket"],
        "PutObject": ["NoSuchBucket"],
        "GetObject": ["NoSuchBucket"],
        "DeleteObject": ["NoSuchBucket"],
        "DeleteObjects": ["NoSuchBucket"],
        "CopyObject": ["NoSuchBucket", "NoSuchKey"],
        "CreateMultipartUpload": ["NoSuchBucket"],
        "UploadPart": ["NoSuchUpload"],
        "CompleteMultipartUpload": ["NoSuchUpload"],
        "ListParts": ["NoSuchUpload"],
        "ListMultipartUploads": ["NoSuchBucket"],
    },
}

# Metadata cloudcore needs beyond botocore's (its signer names differ for S3).
METADATA_OVERRIDES: dict[str, dict[str, str]] = {
    "s3": {"signatureVersion": "s3v4"},
}

_DROPPED_KEYS = frozenset({"documentation", "documentationUrl"})


def _strip_docs(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_docs(v) for k, v in value.items() if k not in _DROPPED_KEYS}
    if isinstance(value, list):
        return [_strip_docs(v) for v in value]
    return value


def _reachable(shapes: Mapping[str, Any], roots: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = shapes[name]
        todo.extend(m["shape"] for m in shape.get("members", {}).values())
        todo.extend(shape[k]["shape"] for k in ("member", "key", "value") if k in shape)
    return seen


def trim_model(
    model: Mapping[str, Any], service: str, operations: list[str], docs: Mapping[str, str]
) -> dict[str, Any]:
    """The model cut down to ``operations`` and what they reach, with our own docs."""
    missing = [op for op in operations if op not in model["operations"]]
    if missing:
        raise SystemExit(f"{service}: botocore has no operation {', '.join(missing)}")
    kept_ops: dict[str, Any] = {}
    roots: list[str] = []
    extra = EXTRA_ERRORS.get(service, {})
    for name in operations:
        op = _strip_docs(model["operations"][name])
        errors = [e["shape"] for e in op.get("errors", ())]
        for error in extra.get(name, ()):
            if error not in model["shapes"]:
                raise SystemExit(f"{service}.{name}: extra error {error!r} is not a shape")
            if error not in errors:
                errors.append(error)
        if errors:
            op["errors"] = [{"shape": e} for e in errors]
        op["documentation"] = docs.get(name, "")
        kept_ops[name] = op
        roots += [op[k]["shape"] for k in ("input", "output") if k in op]
        roots += errors
    shapes = model["shapes"]
    kept = sorted(_reachable(shapes, roots))
    metadata = dict(model["metadata"])
    metadata["provider"] = "aws"
    metadata.update(METADATA_OVERRIDES.get(service, {}))
    return {
        "version": model.get("version", "2.0"),
        "metadata": metadata,
        "documentation": f"Amazon {metadata.get('serviceId', service)} (imported from botocore, "
        f"{len(kept_ops)} operations).",
        "operations": kept_ops,
        "shapes": {name: _strip_docs(shapes[name]) for name in kept},
    }


def trim_paginators(data: Mapping[str, Any], operations: list[str]) -> dict[str, Any]:
    pages = {k: v for k, v in data.get("pagination", {}).items() if k in operations}
    return {"pagination": pages} if pages else {}


def trim_waiters(data: Mapping[str, Any], operations: list[str]) -> dict[str, Any]:
    waiters = {
        k: _strip_docs(v)
        for k, v in data.get("waiters", {}).items()
        if v.get("operation") in operations
    }
    return {"version": 2, "waiters": waiters} if waiters else {}


def import_service(service: str, operations: list[str], output: Path) -> list[Path]:
    """Write the trimmed files; returns their paths."""
    import botocore.exceptions  # tool-time only
    import botocore.loaders

    loader = botocore.loaders.Loader()
    model = loader.load_service_model(service, "service-2")
    version = model["metadata"]["apiVersion"]
    docs = OPERATION_DOCS.get(service, {})
    files: dict[str, dict[str, Any]] = {
        "service-2.json": trim_model(model, service, operations, docs)
    }
    for stem, trim in (("paginators-1", trim_paginators), ("waiters-2", trim_waiters)):
        try:
            companion = loader.load_service_model(service, stem, version)
        except botocore.exceptions.DataNotFoundError:
            continue
        trimmed = trim(companion, operations)
        if trimmed:
            files[f"{stem}.json"] = trimmed
    folder = output / "aws" / service / version
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        path = folder / name
        path.write_text(dump(data), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("service", help="botocore's service name, e.g. s3")
    parser.add_argument("operations", nargs="*", help="default: those in OPERATION_DOCS")
    parser.add_argument("--output", type=Path, default=DATA, help="data root (default data/)")
    args = parser.parse_args(argv)
    operations = args.operations or list(OPERATION_DOCS.get(args.service, {}))
    if not operations:
        parser.error(f"name the operations of {args.service} to import")
    for path in import_service(args.service, operations, args.output):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Finding and loading model files.

Search path, first hit wins:

1. every folder in ``CLOUDCORE_DATA_PATH`` (``os.pathsep``-separated), in order;
2. ``~/.cloudcore/models``;
3. the ``data/`` folder packaged with cloudcore.

Each folder may use either layout, and both may be mixed:

* ``<cloud>/<service>/<api-version>/service-2.json`` (cloudcore's own), and
* ``<service>/<api-version>/service-2.json`` (botocore's flat layout; the cloud is read
  from the model's ``metadata.provider``, ``aws`` when absent).

Files may be ``.json`` or ``.json.gz``. Without ``api_version=`` the newest version found
anywhere on the path is used. Parsed files are cached for the whole process, keyed by
path, size and modification time, so a second Session or client parses nothing. A model
from outside the packaged ``data/`` is checked against ``data/schema/`` the first time it
is read, and a file that passed is remembered in ``~/.cloudcore/cache`` (see
:mod:`cloudcore.models.model_cache`); the packaged models are checked in CI by
``tools/validate_models.py``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from cloudcore.exceptions import (
    AmbiguousServiceError,
    InvalidModelError,
    UnknownAPIVersionError,
    UnknownServiceError,
)
from cloudcore.frozen import Frozen
from cloudcore.frozen import set_field as _set
from cloudcore.models.service import ServiceModel

__all__ = [
    "PACKAGED_DATA",
    "Loader",
    "ModelLocation",
    "load_companion",
    "load_json",
    "read_model_file",
    "validate_model_data",
]

PACKAGED_DATA = (Path(__file__).resolve().parent.parent / "data").resolve()
SERVICE_FILE = "service-2"
PAGINATORS_FILE = "paginators-1"
WAITERS_FILE = "waiters-2"
_SCHEMA_FOR = {
    SERVICE_FILE: "service-2.schema.json",
    PAGINATORS_FILE: "paginators-1.schema.json",
    WAITERS_FILE: "waiters-2.schema.json",
}


class ModelLocation(Frozen):
    """Where one service at one api-version lives on disk."""

    __slots__ = ("api_version", "cloud", "directory", "packaged", "service")
    cloud: str | None  # None: flat layout, read from metadata.provider on demand
    service: str
    api_version: str
    directory: Path
    packaged: bool

    def __init__(
        self, cloud: str | None, service: str, api_version: str, directory: Path, packaged: bool
    ) -> None:
        _set(self, "cloud", cloud)
        _set(self, "service", service)
        _set(self, "api_version", api_version)
        _set(self, "directory", directory)
        _set(self, "packaged", packaged)

    def file(self, stem: str) -> Path | None:
        for suffix in (".json", ".json.gz"):
            candidate = self.directory / (stem + suffix)
            if candidate.is_file():
                return candidate
        return None


# --- the process-wide caches --------------------------------------------------------------

_json_cache: dict[tuple[str, int, int], Any] = {}
_model_cache: dict[tuple[str, int, int, str | None], ServiceModel] = {}
_validated: set[tuple[str, int, int]] = set()
_cache_lock = threading.Lock()
_packaged_index: dict[str, dict[str, dict[str, ModelLocation]]] | None = None
_schemas: dict[str, Any] = {}


def _file_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return (str(path), st.st_size, st.st_mtime_ns)


def load_json(path: Path) -> Any:
    """Parse a ``.json`` or ``.json.gz`` file once per process (per size and mtime)."""
    key = _file_key(path)
    data = _json_cache.get(key)
    if data is None:
        raw = path.read_bytes()
        if path.name.endswith(".gz"):
            import gzip

            raw = gzip.decompress(raw)
        try:
            data = json.loads(raw)
        except ValueError as e:
            raise InvalidModelError(str(path), "$", f"not valid JSON: {e}") from None
        with _cache_lock:
            data = _json_cache.setdefault(key, data)
    return data


def _schema(kind: str) -> Any:
    schema = _schemas.get(kind)
    if schema is None:
        schema = json.loads((PACKAGED_DATA / "schema" / _SCHEMA_FOR[kind]).read_text())
        _schemas[kind] = schema
    return schema


def validate_model_data(data: Any, kind: str, source: str) -> None:
    """Check one parsed model file against its JSON Schema and its cross-references.

    Raises :class:`InvalidModelError` naming the file, the JSON path and the problem.
    """
    from cloudcore.models import schema_check  # deferred: only dropped-in models need it

    if not schema_check.compiled(kind, _schema(kind))(data):
        _raise_schema_error(data, kind, source)
    if kind == SERVICE_FILE:
        _check_references(data, source)


def _raise_schema_error(data: Any, kind: str, source: str) -> NoReturn:
    """Word the error with jsonschema, the one source of schema error messages.

    Runs only after the compiled check has said "not valid"; jsonschema costs ~0.6 s on a
    large model, so a valid file never pays for it (nor for importing it).
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema(kind))
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        raise AssertionError(
            f"cloudcore.models.schema_check rejects {source} as a {kind} file but jsonschema "
            f"accepts it: the compiled check disagrees with data/schema/{_SCHEMA_FOR[kind]}"
        )
    raise InvalidModelError(source, _json_path(error.absolute_path), error.message)


def _json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _check_references(model: Mapping[str, Any], source: str) -> None:
    """Every ``{"shape": X}`` must name a defined shape: the schema cannot say that."""
    shapes = model.get("shapes", {})

    def check(ref: Any, where: str) -> None:
        if isinstance(ref, Mapping) and "shape" in ref and ref["shape"] not in shapes:
            raise InvalidModelError(source, where, f"shape {ref['shape']!r} is not defined")

    for op_name, op in model.get("operations", {}).items():
        for key in ("input", "output"):
            check(op.get(key), f"$.operations.{op_name}.{key}")
        for i, err in enumerate(op.get("errors", ())):
            check(err, f"$.operations.{op_name}.errors[{i}]")
    for name, shape in shapes.items():
        for member, ref in shape.get("members", {}).items():
            check(ref, f"$.shapes.{name}.members.{member}")
        for key in ("member", "key", "value"):
            if key in shape:
                check(shape[key], f"$.shapes.{name}.{key}")


# --- the index of what is on the search path ---------------------------------------------

Index = dict[str, dict[str, dict[str, ModelLocation]]]  # service -> cloud key -> version


def _has_model(directory: Path) -> bool:
    return (directory / "service-2.json").is_file() or (directory / "service-2.json.gz").is_file()


def _scan(root: Path, packaged: bool) -> Index:
    """Index one search-path folder: both layouts, one level of api-version folders."""
    index: Index = {}
    if not root.is_dir():
        return index

    def add(cloud: str | None, service: str, version_dir: Path) -> None:
        loc = ModelLocation(cloud, service, version_dir.name, version_dir, packaged)
        index.setdefault(service, {}).setdefault(cloud or "", {})[version_dir.name] = loc

    for first in sorted(root.iterdir()):
        if not first.is_dir() or first.name.startswith((".", "_")) or first.name == "schema":
            continue
        for second in sorted(first.iterdir()):
            if not second.is_dir():
                continue
            if _has_model(second):  # flat: <service>/<version>/
                add(None, first.name, second)
                continue
            for third in sorted(second.iterdir()):  # <cloud>/<service>/<version>/
                if third.is_dir() and _has_model(third):
                    add(first.name, second.name, third)
    return index


def _version_key(version: str) -> tuple[Any, ...]:
    # Dates sort as text; "v2"-style or numeric suffixes still sort sensibly.
    return tuple(int(p) if p.isdigit() else p for p in version.replace("_", "-").split("-"))


class Loader:
    """Finds models on the search path and loads them through the process-wide cache."""

    def __init__(self, search_paths: Sequence[str | os.PathLike[str]] | None = None) -> None:
        if search_paths is None:
            search_paths = default_search_paths()
        self.search_paths: tuple[Path, ...] = tuple(Path(p) for p in search_paths)
        self._index: list[Index] | None = None
        self._lock = threading.Lock()

    # --- discovery ----------------------------------------------------------------------

    def _indexes(self) -> list[Index]:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = [self._scan_one(p) for p in self.search_paths]
        return self._index

    @staticmethod
    def _scan_one(path: Path) -> Index:
        global _packaged_index
        if path.resolve() == PACKAGED_DATA:
            if _packaged_index is None:
                _packaged_index = _scan(PACKAGED_DATA, packaged=True)
            return _packaged_index
        return _scan(path, packaged=False)

    def refresh(self) -> None:
        """Forget the folder index (after dropping a model in at runtime)."""
        with self._lock:
            self._index = None

    def _candidates(self, service: str) -> dict[str, dict[str, ModelLocation]]:
        """cloud -> version -> first location on the path, flat-layout clouds resolved."""
        found: dict[str, dict[str, ModelLocation]] = {}
        for index in self._indexes():
            for cloud_key, versions in index.get(service, {}).items():
                for version, loc in versions.items():
                    cloud = cloud_key or self._provider_of(loc)
                    found.setdefault(cloud, {}).setdefault(version, loc)
        return found

    def _provider_of(self, loc: ModelLocation) -> str:
        path = loc.file(SERVICE_FILE)
        assert path is not None
        data = self._read(path, SERVICE_FILE, loc.packaged)
        return str(data.get("metadata", {}).get("provider", "aws"))

    def list_available_services(
        self, provider: str | None = None, qualified: bool = False
    ) -> list[str]:
        """Every service name on the path; ``qualified=True`` gives ``cloud.service``."""
        names: set[str] = set()
        for index in self._indexes():
            for service in index:
                for cloud in self._candidates(service):
                    if provider is None or cloud == provider:
                        names.add(f"{cloud}.{service}" if qualified else service)
        return sorted(names)

    def list_api_versions(self, service: str, provider: str | None = None) -> list[str]:
        loc = self.resolve(service, provider)
        versions = self._candidates(loc.service)[loc.cloud or ""]
        return sorted(versions, key=_version_key)

    def resolve(
        self, name: str, provider: str | None = None, api_version: str | None = None
    ) -> ModelLocation:
        """Find ``name`` (or ``cloud.name``) at ``api_version`` or the newest one."""
        service = name
        if provider is None and "." in name:
            provider, service = name.split(".", 1)
        candidates = self._candidates(service)
        if provider is not None:
            candidates = {c: v for c, v in candidates.items() if c == provider}
        if not candidates:
            import difflib  # for the error's suggestions only

            all_names = self.list_available_services() + self.list_available_services(
                qualified=True
            )
            raise UnknownServiceError(name, difflib.get_close_matches(name, all_names, n=4))
        if len(candidates) > 1:
            raise AmbiguousServiceError(service, sorted(f"{c}.{service}" for c in candidates))
        cloud, versions = next(iter(candidates.items()))
        if api_version is None:
            api_version = max(versions, key=_version_key)
        elif api_version not in versions:
            raise UnknownAPIVersionError(name, api_version, sorted(versions, key=_version_key))
        loc = versions[api_version]
        if loc.cloud is None:
            loc = ModelLocation(cloud, loc.service, loc.api_version, loc.directory, loc.packaged)
        return loc

    # --- loading ------------------------------------------------------------------------

    @staticmethod
    def _read(path: Path, kind: str, packaged: bool) -> Any:
        return read_model_file(path, kind, packaged)

    def load_service_model(
        self, name: str, provider: str | None = None, api_version: str | None = None
    ) -> ServiceModel:
        loc = self.resolve(name, provider, api_version)
        return self.service_model_at(loc)

    def service_model_at(self, loc: ModelLocation) -> ServiceModel:
        path = loc.file(SERVICE_FILE)
        if path is None:
            raise InvalidModelError(str(loc.directory), "$", "no service-2.json here")
        key = (*_file_key(path), loc.cloud)
        model = _model_cache.get(key)
        if model is None:
            data = self._read(path, SERVICE_FILE, loc.packaged)
            model = ServiceModel(data, loc.service, str(path), loc.cloud)
            with _cache_lock:
                model = _model_cache.setdefault(key, model)
        return model

    @staticmethod
    def load_companion(loc: ModelLocation, stem: str) -> Mapping[str, Any]:
        """``paginators-1`` or ``waiters-2`` beside the service model; empty if absent."""
        return load_companion(loc, stem)

    def load_cloud_data(self, cloud: str, name: str) -> Mapping[str, Any]:
        """A per-cloud data file such as ``_endpoints`` or ``_retry``: first on the path."""
        for root in self.search_paths:
            for suffix in (".json", ".json.gz"):
                path = root / cloud / (name + suffix)
                if path.is_file():
                    data: Mapping[str, Any] = load_json(path)
                    return data
        return {}


def read_model_file(path: Path, kind: str, packaged: bool) -> Any:
    """Parse (cached) and, for a model from outside ``data/``, validate once.

    A dropped-in file that passed is remembered on disk (:mod:`.model_cache`), so later
    processes load its parsed form without parsing or checking it again.
    """
    if packaged:
        return load_json(path)
    key = _file_key(path)
    if key in _validated:
        return load_json(path)
    from cloudcore.models import model_cache

    disk_key = (str(path.resolve()), key[1], key[2])
    data = model_cache.load(disk_key, kind)
    if data is None:
        data = load_json(path)
        validate_model_data(data, kind, str(path))
        model_cache.store(disk_key, kind, data)
    with _cache_lock:
        data = _json_cache.setdefault(key, data)
        _validated.add(key)
    return data


def load_companion(loc: ModelLocation, stem: str) -> Mapping[str, Any]:
    """``paginators-1`` or ``waiters-2`` beside a service model; empty if there is none."""
    path = loc.file(stem)
    if path is None:
        return {}
    data: Mapping[str, Any] = read_model_file(path, stem, loc.packaged)
    return data


def default_search_paths() -> list[Path]:
    paths = [Path(p) for p in os.environ.get("CLOUDCORE_DATA_PATH", "").split(os.pathsep) if p]
    paths.append(Path("~/.cloudcore/models").expanduser())
    paths.append(PACKAGED_DATA)
    return paths

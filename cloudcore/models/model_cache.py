"""The on-disk cache of dropped-in model files that passed their schema check.

A model from outside the packaged ``data/`` is checked against its JSON Schema the first
time it is read, which for a large file (botocore's EC2 model, 1.5 MB) costs far more than
parsing it. Once a file has passed, its parsed form is written here in ``marshal``
format, so later processes neither parse the JSON again nor re-run the check: an entry
exists only for a file that passed. Entries are keyed by the file's resolved path, size
and modification time, the kind of file and the Python version (marshal's format is
Python's own), so editing or replacing the file makes its entry unused.

The folder is ``CLOUDCORE_CACHE_DIR`` or ``~/.cloudcore/cache``; deleting it is always
safe. A cache that cannot be read or written is ignored: loading works as without it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from typing import Any

# No pathlib or logging here: a cold process reading a cached model would import them
# for this module alone (~4 ms), so paths are strings and logging comes on a failure.

__all__ = ["cache_dir", "load", "store"]

_FORMAT = 1  # bump when what is stored changes


def cache_dir() -> str:
    configured = os.environ.get("CLOUDCORE_CACHE_DIR")
    return configured or os.path.expanduser(os.path.join("~", ".cloudcore", "cache"))


def _entry(key: tuple[str, int, int], kind: str) -> str:
    path, size, mtime_ns = key
    tag = f"{_FORMAT}\0{sys.version_info[:2]}\0{kind}\0{path}\0{size}\0{mtime_ns}"
    name = hashlib.sha256(tag.encode()).hexdigest() + ".marshal"
    return os.path.join(cache_dir(), "models", name)


def load(key: tuple[str, int, int], kind: str) -> Any:
    """The parsed file that passed its check under ``key``, or None if not cached."""
    try:
        with open(_entry(key, kind), "rb") as f:
            raw = f.read()
    except OSError:
        return None
    try:
        stored_key, data = marshal.loads(raw)
    except (EOFError, ValueError, TypeError):
        return None
    # The key is stored too, so a hash collision or a stray file is never believed.
    return data if tuple(stored_key) == tuple(key) else None


def store(key: tuple[str, int, int], kind: str, data: Any) -> None:
    """Remember that the file under ``key`` passed its check, with its parsed form."""
    entry = _entry(key, kind)
    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        partial = f"{entry[: -len('.marshal')]}.{os.getpid()}.tmp"
        with open(partial, "wb") as f:
            f.write(marshal.dumps((list(key), data)))
        os.replace(partial, entry)  # readers never see half a file
    except (OSError, ValueError) as e:  # read-only home, full disk, unmarshallable value
        import logging

        logging.getLogger(__name__).debug("model cache not written (%s): %s", entry, e)

"""Objects that take long to build and little to read back, kept in ``$ECOUTE_HOME/cache``.

Some libraries build their models in pure Python when they load them: the
language identifier decompresses and unpacks its tables (0.6 s), the
sentence encoder's tokenizer parses its vocabulary piece by piece (0.7 s).
The objects they build are plain data, so they are kept once as a pickle and
read back in a fraction of the time by every later process.

A cached object is keyed by its name, the versions and files it was built
from (size and modification time) and the interpreter: a new library version
or model file builds it again. Writing is atomic (a partial file is renamed
into place), so concurrent workers never read half a file; any failure to read
or write only costs the build. The cache holds nothing personal: only what is
derived from installed packages.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from pathlib import Path
from typing import Any, Callable, Iterable

from ecoute.files import write_atomically

log = logging.getLogger(__name__)

FORMAT = "ecoute-object-1"
_in_memory: dict[str, Any] = {}  # one object per process, whichever pipelines share it


def cache_dir() -> Path:
    from ecoute.config import Settings

    return Settings.home_from_env() / "cache"


def file_stamp(path: str | Path) -> str:
    """Size and modification time of a file the cached object was built from."""
    stat = Path(path).stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


def cached_object(name: str, parts: Iterable[str], build: Callable[[], Any]) -> Any:
    """``build()``'s result, read from the cache when an entry for ``name``
    built from the same ``parts`` (versions, file stamps) exists; built and
    stored otherwise; then kept in memory for the rest of the process (the
    object is shared: it must be read-only). ``ECOUTE_OBJECT_CACHE=0`` always
    builds and keeps nothing."""
    if os.environ.get("ECOUTE_OBJECT_CACHE", "1") == "0":
        return build()
    key = f"{name}-" + hashlib.sha256("\0".join([FORMAT, sys.version, name, *parts]).encode()).hexdigest()[:16]
    if key in _in_memory:
        return _in_memory[key]
    path = cache_dir() / f"{key}.pickle"
    try:
        with path.open("rb") as stream:
            obj = pickle.load(stream)
    except Exception as error:  # noqa: BLE001 - absent or damaged: built again
        if not isinstance(error, FileNotFoundError):
            log.debug("cached %s unreadable (%s): building it again", path, error)
        obj = build()
        try:
            write_atomically(path, pickle.dumps(obj, protocol=5))
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as error:
            log.debug("%s not cached in %s: %s", name, path, error)
    _in_memory[key] = obj
    return obj

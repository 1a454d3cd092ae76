"""Model loading, faster from the second time: compiled regular expressions kept on disk.

Loading the pipeline spends much of its time compiling regular expressions:
spaCy's French tokenizer builds, when ``spacy.lang.fr`` is imported, one
pattern of a hundred alternatives over large character classes (about 3 s),
and the phrase lists of the taxonomy and lexicons compile a few thousand
small ones (about 1 s). Python's regular-expression compiler is
deterministic: the same pattern and flags always give the same program for
the same interpreter. So while the pipeline loads, :func:`regex_cache`
keeps each compiled program in ``$ECOUTE_HOME/cache`` and hands it straight
to the regular-expression engine the next time, which validates it before
use.

The file is keyed by the interpreter's version and the engine's format
(``_sre.MAGIC``, ``_sre.CODESIZE``): another Python never reads it. A missing,
unreadable or stale file only costs the compile; on an interpreter whose
compiler does not have the expected shape, nothing is cached at all.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ecoute.files import write_atomically
from ecoute.pipeline.disk_cache import cache_dir

log = logging.getLogger(__name__)

FORMAT = "ecoute-regex-1"  # change it when what an entry holds changes
MAX_ENTRIES = 20_000  # beyond this, a save keeps only what this process used

try:  # CPython 3.11+: re._compiler.compile(p, flags) = parse, generate code, _sre.compile
    import _sre
    import re._compiler as _compiler
    import re._parser as _parser

    _ORIGINAL = _compiler.compile
    _SUPPORTED = all(hasattr(m, n) for m, n in ((_compiler, "_code"), (_parser, "parse"), (_sre, "MAGIC")))
except (ImportError, AttributeError):  # pragma: no cover - another interpreter
    _SUPPORTED = False

_lock = threading.RLock()
_depth = 0
_entries: dict[tuple[Any, int], tuple] = {}  # (pattern, flags) -> arguments of _sre.compile after the pattern
_used: set[tuple[Any, int]] = set()
_added = 0
_loaded_from: Path | None = None


def cache_file() -> Path:
    parts = [FORMAT, sys.version, str(_sre.MAGIC), str(_sre.CODESIZE)]
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]
    return cache_dir() / f"regex-{key}.marshal"


def _cached_compile(p: Any, flags: int = 0) -> Any:
    global _added
    if not isinstance(p, (str, bytes)) or flags & _compiler.SRE_FLAG_DEBUG:
        return _ORIGINAL(p, flags)
    key = (p, int(flags))
    arguments = _entries.get(key)
    if arguments is not None:
        try:
            compiled = _sre.compile(p, *arguments)
            _used.add(key)
            return compiled
        except Exception:  # noqa: BLE001 - a damaged entry: compile it again
            _entries.pop(key, None)
    # re._compiler.compile, keeping the program it hands to _sre.compile.
    parsed = _parser.parse(p, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: opcodes are an int subclass
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    arguments = (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
    compiled = _sre.compile(p, *arguments)
    with _lock:
        _entries[key] = arguments
        _used.add(key)
        _added += 1
    return compiled


def _load(path: Path) -> None:
    global _loaded_from
    if _loaded_from == path:
        return
    _loaded_from = path
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return
    if isinstance(stored, dict) and stored.get("format") == FORMAT and isinstance(stored.get("entries"), dict):
        for key, arguments in stored["entries"].items():
            _entries.setdefault(key, arguments)


def _save(path: Path) -> None:
    global _added
    entries = _entries if len(_entries) <= MAX_ENTRIES else {k: v for k, v in _entries.items() if k in _used}
    try:
        write_atomically(path, marshal.dumps({"format": FORMAT, "entries": entries}))
        _added = 0
    except (OSError, ValueError) as error:
        log.debug("regular-expression cache not written to %s: %s", path, error)


@contextmanager
def regex_cache() -> Iterator[None]:
    """Within this block (re-entrant, any thread), regular expressions compile
    through the disk cache; on leaving the outermost block, programs compiled
    for the first time are written back."""
    global _depth
    if not _SUPPORTED or os.environ.get("ECOUTE_REGEX_CACHE", "1") == "0":
        yield
        return
    with _lock:
        path = cache_file()
        if _depth == 0:
            _load(path)
            _compiler.compile = _cached_compile
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _compiler.compile = _ORIGINAL
                if _added:
                    _save(path)

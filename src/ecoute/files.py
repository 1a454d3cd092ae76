"""Files written whole or not at all.

Every file ecoute writes for others to read — exports, caches, models,
proposals, batch parts, web import progress — is written under a temporary
name next to its place, then renamed onto it: a reader (another process, a
rerun after a crash) sees the old file or the new one, never half of one. The
temporary name is hidden and unique to the writing process and thread, and it
is removed when the writing fails.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path next to ``path`` (its folder created) to write to;
    renamed onto ``path`` when the block ends without error, removed otherwise."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.part")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(path: str | Path, data: bytes | str) -> None:
    """``path`` holds all of ``data`` (text is written as UTF-8) or stays as it was."""
    with atomic_path(path) as temporary:
        if isinstance(data, str):
            temporary.write_text(data, encoding="utf-8")
        else:
            temporary.write_bytes(data)

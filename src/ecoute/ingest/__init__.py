"""Input readers: files and folders in, testimonies (or rejections) out.

Public API::

    files = resolve_inputs(paths)            # raises InputNotFound, nothing read yet
    size = total_bytes(files)                # for a progress bar
    for item in iter_inputs(files, options): # RawRecord or Rejection, never raises per file
        ...

The format comes from the suffix (see :data:`SUFFIX_FORMATS`) or from
``ReadOptions.format``. Every format is read by a generator in its own
module; whatever a reader raises becomes an ``UnreadableFile`` rejection for
that file, and the batch goes on. See docs/inputs.md.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from ecoute.errors import (
    BadOption,
    BinaryInput,
    EmptyInput,
    InputNotFound,
    UnreadableFile,
    UnsupportedFileType,
)
from ecoute.ingest import email, excel, html, jsonl, tabular, text
from ecoute.ingest.decoding import SNIFF_BYTES, decode_document, is_binary
from ecoute.ingest.model import FORMATS, RawRecord, ReadOptions, Rejection
from ecoute.ingest.readers import FileContext, FileProgress, file_size

__all__ = [
    "FORMATS",
    "SUFFIX_FORMATS",
    "RawRecord",
    "ReadOptions",
    "Rejection",
    "format_for",
    "iter_inputs",
    "resolve_inputs",
    "total_bytes",
]

logger = logging.getLogger(__name__)

SUFFIX_FORMATS: dict[str, str] = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html",
    ".csv": "csv",
    ".tsv": "tsv", ".tab": "tsv",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".xlsx": "xlsx",
    ".eml": "eml",
    ".mbox": "mbox",
}  # fmt: skip

_Reader = Callable[[FileContext], Iterator[RawRecord | Rejection]]
_READERS: dict[str, _Reader] = {
    "text": text.read_text,
    "html": html.read_html,
    "csv": tabular.read_csv,
    "tsv": tabular.read_tsv,
    "jsonl": jsonl.read_jsonl,
    "xlsx": excel.read_xlsx,
    "eml": email.read_eml,
    "mbox": email.read_mbox,
}


def format_for(path: Path) -> str | None:
    """The format a file's suffix stands for (case-insensitive), ``None`` if unknown."""
    return SUFFIX_FORMATS.get(path.suffix.lower())


def resolve_inputs(paths: Sequence[str | Path]) -> list[Path]:
    """The files to read, in order: folders walked recursively, sorted, hidden entries skipped.

    Every path is checked before anything is expanded or read: a path that
    does not exist raises :class:`~ecoute.errors.InputNotFound`. Files found
    in folders are kept whatever their suffix (an unknown one becomes a
    rejection when read, so nothing is dropped silently); a file reached
    twice is listed once.
    """
    given = [Path(path) for path in paths]
    for path in given:
        if not os.path.lexists(path):
            raise InputNotFound(path=str(path))
    files: list[Path] = []
    seen: set[str] = set()
    for path in given:
        for file in _walk(path) if path.is_dir() else [path]:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        base = Path(root)
        found.extend(base / name for name in names if not name.startswith("."))
    # Sorted on path components: deterministic, and a sub-folder's files stay together.
    return sorted(found, key=lambda file: file.relative_to(folder).parts)


def total_bytes(files: Sequence[Path]) -> int:
    """The sum of the files' sizes: what ``on_bytes`` deltas add up to over a full read."""
    return sum(file_size(Path(file)) for file in files)


def iter_inputs(paths: Sequence[str | Path], options: ReadOptions) -> Iterator[RawRecord | Rejection]:
    """Stream the records of every file, in order.

    Options are checked and paths resolved right away (``BadOption``,
    ``InputNotFound``); after that nothing raises for a bad file or record:
    each yields a :class:`Rejection` and reading goes on.
    ``options.on_bytes`` is called with byte deltas as files are consumed
    (every 256 KiB or so, and at each file's end); they add up to
    :func:`total_bytes`.
    """
    forced = _check_options(options)
    files = resolve_inputs(paths)
    return _iter_files(files, options, forced)


def _check_options(options: ReadOptions) -> str | None:
    if options.max_text_chars < 1:
        detail = f"the text length limit must be positive, not {options.max_text_chars}"
        raise BadOption(option="ECOUTE_MAX_TEXT_CHARS", detail=detail, command="import")
    if options.format is None:
        return None
    forced = options.format.strip().lower()
    if forced not in FORMATS:
        detail = f"{options.format!r} is not a format; use one of {', '.join(FORMATS)}"
        raise BadOption(option="--format", detail=detail, command="import")
    return forced


def _iter_files(files: list[Path], options: ReadOptions, forced: str | None) -> Iterator[RawRecord | Rejection]:
    for path in files:
        fmt = forced or format_for(path)
        progress = FileProgress(options.on_bytes, file_size(path))
        ctx = FileContext(path=path, format=fmt or "", options=options, progress=progress)
        try:
            if fmt is None:
                error = UnsupportedFileType(path=ctx.name, suffix=path.suffix)
                yield Rejection(path=ctx.name, error=error, row=None, format=None)
                continue
            refusal = _precheck(ctx)
            if refusal is not None:
                yield refusal
                continue
            yield from _READERS[fmt](ctx)
        except Exception as exc:  # a bad file never stops the batch
            logger.debug("reading %s failed", path, exc_info=True)
            yield ctx.reject(UnreadableFile(path=ctx.name, detail=_describe(exc)))
        finally:
            progress.finish()


def _precheck(ctx: FileContext) -> Rejection | None:
    """File-level checks common to all formats: not a regular file, empty, binary."""
    if not ctx.path.exists():  # vanished since resolve_inputs, or a broken symbolic link
        return ctx.reject(UnreadableFile(path=ctx.name, detail="No such file or directory"))
    if not ctx.path.is_file():  # a FIFO or device would block or never end
        return ctx.reject(UnreadableFile(path=ctx.name, detail="not a regular file"))
    if ctx.progress.size == 0:
        return ctx.reject(EmptyInput(path=ctx.name))
    with open(ctx.path, "rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if ctx.format == "xlsx":
        return None  # a zip archive: binary by nature
    if is_binary(head):
        return ctx.reject(BinaryInput(path=ctx.name))
    if len(head) < SNIFF_BYTES and not decode_document(head).strip():
        return ctx.reject(EmptyInput(path=ctx.name))
    return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__

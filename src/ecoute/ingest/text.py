"""Plain text (``.txt``, ``.text``, ``.md``): the whole file is one testimony.

``row`` is ``None`` and the metadata is ``{"filename": name}``. Markdown is
kept as written. A file too large to hold a text under the limit (more than
4 bytes per allowed character) is measured while streaming, never loaded.
"""

from __future__ import annotations

from collections.abc import Iterator

from ecoute.errors import EmptyInput, TextTooLong
from ecoute.ingest.decoding import clean_text, decode_document, iter_decoded_lines
from ecoute.ingest.model import RawRecord, Rejection
from ecoute.ingest.readers import FileContext


def read_text(ctx: FileContext) -> Iterator[RawRecord | Rejection]:
    """Read a plain-text file as one testimony."""
    limit = ctx.options.max_text_chars
    if ctx.progress.size > 4 * limit + 4:
        # No encoding packs more than 4 bytes in a character: too long for sure.
        with ctx.open_binary() as stream:
            length = sum(len(line) for line in iter_decoded_lines(stream, ctx.progress))
        yield ctx.reject(TextTooLong(path=ctx.name, where="", length=length, limit=limit))
        return
    text = clean_text(decode_document(ctx.path.read_bytes()))
    if not text:
        yield ctx.reject(EmptyInput(path=ctx.name))
        return
    yield ctx.record(text, None, metadata={"filename": ctx.path.name})

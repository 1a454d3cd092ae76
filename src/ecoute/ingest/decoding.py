"""Bytes to clean text: encodings, BOMs, binary sniffing, mojibake, newlines.

Two paths share the same rules:

* whole documents (plain text, HTML, e-mail parts) go through
  :func:`decode_document` then :func:`clean_text`;
* line streams (CSV, TSV, JSON Lines) go through :func:`iter_decoded_lines`,
  which reads a binary file one line at a time and decodes each line on its
  own: UTF-8 first, Windows-1252 when the line is not valid UTF-8. Per-line
  fallback keeps memory flat and copes with files whose encoding changes
  midway (two exports concatenated).

Why Windows-1252 and not a statistical detector: measured on French texts,
charset-normalizer guesses cp1250 or cp1006 for plain cp1252 bytes, and
cp1256 (Arabic) for Latin-1 text with a stray undefined byte, while cp1252
(a superset of the printable Latin-1 range) is what French Excel and legacy
tools write. Documents that declare their charset (HTML meta tag, e-mail
part) are decoded with it.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from typing import BinaryIO

import ftfy

SNIFF_BYTES = 8192
# How many bytes may be consumed before the progress callback is called again.
PROGRESS_STEP = 256 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Characters that (almost) only appear in text when UTF-8 bytes were decoded
# as Windows-1252/Latin-1: "Ã©" for "é", "â€™" for "’", "Å“" for "œ", or C1
# control characters. Checked before calling ftfy, which costs ~40 µs a text.
_MOJIBAKE = re.compile(
    "[\u00c2\u00c3\u00c5\u00c6\u00e2\u00d0\u00d1]"
    "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    "|[\u0080-\u009f]"
)
# Control characters other than \t and \n (\r is handled as a newline), C1
# controls left after mojibake repair, and stray BOMs inside text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_SURROGATE = re.compile("[\udc80-\udcff]")
_WINDOWS_1252_ALIASES = frozenset({"latin-1", "iso8859-1", "ascii", "cp1252"})


def sniff_encoding(head: bytes) -> str | None:
    """The encoding announced by a byte-order mark, or guessed for BOM-less UTF-16.

    Returns a codec name (``utf-8-sig``, ``utf-16``, ``utf-32``,
    ``utf-16-le``, ``utf-16-be``) or ``None`` when the bytes carry no such
    hint (then UTF-8 with a Windows-1252 fallback applies).
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    sample = head[:4096]
    if len(sample) >= 16 and b"\x00" in sample:
        # ASCII-range UTF-16 has a NUL in every other byte, on one side only.
        half = len(sample) // 2
        even_nul = sample[0::2].count(0) / half
        odd_nul = sample[1::2].count(0) / half
        if odd_nul > 0.4 and even_nul < 0.05:
            return "utf-16-le"
        if even_nul > 0.4 and odd_nul < 0.05:
            return "utf-16-be"
    return None


def is_binary(head: bytes) -> bool:
    """True when the first bytes of a file hold NUL bytes that no text encoding explains."""
    if b"\x00" not in head:
        return False
    encoding = sniff_encoding(head)
    return encoding is None or encoding == "utf-8-sig"


def decode_legacy(data: bytes) -> str:
    """Decode bytes that are not UTF-8: Windows-1252, Latin-1 for its 5 unassigned bytes."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # 0x81 0x8D 0x8F 0x90 0x9D: map them as Latin-1 (C1 controls, removed later).
        return data.decode("cp1252", errors="_ecoute_latin1")


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    assert isinstance(exc, UnicodeDecodeError)
    bad = exc.object[exc.start : exc.end]
    return bad.decode("latin-1"), exc.end


codecs.register_error("_ecoute_latin1", _latin1_fallback)


def decode_document(data: bytes, declared: str | None = None) -> str:
    """Decode a whole document (text file, HTML page, e-mail part).

    Order: byte-order mark, then UTF-8, then the charset the document
    declares (``declared``, e.g. an e-mail part's charset or an HTML meta
    tag), then Windows-1252 (Latin-1 for its 5 unassigned bytes). Never
    raises.
    """
    encoding = sniff_encoding(data[:SNIFF_BYTES])
    if encoding is not None:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            codec = codecs.lookup(declared).name
            # As browsers do (WHATWG): "latin-1" and "ascii" labels mean windows-1252.
            if codec not in _WINDOWS_1252_ALIASES:
                return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_legacy(data)


def repair_surrogates(text: str) -> str:
    """Re-decode characters the e-mail parser kept as surrogate escapes (raw 8-bit headers)."""
    if not _SURROGATE.search(text):
        return text
    raw = text.encode("utf-8", errors="surrogateescape")
    return decode_document(raw)


def has_mojibake(text: str) -> bool:
    """True when the text holds sequences typical of UTF-8 read as Windows-1252."""
    return not text.isascii() and _MOJIBAKE.search(text) is not None


def clean_text(text: str) -> str:
    """Normalise a testimony's text.

    Repairs mojibake (``"Ã©"`` → ``"é"``, only when marker characters are
    present, because ftfy is slow), turns ``\\r\\n`` and ``\\r`` into ``\\n``,
    removes NUL and control characters except ``\\n`` and ``\\t``, applies
    Unicode NFC and strips surrounding whitespace.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():
        # Fast path: no mojibake, already NFC.
        if _CONTROL.search(text):
            text = _CONTROL.sub("", text)
        return text.strip()
    if _MOJIBAKE.search(text):
        text = fix_mojibake(text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text).strip()


def clean_value(value: str) -> str:
    """Lighter cleaning for metadata values: strip, and repair mojibake if present."""
    value = value.strip()
    if not value.isascii() and _MOJIBAKE.search(value):
        value = fix_mojibake(value)
    return value


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 (``"Ã©tÃ©"`` → ``"été"``).

    The plain reversal is tried first (a few µs); ftfy (~40-80 µs a text,
    and careful with mixed or partly damaged text) only when it fails.
    """
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return ftfy.fix_encoding(text)


def iter_decoded_lines(
    stream: BinaryIO,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """Yield the lines of a binary stream as ``str``, line endings kept (as ``newline=''``).

    Reads one line at a time (memory stays flat whatever the file size).
    A UTF-8 BOM is skipped; UTF-16/UTF-32 files (BOM, or BOM-less UTF-16
    recognised by its NUL pattern) are decoded by an incremental decoder;
    otherwise each line is UTF-8, or Windows-1252 when it is not valid UTF-8.
    ``on_bytes`` receives the number of bytes consumed, every
    :data:`PROGRESS_STEP` bytes or so and once at the end.
    """
    report = on_bytes or _ignore
    start = stream.tell()
    head = stream.read(SNIFF_BYTES)
    stream.seek(start)
    encoding = sniff_encoding(head)
    if encoding is not None and encoding != "utf-8-sig":
        yield from _iter_wide_lines(stream, encoding, report)
        return
    if encoding == "utf-8-sig":
        stream.read(len(codecs.BOM_UTF8))
        report(len(codecs.BOM_UTF8))
    pending = 0
    for raw in stream:
        pending += len(raw)
        if pending >= PROGRESS_STEP:
            report(pending)
            pending = 0
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            yield decode_legacy(raw)
    report(pending)


def _iter_wide_lines(stream: BinaryIO, encoding: str, report: Callable[[int], None]) -> Iterator[str]:
    # A TextIOWrapper decodes incrementally; its position is read every few
    # thousand lines to report progress.
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    buffer = text.buffer
    reported = buffer.tell()
    try:
        for count, line in enumerate(text, 1):
            yield line
            if count % 2048 == 0:
                position = buffer.tell()
                report(position - reported)
                reported = position
        report(buffer.tell() - reported)
    finally:
        text.detach()  # leave the caller's stream open; it closes it


def _ignore(_: int) -> None:
    return None

"""JSON Lines (``.jsonl``, ``.ndjson``, ``.json``): one object per line, streamed.

* ``row`` is the physical line number (1-based); blank lines are skipped.
* The text is the key given by ``--text-col``, else the first key named
  like a testimony (``text``, ``texte``, ``comment``...), ignoring case.
  Records are free-form, so a record without it is rejected on its own
  (MissingTextColumn with its row), as is a malformed line: the other lines
  are read.
* Every other key goes to the metadata, nested values included (they are
  JSON values already); ``null``, ``""``, ``[]`` and ``{}`` are dropped.
  ``NaN``/``Infinity`` are rejected: they are not JSON.
* A ``.json`` file holding one top-level array of objects (or a single
  pretty-printed object) is also read; that form is parsed whole, not
  streamed, and ``row`` is then the 1-based position in the array.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ecoute.errors import EmptyInput, MalformedRecord, MissingTextColumn
from ecoute.ingest.decoding import clean_value, decode_document, iter_decoded_lines
from ecoute.ingest.model import RawRecord, ReadOptions, Rejection
from ecoute.ingest.readers import (
    DATE_COLUMN_NAMES,
    ID_COLUMN_NAMES,
    TEXT_COLUMN_NAMES,
    FileContext,
    locate,
    read_head,
    wanted_text,
    where,
)

_KeyPlan = tuple[str | None, str | None, str | None]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_decoder = json.JSONDecoder(parse_constant=_reject_constant)


def read_jsonl(ctx: FileContext) -> Iterator[RawRecord | Rejection]:
    """Read a JSON Lines file (or a JSON array of objects)."""
    with ctx.open_binary() as stream:
        head = decode_document(read_head(stream)).lstrip()
        if head.startswith("["):
            yield from _read_document(ctx, stream.read())
            return
        plans: dict[tuple[str, ...], _KeyPlan] = {}
        seen = False
        lines = iter_decoded_lines(stream, ctx.progress)
        for number, line in enumerate(lines, 1):
            stripped = line.strip()
            if not stripped:
                continue
            if not seen and stripped == "{":
                # A pretty-printed JSON document, not JSON Lines.
                stream.seek(0)
                yield from _read_document(ctx, stream.read())
                return
            seen = True
            try:
                value = _decoder.decode(stripped)
            except ValueError as exc:
                yield ctx.reject(MalformedRecord(path=ctx.name, where=where(number), detail=_describe(exc)), number)
                continue
            yield object_record(ctx, value, number, plans)
        if not seen:
            yield ctx.reject(EmptyInput(path=ctx.name))


def _read_document(ctx: FileContext, data: bytes) -> Iterator[RawRecord | Rejection]:
    try:
        document = _decoder.decode(decode_document(data).strip())
    except ValueError as exc:
        yield ctx.reject(MalformedRecord(path=ctx.name, where="", detail=_describe(exc)))
        return
    plans: dict[tuple[str, ...], _KeyPlan] = {}
    if isinstance(document, dict):
        yield object_record(ctx, document, None, plans)
        return
    if not isinstance(document, list):
        detail = f"expected an array of objects, found {_json_type(document)}"
        yield ctx.reject(MalformedRecord(path=ctx.name, where="", detail=detail))
        return
    if not document:
        yield ctx.reject(EmptyInput(path=ctx.name))
    for position, value in enumerate(document, 1):
        yield object_record(ctx, value, position, plans)


def object_record(
    ctx: FileContext, value: Any, row: int | None, plans: dict[tuple[str, ...], _KeyPlan]
) -> RawRecord | Rejection:
    """One JSON object as a record; ``plans`` caches key resolution per key set."""
    if not isinstance(value, dict):
        detail = f"expected a JSON object, found {_json_type(value)}"
        return ctx.reject(MalformedRecord(path=ctx.name, where=where(row), detail=detail), row)
    keys = tuple(value)
    plan = plans.get(keys)
    if plan is None:
        if len(plans) > 256:
            plans.clear()  # free-form records: keep the cache bounded
        plan = plans[keys] = _plan(keys, ctx.options)
    text_key, id_key, date_key = plan
    if text_key is None:
        error = MissingTextColumn(path=ctx.name, wanted=wanted_text(ctx.options), columns=", ".join(keys) or "-")
        return ctx.reject(error, row)
    text = value[text_key]
    if text is None:
        text = ""
    elif isinstance(text, (int, float)) and not isinstance(text, bool):
        text = str(text)
    elif not isinstance(text, str):
        detail = f"the text field {text_key!r} holds {_json_type(text)}, not a string"
        return ctx.reject(MalformedRecord(path=ctx.name, where=where(row), detail=detail), row)
    metadata: dict[str, Any] = {}
    for key, item in value.items():
        if item is None or key in (text_key, id_key, date_key):
            continue
        if isinstance(item, str):
            item = clean_value(item)
            if not item:
                continue
        elif item == [] or item == {}:
            continue
        metadata[key] = item
    return ctx.record(text, row, _scalar(value.get(id_key)), _scalar(value.get(date_key)), metadata)


def _plan(keys: tuple[str, ...], options: ReadOptions) -> _KeyPlan:
    text_at = locate(keys, options.text_col, TEXT_COLUMN_NAMES)
    id_at = locate(keys, options.id_col, ID_COLUMN_NAMES)
    date_at = locate(keys, options.date_col, DATE_COLUMN_NAMES)
    return tuple(None if index is None else keys[index] for index in (text_at, id_at, date_at))  # type: ignore[return-value]


def _scalar(value: Any) -> str | None:
    """An id or date value as a string (``None``/empty/nested → ``None``)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _describe(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc.msg} (column {exc.colno})"
    return f"invalid JSON: {exc}"

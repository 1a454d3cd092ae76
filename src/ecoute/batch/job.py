"""One batch run, whatever the engine: plan the parts, let the engine analyse
them, then publish the output folder in one rename.

Layout while running (a hidden sibling of OUTPUT)::

    .OUTPUT.partial/
        _manifest.json          what is being computed: inputs, options, fingerprint
        _parts/00012.json       marker of a finished part (written last)
        _parts/00012.*.parquet  its rejections and duplicates
        _stage/00012.pkl        (Spark) a part handed to the executors
        part-00012.parquet      its analysis records

and once complete, renamed to ``OUTPUT``::

    OUTPUT/part-*.parquet  _rejections.parquet  _duplicates.parquet  _manifest.json

Names starting with ``_`` are skipped by Spark, pyarrow and pandas when they
read OUTPUT as a dataset. OUTPUT never exists half-written: it appears in one
rename, and a rerun of the same command either resumes the partial folder
or, when OUTPUT is complete, reports it without redoing anything.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ecoute.batch.local import default_workers
from ecoute.batch.parts import PARTS_DIR, PartTask, duplicate_dict, from_rejection, read_marker, rejection_dict
from ecoute.batch.reader import check_format, iter_batch_inputs, resolve_batch_inputs
from ecoute.batch.writer import describe_os_error, duplicate_schema, rejection_schema, write_json_atomic, write_table_atomic
from ecoute.errors import BadOption, OutputExists, OutputNotWritable, error_class
from ecoute.ingest.model import RawRecord, ReadOptions
from ecoute.record import SCHEMA_VERSION
from ecoute.services.imports import input_fingerprint
from ecoute.text import secret_key, testimony_id

log = logging.getLogger(__name__)
ENGINES = ("local", "spark")
LAYOUT_VERSION = 1


@dataclass(slots=True)
class BatchReport:
    output: str
    engine: str
    input: int = 0
    records: int = 0
    duplicate: int = 0
    rejected: int = 0
    parts: int = 0
    parts_resumed: int = 0  # parts found finished by an earlier, interrupted run
    already_done: bool = False
    pipeline: str = ""
    loaded: dict | None = None
    part_markers: list[dict] = field(default_factory=list, repr=False)

    @property
    def adds_up(self) -> bool:
        return self.input == self.records + self.duplicate + self.rejected

    def as_dict(self) -> dict:
        payload = asdict(self)
        payload.pop("part_markers")
        return payload


def fingerprint(files: list[Path], plan: dict) -> str:
    """The inputs (paths, sizes, modification times) and options, as for imports,
    plus a check of the id key: a different key gives different ids."""
    key_check = hmac.new(secret_key(), b"ecoute-batch", hashlib.sha256).hexdigest()[:16]
    return input_fingerprint(files, {**plan, "key": key_check})


# The default part size: the input cut into at least AUTO_PARTS parts, so that no core waits
# long for the last one (with 5 parts on 2 workers one worker idles a whole part), estimated
# from the input's size at BYTES_PER_RECORD a record, between MIN_PART and MAX_PART records.
AUTO_PARTS = 16
BYTES_PER_RECORD = 500
MIN_PART, MAX_PART = 200, 2000


def auto_part_size(files: list[Path]) -> int:
    """Input records per part for ``files`` when ``--part-size`` is not given (deterministic:
    the same input always gets the same parts, so a rerun resumes)."""
    estimated_records = sum(f.stat().st_size for f in files) // BYTES_PER_RECORD
    return max(MIN_PART, min(MAX_PART, estimated_records // AUTO_PARTS))


def run_batch(
    inputs: list[str],
    output: str | Path,
    *,
    engine: str = "local",
    options: ReadOptions | None = None,
    workers: int | None = None,
    part_size: int | None = None,
    overwrite: bool = False,
    master: str | None = None,
    on_part: Callable[[dict], None] | None = None,
) -> BatchReport:
    """Analyse ``inputs`` into the Parquet folder ``output`` (see the module docstring)."""
    from ecoute.config import Settings
    from ecoute.pipeline import get_pipeline
    from ecoute.services.analysis import protected

    options = options or ReadOptions()
    if engine not in ENGINES:
        raise BadOption(option="--engine", detail=f"{engine!r}: use local or spark", command="batch")
    if part_size is not None and part_size < 1:
        raise BadOption(option="--part-size", detail="must be at least 1", command="batch")
    if workers is not None and workers < 1:
        raise BadOption(option="--workers", detail="must be at least 1", command="batch")
    check_format(options.format)
    files = resolve_batch_inputs(inputs)
    if part_size is None:
        part_size = auto_part_size(files)
    settings = Settings.from_env()
    names = tuple(c.name for c in protected(get_pipeline(settings.pipeline)).components)
    version = protected(get_pipeline(settings.pipeline)).version
    output = Path(output).absolute()
    plan = {
        "layout": LAYOUT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "pipeline": version,
        "privacy": settings.privacy_mode,
        "text_col": options.text_col,
        "id_col": options.id_col,
        "date_col": options.date_col,
        "format": options.format,
        "max_text_chars": options.max_text_chars,
        "part_size": part_size,
    }
    signature = fingerprint(files, plan)
    report = BatchReport(output=str(output), engine=engine, pipeline=version)

    done = _completed_manifest(output)
    if done is not None and done.get("fingerprint") == signature:
        return _report_from_manifest(report, done, already_done=True)
    if output.exists() and not overwrite:
        raise OutputExists(path=str(output))
    work = output.with_name(f".{output.name}.partial")
    _prepare_work(work, signature, plan, [str(f) for f in files])

    def tasks() -> Iterator[PartTask]:
        yield from _plan_parts(files, options, part_size, work, report)

    markers: dict[int, dict] = {}

    def finished(marker: dict) -> None:
        markers[marker["part"]] = marker
        if on_part is not None:
            on_part(marker)

    workers = workers or default_workers()
    if engine == "local":
        from ecoute.batch.local import run_local

        run_local(tasks(), work, names, workers=workers, on_part=finished)
    else:
        from ecoute.batch.spark import run_spark

        run_spark(tasks(), work, names, workers=workers, master=master, on_part=finished)
    return _publish(work, output, report, signature, plan, overwrite)


def _completed_manifest(output: Path) -> dict | None:
    try:
        manifest = json.loads((output / "_manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("status") == "done" else None


def _report_from_manifest(report: BatchReport, manifest: dict, *, already_done: bool) -> BatchReport:
    counts = manifest["counts"]
    report.input, report.records = counts["input"], counts["records"]
    report.duplicate, report.rejected = counts["duplicate"], counts["rejected"]
    report.parts = counts["parts"]
    report.already_done = already_done
    report.part_markers = manifest.get("parts", [])
    return report


def _prepare_work(work: Path, signature: str, plan: dict, files: list[str]) -> None:
    """Reuse the partial folder of the same command, else start a clean one."""
    try:
        manifest = json.loads((work / "_manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = None
    try:
        if manifest is None or manifest.get("fingerprint") != signature:
            if work.exists():
                log.info("discarding %s: it belongs to another command", work)
                shutil.rmtree(work)
            (work / PARTS_DIR).mkdir(parents=True)
            write_json_atomic({"status": "running", "fingerprint": signature, "plan": plan, "inputs": files}, work / "_manifest.json")
    except OSError as exc:
        raise OutputNotWritable(path=str(work.parent), detail=describe_os_error(exc)) from exc


def _plan_parts(files: list[Path], options: ReadOptions, part_size: int, work: Path, report: BatchReport) -> Iterator[PartTask]:
    """Cut the input into parts, in reading order; yield those not finished yet.

    Duplicates are decided here, across the whole input, so that each part is
    the same on every run; finished parts are read again only to know their ids.
    """
    seen: set[str] = set()
    task = PartTask(part=0)

    def close(task: PartTask) -> Iterator[PartTask]:
        report.parts += 1
        if read_marker(work, task.part) is not None:
            report.parts_resumed += 1
        else:
            yield task

    for entry in iter_batch_inputs(files, options):
        task.input += 1
        if isinstance(entry, RawRecord):
            tid = testimony_id(entry.text)
            if tid in seen:
                task.duplicates.append(duplicate_dict(entry, tid))
            else:
                seen.add(tid)
                task.records.append((entry, tid))
        else:
            task.rejections.append(from_rejection(entry))
        if task.input >= part_size:
            yield from close(task)
            task = PartTask(part=task.part + 1)
    if task.input or task.part == 0:
        yield from close(task)


def _publish(work: Path, output: Path, report: BatchReport, signature: str, plan: dict, overwrite: bool) -> BatchReport:
    """Gather the parts' rejections and duplicates, write the manifest, rename."""
    markers = [read_marker(work, part) for part in range(report.parts)]
    missing = [part for part, marker in enumerate(markers) if marker is None]
    if missing:
        raise OutputNotWritable(path=str(work), detail=f"parts {missing[:5]} were not written")
    folder = work / PARTS_DIR
    rejections = _concat(sorted(folder.glob("*.rejections.parquet")), rejection_schema())
    duplicates = _concat(sorted(folder.glob("*.duplicates.parquet")), duplicate_schema())
    rejections, duplicates, moved = _orphan_duplicates(rejections, duplicates)
    write_table_atomic(rejections, work / "_rejections.parquet")
    write_table_atomic(duplicates, work / "_duplicates.parquet")
    if not any(work.glob("part-*.parquet")):  # no record at all: an empty dataset still has its schema
        from ecoute.batch.writer import records_table

        write_table_atomic(records_table([]), work / "part-00000.parquet")
    counts = {
        "input": sum(m["input"] for m in markers),
        "records": sum(m["records"] for m in markers),
        "duplicate": sum(m["duplicate"] for m in markers) - moved,
        "rejected": sum(m["rejected"] for m in markers) + moved,
        "parts": len(markers),
    }
    manifest = json.loads((work / "_manifest.json").read_text(encoding="utf-8"))
    manifest.update(status="done", counts=counts, parts=markers, engine=report.engine)
    write_json_atomic(manifest, work / "_manifest.json")
    try:
        shutil.rmtree(folder)
        shutil.rmtree(work / "_stage", ignore_errors=True)
        if output.exists() and overwrite:
            trash = output.with_name(f".{output.name}.replaced")
            shutil.rmtree(trash, ignore_errors=True)
            os.rename(output, trash)
            os.rename(work, output)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.rename(work, output)
    except OSError as exc:
        raise OutputNotWritable(path=str(output), detail=describe_os_error(exc)) from exc
    return _report_from_manifest(report, manifest, already_done=False)


def _concat(paths: list[Path], schema):
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = [pq.read_table(path, schema=schema) for path in paths]
    return pa.concat_tables(tables) if tables else schema.empty_table()


def _orphan_duplicates(rejections, duplicates):
    """A duplicate of a record that the pipeline then rejected is rejected too
    (there is no testimony for it to duplicate). Returns the tables and how many moved."""
    import pyarrow as pa

    failed: dict[str, dict] = {}
    for row in rejections.to_pylist():
        params = json.loads(row["params"] or "{}")
        if row["code"] in ("ECO401", "ECO402") and params.get("id"):
            failed[params["id"]] = row
    if not failed or duplicates.num_rows == 0:
        return rejections, duplicates, 0
    kept, moved = [], []
    for row in duplicates.to_pylist():
        if row["testimony_id"] in failed:
            original = failed[row["testimony_id"]]
            error = error_class(original["code"])(**json.loads(original["params"]))
            moved.append(rejection_dict(row["path"], row["row"], row["format"], error))
        else:
            kept.append(row)
    rejections = pa.concat_tables([rejections, pa.Table.from_pylist(moved, schema=rejection_schema())])
    return rejections, pa.Table.from_pylist(kept, schema=duplicate_schema()), len(moved)

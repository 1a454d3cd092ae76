"""The Spark engine: the same parts, analysed by Spark executors.

The driver plans the parts exactly as the local engine does (same reader,
same duplicates, same part boundaries) and hands each unfinished part to
the executors as a small pickled file in the partial output folder. A Spark
job of one task per part runs :func:`_analyse_parts` through ``mapInArrow``:
each Python worker builds the pipeline once and keeps it for every part and
batch it is given (Spark reuses Python workers between tasks), analyses
the part and writes its files with the same writer as the local engine.
Spark brings the cluster: scheduling, retries of failed tasks (a retried
part rewrites the same files), executors on many machines.

The output folder must therefore be on storage that the driver and every
executor see at the same path (a shared file system, or a cloud bucket
mounted on each node); docs/spark.md explains how to run on a cluster.
Spark needs no download at run time: nothing uses ``spark.jars.packages``.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ecoute.batch.parts import PartTask, process_part
from ecoute.batch.writer import describe_os_error
from ecoute.errors import BatchFailed, MissingDependency, OutputNotWritable
from ecoute.files import atomic_path

STAGE_DIR = "_stage"
RESULT_SCHEMA = "part long, input long, records long, duplicate long, rejected long, seconds double, cpu_seconds double, worker long, peak_rss_mb double"
# Settings the executors need; secrets that only the driver uses are not sent.
_NOT_SHIPPED = ("ECOUTE_DATABASE_URL", "ECOUTE_ENCRYPTION_KEY")
_PIPELINES: dict = {}


def spark_session(master: str | None = None, workers: int | None = None, app_name: str = "ecoute batch"):
    """The active Spark session, or a new one (``local[workers]`` when no master is set)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise MissingDependency(feature="The Spark engine", package="pyspark", install="ecoute[spark]") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.appName(app_name)
    # Under spark-submit the JVM is already up and the cluster's master is set: keep it.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    if master:
        builder = builder.master(master)
    elif not submitted:
        builder = builder.master(f"local[{workers or os.cpu_count() or 1}]")
    if not os.environ.get("PYSPARK_PYTHON") and not submitted:
        # Python workers run this interpreter (the virtual environment with ecoute and its models).
        os.environ["PYSPARK_PYTHON"] = sys.executable
    builder = (
        builder.config("spark.ui.showConsoleProgress", "false")
        .config("spark.python.worker.reuse", "true")  # keeps each worker's pipeline across tasks
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "256")
        .config("spark.task.maxFailures", "4")
    )
    for name, value in os.environ.items():
        if name.startswith("ECOUTE_") and name not in _NOT_SHIPPED:
            builder = builder.config(f"spark.executorEnv.{name}", value)
    return builder.getOrCreate()


def _stage(work: Path, task: PartTask) -> Path:
    folder = work / STAGE_DIR
    path = folder / f"{task.part:05d}.pkl"
    try:
        with atomic_path(path) as temporary, temporary.open("wb") as handle:
            pickle.dump(task, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError as exc:
        raise OutputNotWritable(path=str(work), detail=describe_os_error(exc)) from exc
    return path


def _worker_pipeline(names: tuple[str, ...]):
    """Built once per Python worker, then reused for every part it analyses."""
    if names not in _PIPELINES:
        from ecoute.pipeline import get_pipeline
        from ecoute.services.analysis import protected

        pipeline = protected(get_pipeline(names))
        pipeline.warm_up()
        _PIPELINES[names] = pipeline
    return _PIPELINES[names]


def _analyse_parts(batches: Iterable, work: str, parts: list[int], names: tuple[str, ...]) -> Iterator:
    """The ``mapInArrow`` function: rows are indexes into ``parts``."""
    import pyarrow as pa

    pipeline = _worker_pipeline(names)
    for batch in batches:
        markers = []
        for index in batch.column(0).to_pylist():
            with open(Path(work) / STAGE_DIR / f"{parts[index]:05d}.pkl", "rb") as handle:
                task = pickle.load(handle)
            marker = process_part(Path(work), task, pipeline)
            markers.append({key: marker[key] for key in _result_schema().names})
        yield pa.RecordBatch.from_pylist(markers, schema=_result_schema())


def _result_schema():
    import pyarrow as pa

    return pa.schema(
        [("part", pa.int64()), ("input", pa.int64()), ("records", pa.int64()), ("duplicate", pa.int64()),
         ("rejected", pa.int64()), ("seconds", pa.float64()), ("cpu_seconds", pa.float64()), ("worker", pa.int64()),
         ("peak_rss_mb", pa.float64())]
    )  # fmt: skip


def run_spark(
    tasks: Iterable[PartTask],
    work: Path,
    names: tuple[str, ...],
    *,
    workers: int | None,
    master: str | None,
    on_part: Callable[[dict], None],
) -> None:
    """Stage the unfinished parts, then analyse them in one Spark job (one task per part)."""
    parts = []
    for task in tasks:
        _stage(work, task)
        parts.append(task.part)
    if not parts:
        return
    spark = spark_session(master, workers)
    work_path = str(work)

    def analyse(batches):
        return _analyse_parts(batches, work_path, parts, names)

    frame = spark.range(0, len(parts), 1, numPartitions=len(parts))
    try:
        rows = frame.mapInArrow(analyse, RESULT_SCHEMA).collect()
    except Exception as exc:  # Py4J and Spark errors: keep the first line, the parts done are kept
        detail = str(exc).strip().splitlines()[0][:500] if str(exc).strip() else type(exc).__name__
        raise BatchFailed(engine="spark", detail=detail) from exc
    for row in sorted(rows, key=lambda row: row["part"]):
        on_part(row.asDict())

"""Issue 8, point 1: the Spark engine, in Spark local mode (local[2]), gives
the same output as the local engine — same pipeline, same parts, same
rejections — and resumes the same way. Offline: no package download."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from batch_helpers import read_output, run_cli, write_parquet, write_reviews

pytestmark = pytest.mark.slow


def args(source, out, engine, *extra):
    return ["batch", str(source), str(out), "--engine", engine, "--workers", "2", "--part-size", "50", "--id-col", "id", "--json", *extra]


def test_spark_and_local_engines_write_the_same_output(tmp_path, fast_env):
    folder = tmp_path / "in"
    folder.mkdir()
    write_reviews(folder / "a.csv", rows=180)
    write_parquet(folder / "b.parquet", 90)
    (folder / "c.parquet").write_bytes(b"PAR1 not really parquet")
    env = {**fast_env, "ECOUTE_PRIVACY": "pseudonymise", "ECOUTE_PIPELINE": "language,pseudonymise,sentences,journey"}
    local = run_cli(args(folder, tmp_path / "local", "local"), env)
    assert local.returncode == 0, local.stderr
    spark = run_cli(args(folder, tmp_path / "spark", "spark"), env)
    assert spark.returncode == 0, spark.stderr
    assert json.loads(spark.stdout)["engine"] == "spark"
    expected, got = read_output(tmp_path / "local"), read_output(tmp_path / "spark")
    assert got == expected
    assert any(r["code"] == "ECO310" and r["path"].endswith("c.parquet") for r in got["rejections"])
    assert any(r["journey"]["events"] for r in got["records"])  # real analyses, nested
    # Run again: nothing recomputed.
    again = json.loads(run_cli(args(folder, tmp_path / "spark", "spark"), env).stdout)
    assert again["already_done"]


def test_a_killed_spark_batch_resumes_exactly_once(tmp_path, fast_env):
    source = write_reviews(tmp_path / "avis.csv", rows=600)
    reference = run_cli(args(source, tmp_path / "ref", "local"), fast_env)
    assert reference.returncode == 0, reference.stderr
    markers = tmp_path / ".out.partial" / "_parts"
    proc = subprocess.Popen([sys.executable, "-m", "ecoute", *args(source, tmp_path / "out", "spark")], env=fast_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline and len(list(markers.glob("*.json"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver, its JVM and the Python workers
    proc.wait()
    assert proc.returncode == -signal.SIGKILL and not (tmp_path / "out").exists()
    result = run_cli(args(source, tmp_path / "out", "spark"), fast_env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["parts_resumed"] >= 3
    assert read_output(tmp_path / "out") == read_output(tmp_path / "ref")

"""Issue 8, points 2–4: a batch killed at any point resumes exactly once;
a full disk or a read-only folder is a clear error with nothing
half-written under the output name; the load into the store is idempotent,
also when killed, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from batch_helpers import read_output, run_cli, write_reviews

KILL_AT_COMMIT = r"""
import os, signal, sys
from sqlalchemy.engine.default import DefaultDialect
target = int(os.environ["KILL_AT_COMMIT"]); seen = [0]; original = DefaultDialect.do_commit
def do_commit(self, dbapi_connection):
    seen[0] += 1
    original(self, dbapi_connection)
    if seen[0] == target:
        os.kill(os.getpid(), signal.SIGKILL)
DefaultDialect.do_commit = do_commit
from ecoute.cli.main import main
sys.argv = ["ecoute", *sys.argv[1:]]
main()
"""


def batch_args(source, out, *extra):
    return ["batch", str(source), str(out), "--workers", "2", "--part-size", "40", "--id-col", "id", "--json", *extra]


@pytest.mark.slow
def test_a_batch_killed_anywhere_resumes_exactly_once(tmp_path, fast_env):
    source = write_reviews(tmp_path / "avis.csv", rows=1200)
    reference = run_cli(batch_args(source, tmp_path / "ref"), fast_env)
    assert reference.returncode == 0, reference.stderr
    expected = read_output(tmp_path / "ref")
    out = tmp_path / "out"
    partial = tmp_path / ".out.partial"
    kills = 0
    for parts_done in (2, 9, 17, 25):  # kill once that many parts are finished
        proc = subprocess.Popen([sys.executable, "-m", "ecoute", *batch_args(source, out)], env=fast_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if len(list((partial / "_parts").glob("*.json"))) >= parts_done:
                # The whole process group: the workers die with the parent, as on a lost machine.
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        proc.wait()
        proc.stdout.close(), proc.stderr.close()
        kills += proc.returncode == -signal.SIGKILL
        workers = {json.loads(m.read_text())["worker"] for m in (partial / "_parts").glob("*.json")}
        assert not _alive(workers, wait=10), "workers outlived their killed batch"
        assert not out.exists() or proc.returncode == 0  # never a half-written output
    assert kills >= 2
    final = run_cli(batch_args(source, out), fast_env)
    assert final.returncode == 0, final.stderr
    summary = json.loads(final.stdout)
    assert summary["parts_resumed"] > 0 or summary["already_done"]
    assert read_output(out) == expected
    assert not partial.exists()


def _alive(pids, wait):
    """The processes among ``pids`` still running (zombies count as gone) after up to ``wait`` s."""
    deadline = time.monotonic() + wait
    while True:
        alive = set()
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as handle:
                    if handle.read().split(")")[-1].split()[0] != "Z":
                        alive.add(pid)
            except OSError:
                pass
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


@pytest.fixture
def small_disk(tmp_path):
    """A 300 KB file system: a real ENOSPC, then a real read-only mount."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_a_clear_error_and_the_batch_resumes_after(tmp_path, fast_env, small_disk):
    source = write_reviews(tmp_path / "avis.csv", rows=1500)
    out = small_disk / "out"
    full = run_cli(batch_args(source, out), fast_env)
    assert full.returncode == 2
    assert "ECO701" in full.stderr and "no space left" in full.stderr
    assert not out.exists()  # nothing presented as complete
    assert (small_disk / ".out.partial" / "_manifest.json").exists()
    subprocess.run(["mount", "-o", "remount,size=20m", str(small_disk)], check=True)
    resumed = run_cli(batch_args(source, out), fast_env)
    assert resumed.returncode == 0, resumed.stderr
    reference = run_cli(batch_args(source, tmp_path / "ref"), fast_env)
    assert reference.returncode == 0
    assert read_output(out) == read_output(tmp_path / "ref")
    assert json.loads(resumed.stdout)["parts_resumed"] > 0


def test_a_read_only_output_folder_is_a_clear_error(tmp_path, fast_env, small_disk):
    source = write_reviews(tmp_path / "avis.csv", rows=30)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run_cli(batch_args(source, small_disk / "out"), fast_env)
    assert result.returncode == 2 and "ECO701" in result.stderr and "read-only" in result.stderr
    assert not list(small_disk.iterdir())


@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_into_loads_once_even_when_run_again_or_killed(tmp_path, fast_env, db, request):
    from sqlalchemy import create_engine, text

    from ecoute.store.db import _normalise

    source = write_reviews(tmp_path / "avis.csv", rows=200)
    url = f"sqlite:///{tmp_path / 'store.db'}" if db == "sqlite" else request.getfixturevalue("postgres_url")
    # One testimony is in the store already: the load sees it as a duplicate.
    (tmp_path / "one.txt").write_text("Avis 0 : j'ai attendu 0 minutes au téléphone, transféré deux fois, puis on m'a raccroché au nez.", encoding="utf-8")
    assert run_cli(["import", str(tmp_path / "one.txt"), "--db", url, "--no-analyze"], fast_env).returncode == 0
    out = tmp_path / "out"
    assert run_cli(batch_args(source, out), fast_env).returncode == 0
    # Killed after its first committed part, then run again: the load resumes.
    killed = subprocess.run([sys.executable, "-c", KILL_AT_COMMIT, *batch_args(source, out, "--into", url)],
                            env={**fast_env, "KILL_AT_COMMIT": "6"}, capture_output=True, text=True)  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    loaded = run_cli(batch_args(source, out, "--into", url), fast_env)
    assert loaded.returncode == 0, loaded.stderr
    counts = json.loads(loaded.stdout)["loaded"]
    batch = read_output(out)["counts"]
    assert counts["input"] == batch["input"] and counts["rejected"] == batch["rejected"]
    assert counts["stored"] == batch["records"] - 1 and counts["duplicate"] == batch["duplicate"] + 1
    again = json.loads(run_cli(batch_args(source, out, "--into", url), fast_env).stdout)["loaded"]
    assert again | {"resumed": 0} == counts | {"resumed": 0}
    engine = create_engine(_normalise(url))
    with engine.connect() as connection:
        testimonies = connection.scalar(text("SELECT count(*) FROM testimonies"))
        analyses = connection.scalar(text("SELECT count(*) FROM analyses"))
        duplicate_rows = connection.scalar(text("SELECT count(*) FROM duplicates"))
        runs = connection.execute(text("SELECT status, input_count FROM import_runs ORDER BY id")).all()
    engine.dispose()
    assert testimonies == batch["records"] and analyses == batch["records"] - 1
    assert duplicate_rows == batch["duplicate"] + 1
    assert [tuple(r) for r in runs] == [("done", 1), ("done", batch["input"])]

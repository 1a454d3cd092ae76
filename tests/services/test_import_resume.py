"""Issue 8, point 3: an import killed at any point (SIGKILL) and started again
with the same command ends with every input record processed exactly once —
no duplicate, no gap — and the counts of an uninterrupted run.

The real CLI runs in a subprocess. Kill points are exact: a small wrapper
kills the process at its k-th database commit, either just before the commit
reaches the server (the batch is rolled back) or just after it (the batch is
saved but the process never learns it), plus kills at arbitrary points
while the next batch is read, analysed or committed.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from ecoute.store.db import _normalise

KILLER = r"""
import os, signal, sys
from sqlalchemy.engine.default import DefaultDialect
target, when = int(os.environ["KILL_AT_COMMIT"]), os.environ["KILL_WHEN"]
seen = [0]
original = DefaultDialect.do_commit
def do_commit(self, dbapi_connection):
    seen[0] += 1
    if seen[0] == target and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    original(self, dbapi_connection)
    if seen[0] == target and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
DefaultDialect.do_commit = do_commit
from ecoute.cli.main import main
sys.argv = ["ecoute", *sys.argv[1:]]
main()
"""


def write_inputs(folder, rows=240):
    folder.mkdir()
    with (folder / "a_avis.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "texte"])
        for n in range(rows):
            if n % 41 == 7:
                writer.writerow([f"R{n}", "2025-01-02", ""])  # rejected: empty text
            elif n % 37 == 5:
                writer.writerow([f"R{n}", "2025-01-02"])  # rejected: missing field
            elif n % 23 == 11:
                writer.writerow([f"R{n}", "2025-01-02", f"Avis numéro {n - 10} : attente interminable au téléphone."])  # duplicate
            else:
                writer.writerow([f"R{n}", "2025-01-02", f"Avis numéro {n} : attente interminable au téléphone."])
    with (folder / "b_suite.jsonl").open("w", encoding="utf-8") as handle:
        for n in range(60):
            handle.write(json.dumps({"id": f"J{n}", "text": f"Courrier {n} resté sans réponse depuis des semaines."}, ensure_ascii=False) + "\n")
        handle.write("{pas du json\n")
        handle.write(json.dumps({"text": "Avis numéro 3 : attente interminable au téléphone."}, ensure_ascii=False) + "\n")


def run_cli(args, env, kill_at=None, kill_when="before", kill_after_seconds=None):
    env = {**env}
    if kill_at is not None:
        env.update(KILL_AT_COMMIT=str(kill_at), KILL_WHEN=kill_when)
        command = [sys.executable, "-c", KILLER, *args]
    else:
        command = [sys.executable, "-m", "ecoute", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    if kill_after_seconds is not None:
        try:
            proc.wait(kill_after_seconds)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=300)
    return proc.returncode, stdout, stderr


def committed(url):
    import sqlite3

    try:
        with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT coalesce(max(input_count), 0) FROM import_runs").fetchone()[0]
    except sqlite3.Error:
        return 0


def run_killed_after_progress(args, env, url, records):
    """Run the CLI and SIGKILL it as soon as `records` more input records are committed:
    a point in the middle of reading, analysing or committing the next batch."""
    start = committed(url)
    proc = subprocess.Popen([sys.executable, "-m", "ecoute", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    while proc.poll() is None:
        if committed(url) >= start + records:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    stdout, stderr = proc.communicate(timeout=300)
    return proc.returncode, stdout, stderr


def snapshot(url):
    engine = create_engine(_normalise(url))
    with engine.connect() as connection:
        def rows(sql):
            return sorted(tuple(r) for r in connection.execute(text(sql)))

        state = {
            "testimonies": rows("SELECT id, row, external_id, text FROM testimonies"),
            "duplicates": rows("SELECT d.row, d.external_id, d.testimony_id, s.location FROM duplicates d JOIN sources s ON s.id = d.source_id"),
            "rejections": rows("SELECT path, row, code FROM rejections"),
            "analyses": rows("SELECT testimony_id, is_current FROM analyses"),
            "runs": rows("SELECT status, input_count, stored_count, duplicate_count, rejected_count, analysed_count FROM import_runs"),
        }
    engine.dispose()
    return state


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "ECOUTE_HOME": str(tmp_path / "home"),
        "ECOUTE_SECRET_KEY": "resume-test-key",
        "ECOUTE_BATCH_SIZE": "20",
        "ECOUTE_PIPELINE": "language,date",
        "ECOUTE_LANG": "en",
    }


def import_args(folder, url, analyse):
    return ["import", str(folder), "--db", url, "--id-col", "id", "--json", *([] if analyse else ["--no-analyze"])]


@pytest.mark.slow
@pytest.mark.parametrize("analyse", [True, False], ids=["analysed", "stored-only"])
@pytest.mark.parametrize("db", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_import_killed_anywhere_resumes_exactly_once(tmp_path, env, db, analyse, request):
    if not analyse:
        env = {**env, "ECOUTE_PRIVACY": "off"}  # nothing to load: the kill points fall among many commits
    folder = tmp_path / "in"
    write_inputs(folder)
    if db == "sqlite":
        reference_url, url = f"sqlite:///{tmp_path / 'ref.db'}", f"sqlite:///{tmp_path / 'killed.db'}"
    else:
        reference_url = request.getfixturevalue("postgres_url")
        url = _second_schema(request)
    code, out, err = run_cli(import_args(folder, reference_url, analyse), env)
    assert code == 0, err
    expected = json.loads(out)
    assert expected["input"] == expected["stored"] + expected["duplicate"] + expected["rejected"]
    assert expected["stored"] and expected["duplicate"] and expected["rejected"]

    # Commits of one run: migrations, the run row, sources, then one per batch of 20.
    kills = [(4, "before"), (6, "after"), (9, "before"), (7, "after")]
    for kill_at, when in kills:
        code, out, err = run_cli(import_args(folder, url, analyse), env, kill_at=kill_at, kill_when=when)
        assert code == -signal.SIGKILL, f"not killed at commit {kill_at}: {code} {err}"
    code, out, err = run_cli(import_args(folder, url, analyse), env)
    assert code == 0, err
    resumed = json.loads(out)
    assert resumed["resumed"] > 0
    for key in ("input", "stored", "duplicate", "rejected", "analysed"):
        assert resumed[key] == expected[key], key
    assert snapshot(url) == snapshot(reference_url)
    assert [r[0] for r in snapshot(url)["runs"]] == ["done"]  # one run, resumed, not a second one

    # Started again once finished, the same command is a new run: everything is a duplicate.
    code, out, _ = run_cli(import_args(folder, url, analyse), env)
    again = json.loads(out)
    assert again["run_id"] != resumed["run_id"] and again["stored"] == 0 and again["resumed"] == 0


@pytest.mark.slow
def test_kills_at_arbitrary_points_also_resume_exactly_once(tmp_path, env):
    env = {**env, "ECOUTE_PRIVACY": "off", "ECOUTE_BATCH_SIZE": "5"}
    folder = tmp_path / "in"
    write_inputs(folder, rows=2000)
    reference_url, url = f"sqlite:///{tmp_path / 'ref.db'}", f"sqlite:///{tmp_path / 'killed.db'}"
    code, out, err = run_cli(import_args(folder, reference_url, False), env)
    assert code == 0, err
    expected = json.loads(out)
    kills = 0
    for step in (150, 420, 330, 610, 250, 10_000):  # killed when that many more records are committed
        code, out, err = run_killed_after_progress(import_args(folder, url, False), env, url, step)
        if code != -signal.SIGKILL:
            break
        kills += 1
    assert code == 0, err  # the attempt that finished: the resumed run, whose counts must be the reference's
    assert kills >= 3, "the import finished before it could be killed: make the input larger"
    resumed = json.loads(out)
    for key in ("input", "stored", "duplicate", "rejected"):
        assert resumed[key] == expected[key], key
    assert snapshot(url)["testimonies"] == snapshot(reference_url)["testimonies"]
    assert snapshot(url)["duplicates"] == snapshot(reference_url)["duplicates"]


def test_a_changed_file_or_option_is_a_new_run_not_a_resume(tmp_path):
    from ecoute.services.imports import input_fingerprint

    path = tmp_path / "a.txt"
    path.write_text("Premier avis, jamais rappelé.", encoding="utf-8")
    first = input_fingerprint([path], {"x": 1})
    assert input_fingerprint([path], {"x": 1}) == first
    assert input_fingerprint([path], {"x": 2}) != first
    path.write_text("Premier avis, jamais rappelé par personne.", encoding="utf-8")
    assert input_fingerprint([path], {"x": 1}) != first


def _reset(url):
    path = url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def _second_schema(request):
    import uuid

    import psycopg

    admin = os.environ.get("ECOUTE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")  # as in conftest.py
    schema = f"ecoute_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    request.addfinalizer(drop)
    return f"{admin}?options=-csearch_path%3D{schema}"

"""Issue 8, point 4: the database going away in the middle of an import.

A small TCP proxy stands between `ecoute import` (run as a subprocess) and
the PostgreSQL server; the test cuts every connection and refuses new ones
for a while, as a restarting or unreachable server would. The import says
so, retries with backoff and finishes with the counts of an uninterrupted
run; when the outage outlasts ECOUTE_DB_RETRY_SECONDS it stops with ECO205,
and the same command resumes once the server is back.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from ecoute.store.db import _normalise

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class Proxy:
    """Forwards 127.0.0.1:<port> to the PostgreSQL server until told to go down."""

    def __init__(self, target=("127.0.0.1", 5432)):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            if not self.up:
                client.close()  # refused, as by a server that is down
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def down(self):
        self.up = False
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.sockets.clear()

    def restore(self):
        self.up = True


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "texte"])
        for n in range(rows):
            writer.writerow([f"R{n}", f"Réclamation {n} : trois appels, deux transferts, aucune réponse écrite." if n % 97 else ""])


def through(url, port):
    return url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{port}/")


def input_count(url):
    engine = create_engine(_normalise(url))
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT coalesce(max(input_count), 0) FROM import_runs")) or 0
    except Exception:  # noqa: BLE001 - schema not created yet
        return 0
    finally:
        engine.dispose()


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "ECOUTE_HOME": str(tmp_path / "home"), "ECOUTE_SECRET_KEY": "outage-key", "ECOUTE_LANG": "en",
            "ECOUTE_PIPELINE": "language,date", "ECOUTE_BATCH_SIZE": "50"}  # fmt: skip


def start_import(path, url, env):
    command = [sys.executable, "-m", "ecoute", "import", str(path), "--db", url, "--no-analyze", "--json"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def wait_for_progress(url, proc, at_least=100):
    deadline = time.monotonic() + 120
    while input_count(url) < at_least:
        assert proc.poll() is None and time.monotonic() < deadline, "the import ended before the outage"
        time.sleep(0.05)


def test_an_outage_is_waited_for_and_the_import_goes_on(tmp_path, env, postgres_url):
    write_csv(tmp_path / "avis.csv", 3000)
    reference = subprocess.run([sys.executable, "-m", "ecoute", "import", str(tmp_path / "avis.csv"), "--db", f"sqlite:///{tmp_path / 'ref.db'}", "--no-analyze", "--json"],
                               capture_output=True, text=True, env=env)  # fmt: skip
    expected = json.loads(reference.stdout)
    proxy = Proxy()
    url = through(postgres_url, proxy.port)
    proc = start_import(tmp_path / "avis.csv", url, env)
    wait_for_progress(postgres_url, proc)
    proxy.down()
    time.sleep(4)
    proxy.restore()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "retry #1" in err  # said, not hidden
    report = json.loads(out)
    for key in ("input", "stored", "duplicate", "rejected"):
        assert report[key] == expected[key], key
    engine = create_engine(_normalise(postgres_url))
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM testimonies")) == expected["stored"]
        assert connection.scalar(text("SELECT count(*) FROM rejections")) == expected["rejected"]
    engine.dispose()


def test_a_long_outage_stops_with_eco205_and_the_same_command_resumes(tmp_path, env, postgres_url):
    write_csv(tmp_path / "avis.csv", 3000)
    proxy = Proxy()
    url = through(postgres_url, proxy.port)
    env = {**env, "ECOUTE_DB_RETRY_SECONDS": "3"}
    proc = start_import(tmp_path / "avis.csv", url, env)
    wait_for_progress(postgres_url, proc)
    proxy.down()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2 and "ECO205" in err and "resumes" in err
    saved = input_count(postgres_url)
    assert 0 < saved < 3000
    proxy.restore()
    again = subprocess.run([sys.executable, "-m", "ecoute", "import", str(tmp_path / "avis.csv"), "--db", url, "--no-analyze", "--json"],
                           capture_output=True, text=True, env=env)  # fmt: skip
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["resumed"] == saved and report["input"] == 3000
    assert report["stored"] + report["rejected"] == 3000 and report["duplicate"] == 0

"""The API under load (issue 8, point 6): 50 concurrent clients on loopback
for 60 s with locust, then a check that no acknowledged write was lost.

`python bench/load.py` (or `make bench`, which calls it) starts `ecoute serve`
on a fresh store (SQLite by default; ECOUTE_LOAD_DB for another URL), makes
an account and an API token, runs bench/locustfile.py headless, counts the
testimonies stored, and writes the section "## API under load" of
docs/benchmarks.md (raw figures in bench/load_results.json).
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import OUT, commit, machine  # noqa: E402

USERS = int(os.environ.get("ECOUTE_LOAD_USERS", "50"))
SECONDS = int(os.environ.get("ECOUTE_LOAD_SECONDS", "60"))
RESULTS = HERE / "load_results.json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ecoute(*args: str, env: dict, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "ecoute", *args], input=stdin, capture_output=True, text=True, env=env, check=True)
    return done.stdout


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ecoute-load-") as tmp:
        work = Path(tmp)
        url = os.environ.get("ECOUTE_LOAD_DB") or f"sqlite:///{work / 'store.db'}"
        env = {**os.environ, "ECOUTE_HOME": str(work / "home"), "ECOUTE_DATABASE_URL": url, "ECOUTE_LANG": "en"}
        ecoute("db", env=env)
        ecoute("users", "add", "load", "--role", "analyst", "--password-stdin", env=env, stdin="load-test-password-1234\n")
        token = ecoute("users", "token", "load", "--name", "load test", env=env).strip().split()[-1]
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "ecoute", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_until_up(port, server)
            warm_up(port, token)  # the first write loads the models: not part of the measure
            writes = work / "writes.txt"
            prefix = work / "locust"
            locust = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(USERS), "-r", str(USERS),
                      "-t", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--stop-timeout", "30"]  # fmt: skip
            run = subprocess.run(locust, env={**env, "ECOUTE_LOAD_TOKEN": token, "ECOUTE_LOAD_WRITES": str(writes)}, capture_output=True, text=True)
            print(run.stderr[-1500:], flush=True)
            stats = list(csv.DictReader((work / "locust_stats.csv").open(encoding="utf-8")))
            failures = list(csv.DictReader((work / "locust_failures.csv").open(encoding="utf-8")))
            acknowledged = set(writes.read_text(encoding="utf-8").split()) if writes.exists() else set()
        finally:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if not (work / "locust_stats.csv").exists():
            raise SystemExit(f"locust did not run: {run.stderr[-2000:]}")
        stored = stored_ids(url, env)
        results = {
            "users": USERS,
            "seconds": SECONDS,
            "store": url.split(":", 1)[0],
            "requests": {row["Name"]: row for row in stats},
            "failures": failures,
            "acknowledged_writes": len(acknowledged),
            "lost_writes": len(acknowledged - stored),
            "stored": len(stored),
            "locust_exit": run.returncode,
            "load_average": os.getloadavg()[0],
        }
    RESULTS.write_text(json.dumps(results, indent=1))
    write_section(results)


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"ecoute serve stopped: {server.stderr.read()}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("ecoute serve did not start")


def warm_up(port: int, token: str) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/testimonies",
        data=json.dumps({"text": "Premier avis : accueil correct, attente raisonnable."}).encode("utf-8"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        assert response.status == 201, response.status


def stored_ids(url: str, env: dict) -> set[str]:
    from sqlalchemy import create_engine, text

    from ecoute.store.db import _normalise

    engine = create_engine(_normalise(url))
    with engine.connect() as connection:
        ids = set(connection.scalars(text("SELECT id FROM testimonies")))
    engine.dispose()
    return ids


def write_section(results: dict) -> None:
    rows = results["requests"]
    total = rows.get("Aggregated", {})
    lines = [
        "## API under load",
        "",
        f"{results['users']} concurrent clients for {results['seconds']} s on loopback (locust, `bench/load.py`), against",
        f"`ecoute serve` on a fresh {results['store']} store, on {machine()}, commit `{commit()}`. Each client writes new",
        "testimonies (`POST /api/v1/testimonies`: the whole pipeline, then a transaction) and reads lists, records",
        "and the overview. Afterwards every acknowledged write is looked up in the store.",
        "",
        "| request | count | failures | median | 95th pct | max | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | {float(row['50%']):,.0f} ms | {float(row['95%']):,.0f} ms "
            f"| {float(row['Max Response Time']):,.0f} ms | {float(row['Requests/s']):,.1f} |"
        )
    errors = int(total.get("Failure Count", 0)) if total else sum(int(r["Failure Count"]) for r in rows.values())
    lines += [
        "",
        f"- **Errors**: {errors} (target: 0).",
        f"- **Lost writes**: {results['lost_writes']} of {results['acknowledged_writes']:,} acknowledged (target: 0); {results['stored']:,} testimonies stored",
        "  (one more than acknowledged: the warm-up write that loads the models before the clients start).",
        f"- Machine load average at the end of the run: {results['load_average']:.1f}.",
    ]
    if results["failures"]:
        lines.append("- Failures seen: " + "; ".join(f"{f['Name']}: {f['Error'][:120]} ×{f['Occurrences']}" for f in results["failures"][:5]) + ".")
    text = OUT.read_text(encoding="utf-8") if OUT.exists() else "# Benchmarks\n"
    start = text.find("\n## API under load")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + (text[end:] if end >= 0 else "\n")
    OUT.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote the load section of {OUT}")


if __name__ == "__main__":
    main()

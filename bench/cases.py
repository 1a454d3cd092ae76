"""Benchmarks of cases (issue 7): the scheduler's sweep of 100,000 open
cases on PostgreSQL (target: under 10 s) and the page of a case with 200
history entries (target: p95 under 200 ms), on SQLite and PostgreSQL.

The sweep is measured at its heaviest: every one of the 100,000 open cases
is due to climb a level of its ladder *and* past its due date, and a webhook
is configured for both events, so that one round writes 100,000
escalations, 100,000 overdue marks, 200,000 history events and 200,000
notifications (sending them is the delivery loop's job, not measured here).
It runs as the worker runs it (two connections), then on one connection,
then without notification targets. Each run reports its wall time, the CPU
time of the worker and of the PostgreSQL server processes that served it,
and the machine's load average: on a shared machine the wall time says as
much about the neighbours as about the sweep, the CPU time does not.

Writes its own section, "## Cases", of docs/benchmarks.md. Run alone with
`python bench/cases.py`; `make bench` runs it after the rest.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks.md"
PG_URL = os.environ.get("ECOUTE_BENCH_PG_URL", os.environ.get("ECOUTE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
CASES = int(os.environ.get("ECOUTE_BENCH_CASES", "100000"))


def _fill(engine, count: int) -> None:
    """``count`` testimonies and open cases, written with COPY: complaint 31
    days ago (level 2 due), opened 4 days ago at high priority (72 h: overdue)."""
    from ecoute.cases import clock

    now = clock.now()
    complaint = (now - timedelta(days=31)).date()
    opened = now - timedelta(days=4)
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor:
            with cursor.copy("COPY testimonies (id, format, text, metadata, created_at) FROM STDIN") as copy:
                for i in range(count):
                    copy.write_row((f"tb{i:09d}", "csv", f"Témoignage de banc d'essai n° {i}, resté sans réponse.", "{}", opened))
            columns = ("testimony_id, version, status, priority, team, opened_by, reasons, sector, level, complaint_on, complaint_basis, "
                       "next_escalation_on, mediator_from, mediation_until, opened_at, updated_at, due_at")  # fmt: skip
            with cursor.copy(f"COPY cases ({columns}) FROM STDIN") as copy:
                for i in range(count):
                    copy.write_row((
                        f"tb{i:09d}", 1, ("new", "in_progress", "waiting_customer")[i % 3], "high", ("customer_service", "telephony", "billing")[i % 3],
                        "rules", '["escalation_risk"]', "telecom", 1, complaint, "opened", complaint + timedelta(days=30),
                        complaint + timedelta(days=60), complaint + timedelta(days=365), opened, opened, opened + timedelta(hours=72),
                    ))  # fmt: skip
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE cases")
        connection.commit()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), in seconds; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _backends(name: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL server process serving the bench (by application name)."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as admin:
        pids = [row[0] for row in admin.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", (name,))]
    return {pid: _cpu_seconds(pid) for pid in pids}


def sweep_bench(count: int = CASES, notify: bool = True, connections: int | None = None) -> dict:
    """The sweep as ``ecoute worker`` runs it: wall time, and the CPU time it
    took on the client and in the PostgreSQL server processes that served it
    (found by application name), which is what the wall time would be on an
    idle core, less the disk waits."""
    import psycopg
    from sqlalchemy import create_engine

    from ecoute.cases.config import load_cases_config
    from ecoute.cases.worker import SWEEP_CONNECTIONS, sweep
    from ecoute.store.db import _normalise, upgrade

    connections = connections or SWEEP_CONNECTIONS
    schema = f"ecoute_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    engine = create_engine(_normalise(f"{PG_URL}?options=-csearch_path%3D{schema}&application_name={schema}"))
    try:
        upgrade(engine)
        started = time.perf_counter()
        _fill(engine, count)
        fill_s = time.perf_counter() - started
        config = load_cases_config()
        if not notify:
            from dataclasses import replace

            config = replace(config, webhooks=(), email_teams={})
        held = [engine.connect() for _ in range(connections)]  # the pool's connections exist before the clock starts
        for connection in held:
            connection.close()
        before, client, load_before, started = _backends(schema), time.process_time(), os.getloadavg()[0], time.perf_counter()
        escalated, overdue = sweep(engine, config, connections=connections)
        sweep_s = time.perf_counter() - started
        client_cpu, after = time.process_time() - client, _backends(schema)
        server_cpu = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
        load_after = os.getloadavg()[0]
        with engine.connect() as connection:  # as autovacuum does after so many changed rows
            connection.exec_driver_sql("ANALYZE cases")
            connection.commit()
        started = time.perf_counter()
        again = sweep(engine, config, connections=connections)  # nothing left to do: the indexed queries only
        idle_s = time.perf_counter() - started
        with engine.connect() as connection:
            events = connection.exec_driver_sql("SELECT count(*) FROM case_events").scalar()
            notifications = connection.exec_driver_sql("SELECT count(*) FROM notifications").scalar()
        assert (escalated, overdue) == (count, count) and again == (0, 0), (escalated, overdue, again)
        return {"cases": count, "notify": notify, "connections": connections, "fill_s": fill_s, "sweep_s": sweep_s, "idle_sweep_s": idle_s,
                "events": events, "notifications": notifications, "per_second": count / sweep_s, "client_cpu_s": client_cpu,
                "server_cpu_s": server_cpu, "load": max(load_before, load_after)}  # fmt: skip
    finally:
        engine.dispose()
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def page_bench(url: str, entries: int = 200, requests: int = 100) -> dict:
    """GET /cases/ID of a case with ``entries`` history entries, as a logged-in agent."""
    from fastapi.testclient import TestClient
    from sqlalchemy import insert, select

    from ecoute.cases import clock
    from ecoute.cases.service import add_note, change
    from ecoute.services import users
    from ecoute.store.db import open_store
    from ecoute.store.models import CaseRow, TestimonyRow
    from ecoute.web.app import create_app

    engine = open_store(url)
    users.create_user(engine, "agent", "une phrase de passe", "agent")
    token = users.create_token(engine, "agent", "bench")
    with engine.begin() as connection:
        connection.execute(insert(TestimonyRow.__table__).values(id="tpage", format="csv", text="Le robot m'a renvoyé au menu. " * 20, metadata={}, created_at=clock.now()))
    from ecoute.cases.service import open_case

    case_id = open_case(engine, "tpage", "agent")
    status = "new"
    for i in range(entries - 1):  # the opening is the first entry
        if i % 4 == 3:
            add_note(engine, case_id, "agent", f"Note n° {i} : client rappelé, en attente de son retour.")
        else:
            status = "waiting_customer" if status == "in_progress" else "in_progress"
            change(engine, case_id, "agent", status=status)
    with engine.connect() as connection:
        history = connection.exec_driver_sql(f"SELECT count(*) FROM case_events WHERE case_id = {case_id}").scalar()
        assert connection.scalar(select(CaseRow.id)) == case_id
    client = TestClient(create_app(url), headers={"Authorization": f"Bearer {token}", "accept": "text/html"})
    for _ in range(5):  # templates compiled, caches warm
        assert client.get(f"/cases/{case_id}").status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(f"/cases/{case_id}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times.sort()
    return {"history": history, "requests": requests, "p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * len(times)) - 1], "max_ms": times[-1],
            "load": os.getloadavg()[0]}  # fmt: skip


def section(results: dict) -> list[str]:
    s, pages, runs = results["sweep"], results["pages"], results["runs"]
    cores = os.cpu_count()
    cpu = s["client_cpu_s"] + s["server_cpu_s"]
    low, high = min(r["load"] for r in runs), max(r["load"] for r in runs)
    lines = [
        "## Cases",
        "",
        f"`bench/cases.py`, measured {results['when']} on {results['machine']}, PostgreSQL 15 on the same machine.",
        "",
        "**Scheduler sweep** (target: 100,000 open cases in under 10 s on PostgreSQL): one",
        f"`sweep()` over {s['cases']:,} open cases that are all due to climb a level *and* past their due date, with a",
        "webhook configured for both events; one round writes the escalations, the overdue marks, "
        f"{s['events']:,} history events and {s['notifications']:,} notifications (sending them is not measured).",
        "Each batch of 10,000 cases is one SQL statement worked out by the server (`ecoute/cases/plan.py`);",
        "two batches run at once on two connections unless said otherwise.",
        "",
        "| open cases | connections | sweep (wall) | cases/s | CPU: client + server | machine load (1 min) | next sweep, nothing due (after `ANALYZE`) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        *(f"| {r['cases']:,}{'' if r['notify'] else ' (no notification target)'} | {r['connections']} | **{r['sweep_s']:.1f} s** | {r['per_second']:,.0f} "
          f"| {r['client_cpu_s']:.2f} s + {r['server_cpu_s']:.1f} s | {r['load']:.1f} | {r['idle_sweep_s'] * 1000:.0f} ms |" for r in runs),
        "",
        "The wall time depends on what else the machine runs; the CPU time of the worker and of the PostgreSQL",
        "server processes that served it is what the sweep itself costs. "
        + (f"These runs shared the machine with other work (load average {low:.1f} to {high:.1f} on {cores} cores), "
           f"so their wall times are pessimistic: on two idle cores the server's {s['server_cpu_s']:.1f} s of CPU time, spread over two"
           f" connections, would take about {s['server_cpu_s'] / 2:.1f} s plus the disk waits (an estimate, not measured here)."
           if high > cores else f"The load average stayed at or below the machine's {cores} cores."),
        f"Here the 10 s target is {'met' if s['sweep_s'] < 10 else 'missed'} on the wall clock "
        f"({s['sweep_s']:.1f} s at load {s['load']:.1f} on {cores} cores); the sweep's own CPU time is {cpu:.1f} s"
        f" ({s['client_cpu_s']:.2f} s in the worker, {s['server_cpu_s']:.1f} s in PostgreSQL).",
        "Before the sweep was set-based (row by row in the worker), measured back to back with it on the same machine",
        "on 2026-12-07: 13.4 s wall at load 4.5 (5.2 s of worker CPU, 7.3 s of server CPU), and 28.3 to 30.3 s at load",
        "8.8 to 9.1 (4.3 to 4.6 s worker, 6.3 to 6.6 s server), when the set-based sweep took 11.7 to 14.1 s on two",
        "connections and 19.4 to 22.4 s on one, with 0.04 s of worker CPU and 7.1 to 8.4 s of server CPU.",
        "",
        "**Case page** (target: p95 under 200 ms): `GET /cases/ID` of a case with 200 history entries, as a",
        "logged-in agent (in-process test client: server-side time, no network).",
        "",
        "| store | history entries | requests | p50 | p95 | max | machine load (1 min) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, p in pages.items():
        lines.append(f"| {name} | {p['history']} | {p['requests']} | {p['p50_ms']:.0f} ms | **{p['p95_ms']:.0f} ms** | {p['max_ms']:.0f} ms | {p['load']:.1f} |")
    return lines


def write_section(results: dict) -> None:
    from run import replace_section

    replace_section("Cases", section(results))
    print(f"wrote the cases section of {OUT}")


def _pg_page_bench() -> dict:
    """The case page on a fresh PostgreSQL schema, dropped afterwards."""
    import psycopg

    schema = f"ecoute_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        return page_bench(f"{PG_URL}?options=-csearch_path%3D{schema}")
    finally:
        from ecoute.store.db import close_all

        close_all()
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ecoute-bench-cases-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        (home / "cases.yaml").write_text("notifications:\n  webhooks:\n    - url: http://127.0.0.1:9/hook\n      events: [escalated, overdue]\n", encoding="utf-8")
        os.environ.update(ECOUTE_HOME=str(home), ECOUTE_LANG="en")
        runs = []
        for options in ({}, {"connections": 1}, {"notify": False}):
            runs.append(sweep_bench(**options))
            print("cases sweep:", json.dumps(runs[-1]), flush=True)
        pages = {"SQLite": page_bench(f"sqlite:///{Path(tmp) / 'page.db'}"), "PostgreSQL": _pg_page_bench()}
        print("case page:", json.dumps(pages), flush=True)
    from datetime import datetime, timezone

    from run import machine

    write_section({"sweep": runs[0], "runs": runs, "pages": pages, "machine": machine(), "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")})


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()

"""Web pages and survey answers at 100,000 testimonies (issue 6's targets).

`python bench/web.py` (or `make bench`, which calls it) does, for SQLite and
for PostgreSQL:

1. **builds a store of 100,000 analysed testimonies**, quickly and the same
   way every time: the first ECOUTE_WEB_TEMPLATES (2,000) distinct reviews of
   ``reviews_fr_insurance/unlabeled.csv`` are imported and analysed by the
   real pipeline (``ecoute import``), then their stored rows — testimony,
   current analysis with its record, dashboard facets, metadata and case —
   are copied with a copy number appended to the text (so a new id derived
   from the text, as the store derives it) and a date drawn at random (fixed
   seed) over 2024–2025, by bulk insert (COPY on PostgreSQL), until there are
   100,000. Built stores are kept under ECOUTE_WEB_BENCH_DIR (default: the
   system temp dir) and PostgreSQL database ``ecoute_web_bench_100000``; each
   run works on a fresh copy of them (file copy, ``CREATE DATABASE …
   TEMPLATE``);
2. starts a real ``ecoute serve`` on that copy, logs in as an analyst and
   measures the overview, a theme page and the explorer (no filter, two
   filters, a full-text search, sorted by churn), one client at a time:
   each page first right after a write (its cached aggregates dropped: the
   *cold* figure), then repeated (*warm*);
3. runs 20 locust clients on loopback answering a survey through its public
   JSON endpoint (each answer stored with its "why" analysed by the whole
   pipeline) for ECOUTE_WEB_SECONDS (60) seconds, reporting p50/p95/max and
   every error;

then writes the section "## Web pages at 100,000 testimonies" of
docs/benchmarks.md (raw figures in bench/web_results.json). CPU time of the
server (and of PostgreSQL's backends) is given next to wall time: the
machine is shared.

The server runs ``ecoute serve --workers ECOUTE_WEB_WORKERS`` (2: one process
per core of the 2-core bench machine); the measures start once it is idle
(every process has loaded its models). ECOUTE_WEB_STORES (sqlite,postgresql)
and ECOUTE_WEB_PARTS (pages,survey) run a part alone, for quick checks: a
partial run prints its figures and leaves the committed ones as they are.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import SHARED, commit, machine, replace_section  # noqa: E402

SIZE = int(os.environ.get("ECOUTE_WEB_SIZE", "100000"))
TEMPLATES = int(os.environ.get("ECOUTE_WEB_TEMPLATES", "2000"))
SECONDS = int(os.environ.get("ECOUTE_WEB_SECONDS", "60"))
USERS = int(os.environ.get("ECOUTE_WEB_USERS", "20"))
REPEAT = int(os.environ.get("ECOUTE_WEB_REPEAT", "30"))
WORKERS = int(os.environ.get("ECOUTE_WEB_WORKERS", "2"))  # ecoute serve --workers: one per core of the 2-core bench machine
PARTS = {p.strip() for p in os.environ.get("ECOUTE_WEB_PARTS", "pages,survey").split(",") if p.strip()}  # a quick run: survey only
CACHE = Path(os.environ.get("ECOUTE_WEB_BENCH_DIR") or Path(tempfile.gettempdir()) / "ecoute-web-bench")
PG_SERVER = os.environ.get("ECOUTE_WEB_PG", "postgresql://postgres@127.0.0.1:5432/test")
UNLABELED = SHARED / "reviews_fr_insurance" / "unlabeled.csv"
RESULTS = HERE / "web_results.json"
BUILD_VERSION = "1"  # bump when the way the store is built changes
SITES = ("Lyon", "Lille", "Paris", "Nantes", "Marseille", "Bordeaux", "Rennes", "Toulouse")
PASSWORD = "bench-web-password-1234"
FIRST_DAY, DAYS = date(2024, 1, 1), 731


def env_for(home: Path, url: str) -> dict:
    return {**os.environ, "ECOUTE_HOME": str(home), "ECOUTE_DATABASE_URL": url, "ECOUTE_LANG": "fr", "PYTHONUNBUFFERED": "1",
            "ECOUTE_SURVEY_RATE_LIMIT": "1000000"}  # fmt: skip  # one IP sends every answer: the per-IP limit is lifted


def ecoute(*args: str, env: dict, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "ecoute", *args], input=stdin, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"ecoute {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


# --- building the store -----------------------------------------------------------------------


def template_store(home: Path) -> Path:
    """The first TEMPLATES distinct reviews, imported and analysed by the real pipeline."""
    path = CACHE / f"templates-{TEMPLATES}-v{BUILD_VERSION}.db"
    if path.exists():
        return path
    data = CACHE / "templates.csv"
    seen: set[str] = set()
    with UNLABELED.open(encoding="utf-8", newline="") as source, data.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        writer.writerow(["id", "text", "insurer", "product", "published", "site"])
        for row in csv.DictReader(source):
            text = (row.get("text") or "").strip()
            if not text or text in seen:
                continue
            seen.add(text)
            writer.writerow([row["id"], text, row["insurer"], row["product"], row["published"], SITES[len(seen) % len(SITES)]])
            if len(seen) == TEMPLATES:
                break
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    out = ecoute("import", str(data), "--db", f"sqlite:///{partial}", "--id-col", "id", "--date-col", "published", "--json", env=env_for(home, ""))
    print(f"templates analysed in {time.perf_counter() - started:.0f} s: {out.strip()[:200]}", flush=True)
    partial.rename(path)
    return path


def _read_templates(template: Path) -> dict:
    from sqlalchemy import create_engine, select

    from ecoute.store.models import AnalysisRow, CaseRow, ImportRun, RecordFacet, RecordMeta, SourceRow, TestimonyRow

    engine = create_engine(f"sqlite:///{template}")
    out: dict = {}
    with engine.connect() as connection:
        for name, table in (("sources", SourceRow), ("import_runs", ImportRun)):
            out[name] = [dict(row._mapping) for row in connection.execute(select(table.__table__))]
        out["testimonies"] = {row.id: dict(row._mapping) for row in connection.execute(select(TestimonyRow.__table__))}
        out["analyses"] = {row.testimony_id: dict(row._mapping) for row in connection.execute(select(AnalysisRow.__table__).where(AnalysisRow.is_current.is_(True)))}
        for name, table in (("facets", RecordFacet), ("meta", RecordMeta), ("cases", CaseRow)):
            grouped: dict[str, list] = {}
            for row in connection.execute(select(table.__table__)):
                grouped.setdefault(row.testimony_id, []).append({k: v for k, v in row._mapping.items() if k != "id"})
            out[name] = grouped
    engine.dispose()
    return out


def _copies(templates: dict):
    """(testimony, analysis, facets, meta, cases) rows for SIZE testimonies."""
    from ecoute.text import testimony_id

    rng = random.Random(6)
    ids = sorted(templates["analyses"])
    for n in range(SIZE):
        copy, tid = divmod(n, len(ids))
        testimony, analysis = templates["testimonies"][ids[tid]], templates["analyses"][ids[tid]]
        text = testimony["text"] if copy == 0 else f"{testimony['text']} (copie {copy})"
        new_id = testimony_id(text)
        day = (FIRST_DAY + timedelta(days=rng.randrange(DAYS))).isoformat() if analysis["testimony_date"] else None
        record = {**analysis["record"], "id": new_id, "text": text, "date": day}
        t_row = {**testimony, "id": new_id, "text": text}
        a_row = {k: v for k, v in analysis.items() if k != "id"} | {"testimony_id": new_id, "testimony_date": day, "record": record}
        rows = {name: [{**row, "testimony_id": new_id} for row in templates[name].get(ids[tid], [])] for name in ("facets", "meta", "cases")}
        yield t_row, a_row, rows["facets"], rows["meta"], rows["cases"]


def _bulk(connection, table, rows: list[dict]) -> None:
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
    cursor = connection.connection.driver_connection.cursor()
    quoted = ", ".join(f'"{column}"' for column in columns)  # "row" is a keyword
    with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in json_columns and row[c] is not None else row[c] for c in columns])


def fill(url: str, templates: dict) -> None:
    """Write the SIZE testimonies into the (migrated, empty) store at ``url``."""
    from sqlalchemy import text

    from ecoute.store.db import create_store_engine, upgrade
    from ecoute.store.models import AnalysisRow, CaseRow, ImportRun, RecordFacet, RecordMeta, SourceRow, TestimonyRow

    engine = create_store_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    with engine.begin() as connection:
        _bulk(connection, SourceRow.__table__, templates["sources"])
        _bulk(connection, ImportRun.__table__, templates["import_runs"])
    batch: dict[str, list] = {"t": [], "a": [], "f": [], "m": [], "c": []}

    def flush() -> None:
        with engine.begin() as connection:
            for key, table in (("t", TestimonyRow), ("a", AnalysisRow), ("f", RecordFacet), ("m", RecordMeta), ("c", CaseRow)):
                _bulk(connection, table.__table__, batch[key])
                batch[key].clear()

    for n, (t_row, a_row, facets, meta, cases) in enumerate(_copies(templates), start=1):
        batch["t"].append(t_row)
        batch["a"].append(a_row)
        batch["f"] += facets
        batch["m"] += meta
        batch["c"] += cases
        if n % 5000 == 0:
            flush()
    flush()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            for table in ("sources", "import_runs", "analyses", "record_facets", "record_meta", "cases"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"))
    with engine.connect() as connection:
        # VACUUM on PostgreSQL as autovacuum would: index-only scans need the visibility map.
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE"))
        counts = {t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in ("testimonies", "analyses", "record_facets", "record_meta", "cases")}
    engine.dispose()
    print(f"store {url.split(':')[0]} filled in {time.perf_counter() - started:.0f} s: {counts}", flush=True)


def _head() -> str:
    versions = sorted(p.name for p in (HERE.parent / "src/ecoute/store/migrations/versions").glob("0*.py"))
    return versions[-1].split(".")[0] if versions else "none"


def built_sqlite(templates) -> Path:
    path = CACHE / f"store-{SIZE}-v{BUILD_VERSION}-{_head()}.db"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in CACHE.glob(partial.name + "*"):
            leftover.unlink()
        fill(f"sqlite:///{partial}", templates())
        partial.rename(path)
    return path


def _pg(database: str) -> str:
    return PG_SERVER.rsplit("/", 1)[0] + "/" + database


def _pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER.replace("postgresql+psycopg", "postgresql"), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def built_postgres(templates) -> str:
    """The name of a database holding the built store (made once, kept)."""
    import psycopg

    name = f"ecoute_web_bench_{SIZE}_v{BUILD_VERSION}_{_head()}"

    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if not exists:
        _pg_admin(f"DROP DATABASE IF EXISTS {name}_partial", f"CREATE DATABASE {name}_partial")
        fill(_pg(f"{name}_partial"), templates())
        _pg_admin(f"ALTER DATABASE {name}_partial RENAME TO {name}")
    return name


# --- measuring ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes still alive (with their children)."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = sum(int(v) for v in fields[11:15]) / ticks  # utime, stime, cutime, cstime
        except (OSError, IndexError, ValueError):
            pass
    return out


def process_cpu(pids: list[int]) -> float:
    return sum(cpu_by_pid(pids).values())


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings: processes alive at both, plus those started in between
    (a process that ended in between is not counted: a lower bound, never negative)."""
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def tree(pid: int) -> list[int]:
    out = [pid]
    try:
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            out += tree(int(child))
    except OSError:
        pass
    return out


def pg_backends(url: str | None) -> list[int]:
    if not url or not url.startswith("postgresql"):
        return []
    import psycopg

    database = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        return [pid for (pid,) in connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,))]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


class Server:
    def __init__(self, url: str, home: Path) -> None:
        self.url, self.env, self.port = url, env_for(home, url), free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        command = [sys.executable, "-m", "ecoute", "serve", "--port", str(self.port), "--db", self.url, "--workers", str(WORKERS)]
        self.proc = subprocess.Popen(command, env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"ecoute serve stopped: {self.proc.stderr.read()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        raise SystemExit("ecoute serve did not start")

    def __exit__(self, *_exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def cpu(self) -> float:
        return process_cpu(tree(self.proc.pid))

    def wait_idle(self, timeout: float = 180) -> None:
        """Until the server uses less than 5 % of a core for a second (its processes have loaded their models)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = self.cpu()
            time.sleep(1)
            if self.cpu() - before < 0.05:
                return


def login(base: str):
    import requests

    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{base}/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token, "next": "/"}, allow_redirects=False, timeout=30)
    if answer.status_code != 303:
        raise SystemExit(f"login failed: {answer.status_code} {answer.text[:300]}")
    return session


def page_specs(theme: str) -> list[tuple[str, list[str]]]:
    """(name, paths): each measured request takes the next path, round robin."""
    words = ["attente", "remboursement", "sinistre", "résiliation", "conseiller", "tarif", "contrat", "téléphone", "dossier", "prix"]
    return [
        ("overview", ["/"]),
        (f"theme ({theme})", [f"/themes/{theme}"]),
        ("explorer, no filter", [f"/explorer?page={p}" for p in (1, 2, 3, 40)]),
        ("explorer, theme + sentiment", [f"/explorer?theme={theme}&sentiment=negative", f"/explorer?theme={theme}&sentiment=positive&page=2"]),
        ("explorer, search", [f"/explorer?q={w}" for w in words]),
        ("explorer, search + filter, by churn", [f"/explorer?q={w}&role=customer&sort=churn" for w in words]),
    ]


PHASES = {
    "first": "a selection never asked before (a different `date_from` before the first testimony each time): every figure computed",
    "after write": "each request right after a survey answer was stored, on pages shown once before (the store changed; on a store this large the overview's and theme page's figures from before the write are served while they are recomputed, at most every 5 s: docs/web.md)",
    "warm": "the same pages again, the store unchanged",
}


def measure_pages(server: Server, writer) -> list[dict]:
    """Each page in each phase (PHASES), one client."""
    session = login(server.base)
    theme = re.search(r'href="/themes/([^"?]+)"', session.get(f"{server.base}/", timeout=120).text).group(1)
    out = []
    fresh = (FIRST_DAY - timedelta(days=n) for n in range(1, 10**6))
    for name, paths in page_specs(theme):
        row: dict = {"page": name, "path": paths[0]}
        for phase in PHASES:
            if phase == "after write":  # pages shown before (not measured): a write makes their figures stale, not absent
                for path in paths:
                    session.get(server.base + path, timeout=120)
            times, errors = [], 0
            count = REPEAT if phase == "warm" else max(8, REPEAT // 3)
            cpu_server, cpu_db = 0.0, 0.0
            for i in range(count):
                path = paths[i % len(paths)]
                if phase == "first":
                    path += ("&" if "?" in path else "?") + f"date_from={next(fresh).isoformat()}"
                elif phase == "after write":
                    writer()
                before = server.cpu(), cpu_by_pid(pg_backends(server.url))
                started = time.perf_counter()
                response = session.get(server.base + path, timeout=120)
                times.append(1000 * (time.perf_counter() - started))
                cpu_server += server.cpu() - before[0]
                cpu_db += cpu_spent(before[1], cpu_by_pid(pg_backends(server.url)))
                errors += response.status_code != 200
            row[phase] = {"requests": count, "errors": errors, "p50": statistics.median(times), "p95": percentile(times, 0.95), "max": max(times),
                          "cpu_ms": 1000 * cpu_server / count, "db_cpu_ms": 1000 * cpu_db / count}  # fmt: skip
        print(f"  {name}: " + ", ".join(f"{phase} p95 {row[phase]['p95']:.0f} ms (CPU {row[phase]['cpu_ms']:.0f})" for phase in PHASES), flush=True)
        out.append(row)
    return out


def _post_json(url: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read())


def answer_once(base: str, survey: str, why: str) -> dict:
    with urllib.request.urlopen(f"{base}/api/v1/public/surveys/{survey}?site=Lyon", timeout=60) as response:
        form = json.loads(response.read())
    return _post_json(f"{base}/api/v1/public/surveys/{survey}/answers", {"token": form["token"], "score": 9, "why": why, "metadata": form["metadata"]})


def survey_load(server: Server, survey: str, work: Path) -> dict:
    prefix = work / "locust"
    args = [sys.executable, "-m", "locust", "-f", str(HERE / "web_locustfile.py"), "--headless", "-u", str(USERS), "-r", str(USERS),
            "-t", f"{SECONDS}s", "--host", server.base, "--csv", str(prefix), "--only-summary", "--stop-timeout", "30"]  # fmt: skip
    backends = pg_backends(server.url)
    before = server.cpu(), time.perf_counter()
    run = subprocess.run(args, env={**server.env, "ECOUTE_WEB_SURVEY": survey, "ECOUTE_WEB_REVIEWS": str(UNLABELED)}, capture_output=True, text=True)
    cpu, wall = server.cpu() - before[0], time.perf_counter() - before[1]
    if not (work / "locust_stats.csv").exists():
        raise SystemExit(f"locust did not run: {run.stderr[-2000:]}")
    stats = {row["Name"]: row for row in csv.DictReader((work / "locust_stats.csv").open(encoding="utf-8"))}
    failures = list(csv.DictReader((work / "locust_failures.csv").open(encoding="utf-8")))
    answers = stats.get("POST answer", {})
    return {
        "users": USERS, "seconds": SECONDS, "wall": wall, "server_cpu_s": cpu, "db_backends_at_start": len(backends),
        "requests": stats, "failures": failures, "answers": int(answers.get("Request Count", 0)), "locust_exit": run.returncode,
        "load_average": os.getloadavg()[0],
    }  # fmt: skip


def run_store(kind: str, url: str, home: Path, work: Path) -> dict:
    env = env_for(home, url)
    ecoute("users", "add", "bench", "--role", "admin", "--password-stdin", env=env, stdin=PASSWORD + "\n")
    token = ecoute("users", "token", "bench", "--name", "web bench", env=env).strip().split()[-1]
    with Server(url, home) as server:
        survey = _post_json(f"{server.base}/api/v1/surveys", {"kind": "nps", "title": "Bench", "company": "Assurix"}, token)["public_id"]
        counter = iter(range(10**9))
        whys = [r["text"] for r in csv.DictReader(UNLABELED.open(encoding="utf-8")) if 20 < len(r["text"]) < 400][-2000:]

        def write() -> None:
            n = next(counter)
            answer_once(server.base, survey, f"{whys[n % len(whys)]} (réponse {n})")

        started = time.perf_counter()
        write()  # the first answer waits for the models if the warm-up has not finished
        first = time.perf_counter() - started
        print(f"{kind}: server up, first answer {first:.1f} s", flush=True)
        server.wait_idle()  # every worker process past its warm-up (each loads the models in the background)
        pages = measure_pages(server, write) if "pages" in PARTS else []
        load = survey_load(server, survey, work) if "survey" in PARTS else {}
    if load:
        post = load["requests"].get("POST answer", {})
        print(f"{kind}: survey answers p95 {post.get('95%')} ms, {load['answers']} answers, {len(load['failures'])} failure kinds,"
              f" server CPU {load['server_cpu_s']:.1f} s over {load['wall']:.0f} s, load {load['load_average']:.1f}", flush=True)
    return {"store": kind, "pages": pages, "survey": load, "first_answer_s": first}


def main() -> None:
    if not UNLABELED.exists():
        raise SystemExit(f"{UNLABELED} not found: the benchmarks need ../shared/data (set ECOUTE_SHARED_DATA).")
    CACHE.mkdir(parents=True, exist_ok=True)
    home = CACHE / "home"  # one secret key for building and serving: testimony ids derive from it
    os.environ["ECOUTE_HOME"] = str(home)
    started = time.perf_counter()
    results = {"size": SIZE, "templates": TEMPLATES, "stores": [], "commit": commit(), "workers": WORKERS}
    cached: dict = {}

    def templates() -> dict:
        if not cached:
            cached.update(_read_templates(template_store(home)))
        return cached

    kinds = [k.strip() for k in os.environ.get("ECOUTE_WEB_STORES", "sqlite,postgresql").split(",") if k.strip()]
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix="ecoute-web-") as tmp:
            work = Path(tmp)
            build_started = time.perf_counter()
            cleanup = None
            if kind == "sqlite":
                path = built_sqlite(templates)
                build = time.perf_counter() - build_started
                shutil.copyfile(path, work / "store.db")
                url = f"sqlite:///{work / 'store.db'}"
            else:
                name = built_postgres(templates)
                build = time.perf_counter() - build_started
                cleanup = f"ecoute_web_run_{os.getpid()}"
                _pg_admin(f"DROP DATABASE IF EXISTS {cleanup}", f"CREATE DATABASE {cleanup} TEMPLATE {name}")
                url = _pg(cleanup)
            try:
                result = run_store(kind, url, home, work)
            finally:
                if cleanup:
                    from ecoute.store.db import close_all

                    close_all()
                    _pg_admin(f"DROP DATABASE IF EXISTS {cleanup} WITH (FORCE)")
            result["build_s"] = build
            results["stores"].append(result)
    results["total_s"] = time.perf_counter() - started
    results["load_average"] = os.getloadavg()
    if PARTS != {"pages", "survey"}:  # a partial run: its figures are printed, the committed ones stay
        print(f"partial run ({', '.join(sorted(PARTS))}): docs/benchmarks.md and {RESULTS.name} left as they are", flush=True)
        return
    RESULTS.write_text(json.dumps(results, indent=1, default=str))
    write_section(results)


def write_section(results: dict) -> None:
    lines = [
        "## Web pages at 100,000 testimonies",
        "",
        f"`bench/web.py` on {machine()}, commit `{results.get('commit') or commit()}`, load average {results['load_average'][0]:.1f} at the end",
        f"(the machine is shared: server CPU time per request is given next to wall time). Targets (issue 6): overview, theme and",
        "explorer pages p95 < 300 ms; a survey answer stored and analysed p95 < 150 ms at 20 concurrent clients, with no error.",
        "",
        f"**The store**: the first {results['templates']:,} distinct reviews of `reviews_fr_insurance/unlabeled.csv` imported and",
        "analysed by the real pipeline (`ecoute import`), then their stored rows (testimony, current analysis and record,",
        "dashboard facets, metadata, case) copied by bulk insert (COPY on PostgreSQL) with a copy number appended to the text",
        f"(hence a new id) and a random date over 2024–2025 (fixed seed), up to {results['size']:,} testimonies; then `ANALYZE` (`VACUUM ANALYZE` on PostgreSQL, as autovacuum would).",
        f"Each run works on a fresh copy of the built store, served by a real `ecoute serve --workers {results.get('workers', 1)}` on loopback"
        " (measures start once its processes have loaded their models).",
        "",
        "**Pages**: one logged-in client (analyst session cookie), full HTML responses, in three phases: " + "; ".join(f"*{k}*: {v}" for k, v in PHASES.items()) + ".",
        "Explorer requests rotate over pages, themes and ten search words. CPU: the server process's CPU time per request"
        " (on PostgreSQL, + its backends').",
        "",
        "| store | page | phase | p50 | p95 | max | CPU / request | errors |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for store in results["stores"]:
        for row in store["pages"]:
            for phase in PHASES:
                m = row[phase]
                db = f" + {m['db_cpu_ms']:.0f}" if store["store"] == "postgresql" else ""
                lines.append(f"| {store['store']} | {row['page']} | {phase} | {m['p50']:.0f} ms | **{m['p95']:.0f} ms** | {m['max']:.0f} ms | {m['cpu_ms']:.0f}{db} ms | {m['errors']} |")
    lines += [
        "",
        f"**Survey answers**: {USERS} locust clients on loopback for {SECONDS} s; each takes a token from the public survey",
        "(`GET /api/v1/public/surveys/ID`), then answers (`POST …/answers`: the score stored and the \"why\" — a real review",
        "with a unique suffix — pseudonymised, analysed by the whole pipeline and stored with its facts, in one transaction),",
        "then waits 0.5–1.5 s (a person reading the thank-you page). The per-IP rate limit is raised for the run.",
        "",
        "| store | request | count | failures | p50 | p95 | max | req/s | server CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for store in results["stores"]:
        load = store["survey"]
        for name, row in load["requests"].items():
            if name == "Aggregated":
                continue
            lines.append(
                f"| {store['store']} | {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | {float(row['50%']):,.0f} ms "
                f"| **{float(row['95%']):,.0f} ms** | {float(row['Max Response Time']):,.0f} ms | {float(row['Requests/s']):,.1f} "
                f"| {load['server_cpu_s']:.0f} s over {load['wall']:.0f} s |"
            )
    lines.append("")
    for store in results["stores"]:
        load = store["survey"]
        failures = "; ".join(f"{f['Name']}: {f['Error'][:120]} ×{f['Occurrences']}" for f in load["failures"][:5]) or "none"
        lines.append(
            f"- {store['store']}: store built in {store['build_s']:.0f} s (0 when cached); first answer after start {store['first_answer_s']:.1f} s;"
            f" errors during the survey run: {failures}; load average {load['load_average']:.1f}."
        )
    lines.append(f"- Whole benchmark: {results['total_s'] / 60:.1f} min.")
    replace_section("Web pages at 100,000 testimonies", lines)
    print("wrote the web section of docs/benchmarks.md", flush=True)


if __name__ == "__main__":
    main()

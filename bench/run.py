"""ecoute benchmarks: `make bench` runs this and rewrites docs/benchmarks.md.

Reads the public data in ../shared/data (never shipped with ecoute). Each
measured command runs in its own process so that its peak memory (RSS) is
its own.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ECOUTE_SHARED_DATA", ROOT.parent / "shared" / "data"))
UNLABELED = SHARED / "reviews_fr_insurance" / "unlabeled.csv"
DEV = SHARED / "reviews_fr_insurance" / "dev.csv"
OUT = ROOT / "docs" / "benchmarks.md"


def build_csv(path: Path, rows: int) -> int:
    """`rows` unique rows made by repeating the unlabeled reviews with a suffix."""
    with UNLABELED.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        base = [row for row in reader if row.get("text", "").strip()]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for i in range(rows):
            row = dict(base[i % len(base)])
            row["id"] = f"{row.get('id', '')}-{i}"
            row["text"] = f"{row['text']} [copie {i // len(base)}]"
            writer.writerow(row)
    return path.stat().st_size


def measure(args: list[str], env: dict[str, str]) -> dict:
    """Run a command; return wall time, peak RSS (MB) and its JSON output."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(args)}\n{stderr}")
    return {"seconds": elapsed, "peak_rss_mb": usage.ru_maxrss / 1024, "output": stdout}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB RAM, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def commit() -> str:
    try:
        return subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def import_bench(work: Path, rows: int, analyse: bool, env: dict[str, str]) -> dict:
    data = work / f"reviews_{rows}.csv"
    size = build_csv(data, rows)
    db = work / f"bench_{rows}_{int(analyse)}.db"
    args = [sys.executable, "-m", "ecoute", "import", str(data), "--db", f"sqlite:///{db}", "--id-col", "id", "--json"]
    if not analyse:
        args.append("--no-analyze")
    result = measure(args, env)
    summary = json.loads(result["output"])
    assert summary["input"] == summary["stored"] + summary["duplicate"] + summary["rejected"], summary
    return {
        "rows": rows,
        "mb": size / 1024**2,
        "seconds": result["seconds"],
        "per_second": rows / result["seconds"],
        "peak_rss_mb": result["peak_rss_mb"],
        "summary": summary,
    }


def stage_bench(env: dict[str, str], count: int = 2000) -> list[dict]:
    """Throughput of each pipeline prefix on real short reviews (one process)."""
    code = f"""
import csv, json, time
from ecoute.pipeline import Item, Pipeline
from ecoute.record import Source
texts = [r["text"] for r in csv.DictReader(open({str(DEV)!r}, encoding="utf-8")) if r["text"].strip()][:{count}]
out = []
for names in (["language"], ["language", "pseudonymise"], ["language", "pseudonymise", "sentences"], ["language", "pseudonymise", "sentences", "date"], ["language", "pseudonymise", "sentences", "role", "sentiment", "date", "tenure", "labels"]):
    pipe = Pipeline(names)
    t0 = time.perf_counter(); pipe.warm_up(); load = time.perf_counter() - t0
    pipe.analyse([Item(text=t, source=Source(kind="csv")) for t in texts[-64:]])  # first-call costs out of the timing
    items = [Item(text=t, source=Source(kind="csv")) for t in texts]
    t0 = time.perf_counter()
    for i in range(0, len(items), 256):
        pipe.analyse(items[i:i + 256])
    out.append({{"pipeline": pipe.version, "texts": len(texts), "load_s": load, "per_second": len(texts) / (time.perf_counter() - t0)}})
print(json.dumps(out))
"""
    return json.loads(measure([sys.executable, "-c", code], env)["output"])


def load_bench(env: dict[str, str], runs: int = 3) -> dict:
    """Loading the whole default pipeline in a fresh interpreter: imports, components built, ``warm_up``.
    The first run starts from an empty ``$ECOUTE_HOME`` (nothing cached yet: once per machine and
    version); the next ``runs`` reuse what it cached, as every later process does."""
    code = """
import json, time
t0, c0 = time.perf_counter(), time.process_time()
from ecoute.pipeline import get_pipeline
pipe = get_pipeline()
t1, c1 = time.perf_counter(), time.process_time()
pipe.warm_up()
print(json.dumps({"total_s": time.perf_counter() - t0, "total_cpu_s": time.process_time() - c0,
                  "build_s": t1 - t0, "warm_up_s": time.perf_counter() - t1}))
"""
    with tempfile.TemporaryDirectory(prefix="ecoute-load-") as home:
        def once() -> dict:
            result = subprocess.run([sys.executable, "-c", code], env={**env, "ECOUTE_HOME": home},
                                    capture_output=True, text=True, check=True)
            return json.loads(result.stdout.strip().splitlines()[-1])

        first = once()
        warm = sorted((once() for _ in range(runs)), key=lambda r: r["total_s"])
    return {"first": first, "cached": warm[len(warm) // 2], "runs": runs}


def understanding_bench(env: dict[str, str]) -> dict:
    """The whole default pipeline: short reviews on one core, then ~2,000-character
    narratives on two processes (the machine's two cores), with load time and peak memory."""
    code = f"""
import csv, json, os, resource, time
from concurrent.futures import ProcessPoolExecutor
from ecoute.pipeline import Item, get_pipeline
from ecoute.record import Source

def analyse(texts):
    pipe = get_pipeline()
    t0, c0 = time.perf_counter(), time.process_time(); pipe.warm_up()
    load, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), 64):
        pipe.analyse([Item(text=t, source=Source(kind="csv")) for t in texts[i:i + 64]])
    return load, time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.process_time() - c0, load_cpu

short = [r["text"] for r in csv.DictReader(open({str(DEV)!r}, encoding="utf-8")) if r["text"].strip()][:2000]
train = {str(SHARED / "reviews_fr_insurance" / "train.csv")!r}
narratives = [r["text"] for r in csv.DictReader(open(train, encoding="utf-8")) if 1600 <= len(r["text"]) <= 2400][:400]
out = {{"pipeline": get_pipeline().version}}
with ProcessPoolExecutor(1) as pool:  # a fresh process: load time and memory are the pipeline's own
    load, seconds, rss, cpu, load_cpu = pool.submit(analyse, short).result()
out.update(load_s=load, load_cpu_s=load_cpu, short_texts=len(short), short_per_second=len(short) / seconds, short_rss_mb=rss,
           short_cpu_ms=1000 * cpu / len(short))
t0 = time.perf_counter()
with ProcessPoolExecutor(2) as pool:
    results = list(pool.map(analyse, [short[::2], short[1::2]]))
out.update(short_per_second_2=len(short) / (time.perf_counter() - t0 - max(r[0] for r in results)),
           short_cpu_ms_2=1000 * sum(r[3] for r in results) / len(short))
half = len(narratives) // 2
t0 = time.perf_counter()
with ProcessPoolExecutor(2) as pool:
    results = list(pool.map(analyse, [narratives[:half], narratives[half:]]))
wall = time.perf_counter() - t0 - max(r[0] for r in results)
out.update(narratives=len(narratives), narrative_chars=sum(map(len, narratives)) / len(narratives),
           narratives_per_second=len(narratives) / wall, narrative_rss_mb=max(r[2] for r in results),
           narrative_cpu_ms=1000 * sum(r[3] for r in results) / len(narratives), load_average=os.getloadavg()[0])
print(json.dumps(out))
"""
    return json.loads(measure([sys.executable, "-c", code], env)["output"])


def main() -> None:
    if not UNLABELED.exists():
        raise SystemExit(f"{UNLABELED} not found: the benchmarks need ../shared/data (set ECOUTE_SHARED_DATA).")
    env = {**os.environ, "ECOUTE_LANG": "en", "PYTHONUNBUFFERED": "1"}
    full = os.environ.get("ECOUTE_BENCH_QUICK") is None
    sizes = (100_000, 200_000) if full else (10_000, 20_000)
    with tempfile.TemporaryDirectory(prefix="ecoute-bench-") as tmp:
        work = Path(tmp)
        # The storage path as issue 2 defines it: reading, decoding, normalising, duplicates, writing.
        storage = [import_bench(work, n, analyse=False, env={**env, "ECOUTE_PRIVACY": "off"}) for n in sizes]
        protected = import_bench(work, sizes[0] // 5, analyse=False, env=env)
        print("protected storage:", round(protected["per_second"]), round(protected["peak_rss_mb"]), flush=True)
        print("storage path:", [(s["rows"], round(s["per_second"]), round(s["peak_rss_mb"])) for s in storage], flush=True)
        end_to_end = import_bench(work, 20_000 if full else 2_000, analyse=True, env=env)
        print("end to end:", round(end_to_end["per_second"]), flush=True)
        stages = stage_bench(env)
        print("stages:", stages, flush=True)
        understanding = understanding_bench(env)
        understanding["load"] = load_bench(env)
        print("understanding:", understanding, flush=True)
    write_report(storage, protected, end_to_end, stages, understanding)


def write_report(storage: list[dict], protected: dict, end_to_end: dict, stages: list[dict], understanding: dict) -> None:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Measured {now} on {machine()}, commit `{commit()}`, by `make bench` (`bench/run.py`).",
        "Data: `../shared/data/reviews_fr_insurance/unlabeled.csv` (French insurance reviews, median about 200",
        "characters), repeated with a suffix that makes each row unique. Each import runs as its own",
        "`ecoute import` process into a new SQLite file; peak memory is that process's maximum RSS.",
        "",
        "## Import: the storage path (`--no-analyze`)",
        "",
        "Reading, decoding, normalising, duplicate detection and writing (`ECOUTE_PRIVACY=off`, so that only this",
        "path is measured). Target: at least 5,000 records/s, peak memory under 300 MB and flat when the file doubles.",
        "",
        "| rows | file | time | records/s | peak RSS | stored / duplicate / rejected |",
        "|---:|---:|---:|---:|---:|---|",
    ]
    for s in storage:
        sm = s["summary"]
        lines.append(
            f"| {s['rows']:,} | {s['mb']:.1f} MB | {s['seconds']:.1f} s | **{s['per_second']:,.0f}** | {s['peak_rss_mb']:.0f} MB "
            f"| {sm['stored']:,} / {sm['duplicate']:,} / {sm['rejected']:,} |"
        )
    if len(storage) == 2:
        growth = storage[1]["peak_rss_mb"] / storage[0]["peak_rss_mb"] - 1
        lines += ["", f"Peak memory when the file doubles: {growth:+.0%}."]
    p = protected
    lines += [
        "",
        "With pseudonymisation on (the default: nothing is stored before it), `--no-analyze` still runs the",
        "`language` and `pseudonymise` components on every new testimony:",
        "",
        "| rows | time | records/s | peak RSS |",
        "|---:|---:|---:|---:|",
        f"| {p['rows']:,} | {p['seconds']:.1f} s | **{p['per_second']:,.0f}** | {p['peak_rss_mb']:.0f} MB |",
    ]
    e = end_to_end
    lines += [
        "",
        "## Import end to end (pipeline on)",
        "",
        "The same path with the analysis pipeline on (the components of `ecoute pipeline`); its speed is",
        "bounded by the pipeline.",
        "",
        "| rows | time | records/s | peak RSS | analysed |",
        "|---:|---:|---:|---:|---:|",
        f"| {e['rows']:,} | {e['seconds']:.1f} s | **{e['per_second']:,.0f}** | {e['peak_rss_mb']:.0f} MB | {e['summary']['analysed']:,} |",
    ]
    lines += [""] + stage_lines(stages) + [""] + understanding_lines(understanding)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


def stage_lines(stages: list[dict]) -> list[str]:
    lines = [
        "## Pipeline stages",
        "",
        "Throughput of growing pipelines on the first 2,000 reviews of `dev.csv`, batches of 256, one process",
        "(one core), after one warm-up batch. Load time is the first warm-up (models read from disk). The",
        "`pseudonymise` stage's target is at least 200 short texts/s on 2 cores.",
        "",
        "| pipeline | texts/s | load |",
        "|---|---:|---:|",
    ]
    return lines + [f"| `{s['pipeline']}` | {s['per_second']:,.0f} | {s['load_s']:.1f} s |" for s in stages]


def understanding_lines(u: dict) -> list[str]:
    return [
        "## The whole default pipeline (issues 3 and 4)",
        "",
        f"Measured {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, commit `{commit()}`, load average "
        f"{u['load_average']:.1f} at the end. `{u['pipeline']}`, each run in a fresh process. Short reviews: the first",
        f"{u['short_texts']:,} of `dev.csv`, on one process, then split over two (the machine's two cores). Narratives:",
        f"{u['narratives']} insurance reviews of 1,600–2,400 characters (mean {u['narrative_chars']:,.0f}) from `train.csv`,",
        "split over two processes. Load time (every model and word list read) is left out of the rates and given",
        "apart: from a fresh interpreter (what `ecoute import`, a batch worker or the web server pays at start), and",
        "the first time on a machine, when the caches of `$ECOUTE_HOME/cache` are filled (docs/architecture.md).",
        "CPU time per text is what a text costs a dedicated core. Targets: understanding ≥ 100 short",
        "reviews/s on 2 cores, model loading ≤ 5 s, memory ≤ 1.5 GB (issue 3); ≥ 20 narratives of about 2,000",
        "characters per second on 2 cores with the rest of the pipeline running (issue 4).",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| short reviews per second, one process | {u['short_per_second']:,.0f} ({u['short_cpu_ms']:.1f} ms CPU a text) |",
        f"| short reviews per second, two processes | **{u['short_per_second_2']:,.0f}** ({u['short_cpu_ms_2']:.1f} ms CPU a text) |",
        f"| narratives per second, two processes | **{u['narratives_per_second']:,.1f}** ({u['narrative_cpu_ms']:.0f} ms CPU a text) |",
        f"| pipeline load time, fresh interpreter (imports, build, `warm_up`; median of {u['load']['runs']}) | "
        f"**{u['load']['cached']['total_s']:.1f} s** ({u['load']['cached']['total_cpu_s']:.1f} s CPU; "
        f"`warm_up` {u['load']['cached']['warm_up_s']:.1f} s) |",
        f"| the same, first load on a machine (empty `$ECOUTE_HOME/cache`) | {u['load']['first']['total_s']:.1f} s "
        f"({u['load']['first']['total_cpu_s']:.1f} s CPU) |",
        f"| `warm_up` in a worker process (imports done) | {u['load_s']:.1f} s ({u['load_cpu_s']:.1f} s CPU) |",
        f"| peak memory, short reviews | {u['short_rss_mb']:,.0f} MB |",
        f"| peak memory per process, narratives | {u['narrative_rss_mb']:,.0f} MB |",
    ]


def pipeline_only() -> None:
    """`bench/run.py pipeline`: the two pipeline sections alone, put in place in docs/benchmarks.md."""
    env = {**os.environ, "ECOUTE_LANG": "en", "PYTHONUNBUFFERED": "1"}
    stages = stage_bench(env)
    print("stages:", stages, flush=True)
    understanding = understanding_bench(env)
    understanding["load"] = load_bench(env)
    print("understanding:", understanding, flush=True)
    replace_section("Pipeline stages", stage_lines(stages))
    replace_section("The whole default pipeline (issues 3 and 4)", understanding_lines(understanding))


def replace_section(title: str, lines: list[str]) -> None:
    """Put ``lines`` (starting with ``## title``) in docs/benchmarks.md in place of that section, or at the end."""
    text = OUT.read_text(encoding="utf-8") if OUT.exists() else "# Benchmarks\n"
    body = "\n".join(lines).rstrip("\n") + "\n"
    start = text.find(f"\n## {title}")
    if start < 0:
        OUT.write_text(text.rstrip("\n") + "\n\n" + body, encoding="utf-8")
        return
    end = text.find("\n## ", start + 1)
    after = text[end:] if end >= 0 else ""
    OUT.write_text(text[:start].rstrip("\n") + "\n\n" + body + after, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["pipeline"]:
        pipeline_only()
        raise SystemExit(0)
    main()
    from batch import main as batch_main  # bench/batch.py writes its own section, after the rest
    from load import main as load_main  # bench/load.py: the API under load

    batch_main()
    load_main()
    __import__("cases").main()  # bench/cases.py: the case scheduler's sweep and the case page (issue 7)
    __import__("web").main()  # bench/web.py: pages and survey answers at 100,000 testimonies (issue 6)

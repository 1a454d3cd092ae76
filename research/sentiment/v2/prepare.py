"""Pseudonymise and embed (USE) the labelled sets once, cached outside the repository.

    .venv/bin/python research/sentiment/v2/prepare.py [CACHE=/work/scratch/sentiment_v2]

Writes CACHE/<set>.json (ids, pseudonymised texts, ratings) and CACHE/<set>_use.npy.
"""

import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

from ecoute.services.analysis import protect_texts
from ecoute.understanding.encoders import encode

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT.parent / "shared" / "data"
CACHE = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/scratch/sentiment_v2")
SETS = {
    "emp": DATA / "employee_fr_retail" / "reviews.csv",
    "dev": DATA / "reviews_fr_insurance" / "dev.csv",
    "train": DATA / "reviews_fr_insurance" / "train.csv",
}


def main() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    for name, path in SETS.items():
        out = CACHE / f"{name}.json"
        if not out.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                rows = [r for r in csv.DictReader(handle) if r["text"].strip() and r["rating"].strip()]
            start, cpu = time.perf_counter(), time.process_time()
            texts = protect_texts([r["text"] for r in rows])
            print(f"{name}: protected {len(rows)} in {time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU", flush=True)
            out.write_text(json.dumps({"id": [r["id"] for r in rows], "text": texts, "rating": [int(float(r["rating"])) for r in rows]}, ensure_ascii=False))
        emb = CACHE / f"{name}_use.npy"
        if not emb.exists():
            texts = json.loads(out.read_text())["text"]
            start, cpu = time.perf_counter(), time.process_time()
            np.save(emb, encode(texts, "use"))
            print(f"{name}: embedded {len(texts)} in {time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU", flush=True)


if __name__ == "__main__":
    main()

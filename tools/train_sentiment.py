"""Train the built-in French sentiment model shipped with ecoute.

    .venv/bin/python tools/train_sentiment.py [--cache /work/scratch/sentiment_v2]

What it learns from (`../shared/data`, never shipped): `reviews_fr_insurance/train.csv`
(16,727 reviews). `--extra FILE` adds half of a second-domain set with ratings
(e.g. `employee_fr_retail/reviews.csv`): the rows whose id's SHA-256 starts
with an even hex digit (`in_training_half`), each weighing `--extra-weight`
(default 10); the model file lists the ids it trained on (`training_sources`)
and `eval/run.py` measures that set on the other rows only. The shipped v2
model does not use it: with the USE refinement on, the employee half moved
the held-out employee binary accuracy by one review while costing insurance
dev five (research/sentiment/REPORT.md, round 2).

Recipe (ecoute.understanding.textclf.SentimentModel, fixed seeds): TF-IDF with
negation marking → linear SVM → calibration, plus the multilingual USE
refinement for the 15 % least-sure training texts (`--no-encoder`: TF-IDF
only). Texts are pseudonymised by the product's own protection stage before
anything else, and the encoder sees them cut at 600 characters, as at run
time. `--cache` keeps the pseudonymised texts and their embeddings
(research/sentiment/v2/prepare.py writes the same files) so that retraining
takes minutes, not half an hour. The sentiment section of `make eval`
(`.venv/bin/python eval/run.py sentiment`) reports on
`reviews_fr_insurance/dev.csv`, the employee reviews and the English gold set.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import time
from pathlib import Path

import numpy as np

from ecoute.understanding.textclf import SentimentModel, save

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
INSURANCE = DATA / "reviews_fr_insurance" / "train.csv"
EMPLOYEE = DATA / "employee_fr_retail" / "reviews.csv"
OUT = ROOT / "src" / "ecoute" / "data" / "models" / "sentiment_fr_v2.pkl"


def in_training_half(row_id: str) -> bool:
    """Whether a row of a second-domain set belongs to the half the model trains on."""
    return int(hashlib.sha256(row_id.encode()).hexdigest()[0], 16) % 2 == 0


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["text"].strip() and row["rating"].strip()]


def protected(name: str, rows: list[dict], cache: Path | None) -> tuple[list[str], np.ndarray | None]:
    """Pseudonymised texts and (from the cache only) their USE embeddings."""
    texts_path = cache / f"{name}.json" if cache else None
    if texts_path and texts_path.exists():
        stored = json.loads(texts_path.read_text(encoding="utf-8"))
        if stored["id"] == [row["id"] for row in rows]:
            embeddings = cache / f"{name}_use.npy"
            return stored["text"], np.load(embeddings) if embeddings.exists() else None
    from ecoute.services.analysis import protect_texts

    # The model learns from pseudonymised text, as the pipeline will show it, and carries no names.
    texts = protect_texts([row["text"] for row in rows])
    if texts_path:
        ratings = [int(float(row["rating"])) for row in rows]
        texts_path.parent.mkdir(parents=True, exist_ok=True)
        texts_path.write_text(json.dumps({"id": [r["id"] for r in rows], "text": texts, "rating": ratings}, ensure_ascii=False), encoding="utf-8")
    return texts, None


def embedded(name: str, texts: list[str], cached: np.ndarray | None, cache: Path | None) -> np.ndarray:
    if cached is not None:
        return cached
    from ecoute.understanding.encoders import encode

    vectors = encode(texts, "use")
    if cache:
        np.save(cache / f"{name}_use.npy", vectors)
    return vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=INSURANCE)
    parser.add_argument("--extra", type=Path, default=None, help=f"second-domain reviews with ratings, half of which train (e.g. {EMPLOYEE})")
    parser.add_argument("--extra-weight", type=float, default=10.0)
    parser.add_argument("--no-encoder", action="store_true", help="TF-IDF only, no USE refinement")
    parser.add_argument("--cache", type=Path, default=None, help="folder for pseudonymised texts and embeddings (not shipped)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    start, cpu = time.perf_counter(), time.process_time()
    rows = read(args.data)
    texts, vectors = protected("train", rows, args.cache)
    ratings = [int(float(row["rating"])) for row in rows]
    weights = [1.0] * len(rows)
    sources = {f"{args.data.parent.name}/{args.data.name}": len(rows)}
    embeddings = None if args.no_encoder else [embedded("train", texts, vectors, args.cache)]
    if args.extra:
        extra_rows = read(args.extra)
        extra_texts, extra_vectors = protected("emp", extra_rows, args.cache)
        keep = [k for k, row in enumerate(extra_rows) if in_training_half(row["id"])]
        texts = texts + [extra_texts[k] for k in keep]
        ratings += [int(float(extra_rows[k]["rating"])) for k in keep]
        weights += [args.extra_weight] * len(keep)
        sources[f"{args.extra.parent.name}/{args.extra.name}"] = sorted(extra_rows[k]["id"] for k in keep)
        if embeddings is not None:
            embeddings.append(embedded("emp", extra_texts, extra_vectors, args.cache)[keep])
    model = SentimentModel(encoder=None if args.no_encoder else "use")
    model.fit(texts, ratings, sample_weight=weights, embeddings=None if embeddings is None else np.vstack(embeddings))
    model.training_sources = sources
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save(model, args.out)
    print(
        f"trained on {len(texts)} reviews in {time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU; "
        f"bias {model.bias.round(2).tolist()}; wrote {args.out}"
    )


if __name__ == "__main__":
    main()

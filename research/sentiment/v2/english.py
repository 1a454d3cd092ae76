"""English head (USE → logistic regression of ratings, cross-lingual): does training on short French
texts as well as whole reviews cure the surplus of neutral on English sentences?

    .venv/bin/python research/sentiment/v2/english.py [CACHE]

Variants (all trained on French data only; English gold eval/sentiment_en/gold.jsonl only measures):
  whole      — the v1 recipe: whole insurance reviews (train.csv);
  whole+ends — plus the first and the last sentence of each review (≥ 3 words), labelled with the review's rating;
Figures are the model's own (no irony rules, no `mixed`); eval/run.py gives the pipeline's.
"""

import json
import re
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from ecoute.understanding.encoders import encode
from ecoute.understanding.textclf import EmbeddingSentimentModel

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CACHE = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/scratch/sentiment_v2")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\s*[\r\n]+\s*")


def ends(text):
    """First and last sentence of at least three words (one when they are the same)."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if len(s.split()) >= 3]
    if len(sentences) < 2:
        return []
    return [sentences[0], sentences[-1]]


def main():
    d = json.loads((CACHE / "train.json").read_text())
    E = np.load(CACHE / "train_use.npy")
    ratings = np.array(d["rating"])
    pairs = [(s, r) for t, r in zip(d["text"], ratings) for s in ends(t)]
    path = CACHE / "train_ends_use.npy"
    if path.exists():
        S = np.load(path)
    else:
        start, cpu = time.perf_counter(), time.process_time()
        S = encode([s for s, _ in pairs], "use")
        np.save(path, S)
        print(f"embedded {len(pairs)} sentences in {time.perf_counter() - start:.0f} s wall, {time.process_time() - cpu:.0f} s CPU")
    sentence_ratings = np.array([r for _, r in pairs])
    gold = [json.loads(line) for line in (ROOT / "eval" / "sentiment_en" / "gold.jsonl").read_text().splitlines() if line.strip()]
    G = encode([g["text"] for g in gold], "use")
    dev = json.loads((CACHE / "dev.json").read_text())
    D = np.load(CACHE / "dev_use.npy")
    dev_r = np.array(dev["rating"])
    variants = {"whole": (E, ratings), "whole+ends": (np.vstack([E, S]), np.concatenate([ratings, sentence_ratings]))}
    for name, (X, y) in variants.items():
        model = EmbeddingSentimentModel().fit_embeddings(X, y)
        out = model.predict_embeddings(G)
        truth = [g["label"] for g in gold]
        pred = [o["polarity"] for o in out]
        binary = [(o["score"] > 0) == (g["label"] == "positive") for o, g in zip(out, gold) if g["label"] != "neutral"]
        confusion = {t: [sum(1 for a, b in zip(truth, pred) if a == t and b == p) for p in ("negative", "neutral", "positive")] for t in ("negative", "neutral", "positive")}
        dev_out = model.predict_embeddings(D)
        dev_truth = np.where(dev_r <= 2, 0, np.where(dev_r == 3, 1, 2))
        dev_pred = [["negative", "neutral", "positive"].index(o["polarity"]) for o in dev_out]
        keep = dev_r != 3
        result = {
            "variant": name, "rows": len(y), "bias": model.bias.round(2).tolist(),
            "gold": {"accuracy": round(accuracy_score(truth, pred), 3), "macro_f1": round(f1_score(truth, pred, average="macro"), 3),
                     "binary": round(float(np.mean(binary)), 3), "confusion_rows_truth_neg_neu_pos": confusion},
            "fr_dev": {"macro_f1": round(f1_score(dev_truth, dev_pred, average="macro"), 3),
                       "binary": round(float(np.mean((np.array([o["score"] for o in dev_out])[keep] > 0) == (dev_r[keep] >= 4))), 3)},
        }
        print(json.dumps(result))
        with open(HERE / "results_english.jsonl", "a") as handle:
            handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()

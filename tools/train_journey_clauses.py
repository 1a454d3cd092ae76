"""Train the journey's clause model (src/ecoute/data/models/journey_clauses_v1.joblib).

    .venv/bin/python tools/train_journey_clauses.py [--cv]

Training data: the clauses of the hand-annotated gold set
`eval/journey/gold.jsonl`, splits `dev` and `test` only (`holdout` is never
read here): a clause is positive when it overlaps a gold contact's anchor.
Features: character 3–5-grams and word 1–2-grams of the folded clause
(TF-IDF); logistic regression with balanced classes. Deterministic (no random
state involved). `--cv` prints grouped 5-fold cross-validation figures per
threshold, which chose `THRESHOLD` in `ecoute.journey.clauses`.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline, make_union

from ecoute.journey.clauses import MODEL_FILE, split_clauses
from ecoute.text import fold

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "journey" / "gold.jsonl"
OUT = ROOT / "src" / "ecoute" / "data" / MODEL_FILE
SPLITS = ("dev", "test")


def dataset():
    texts, labels, groups = [], [], []
    for index, line in enumerate(GOLD.read_text(encoding="utf-8").splitlines()):
        gold = json.loads(line)
        if gold.get("split") not in SPLITS:
            continue
        anchors = [(e["start"], e["end"]) for e in gold["events"]]
        for start, end in split_clauses(gold["text"]):
            texts.append(fold(gold["text"][start:end]))
            labels.append(int(any(a < end and start < b for a, b in anchors)))
            groups.append(index)
    return np.array(texts, dtype=object), np.array(labels), np.array(groups)


def model():
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True),
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
    )
    return make_pipeline(features, LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="print cross-validated precision/recall per threshold")
    args = parser.parse_args()
    texts, labels, groups = dataset()
    print(f"{len(texts)} clauses from splits {', '.join(SPLITS)}, {labels.sum()} tell a contact")
    if args.cv:
        scores = np.zeros(len(texts))
        for train, test in GroupKFold(5).split(texts, labels, groups):
            scores[test] = model().fit(texts[train], labels[train]).predict_proba(texts[test])[:, 1]
        for threshold in (0.4, 0.5, 0.6, 0.7):
            p, r, f, _ = precision_recall_fscore_support(labels, scores >= threshold, average="binary")
            print(f"threshold {threshold}: precision {p:.3f} recall {r:.3f} F1 {f:.3f}")
    fitted = model().fit(texts, labels)
    fitted.ecoute_meta = {
        "trained": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "splits": SPLITS,
        "clauses": int(len(texts)), "positives": int(labels.sum()), "source": "eval/journey/gold.jsonl",
    }  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(fitted, OUT, compress=3)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()

"""Train the journey's clause model (src/ecoute/data/models/journey_clauses_v2.pkl).

    .venv/bin/python tools/train_journey_clauses.py --splits train,dev,test   # the shipped model
    .venv/bin/python tools/train_journey_clauses.py --splits train,dev [--cv] [--check test]   # development

Training data: the clauses of the hand-annotated gold set
`eval/journey/gold.jsonl`, only the splits named by `--splits` (the shipped
model: `train`, `dev` and `test`, refitted once the settings below were
chosen with `test` left out). A clause is positive when it overlaps a gold
contact's anchor. The `holdout` split is refused: it must stay unseen. While
developing, leave `test` out of training so that it stays the check
(`--check test` prints the clause-level figures there; the journey-level
figures come from `eval/journey/check.py --split test`).

Features: character 3–5-grams and word 1–2-grams of the folded clause
(TF-IDF); logistic regression with balanced classes, `random_state` fixed
(SEED). Cross-validation (`--cv`) is grouped by narrative, 5 folds, no
shuffling, so every run gives the same figures; it prints precision and
recall per threshold at clause level; `THRESHOLD` in `ecoute.journey.clauses`
was chosen at journey level by `eval/journey/choose_threshold.py`.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline, make_union

from ecoute.journey.clauses import MODEL_FILE, split_clauses
from ecoute.text import fold
from ecoute.understanding.textclf import write_model_file

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "journey" / "gold.jsonl"
OUT = ROOT / "src" / "ecoute" / "data" / MODEL_FILE
SEED = 20261207
THRESHOLDS = (0.4, 0.5, 0.6, 0.7)
FORBIDDEN = {"holdout", "holdout2"}


def clauses_of(narratives: list[dict], with_groups: bool = False):
    """Folded clauses of gold narratives, labels (1 = overlaps a contact's anchor) and,
    with ``with_groups``, the index of each clause's narrative."""
    texts, labels, groups = [], [], []
    for index, gold in enumerate(narratives):
        anchors = [(e["start"], e["end"]) for e in gold["events"]]
        for start, end in split_clauses(gold["text"]):
            texts.append(fold(gold["text"][start:end]))
            labels.append(int(any(a < end and start < b for a, b in anchors)))
            groups.append(index)
    arrays = (np.array(texts, dtype=object), np.array(labels))
    return (*arrays, np.array(groups)) if with_groups else arrays


def dataset(splits: tuple[str, ...]):
    """Folded clauses, labels (1 = tells a contact) and the narrative of each clause."""
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return clauses_of([g for g in map(json.loads, lines) if g.get("split") in splits], with_groups=True)


def model():
    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True),
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
    )
    classifier = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=SEED)
    return make_pipeline(features, classifier)


def report(labels, scores, title: str) -> None:
    print(title)
    for threshold in THRESHOLDS:
        p, r, f, _ = precision_recall_fscore_support(labels, scores >= threshold, average="binary", zero_division=0)
        print(f"  threshold {threshold}: precision {p:.3f} recall {r:.3f} F1 {f:.3f}")


def parse_splits(value: str) -> tuple[str, ...]:
    splits = tuple(s.strip() for s in value.split(",") if s.strip())
    if not splits:
        raise argparse.ArgumentTypeError("name at least one split, e.g. --splits train,dev")
    if FORBIDDEN & set(splits):
        raise argparse.ArgumentTypeError("the holdout split must stay unseen: train on train, dev (and test) only")
    return splits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=parse_splits, required=True, help="comma-separated training splits, e.g. train,dev")
    parser.add_argument("--cv", action="store_true", help="print cross-validated precision/recall per threshold")
    parser.add_argument("--check", type=parse_splits, help="splits to score the fitted model on (clause level), e.g. test")
    parser.add_argument("--dry-run", action="store_true", help="fit and report, do not write the model")
    args = parser.parse_args()
    texts, labels, groups = dataset(args.splits)
    print(f"{len(texts)} clauses from splits {', '.join(args.splits)}, {labels.sum()} tell a contact")
    if args.cv:
        scores = np.zeros(len(texts))
        for train, test in GroupKFold(5).split(texts, labels, groups):
            scores[test] = model().fit(texts[train], labels[train]).predict_proba(texts[test])[:, 1]
        report(labels, scores, "grouped 5-fold cross-validation:")
    fitted = model().fit(texts, labels)
    if args.check:
        overlap = set(args.check) & set(args.splits)
        if overlap:
            parser.error(f"--check {', '.join(sorted(overlap))} is also a training split")
        check_texts, check_labels, _ = dataset(args.check)
        report(check_labels, fitted.predict_proba(check_texts)[:, 1], f"on {', '.join(args.check)} ({len(check_texts)} clauses):")
    if args.dry_run:
        return
    fitted.ecoute_meta = {
        "trained": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "splits": list(args.splits), "seed": SEED,
        "clauses": int(len(texts)), "positives": int(labels.sum()), "source": "eval/journey/gold.jsonl",
    }  # fmt: skip
    OUT.parent.mkdir(parents=True, exist_ok=True)
    write_model_file(fitted, OUT)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()

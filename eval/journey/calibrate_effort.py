"""Fit the effort weights (src/ecoute/data/journey/effort_weights.yaml) on hand-annotated effort.

    .venv/bin/python eval/journey/calibrate_effort.py --splits train,dev [--write]

For every narrative of the named splits that the extractor finds contacts in,
the journey is rebuilt (``ecoute.journey.extract.extract`` with the shipped
clause model and the testimony's date) and each driver's capped input
computed (``ecoute.journey.effort.inputs``). The weights are the bounded
least-squares fit of ``hand effort - 1`` on those inputs, every weight in
``FLOOR``..``CEILING`` so that every driver keeps counting and the score stays
monotone; ``first_contact`` (always 1: the base of a story with contacts) in
0..``BASE_CEILING``. Deterministic. The ``holdout`` split is refused. Prints the fitted
weights and Spearman's ρ on the fitting splits and on ``test`` (the
development check); ``--write`` stores the weights.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

import numpy as np
from scipy.optimize import lsq_linear
from scipy.stats import spearmanr

from ecoute.journey.clauses import load_model
from ecoute.journey.cues import load_lexicons
from ecoute.journey.effort import CAPS, WEIGHTS_FILE, inputs
from ecoute.journey.extract import extract

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "src" / "ecoute" / "data" / WEIGHTS_FILE
FLOOR = 0.2
CEILING = 1.5
BASE_CEILING = 3.0


def rows(splits: set[str]) -> tuple[np.ndarray, np.ndarray]:
    lexicons, model = load_lexicons(), load_model()
    features, targets = [], []
    for line in (HERE / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        if gold["split"] not in splits:
            continue
        written = date.fromisoformat(gold["date"]) if gold["date"] else None
        journey = extract(gold["text"], gold["lang"], written, lexicons, clause_model=model)
        if not journey["events"]:
            continue  # effort from the wording only: not these weights
        found = inputs(journey, journey["_norm"], lexicons[gold["lang"]])
        features.append([min(CAPS[k], max(0.0, found[k][0])) for k in CAPS])
        targets.append(gold["effort"] - 1.0)
    return np.array(features), np.array(targets)


def predict(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return np.clip(1.0 + x @ weights, 1.0, 7.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", required=True, help="comma-separated fitting splits, e.g. train,dev")
    parser.add_argument("--write", action="store_true", help=f"write the weights to {OUT.name}")
    args = parser.parse_args()
    splits = {s.strip() for s in args.splits.split(",") if s.strip()}
    if {"holdout", "holdout2"} & set(splits):
        parser.error("the holdout split must stay unseen: fit on train, dev (and test) only")
    x, y = rows(splits)
    lower = [0.0 if name == "first_contact" else FLOOR for name in CAPS]
    upper = [BASE_CEILING if name == "first_contact" else CEILING for name in CAPS]
    fit = lsq_linear(x, y, bounds=(lower, upper))
    weights = np.round(fit.x, 2)
    print(f"{len(y)} narratives with contacts from {', '.join(sorted(splits))}")
    for name, w in zip(CAPS, weights):
        print(f"  {name:<18} {w:.2f}")
    print(f"Spearman on the fitting splits: {spearmanr(predict(x, weights), y + 1).statistic:.3f}")
    if "test" not in splits:
        tx, ty = rows({"test"})
        print(f"Spearman on test ({len(ty)} with contacts): {spearmanr(predict(tx, weights), ty + 1).statistic:.3f}")
    if args.write:
        lines = [
            "# Effort weights: contribution of each driver per unit of its (capped) input.",
            "# See ecoute/journey/effort.py for the drivers and caps. Fitted by",
            f"# eval/journey/calibrate_effort.py --splits {','.join(sorted(splits))} (bounded least squares,",
            f"# each weight in [{FLOOR}, {CEILING}], first_contact in [0, {BASE_CEILING}]) on {len(y)} narratives;",
            "# every weight must be >= 0.",
            "weights:",
            *(f"  {name}: {w:.2f}" for name, w in zip(CAPS, weights)),
        ]
        OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()

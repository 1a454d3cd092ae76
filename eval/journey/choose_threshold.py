"""Choose the clause model's threshold by cross-validation over the train parts, at journey level.

    .venv/bin/python eval/journey/choose_threshold.py

The `train` split is made of parts annotated one after the other (ids with
`trn`, `trn2`, `trn3`, `trn4`). For each later part, the clause model is
fitted (same settings as `tools/train_journey_clauses.py`) on every other
narrative of `train`, `dev` and `test`, and the real pipeline's journeys on that
part are scored as `check.py` scores them, for each threshold. The pooled
recall, precision and F1 per threshold chose `THRESHOLD` in
`ecoute.journey.clauses`. The held-out splits are never read.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1] / "tools")]

import check  # noqa: E402
import train_journey_clauses as training  # noqa: E402

import ecoute.journey.extract as extract  # noqa: E402

PARTS = ("trn2", "trn3", "trn4")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
FITTING = ("train", "dev", "test")


def main() -> None:
    gold = check.load_gold("all")
    pipeline = check._pipeline()
    journey = next(c for c in pipeline.components if c.name == "journey")
    journey.ensure_warm()
    pooled: dict[float, Counter] = {t: Counter() for t in THRESHOLDS}
    for part in PARTS:
        held = [g for g in gold if f"-{part}-" in g["id"]]
        fitting = [g for g in gold if g["split"] in FITTING and f"-{part}-" not in g["id"]]
        texts, labels = training.clauses_of(fitting)
        journey.clause_model = training.model().fit(texts, labels)
        for threshold in THRESHOLDS:
            extract.THRESHOLD = threshold
            counts = check.score(held, check.analyse(held, pipeline))["counts"]
            pooled[threshold].update({k: counts[k] for k in ("matched", "gold_events", "predicted_events")})
            print(f"{part}: {len(held)} narratives, threshold {threshold}: recall "
                  f"{counts['matched'] / counts['gold_events']:.3f}, precision "
                  f"{counts['matched'] / max(1, counts['predicted_events']):.3f}", flush=True)
    for threshold, c in pooled.items():
        recall, precision = c["matched"] / c["gold_events"], c["matched"] / max(1, c["predicted_events"])
        print(f"pooled, threshold {threshold}: recall {recall:.3f}, precision {precision:.3f}, "
              f"F1 {2 * recall * precision / (recall + precision):.3f}")


if __name__ == "__main__":
    main()

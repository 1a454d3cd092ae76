"""Learning the operator's own labels from labelled history.

`ecoute train --label COLUMN FILE` reads FILE with the same readers as an
import (any format; the label is one of the columns kept as metadata), learns
a TextClassifier and saves it as a versioned model file; `ecoute evaluate`
measures a model on another labelled file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from ecoute.errors import BadOption
from ecoute.ingest import iter_inputs
from ecoute.ingest.model import RawRecord, ReadOptions


@dataclass(slots=True)
class Labelled:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    skipped: int = 0  # rejected records, or records without the label


def read_labelled(paths: Sequence[str], label: str, options: ReadOptions) -> Labelled:
    data = Labelled()
    for entry in iter_inputs(paths, options):
        value = entry.metadata.get(label) if isinstance(entry, RawRecord) else None
        if value in (None, ""):
            data.skipped += 1
            continue
        data.texts.append(entry.text)
        data.labels.append(str(value))
    if not data.texts:
        raise BadOption(option="--label", detail=f"no record has a value in column {label!r}", command="train")
    from ecoute.services.analysis import protect_texts

    data.texts = protect_texts(data.texts)  # models learn from, and carry, pseudonymised text only
    return data


def models_dir() -> Path:
    from ecoute.config import Settings

    return Settings.home_from_env() / "models"


def next_model_path(label: str) -> Path:
    """models/<label>-v<N>.joblib, N one more than the latest."""
    safe = re.sub(r"[^\w\-]+", "_", label).strip("_") or "label"
    folder = models_dir()
    versions = [int(m.group(1)) for p in folder.glob(f"{safe}-v*.joblib") if (m := re.search(r"-v(\d+)\.joblib$", p.name))]
    return folder / f"{safe}-v{max(versions, default=0) + 1}.joblib"


def train(paths: Sequence[str], label: str, options: ReadOptions, encoder: str | None = None, out: Path | None = None) -> tuple[Path, dict[str, Any]]:
    from ecoute.understanding.textclf import TextClassifier, save

    data = read_labelled(paths, label, options)
    if len(set(data.labels)) < 2:
        raise BadOption(option="--label", detail=f"column {label!r} holds a single value", command="train")
    counts: dict[str, int] = {}
    for value in data.labels:
        counts[value] = counts.get(value, 0) + 1
    folds = max(2, min(5, min(counts.values())))
    model = TextClassifier(encoder=encoder, folds=folds).fit(data.texts, data.labels)
    model.label = label
    model.trained_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    model.training_size = len(data.texts)
    path = out or next_model_path(label)
    path.parent.mkdir(parents=True, exist_ok=True)
    save(model, path)
    summary = {"model": str(path), "label": label, "records": len(data.texts), "skipped": data.skipped, "classes": len(counts), "encoder": encoder}
    return path, summary


def latest_model(label: str) -> Path:
    from ecoute.errors import NotFound

    safe = re.sub(r"[^\w\-]+", "_", label).strip("_") or "label"
    found = sorted(models_dir().glob(f"{safe}-v*.joblib"), key=lambda p: int(re.search(r"-v(\d+)\.joblib$", p.name).group(1)))
    if not found:
        raise NotFound(kind="model for label", id=label, listing=f"train --label {label} FILE")
    return found[-1]


def evaluate(paths: Sequence[str], label: str, options: ReadOptions, model_path: Path | None = None) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    from ecoute.understanding.textclf import load

    path = model_path or latest_model(label)
    model = load(path)
    data = read_labelled(paths, label, options)
    predicted, _ = model.predict(data.texts)
    predicted = [str(p) for p in predicted]
    classes = sorted(set(data.labels) | set(predicted))
    matrix = confusion_matrix(data.labels, predicted, labels=classes)
    return {
        "model": str(path),
        "records": len(data.texts),
        "skipped": data.skipped,
        "accuracy": float(accuracy_score(data.labels, predicted)),
        "macro_f1": float(f1_score(data.labels, predicted, average="macro")),
        "classes": classes,
        "confusion": matrix.tolist(),
    }


def dumps(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False)

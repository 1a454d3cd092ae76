"""The operator's own labels (owner team, product, intent…), from the models
that `ecoute train` wrote to ``$ECOUTE_HOME/models`` (the latest version of
each label). No model, no label: the record's ``labels`` stays empty."""

from __future__ import annotations

import re

from ecoute.pipeline.core import Component, Item, component


@component("labels", version=1, assigns=("labels",), default_config={"models_dir": None})
class Labels(Component):
    def warm_up(self) -> None:
        from pathlib import Path

        from ecoute.services.training import models_dir
        from ecoute.understanding.textclf import load

        folder = Path(self.config["models_dir"]) if self.config["models_dir"] else models_dir()
        latest: dict[str, tuple[int, Path]] = {}
        for path in folder.glob("*-v*.joblib") if folder.exists() else []:
            match = re.fullmatch(r"(.+)-v(\d+)\.joblib", path.name)
            if match and int(match.group(2)) > latest.get(match.group(1), (0, path))[0]:
                latest[match.group(1)] = (int(match.group(2)), path)
        self.models = {label: (path.stem, load(path)) for label, (_, path) in sorted(latest.items())}

    def run(self, items: list[Item]) -> None:
        for item in items:
            item.fields["labels"] = {}
        if not items:
            return
        texts = [item.text for item in items]
        for label, (name, model) in self.models.items():
            values, confidences = model.predict(texts)
            for item, value, confidence in zip(items, values, confidences):
                item.fields["labels"][label] = {"value": str(value), "confidence": round(float(confidence), 3), "model": name}

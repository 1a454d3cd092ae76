"""Sentiment of the whole testimony and of each sentence.

A calibrated TF-IDF model of ratings (ecoute.understanding.textclf), trained
on French reviews and shipped in the package. The label is ``mixed`` when a
testimony of several sentences holds clearly positive and clearly negative
sentences and its overall score stays moderate. Languages without a model
(English, for now) keep ``sentiment: null``: no invented values.
"""

from __future__ import annotations

from importlib import resources

from ecoute.pipeline.core import Component, Item, component

MODELS = {"fr": "models/sentiment_fr_v1.joblib"}


@component(
    "sentiment",
    version=1,
    assigns=("sentiment", "sentences.sentiment"),
    default_config={"mixed_min": 0.6, "mixed_max_abs_score": 0.6},
)
class Sentiment(Component):
    def warm_up(self) -> None:
        from ecoute.understanding.textclf import load

        self.models = {}
        for language, name in MODELS.items():
            with resources.as_file(resources.files("ecoute.data").joinpath(name)) as path:
                self.models[language] = load(path)

    def run(self, items: list[Item]) -> None:
        for language, model in self.models.items():
            group = [item for item in items if item.fields.get("language") == language]
            if not group:
                continue
            whole = model.predict([item.text for item in group])
            sentence_texts = [s["text"] for item in group for s in item.fields.get("sentences", [])]
            by_sentence = iter(model.predict(sentence_texts))
            for item, result in zip(group, whole):
                sentences = item.fields.get("sentences", [])
                scored = [next(by_sentence) for _ in sentences]
                for sentence, score in zip(sentences, scored):
                    sentence["sentiment"] = {"label": score["polarity"], "score": round(score["score"], 3)}
                label = result["polarity"]
                if (
                    len(scored) > 1
                    and max(s["p_positive"] for s in scored) >= self.config["mixed_min"]
                    and max(s["p_negative"] for s in scored) >= self.config["mixed_min"]
                    and abs(result["score"]) <= self.config["mixed_max_abs_score"]
                ):
                    label = "mixed"
                item.fields["sentiment"] = {"label": label, "score": round(result["score"], 3)}

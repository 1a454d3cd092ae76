"""Sentiment of the whole testimony and of each sentence.

- **French**: a calibrated TF-IDF model of ratings
  (:class:`ecoute.understanding.textclf.SentimentModel`) trained on French
  insurance reviews by ``tools/train_sentiment.py``:
  ``models/sentiment_fr_v2.pkl``. The whole testimonies of several
  sentences it is least sure of (about 15 %) also go, in one batched call, to
  the multilingual USE encoder, whose model is stacked with the TF-IDF one;
  sentences (and a one-sentence text, which is its sentence) stay TF-IDF only.
- **English**: cross-lingual transfer. No labelled English reviews exist
  here, so a logistic regression of ratings on the multilingual Universal
  Sentence Encoder embedding (:class:`~ecoute.understanding.textclf.EmbeddingSentimentModel`),
  trained on the same French reviews by ``tools/train_sentiment_en.py``,
  scores English text, which the encoder maps to the same space:
  ``models/sentiment_en_use_v2.pkl``. The whole texts, then their
  sentences, go to the encoder in batched calls; the encoder loads in
  ``warm_up`` when a model uses it.
  Measured on the hand-labelled ``eval/sentiment_en/gold.jsonl`` by
  ``make eval``.
- Other languages keep ``sentiment: null``: no invented values.

The label is ``mixed`` when a testimony of several sentences holds clearly
positive and clearly negative sentences and its overall score stays moderate.

**Irony** (``data/lexicon/sentiment_rules.yaml``, :mod:`ecoute.understanding.irony`):
a sentence the models do not call negative but the rules find ironic —
"Merci pour rien !", "Bravo pour rien", "Thanks for nothing", "Great job,
you charged me twice" — is made negative (score at most ``score`` of the
file, −0.6), and so is the whole text when it was not negative (or
``mixed``, when a clearly positive sentence that is not ironic remains). The
rules reuse the ironic cues, complaint rules and sarcastic formulas of
``data/lexicon/emotions.yaml``. ``irony: false`` in the settings turns them off.
"""

from __future__ import annotations

from ecoute.pipeline.core import Component, Item, component

MODELS = {"fr": "models/sentiment_fr_v2.pkl", "en": "models/sentiment_en_use_v2.pkl"}


@component(
    "sentiment",
    version=3,
    assigns=("sentiment", "sentences.sentiment"),
    default_config={"mixed_min": 0.6, "mixed_max_abs_score": 0.6, "irony": True},
)
class Sentiment(Component):
    def warm_up(self) -> None:
        from ecoute.understanding.textclf import shipped

        self.models = {language: shipped(name) for language, name in MODELS.items()}
        if any(getattr(model, "encoder", None) for model in self.models.values()):
            from ecoute.understanding.encoders import encode

            encode(["warm up"])  # loads the sentence encoder now, not on the first unsure text
        self.irony = None
        if self.config["irony"]:
            from ecoute.understanding.irony import load_rules

            self.irony = load_rules()

    def run(self, items: list[Item]) -> None:
        for language, model in self.models.items():
            group = [item for item in items if item.fields.get("language") == language]
            if not group:
                continue
            # Whole texts: the unsure ones are refined by the encoder (batched); sentences: the model's cheap path.
            # A one-sentence text is its sentence: it takes the sentence's result, so the two never disagree.
            several = [len(item.fields.get("sentences", [])) != 1 for item in group]
            refined = iter(model.predict([item.text for item, many in zip(group, several) if many], refine=True))
            by_sentence = iter(model.predict([s["text"] for item in group for s in item.fields.get("sentences", [])]))
            for item, many in zip(group, several):
                sentences = item.fields.get("sentences", [])
                scored = [dict(next(by_sentence)) for _ in sentences]
                result = dict(next(refined) if many else scored[0])
                ironic = self._ironic(item, language, sentences, scored, result)
                for k, score in enumerate(scored):
                    if k in ironic:
                        score.update(polarity="negative", score=min(score["score"], self.irony.score), ironic=True)
                        score["p_negative"] = max(score["p_negative"], self.config["mixed_min"])
                    sentences[k]["sentiment"] = {"label": score["polarity"], "score": round(score["score"], 3)}
                label = result["polarity"]
                if ironic and label != "negative":
                    result["score"] = min(result["score"], self.irony.score)
                    label = "negative"
                if (
                    len(scored) > 1
                    and max((s["p_positive"] for s in scored if not s.get("ironic")), default=0.0) >= self.config["mixed_min"]
                    and max(s["p_negative"] for s in scored) >= self.config["mixed_min"]
                    and abs(result["score"]) <= self.config["mixed_max_abs_score"]
                ):
                    label = "mixed"
                item.fields["sentiment"] = {"label": label, "score": round(result["score"], 3)}

    def _ironic(self, item: Item, language: str, sentences: list[dict], scored: list[dict], result: dict) -> set[int]:
        """Indexes of the sentences the irony rules make negative (all of them
        stand for the whole text when it has no sentences)."""
        if self.irony is None:
            return set()
        if not sentences:
            if result["polarity"] == "negative":
                return set()
            found = self.irony.ironic_sentences(item.text, language, [(0, len(item.text))], [0])
            return {-1} if found else set()
        asked = [k for k, s in enumerate(scored) if s["polarity"] != "negative"]
        if not asked:
            return set()
        spans = [(s["start"], s["end"]) for s in sentences]
        return self.irony.ironic_sentences(item.text, language, spans, asked, neighbours=result["score"] <= 0)

"""Language detection with py3langid (97 languages, model shipped in the wheel).

French and English are the product's languages, so short, ambiguous texts
("Bof", "Super service") are settled between those two; anything else is
reported as the language it is when the detector is confident, and as
``None`` when the text holds too few letters to tell. The confidence says
how much to trust the answer: 0.5 means "the default language, by lack of
evidence".
"""

from __future__ import annotations

from ecoute.pipeline.core import Component, Item, component

_PRIMARY = ("fr", "en")


@component(
    "language",
    version=1,
    assigns=("language", "language_confidence"),
    default_config={"min_letters": 3, "short_text_letters": 40, "confident": 0.8, "default": "fr"},
)
class LanguageDetector(Component):
    def warm_up(self) -> None:
        from importlib.metadata import version

        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

        from ecoute.pipeline.disk_cache import cached_object, file_stamp

        # One model (it weighs about 140 MB in memory): the French-or-English
        # reading is the full distribution renormalised over those two. Its
        # tables are unpacked once, then read back from the cache.
        self._any = cached_object(
            "langid", [version("py3langid"), file_stamp(MODEL_DIR / MODEL_FILE)],
            lambda: LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True),
        )

    def detect(self, text: str) -> tuple[str | None, float | None]:
        letters = sum(ch.isalpha() for ch in text[:2000])
        if letters < self.config["min_letters"]:
            return None, None
        sample = text[:5000]
        if sample.isupper():
            sample = sample.lower()  # the character model is trained on mixed case
        lang, prob = self._any.classify(sample)
        if lang in _PRIMARY:
            return lang, round(float(prob), 3)
        if letters < self.config["short_text_letters"] or prob < self.config["confident"]:
            # Too short or unsure to name a third language: settle between the
            # product's languages, and on the operator's default when even
            # that is a coin toss ("Bof", "Top").
            alt, alt_prob = self._primary(sample)
            if alt_prob >= 0.9:
                return alt, round(float(alt_prob) * 0.9, 3)
            return self.config["default"], 0.5
        return lang, round(float(prob), 3)

    def _primary(self, text: str) -> tuple[str, float]:
        scores = dict(self._any.rank(text))
        total = sum(scores.get(lang, 0.0) for lang in _PRIMARY)
        if total <= 0:
            return self.config["default"], 0.5
        best = max(_PRIMARY, key=lambda lang: scores.get(lang, 0.0))
        return best, float(scores.get(best, 0.0)) / total

    def run(self, items: list[Item]) -> None:
        for item in items:
            item.fields["language"], item.fields["language_confidence"] = self.detect(item.text)

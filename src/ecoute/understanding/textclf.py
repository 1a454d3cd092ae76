"""Text classifiers: sentiment from ratings, and any label from labelled history.

Recipe v1 (research/sentiment/REPORT.md has every configuration tried):

- features: TF-IDF of word 1–2 grams (with negation marking: "pas du tout
  satisfait" also yields ``neg_du neg_tout neg_satisfait``) and of character
  2–5 grams, on lower-cased text with elongations squeezed;
- base model: a linear SVM on the label (for sentiment, the 1–5 rating);
- calibration: a logistic regression fitted on the SVM's 5-fold
  out-of-fold decision values, which turns them into probabilities;
- sentiment: P(negative) = P(1) + P(2), P(neutral) = P(3), P(positive) =
  P(4) + P(5); the polarity takes a per-class bias tuned on the training
  set's out-of-fold probabilities; the rating is the median of P(1..5); the
  score is P(positive) − P(negative).

Models are saved with joblib together with the recipe and scikit-learn
versions; loading a model of another recipe is refused.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any, Sequence

import numpy as np

RECIPE_VERSION = 1
SEED = 0
POLARITIES = ("negative", "neutral", "positive")

_ELONGATION = re.compile(r"(\w)\1{2,}")
_REPEATED_PUNCTUATION = re.compile(r"([!?.])\1+")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_NEGATIONS = {"pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "guère", "not", "no", "never"}
_NEGATION_STOPS = set(".,;:!?") | {"mais", "et", "car", "but"}


def normalise(text: str) -> str:
    folded = str(text).lower().replace("\u2019", "'").replace("`", "'")
    return _REPEATED_PUNCTUATION.sub(r"\1\1", _ELONGATION.sub(r"\1\1", folded))


def normalise_with_negation(text: str, scope: int = 3) -> str:
    """``normalise`` plus ``neg_`` copies of the words that follow a negation."""
    folded = normalise(text)
    extra: list[str] = []
    remaining = 0
    for token in _TOKEN.findall(folded):
        if token in _NEGATION_STOPS:
            remaining = 0
            continue
        if remaining > 0:
            extra.append("neg_" + token)
            remaining -= 1
        if token in _NEGATIONS:
            remaining = scope
    return folded + (" " + " ".join(extra) if extra else "")


def _features(negation: bool):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    common = dict(min_df=2, max_df=0.9, sublinear_tf=True, dtype=np.float32)
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    preprocessor=normalise_with_negation if negation else normalise,
                    analyzer="word",
                    ngram_range=(1, 2),
                    token_pattern=r"(?u)\b\w+\b",
                    **common,
                ),
            ),
            ("chars", TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(2, 5), **common)),
        ]
    )


def _decisions(model: Any, features: Any) -> np.ndarray:
    values = model.decision_function(features)
    return values[:, None] if values.ndim == 1 else values


def _calibrator(C: float):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))


class TextClassifier:
    """Learns any label from texts: TF-IDF (optionally with sentence-encoder
    embeddings beside it), linear SVM, calibrated probabilities."""

    encoder: str | None = None  # class defaults: models saved before these options existed still load
    encoder_weight: float = 2.0

    def __init__(
        self,
        C: float = 0.3,
        calibration_C: float = 1.0,
        folds: int = 5,
        negation: bool = True,
        encoder: str | None = None,
        encoder_weight: float = 2.0,
    ) -> None:
        self.C, self.calibration_C, self.folds, self.negation = C, calibration_C, folds, negation
        self.encoder, self.encoder_weight = encoder, encoder_weight
        self.recipe_version = RECIPE_VERSION

    def _matrix(self, texts: list[str], fit: bool = False):
        X = self.vectoriser.fit_transform(texts) if fit else self.vectoriser.transform(texts)
        if self.encoder:
            from scipy import sparse

            from ecoute.understanding.encoders import encode

            X = sparse.hstack([X, sparse.csr_matrix(encode(texts, self.encoder) * self.encoder_weight)]).tocsr()
        return X

    def fit(self, texts: Sequence[str], labels: Sequence[Any]) -> TextClassifier:
        from sklearn.model_selection import StratifiedKFold, cross_val_predict
        from sklearn.svm import LinearSVC

        texts = [str(t) for t in texts]
        y = np.asarray(labels)
        self.vectoriser = _features(self.negation)
        X = self._matrix(texts, fit=True)
        splits = list(StratifiedKFold(self.folds, shuffle=True, random_state=SEED).split(texts, y))
        out_of_fold = None
        for train_index, test_index in splits:
            values = _decisions(LinearSVC(C=self.C).fit(X[train_index], y[train_index]), X[test_index])
            if out_of_fold is None:
                out_of_fold = np.zeros((X.shape[0], values.shape[1]), np.float32)
            out_of_fold[test_index] = values
        self.svm = LinearSVC(C=self.C).fit(X, y)
        self.calibration = _calibrator(self.calibration_C).fit(out_of_fold, y)
        self.classes_ = self.calibration.classes_
        # Out-of-fold probabilities, to tune decisions without touching any evaluation split.
        self.oof_proba_ = cross_val_predict(
            _calibrator(self.calibration_C), out_of_fold, y,
            cv=StratifiedKFold(5, shuffle=True, random_state=SEED + 1), method="predict_proba",
        )  # fmt: skip
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.calibration.predict_proba(_decisions(self.svm, self._matrix([str(t) for t in texts])))

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Labels (the SVM's choice: calibrating the choice itself costs accuracy
        with many classes) and the calibrated probability of each."""
        values = _decisions(self.svm, self._matrix([str(t) for t in texts]))
        probabilities = self.calibration.predict_proba(values)
        best = values.argmax(1)
        return self.svm.classes_[best], probabilities[np.arange(len(best)), best]


def _polarity_probabilities(P: np.ndarray) -> np.ndarray:
    return np.stack([P[:, 0] + P[:, 1], P[:, 2], P[:, 3] + P[:, 4]], 1)


def _tune_bias(P: np.ndarray, y: np.ndarray) -> np.ndarray:
    from sklearn.metrics import f1_score

    best_f1, best = -1.0, np.zeros(3)
    for neutral in np.linspace(-0.5, 1.5, 21):
        for positive in np.linspace(-0.6, 0.6, 13):
            bias = np.array([0.0, neutral, positive])
            f1 = f1_score(y, (np.log(P + 1e-12) + bias).argmax(1), average="macro")
            if f1 > best_f1 + 1e-9:
                best_f1, best = f1, bias
    return best


class SentimentModel:
    """Polarity, score and rating from a model of 1–5 ratings."""

    def __init__(self, negation: bool = True) -> None:
        self.classifier = TextClassifier(negation=negation)
        self.recipe_version = RECIPE_VERSION

    def fit(self, texts: Sequence[str], ratings: Sequence[int]) -> SentimentModel:
        ratings = np.asarray(ratings).astype(int)
        if set(np.unique(ratings)) != {1, 2, 3, 4, 5}:
            raise ValueError("ratings must cover 1..5")
        self.classifier.fit(texts, ratings)
        polarity = np.where(ratings <= 2, 0, np.where(ratings == 3, 1, 2))
        self.bias = _tune_bias(_polarity_probabilities(self.classifier.oof_proba_), polarity)
        return self

    def predict(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """For each text: polarity, score (−1..1), rating (1–5), p_negative/p_neutral/p_positive."""
        if not texts:
            return []
        return _sentiment_outputs(self.classifier.predict_proba(texts), self.bias)


class EmbeddingSentimentModel:
    """Polarity, score and rating from sentence-encoder embeddings (USE).

    A multinomial logistic regression of 1–5 ratings on the 512-d multilingual
    USE embedding; the outputs are those of :class:`SentimentModel`. Trained
    on French reviews, it scores any language the encoder maps to the same
    space (cross-lingual transfer: ecoute uses it for English). The polarity
    bias is tuned on the training set's out-of-fold probabilities, as for
    :class:`SentimentModel`. The encoder itself is never pickled.
    """

    def __init__(self, C: float = 1.0, encoder: str = "use") -> None:
        self.C, self.encoder = C, encoder
        self.recipe_version = RECIPE_VERSION

    def fit_embeddings(self, X: np.ndarray, ratings: Sequence[int]) -> EmbeddingSentimentModel:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

        ratings = np.asarray(ratings).astype(int)
        if set(np.unique(ratings)) != {1, 2, 3, 4, 5}:
            raise ValueError("ratings must cover 1..5")
        model = LogisticRegression(C=self.C, max_iter=3000)
        oof = cross_val_predict(model, X, ratings, cv=StratifiedKFold(5, shuffle=True, random_state=SEED), method="predict_proba")
        polarity = np.where(ratings <= 2, 0, np.where(ratings == 3, 1, 2))
        self.bias = _tune_bias(_polarity_probabilities(oof), polarity)
        self.classifier = model.fit(X, ratings)
        return self

    def fit(self, texts: Sequence[str], ratings: Sequence[int]) -> EmbeddingSentimentModel:
        from ecoute.understanding.encoders import encode

        return self.fit_embeddings(encode([str(t) for t in texts], self.encoder), ratings)

    def predict_embeddings(self, X: np.ndarray) -> list[dict[str, Any]]:
        if len(X) == 0:
            return []
        return _sentiment_outputs(self.classifier.predict_proba(np.asarray(X, np.float32)), self.bias)

    def predict(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """For each text: polarity, score (−1..1), rating (1–5), p_negative/p_neutral/p_positive."""
        if not texts:
            return []
        from ecoute.understanding.encoders import encode

        return self.predict_embeddings(encode([str(t) for t in texts], self.encoder))


def _sentiment_outputs(P: np.ndarray, bias: np.ndarray) -> list[dict[str, Any]]:
    """Polarity (biased argmax), score, median rating and polarity probabilities from P(rating 1..5)."""
    polar = _polarity_probabilities(P)
    chosen = (np.log(polar + 1e-12) + bias).argmax(1)
    ratings = (np.cumsum(P, 1) >= 0.5).argmax(1) + 1
    return [
        {
            "polarity": POLARITIES[k],
            "score": float(q[2] - q[0]),
            "rating": int(r),
            "p_negative": float(q[0]),
            "p_neutral": float(q[1]),
            "p_positive": float(q[2]),
        }
        for k, r, q in zip(chosen, ratings, polar)
    ]


def save(model: Any, path: str | Path) -> None:
    import joblib
    import sklearn

    joblib.dump({"recipe_version": RECIPE_VERSION, "sklearn": sklearn.__version__, "model": model}, path, compress=3)


def load(path: str | Path) -> Any:
    import joblib
    import sklearn

    blob = joblib.load(path)
    if blob.get("recipe_version") != RECIPE_VERSION:
        raise ValueError(f"{path}: model of recipe v{blob.get('recipe_version')}, code v{RECIPE_VERSION}: train it again")
    if blob.get("sklearn") != sklearn.__version__:
        warnings.warn(f"{path}: trained with scikit-learn {blob.get('sklearn')}, running {sklearn.__version__}", stacklevel=2)
    return blob["model"]

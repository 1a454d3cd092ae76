"""Text classifiers: sentiment from ratings, and any label from labelled history.

Recipe (research/sentiment/REPORT.md has every configuration tried):

- features: TF-IDF of word 1–2 grams (with negation marking: "pas du tout
  satisfait" also yields ``neg_du neg_tout neg_satisfait``) and of character
  2–5 grams, on lower-cased text with elongations squeezed;
- base model: a linear SVM on the label (for sentiment, the 1–5 rating);
- calibration: a logistic regression fitted on the SVM's 5-fold
  out-of-fold decision values, which turns them into probabilities;
- sentiment: P(negative) = P(1) + P(2), P(neutral) = P(3), P(positive) =
  P(4) + P(5); the polarity takes a per-class bias tuned on the training
  set's out-of-fold probabilities; the rating is the median of P(1..5); the
  score is P(positive) − P(negative);
- refinement (sentiment models trained with ``encoder="use"``): a logistic
  regression on the multilingual USE embedding is a second base model, and a
  second calibration stacks its out-of-fold log-probabilities with the SVM's.
  ``predict(..., refine=True)`` sends only the texts whose polarity margin is
  below a threshold (the least-sure share of training texts) to the encoder;
  the others never pay for it. Training rows may carry weights (another
  domain's reviews count more than their number).

Models are saved together with the recipe and scikit-learn versions (a plain
pickle for the shipped ``.pkl`` files, joblib for operators' ``.joblib``
files); loading a model of another recipe is refused.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from importlib import resources
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


def _fit(model: Any, X: Any, y: np.ndarray, weight: np.ndarray | None) -> Any:
    """``model.fit`` with row weights; a calibration pipeline routes them to its logistic regression."""
    if weight is None:
        return model.fit(X, y)
    if hasattr(model, "steps"):
        return model.fit(X, y, **{f"{model.steps[-1][0]}__sample_weight": weight})
    return model.fit(X, y, sample_weight=weight)


def _out_of_fold(make: Any, X: Any, y: np.ndarray, splits: list, weight: np.ndarray | None, output: Any) -> np.ndarray:
    """``output(model, rows)`` for each fold's rows, from a model fitted on the other folds."""
    result = None
    for train_index, test_index in splits:
        values = output(_fit(make(), X[train_index], y[train_index], None if weight is None else weight[train_index]), X[test_index])
        if result is None:
            result = np.zeros((X.shape[0], values.shape[1]), np.float32)
        result[test_index] = values
    return result


def _predict_proba(model: Any, X: Any) -> np.ndarray:
    return model.predict_proba(X)


def _log_proba(model: Any, X: Any) -> np.ndarray:
    return model.predict_log_proba(X)


def _calibrated_out_of_fold(D: np.ndarray, y: np.ndarray, C: float, weight: np.ndarray | None) -> np.ndarray:
    """Out-of-fold probabilities of the calibration itself, to tune decisions without touching any evaluation split."""
    from sklearn.model_selection import StratifiedKFold

    splits = list(StratifiedKFold(5, shuffle=True, random_state=SEED + 1).split(D, y))
    return _out_of_fold(lambda: _calibrator(C), D, y, splits, weight, _predict_proba)


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

    def fit(self, texts: Sequence[str], labels: Sequence[Any], sample_weight: Sequence[float] | None = None) -> TextClassifier:
        from sklearn.model_selection import StratifiedKFold
        from sklearn.svm import LinearSVC

        texts = [str(t) for t in texts]
        y = np.asarray(labels)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.vectoriser = _features(self.negation)
        X = self._matrix(texts, fit=True)
        self.splits_ = list(StratifiedKFold(self.folds, shuffle=True, random_state=SEED).split(texts, y))
        out_of_fold = _out_of_fold(lambda: LinearSVC(C=self.C), X, y, self.splits_, weight, _decisions)
        self.svm = _fit(LinearSVC(C=self.C), X, y, weight)
        self.calibration = _fit(_calibrator(self.calibration_C), out_of_fold, y, weight)
        self.classes_ = self.calibration.classes_
        self.oof_decisions_ = out_of_fold
        self.oof_proba_ = _calibrated_out_of_fold(out_of_fold, y, self.calibration_C, weight)
        return self

    def __getstate__(self) -> dict:
        # The folds' decisions serve training only: they would make the model file several times larger.
        return {k: v for k, v in self.__dict__.items() if k not in ("oof_decisions_", "splits_")}

    def decisions(self, texts: Sequence[str]) -> np.ndarray:
        """The SVM's decision values (one column per class)."""
        return _decisions(self.svm, self._matrix([str(t) for t in texts]))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.calibration.predict_proba(self.decisions(texts))

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Labels (the SVM's choice: calibrating the choice itself costs accuracy
        with many classes) and the calibrated probability of each."""
        values = self.decisions(texts)
        probabilities = self.calibration.predict_proba(values)
        best = values.argmax(1)
        return self.svm.classes_[best], probabilities[np.arange(len(best)), best]


def _polarity_probabilities(P: np.ndarray) -> np.ndarray:
    return np.stack([P[:, 0] + P[:, 1], P[:, 2], P[:, 3] + P[:, 4]], 1)


def _polarity_of_ratings(ratings: np.ndarray) -> np.ndarray:
    return np.where(ratings <= 2, 0, np.where(ratings == 3, 1, 2))


def _ratings(ratings: Sequence[int]) -> np.ndarray:
    ratings = np.asarray(ratings).astype(int)
    if set(np.unique(ratings)) != {1, 2, 3, 4, 5}:
        raise ValueError("ratings must cover 1..5")
    return ratings


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


def _margin(P: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Distance, in biased log-probability, between the chosen polarity and the next one."""
    ranked = np.sort(np.log(_polarity_probabilities(P) + 1e-12) + bias, 1)
    return ranked[:, -1] - ranked[:, -2]


class SentimentModel:
    """Polarity, score and rating from a model of 1–5 ratings, optionally
    refined by a sentence encoder on the texts it is least sure of."""

    encoder: str | None = None  # class defaults: v1 files, saved before refinement existed, still load
    training_sources: dict[str, Any] = {}

    def __init__(self, negation: bool = True, encoder: str | None = None, refine_share: float = 0.15, encoder_C: float = 1.0) -> None:
        self.classifier = TextClassifier(negation=negation)
        self.encoder, self.refine_share, self.encoder_C = encoder, refine_share, encoder_C
        self.recipe_version = RECIPE_VERSION

    def fit(
        self,
        texts: Sequence[str],
        ratings: Sequence[int],
        sample_weight: Sequence[float] | None = None,
        embeddings: np.ndarray | None = None,
    ) -> SentimentModel:
        """``embeddings``: the encoder's vectors of ``texts``, when already computed (training caches them)."""
        ratings = _ratings(ratings)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.classifier.fit(texts, ratings, sample_weight=weight)
        polarity = _polarity_of_ratings(ratings)
        cheap = self.classifier.oof_proba_
        # Weights pull the model; the polarity bias is tuned with every review counting once.
        self.bias = _tune_bias(_polarity_probabilities(cheap), polarity)
        if self.encoder:
            from sklearn.linear_model import LogisticRegression

            if embeddings is None:
                from ecoute.understanding.encoders import encode

                embeddings = encode([str(t) for t in texts], self.encoder)
            E = np.asarray(embeddings, np.float32)
            splits = self.classifier.splits_

            def encoder_model():
                return LogisticRegression(C=self.encoder_C, max_iter=3000)

            stacked = np.hstack([self.classifier.oof_decisions_, _out_of_fold(encoder_model, E, ratings, splits, weight, _log_proba)])
            self.encoder_model = _fit(encoder_model(), E, ratings, weight)
            self.refiner = _fit(_calibrator(self.classifier.calibration_C), stacked, ratings, weight)
            # Route by the cheap model's own bias; then tune the final bias on what the routed mixture predicts.
            self.route_bias = self.bias
            margins = _margin(cheap, self.route_bias)
            self.threshold = float(np.quantile(margins, self.refine_share))
            mixture = cheap.copy()
            routed = margins < self.threshold
            mixture[routed] = _calibrated_out_of_fold(stacked, ratings, self.classifier.calibration_C, weight)[routed]
            self.bias = _tune_bias(_polarity_probabilities(mixture), polarity)
        return self

    def probabilities(self, texts: Sequence[str], refine: bool = False, embeddings: np.ndarray | None = None) -> np.ndarray:
        """P(rating 1..5); ``refine``: the unsure texts also go through the encoder."""
        texts = [str(t) for t in texts]
        D = self.classifier.decisions(texts)
        P = self.classifier.calibration.predict_proba(D)
        if refine and self.encoder:
            unsure = np.flatnonzero(_margin(P, self.route_bias) < self.threshold)
            if unsure.size:
                if embeddings is None:
                    from ecoute.understanding.encoders import encode

                    E = encode([texts[i] for i in unsure], self.encoder)
                else:
                    E = np.asarray(embeddings)[unsure]
                P[unsure] = self.refiner.predict_proba(np.hstack([D[unsure], self.encoder_model.predict_log_proba(E)]))
        return P

    def predict(self, texts: Sequence[str], refine: bool = False) -> list[dict[str, Any]]:
        """For each text: polarity, score (−1..1), rating (1–5), p_negative/p_neutral/p_positive.

        ``refine=True`` (whole testimonies) sends the least-sure texts to the
        sentence encoder; the default (sentences, clauses) stays TF-IDF only."""
        if not texts:
            return []
        # The TF-IDF path alone keeps the bias tuned for it; the refined mixture has its own.
        bias = self.bias if refine or not self.encoder else self.route_bias
        return _sentiment_outputs(self.probabilities(texts, refine), bias)


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

    def fit_embeddings(self, X: np.ndarray, ratings: Sequence[int], sample_weight: Sequence[float] | None = None) -> EmbeddingSentimentModel:
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        ratings = _ratings(ratings)
        weight = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        X = np.asarray(X, np.float32)

        def model():
            return LogisticRegression(C=self.C, max_iter=3000)

        splits = list(StratifiedKFold(5, shuffle=True, random_state=SEED).split(X, ratings))
        oof = _out_of_fold(model, X, ratings, splits, weight, _predict_proba)
        self.bias = _tune_bias(_polarity_probabilities(oof), _polarity_of_ratings(ratings))
        self.classifier = _fit(model(), X, ratings, weight)
        return self

    def fit(self, texts: Sequence[str], ratings: Sequence[int]) -> EmbeddingSentimentModel:
        from ecoute.understanding.encoders import encode

        return self.fit_embeddings(encode([str(t) for t in texts], self.encoder), ratings)

    def predict_embeddings(self, X: np.ndarray) -> list[dict[str, Any]]:
        if len(X) == 0:
            return []
        return _sentiment_outputs(self.classifier.predict_proba(np.asarray(X, np.float32)), self.bias)

    def predict(self, texts: Sequence[str], refine: bool = False) -> list[dict[str, Any]]:
        """For each text: polarity, score (−1..1), rating (1–5), p_negative/p_neutral/p_positive
        (``refine`` is accepted for symmetry with :class:`SentimentModel`: every text is embedded)."""
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


def write_model_file(obj: Any, path: str | Path) -> None:
    """Write a fitted model: a plain pickle for ``.pkl`` files (what the
    package ships: read back by the C unpickler, several times faster than
    joblib's), joblib with compression for ``.joblib`` (operators' models)."""
    path = Path(path)
    if path.suffix == ".pkl":
        import pickle

        from ecoute.files import atomic_path

        with atomic_path(path) as temporary, temporary.open("wb") as out:
            pickle.dump(obj, out, protocol=5)
    else:
        import joblib

        joblib.dump(obj, path, compress=3)


def read_model_file(path: str | Path) -> Any:
    """Read what :func:`write_model_file` wrote (model files are code: read only trusted ones)."""
    path = Path(path)
    if path.suffix == ".pkl":
        import pickle

        with path.open("rb") as stream:
            return pickle.load(stream)
    import joblib

    return joblib.load(path)


def save(model: Any, path: str | Path) -> None:
    import sklearn

    write_model_file({"recipe_version": RECIPE_VERSION, "sklearn": sklearn.__version__, "model": model}, path)


def load(path: str | Path) -> Any:
    import sklearn

    blob = read_model_file(path)
    if blob.get("recipe_version") != RECIPE_VERSION:
        raise ValueError(f"{path}: model of recipe v{blob.get('recipe_version')}, code v{RECIPE_VERSION}: train it again")
    if blob.get("sklearn") != sklearn.__version__:
        warnings.warn(f"{path}: trained with scikit-learn {blob.get('sklearn')}, running {sklearn.__version__}", stacklevel=2)
    return blob["model"]


@lru_cache(maxsize=None)
def shipped(name: str) -> Any:
    """A model file shipped in ``ecoute/data`` (``models/….pkl``), read once per
    process and shared by the components that use it (read-only at inference)."""
    with resources.as_file(resources.files("ecoute.data").joinpath(name)) as path:
        return load(path)

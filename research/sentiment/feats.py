"""Text normalisation + TF-IDF featurisers (shared by experiments and the final recipe)."""
import re, unicodedata
import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

_ELONG = re.compile(r"(\w)\1{2,}")
_PUNCT_REP = re.compile(r"([!?.])\1+")
_NEG = re.compile(r"\b(ne|n'|pas|jamais|plus|rien|aucun|aucune|sans|not|no|never)\b", re.I)
_TOK = re.compile(r"\w+|[^\w\s]", re.U)

def normalise(t, elong=True):
    t = str(t).lower()
    t = t.replace("’", "'").replace("`", "'")
    if elong:
        t = _ELONG.sub(r"\1\1", t)
        t = _PUNCT_REP.sub(r"\1\1", t)
    return t

NEG_WORDS = {"pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "guère", "not", "no", "never"}
STOP_SCOPE = set(".,;:!?") | {"mais", "et", "car", "but"}

def negmark(t, scope=3):
    """'je ne suis pas du tout satisfait' -> adds tokens NEG_du NEG_tout NEG_satisfait (appended)."""
    toks = _TOK.findall(t); extra = []; k = 0
    for w in toks:
        if w in STOP_SCOPE: k = 0; continue
        if k > 0: extra.append("neg_" + w); k -= 1
        if w in NEG_WORDS: k = scope
    return t + (" " + " ".join(extra) if extra else "")

def make_tfidf(word_ng=(1, 2), char_ng=(2, 5), min_df=2, max_df=0.9, sublinear=True,
               strip_accents=None, max_feat_w=None, max_feat_c=None, char_kind="char_wb", neg=False, elong=True):
    pre = (lambda s: negmark(normalise(s, elong))) if neg else (lambda s: normalise(s, elong))
    parts = []
    if word_ng:
        parts.append(("w", TfidfVectorizer(preprocessor=pre, analyzer="word", ngram_range=word_ng,
                      token_pattern=r"(?u)\b\w+\b", min_df=min_df, max_df=max_df, sublinear_tf=sublinear,
                      strip_accents=strip_accents, max_features=max_feat_w, dtype=np.float32)))
    if char_ng:
        cpre = lambda s: normalise(s, elong)
        parts.append(("c", TfidfVectorizer(preprocessor=cpre, analyzer=char_kind, ngram_range=char_ng,
                      min_df=min_df, max_df=max_df, sublinear_tf=sublinear, strip_accents=strip_accents,
                      max_features=max_feat_c, dtype=np.float32)))
    return FeatureUnion(parts)

"""Banking77 generic recipe, selection WITHOUT the test set: (USE weight w, C) chosen on a stratified 15% hold-out
of TRAIN, then refit on full train and scored once on test."""
import json, numpy as np
from scipy import sparse
from sklearn.svm import LinearSVC
from sklearn.model_selection import train_test_split
from data import load
import ecoute_textclf as E
tr, te = load("b77_train"), load("b77_test"); y, yt = tr.intent.values, te.intent.values
U, Ut = np.load("cache/use_b77_train.npy"), np.load("cache/use_b77_test.npy")
fi, hi = train_test_split(np.arange(len(y)), test_size=0.15, random_state=0, stratify=y)
def feats(idx_fit, texts_fit, texts_other, Uf, Uo, w):
    v = E.make_features(); A = v.fit_transform(texts_fit); B = v.transform(texts_other)
    if w: A, B = sparse.hstack([A, sparse.csr_matrix(Uf * w)]).tocsr(), sparse.hstack([B, sparse.csr_matrix(Uo * w)]).tocsr()
    return A, B
grid = {}
for w in (0, 1, 2, 3):
    A, B = feats(fi, tr.text.iloc[fi], tr.text.iloc[hi], U[fi], U[hi], w)
    for C in (0.3, 1.0):
        grid[(w, C)] = (LinearSVC(C=C).fit(A, y[fi]).predict(B) == y[hi]).mean()
        print(json.dumps({"b77_holdout": f"w={w} C={C}", "acc": round(grid[(w, C)], 4)}), flush=True)
for sel in ("best_tfidf_only", "best"):
    keys = [k for k in grid if (k[0] == 0) == (sel == "best_tfidf_only")] if sel == "best_tfidf_only" else list(grid)
    w, C = max(keys, key=grid.get)
    A, B = feats(None, tr.text, te.text, U, Ut, w)
    acc = (LinearSVC(C=C).fit(A, y).predict(B) == yt).mean()
    res = {"b77": f"{sel}: tfidf(final vec) + use*{w} | LinearSVC C={C}", "holdout_acc": round(grid[(w, C)], 4), "test_acc": round(acc, 4)}
    print(json.dumps(res), flush=True); open("results_b77.jsonl", "a").write(json.dumps(res) + "\n")

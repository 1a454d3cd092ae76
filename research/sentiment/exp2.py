"""Out-of-fold (5-fold on full train) base models -> cached decision matrices for stacking.
Each base model: OOF on train, fit on full train -> dev / employee / tweets."""
import sys, os, json, time, pickle, numpy as np
from scipy import sparse
from sklearn.model_selection import StratifiedKFold
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.svm import LinearSVC
from sklearn.naive_bayes import ComplementNB
from data import load
from feats import make_tfidf
from exp_tfidf import FEATS

tr, dv, em = load("ins_train"), load("ins_dev"), load("emp")
y = tr.rating.values
skf = list(StratifiedKFold(5, shuffle=True, random_state=0).split(tr.text, y))

def feats_full(fname):
    path = f"cache/tfidf_full_{fname}.pkl"
    if os.path.exists(path): return pickle.load(open(path, "rb"))
    v = make_tfidf(**FEATS[fname]); X = v.fit_transform(tr.text)
    t = time.time(); Xd = v.transform(dv.text); rate = len(dv) / (time.time() - t)
    out = dict(X=X, Xd=Xd, Xe=v.transform(em.text), rate=rate)
    pickle.dump(out, open(path, "wb"), protocol=4); print(fname, X.shape, f"featurise {rate:.0f} texts/s", flush=True)
    return out

def use_full():
    return dict(X=np.load("cache/use_ins_train.npy"), Xd=np.load("cache/use_ins_dev.npy"), Xe=np.load("cache/use_emp.npy"))

class FrankHall:
    """ordinal: one binary classifier per threshold r>k, decision stacked (n,4)."""
    def __init__(self, make): self.make = make
    def fit(self, X, y):
        self.ms = [self.make().fit(X, (y > k).astype(int)) for k in range(1, 5)]; return self
    def decision_function(self, X): return np.column_stack([m.decision_function(X) for m in self.ms])

class Reg:
    def __init__(self, a): self.m = Ridge(alpha=a)
    def fit(self, X, y): self.m.fit(X, y.astype(float)); return self
    def decision_function(self, X): return self.m.predict(X)[:, None]

class Bin:
    """binary 1-2 vs 4-5 trained without the 3s; decision for everyone."""
    def __init__(self, make): self.make = make
    def fit(self, X, y):
        k = y != 3; self.m = self.make().fit(X[k], (y[k] >= 4).astype(int)); return self
    def decision_function(self, X): return self.m.decision_function(X)[:, None]

class Pol:
    def __init__(self, make): self.make = make
    def fit(self, X, y):
        p = np.where(y <= 2, 0, np.where(y == 3, 1, 2)); self.m = self.make().fit(X, p); return self
    def decision_function(self, X): return self.m.decision_function(X)

class LRdec:
    def __init__(self, **kw): self.m = LogisticRegression(max_iter=3000, **kw)
    def fit(self, X, y): self.m.fit(X, y); return self
    def decision_function(self, X): return self.m.predict_log_proba(X)

MODELS = {
  "svc5_C0.1": lambda: LinearSVC(C=0.1), "svc5_C0.3": lambda: LinearSVC(C=0.3),
  "fh_svc_C0.1": lambda: FrankHall(lambda: LinearSVC(C=0.1)),
  "fh_svc_C0.3": lambda: FrankHall(lambda: LinearSVC(C=0.3)),
  "ridge_a1": lambda: Reg(1.0), "ridge_a3": lambda: Reg(3.0), "ridge_a10": lambda: Reg(10.0),
  "bin_svc_C0.3": lambda: Bin(lambda: LinearSVC(C=0.3)),
  "pol_svc_C0.3_bal": lambda: Pol(lambda: LinearSVC(C=0.3, class_weight="balanced")),
  "lr5_C1": lambda: LRdec(C=1), "lr5_C4": lambda: LRdec(C=4),
  "fh_lr_C1": lambda: FrankHall(lambda: LogisticRegression(C=1, max_iter=3000)),
  "bin_lr_C1": lambda: Bin(lambda: LogisticRegression(C=1, max_iter=3000)),
}

def run(fname, mname):
    out = f"cache/oof_{fname}__{mname}.npz"
    if os.path.exists(out): return
    if fname == "use": F = use_full()
    elif "+use" in fname:
        base, w = fname.split("+use"); w = float(w); F0, U = feats_full(base), use_full()
        F = {k: sparse.hstack([F0[k], sparse.csr_matrix(U[k] * w)]).tocsr() for k in ("X", "Xd", "Xe")}
    else: F = feats_full(fname)
    X = F["X"]; t = time.time(); oof = None
    for a, b in skf:
        m = MODELS[mname]().fit(X[a], y[a]); d = m.decision_function(X[b])
        if oof is None: oof = np.zeros((len(y), d.shape[1]), np.float32)
        oof[b] = d
    m = MODELS[mname]().fit(X, y); tfit = time.time() - t
    t = time.time(); Dd = m.decision_function(F["Xd"]); tpred = time.time() - t
    np.savez(out, oof=oof, dev=Dd, emp=m.decision_function(F["Xe"]))
    pass
    print(fname, mname, f"cv+fit {tfit:.0f}s  predict {len(dv)/tpred:.0f} texts/s", flush=True)

if __name__ == "__main__":
    for mname in sys.argv[2].split(","): run(sys.argv[1], mname)

"""TF-IDF model sweep on the insurance reviews. fit on 85% of train, tune polarity bias on 15% (tune),
report dev + employee reviews. Results appended to results.jsonl."""
import sys, json, time, pickle, numpy as np, os
from scipy import sparse
from sklearn.linear_model import LogisticRegression, SGDClassifier, Ridge
from sklearn.svm import LinearSVC
from sklearn.naive_bayes import ComplementNB
from data import load, polarity, tune_split, metrics_from_proba, metrics_from_pol, tune_pol_bias
from feats import make_tfidf

tr, dv, em = load("ins_train"), load("ins_dev"), load("emp")
fi, ti = tune_split(len(tr), y=tr.rating)
ytr = tr.rating.values

FEATS = {
  "ref_w12_c25": dict(word_ng=(1, 2), char_ng=(2, 5), sublinear=False, min_df=1, char_kind="char", max_df=1.0),
  "w12_cwb25_sub": dict(word_ng=(1, 2), char_ng=(2, 5), sublinear=True, min_df=2),
  "w13_cwb15_sub": dict(word_ng=(1, 3), char_ng=(1, 5), sublinear=True, min_df=2),
  "w12_cwb25_sub_neg": dict(word_ng=(1, 2), char_ng=(2, 5), sublinear=True, min_df=2, neg=True),
  "w12_cwb25_sub_acc": dict(word_ng=(1, 2), char_ng=(2, 5), sublinear=True, min_df=2, strip_accents="unicode"),
  "w12_c36_sub": dict(word_ng=(1, 2), char_ng=(3, 6), sublinear=True, min_df=2, char_kind="char"),
}

def feats(fname):
    path = f"cache/tfidf_{fname}.pkl"
    if os.path.exists(path): return pickle.load(open(path, "rb"))
    v = make_tfidf(**FEATS[fname]); t = time.time()
    Xf = v.fit_transform(tr.text.iloc[fi]); tfit = time.time() - t
    t = time.time(); Xt = v.transform(tr.text.iloc[ti]); Xd = v.transform(dv.text); tdev = time.time() - t
    Xe = v.transform(em.text)
    out = dict(Xf=Xf, Xt=Xt, Xd=Xd, Xe=Xe, nfeat=Xf.shape[1], feat_rate=(len(ti) + len(dv)) / tdev)
    pickle.dump(out, open(path, "wb"), protocol=4); return out

def proba5(model, X):
    if hasattr(model, "predict_proba"):
        try: return model.predict_proba(X)
        except Exception: pass
    d = model.decision_function(X); d = d - d.max(1, keepdims=True); e = np.exp(d * 3)
    return e / e.sum(1, keepdims=True)

MODELS = {
  "lr5_C4": lambda: LogisticRegression(C=4, max_iter=2000),
  "lr5_C10": lambda: LogisticRegression(C=10, max_iter=2000),
  "lr5_C20": lambda: LogisticRegression(C=20, max_iter=2000),
  "lr5_C10_bal": lambda: LogisticRegression(C=10, max_iter=2000, class_weight="balanced"),
  "sgd_mh": lambda: SGDClassifier(loss="modified_huber", alpha=2e-5, max_iter=50, random_state=0),
  "svc5_C0.3": lambda: LinearSVC(C=0.3),
  "cnb": lambda: ComplementNB(alpha=0.3),
}

def run(fname, mname):
    F = feats(fname); t = time.time()
    m = MODELS[mname](); m.fit(F["Xf"], ytr[fi]); tfit = time.time() - t
    res = {"feat": fname, "model": mname, "nfeat": F["nfeat"], "fit_s": round(tfit, 1)}
    Pt = proba5(m, F["Xt"]); Pd = proba5(m, F["Xd"]); Pe = proba5(m, F["Xe"])
    Ppt = np.stack([Pt[:, 0] + Pt[:, 1], Pt[:, 2], Pt[:, 3] + Pt[:, 4]], 1)
    bias, ftune = tune_pol_bias(Ppt, ytr[ti])
    md = metrics_from_proba(Pd, dv.rating); mdb = metrics_from_proba(Pd, dv.rating, pol_bias=bias)
    me = metrics_from_proba(Pe, em.rating, pol_bias=bias)
    res.update({"dev_" + k: round(v, 4) for k, v in md.items()})
    res["dev_pol_f1_biased"] = round(mdb["pol_f1"], 4); res["bias"] = bias.round(2).tolist()
    res["dev_mae_expect"] = round(metrics_from_proba(Pd, dv.rating, mae_rule="expect")["mae"], 4)
    res["dev_mae_argmax"] = round(metrics_from_proba(Pd, dv.rating, mae_rule="argmax")["mae"], 4)
    res.update({"emp_" + k: round(v, 4) for k, v in me.items()})
    np.save(f"cache/P_{fname}__{mname}_dev.npy", Pd); np.save(f"cache/P_{fname}__{mname}_tune.npy", Pt)
    np.save(f"cache/P_{fname}__{mname}_emp.npy", Pe)
    print(json.dumps(res), flush=True)
    open("results.jsonl", "a").write(json.dumps(res) + "\n")

if __name__ == "__main__":
    fname = sys.argv[1]
    for mname in sys.argv[2].split(","):
        run(fname, mname)

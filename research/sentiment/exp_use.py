"""USE embeddings alone and concatenated with TF-IDF (fit split / tune split / dev / employee)."""
import sys, json, time, pickle, numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from data import load, tune_split, metrics_from_proba, tune_pol_bias
tr, dv, em = load("ins_train"), load("ins_dev"), load("emp")
fi, ti = tune_split(len(tr), y=tr.rating); y = tr.rating.values
U = np.load("cache/use_ins_train.npy"); Ud = np.load("cache/use_ins_dev.npy"); Ue = np.load("cache/use_emp.npy")

def soft(d, T=3):
    d = d - d.max(1, keepdims=True); e = np.exp(d * T); return e / e.sum(1, keepdims=True)

def report(name, Pt, Pd, Pe, extra={}):
    Ppt = np.stack([Pt[:, 0] + Pt[:, 1], Pt[:, 2], Pt[:, 3] + Pt[:, 4]], 1)
    bias, _ = tune_pol_bias(Ppt, y[ti])
    md = metrics_from_proba(Pd, dv.rating); mdb = metrics_from_proba(Pd, dv.rating, pol_bias=bias)
    me = metrics_from_proba(Pe, em.rating, pol_bias=bias)
    res = {"feat": name.split("|")[0], "model": name.split("|")[1], **extra}
    res.update({"dev_" + k: round(v, 4) for k, v in md.items()})
    res["dev_pol_f1_biased"] = round(mdb["pol_f1"], 4); res["bias"] = bias.round(2).tolist()
    res["dev_mae_expect"] = round(metrics_from_proba(Pd, dv.rating, mae_rule="expect")["mae"], 4)
    res.update({"emp_" + k: round(v, 4) for k, v in me.items()})
    print(json.dumps(res), flush=True); open("results.jsonl", "a").write(json.dumps(res) + "\n")
    tag = name.replace("|", "__")
    for s, P in (("tune", Pt), ("dev", Pd), ("emp", Pe)): np.save(f"cache/P_{tag}_{s}.npy", P)

mode = sys.argv[1]
if mode == "use":
    for C in (1, 4, 16):
        m = LogisticRegression(C=C, max_iter=3000).fit(U[fi], y[fi])
        report(f"use|lr5_C{C}", m.predict_proba(U[ti]), m.predict_proba(Ud), m.predict_proba(Ue))
if mode == "concat":
    F = pickle.load(open("cache/tfidf_w12_cwb25_sub.pkl", "rb"))
    for wU in (0.5, 1.0):
        Xf = sparse.hstack([F["Xf"], sparse.csr_matrix(U[fi] * wU)]).tocsr()
        Xt = sparse.hstack([F["Xt"], sparse.csr_matrix(U[ti] * wU)]).tocsr()
        Xd = sparse.hstack([F["Xd"], sparse.csr_matrix(Ud * wU)]).tocsr()
        Xe = sparse.hstack([F["Xe"], sparse.csr_matrix(Ue * wU)]).tocsr()
        m = LinearSVC(C=0.3).fit(Xf, y[fi])
        report(f"w12_cwb25_sub+use*{wU}|svc5_C0.3", soft(m.decision_function(Xt)), soft(m.decision_function(Xd)), soft(m.decision_function(Xe)))

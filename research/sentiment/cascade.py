"""Cascade: cheap TF-IDF stack for all texts; TF-IDF+USE stack only where the cheap model is unsure.
Uncertainty = margin between the top-2 polarity probabilities (after bias). Threshold chosen on TRAIN OOF."""
import json, numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline
from data import load, metrics_from_proba, tune_pol_bias
from stack import load_tags, pol
tr, dv, em = load("ins_train"), load("ins_dev"), load("emp"); y = tr.rating.values
A = ["w12_cwb25_sub__svc5_C0.3"]; B = ["w12_cwb25_sub__svc5_C0.3", "use__lr5_C1"]
def fitstack(tags):
    O, D, E = load_tags(tags); meta = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    Po = cross_val_predict(meta, O, y, cv=StratifiedKFold(5, shuffle=True, random_state=1), method="predict_proba")
    meta.fit(O, y); return Po, meta.predict_proba(D), meta.predict_proba(E)
(PoA, PdA, PeA), (PoB, PdB, PeB) = fitstack(A), fitstack(B)
biasA, _ = tune_pol_bias(pol(PoA), y)
def margin(P, b):
    lp = np.sort(np.log(pol(P) + 1e-12) + b, 1); return lp[:, -1] - lp[:, -2]
mo, md, me = margin(PoA, biasA), margin(PdA, biasA), margin(PeA, biasA)
for q in (0.0, 0.1, 0.2, 0.3, 0.5, 1.0):
    tau = np.quantile(mo, q) if q > 0 else -1
    so, sd, se = mo < tau, md < tau, me < tau
    Po = np.where(so[:, None], PoB, PoA); Pd = np.where(sd[:, None], PdB, PdA); Pe = np.where(se[:, None], PeB, PeA)
    b, _ = tune_pol_bias(pol(Po), y)
    r = metrics_from_proba(Pd, dv.rating, pol_bias=b); re = metrics_from_proba(Pe, em.rating, pol_bias=b)
    res = {"cascade_frac_train": q, "tau_logmargin": round(float(tau), 3), "dev_frac_to_use": round(sd.mean(), 3), "bias": b.round(2).tolist(),
           **{"dev_" + k: round(v, 4) for k, v in r.items()}, **{"emp_" + k: round(v, 4) for k, v in re.items()}}
    print(json.dumps(res)); open("results_cascade.jsonl", "a").write(json.dumps(res) + "\n")

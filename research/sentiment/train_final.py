"""Train the recommended recipe on full insurance TRAIN, persist, evaluate on dev + employee reviews."""
import json, sys, time, os, numpy as np
from data import load, polarity
from sklearn.metrics import f1_score, accuracy_score
import ecoute_textclf as E
tr, dv, em = load("ins_train"), load("ins_dev"), load("emp")
def evaluate(model, df, emb=None):
    P = model.proba(df.text.tolist()) if emb is None else model.clf.predict_proba(df.text.tolist(), embeddings=emb,
        unsure=(lambda P: model._margin(P, model.bias) < model.tau))
    Pp = E._pol(P); yp = polarity(df.rating); pred = (np.log(Pp + 1e-12) + model.bias).argmax(1)
    k = yp != 1; rating = (np.cumsum(P, 1) >= 0.5).argmax(1) + 1
    return dict(pol_f1=round(f1_score(yp, pred, average="macro"), 4), bin_acc=round(accuracy_score(yp[k] == 2, Pp[k, 2] > Pp[k, 0]), 4),
                mae=round(float(np.abs(rating - df.rating.values).mean()), 4))
kind = sys.argv[1]
t = time.time()
if kind in ("cheap", "cheapneg"):
    m = E.SentimentModel(negation=kind == "cheapneg").fit(tr.text, tr.rating)
else:
    frac = float(sys.argv[2])
    m = E.SentimentModel(use_encoder=True, cascade_frac=frac, negation=kind == "useneg").fit(tr.text, tr.rating, embeddings=np.load("cache/use_ins_train.npy"))
fit_s = time.time() - t
path = f"models/sentiment_{kind}{'' if kind.startswith('cheap') else sys.argv[2]}.joblib"; os.makedirs("models", exist_ok=True); E.save(m, path)
res = {"model": path, "fit_s": round(fit_s), "bias": m.bias.round(2).tolist(), "tau": m.tau, "size_MB": round(os.path.getsize(path) / 1e6, 1)}
if kind.startswith("cheap"):
    res["dev"] = evaluate(m, dv); res["emp"] = evaluate(m, em)
else:
    res["dev"] = evaluate(m, dv, np.load("cache/use_ins_dev.npy")); res["emp"] = evaluate(m, em, np.load("cache/use_emp.npy"))
    res["dev_frac_use"] = round(float((m._margin(m.clf._cheap(dv.text.tolist())[1], m.bias) < m.tau).mean()), 3)
print(json.dumps(res)); open("results_final.jsonl", "a").write(json.dumps(res) + "\n")

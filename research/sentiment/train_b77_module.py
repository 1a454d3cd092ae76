"""Banking77 with the product module (generic TextClassifier, concat mode chosen on a train hold-out), persisted + timed."""
import json, time, os, numpy as np
from data import load
import ecoute_textclf as E
tr, te = load("b77_train"), load("b77_test")
U, Ut = np.load("cache/use_b77_train.npy"), np.load("cache/use_b77_test.npy")
res = {}
for mode, kw in (("tfidf", dict(C=1.0)), ("concat", dict(use_encoder="concat", C=0.3, use_weight=2.0))):
    t = time.time(); m = E.TextClassifier(**kw).fit(tr.text, tr.intent, embeddings=U if mode == "concat" else None); fit_s = time.time() - t
    path = f"models/b77_{mode}.joblib"; E.save(m, path)
    t = time.time(); lab, conf = m.predict(te.text.tolist(), embeddings=Ut if mode == "concat" else None); pred_s = time.time() - t
    r = {"model": path, "test_acc": round(float((lab == te.intent.values).mean()), 4), "fit_s": round(fit_s),
         "size_MB": round(os.path.getsize(path) / 1e6, 1), "texts_per_s_excl_USE": round(len(te) / pred_s)}
    # accuracy when only confident predictions are kept (routing use-case)
    for q in (0.5, 0.8):
        k = conf >= q; r[f"coverage@conf>={q}"] = round(float(k.mean()), 3); r[f"acc@conf>={q}"] = round(float((lab[k] == te.intent.values[k]).mean()), 4)
    print(json.dumps(r), flush=True); open("results_b77.jsonl", "a").write(json.dumps(r) + "\n")

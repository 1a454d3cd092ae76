"""Sentiment v2 experiments: USE refinement and a second domain (employee reviews, half of them).

    .venv/bin/python research/sentiment/v2/exp.py CONFIG [CACHE]

CONFIG is NAME:ENCODER:WEIGHT:HALF — e.g. base:use:0:-, swap10:use:10:B, final10:use:10:A.
HALF A = the rows tools/train_sentiment.py trains on (in_training_half), B = the others; the model is
measured on the other half (and on all 114 rows when WEIGHT is 0). Polarity here is the model's own
(no irony rules, no `mixed`): the pipeline figures come from eval/run.py. Results go to results.jsonl.
"""

import importlib.util
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from ecoute.understanding.textclf import SentimentModel

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CACHE = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/work/scratch/sentiment_v2")
spec = importlib.util.spec_from_file_location("train_sentiment", ROOT / "tools" / "train_sentiment.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


def dataset(name):
    d = json.loads((CACHE / f"{name}.json").read_text())
    path = CACHE / f"{name}_use.npy"
    return d["id"], d["text"], np.array(d["rating"]), np.load(path) if path.exists() else None


def figures(model, texts, ratings, E, refine):
    cpu, wall = time.process_time(), time.perf_counter()
    P = model.probabilities(texts, refine=refine, embeddings=E)
    cost = time.process_time() - cpu
    # TF-IDF alone is judged with its own bias (the one the routing uses), the refined mixture with the final one.
    bias = model.route_bias if model.encoder and not refine else model.bias
    out = __import__("ecoute.understanding.textclf", fromlist=["x"])._sentiment_outputs(P, bias)
    truth = np.where(ratings <= 2, 0, np.where(ratings == 3, 1, 2))
    pol = np.array([["negative", "neutral", "positive"].index(o["polarity"]) for o in out])
    score = np.array([o["score"] for o in out])
    keep = ratings != 3
    return {
        "n": len(texts),
        "macro_f1": round(f1_score(truth, pol, average="macro"), 4),
        "binary": round(float(np.mean((score[keep] > 0) == (ratings[keep] >= 4))), 4),
        "mae": round(float(np.mean(np.abs(np.array([o["rating"] for o in out]) - ratings))), 4),
        "ms_cpu_per_text_excl_encoder": round(1000 * cost / len(texts), 3),
        "wall_s": round(time.perf_counter() - wall, 2),
    }


def tweets(model):
    sys.path.insert(0, str(ROOT / "research" / "sentiment"))
    text = open(ROOT / "research" / "sentiment" / "tweets_check.py").read()
    ids = {k: text.split(f'{k} = "')[1].split('"')[0].split() for k in ("NEG", "SARC", "NEU")}
    import csv

    rows = {r["id"]: r["text"] for r in csv.DictReader(open(ROOT.parent / "shared" / "data" / "tweets_fr_telecom" / "tweets.csv", encoding="utf-8"))}
    result = {}
    for refine in (False, True) if model.encoder else (False,):
        for k, group in ids.items():
            out = model.predict([rows[i] for i in group], refine=refine)
            result[f"{k}{'_refined' if refine else ''}"] = {
                p: sum(o["polarity"] == p for o in out) for p in ("negative", "neutral", "positive")
            } | {"score<0": sum(o["score"] < 0 for o in out), "n": len(group)}
    return result


def main():
    if sys.argv[1].startswith("file:"):  # measure a saved model (textclf.save) the same way
        return measure(sys.argv[1])
    name, encoder, weight, half = sys.argv[1].split(":")
    weight = float(weight)
    _, train_texts, train_ratings, train_E = dataset("train")
    emp_ids, emp_texts, emp_ratings, emp_E = dataset("emp")
    _, dev_texts, dev_ratings, dev_E = dataset("dev")
    in_a = np.array([tool.in_training_half(i) for i in emp_ids])
    texts, ratings, E, w = list(train_texts), train_ratings, train_E, np.ones(len(train_texts))
    held = np.ones(len(emp_ids), bool)
    if weight > 0:
        part = in_a if half == "A" else ~in_a
        held = ~part
        texts += [t for t, k in zip(emp_texts, part) if k]
        ratings = np.concatenate([ratings, emp_ratings[part]])
        E = None if E is None else np.vstack([E, emp_E[part]])
        w = np.concatenate([w, np.full(part.sum(), weight)])
    start, cpu = time.perf_counter(), time.process_time()
    model = SentimentModel(encoder=None if encoder == "none" else encoder).fit(texts, ratings, sample_weight=w, embeddings=E if encoder != "none" else None)
    result = {"config": sys.argv[1], "fit_wall_s": round(time.perf_counter() - start), "fit_cpu_s": round(time.process_time() - cpu)}
    report(result, model, held, in_a)
    import joblib

    joblib.dump(model, CACHE / f"model_{name}.joblib", compress=3)


def measure(config):
    from ecoute.understanding.textclf import load

    model = load(config[len("file:"):])
    emp_ids = dataset("emp")[0]
    in_a = np.array([tool.in_training_half(i) for i in emp_ids])
    trained = set(model.training_sources.get("employee_fr_retail/reviews.csv", []))
    held = np.array([i not in trained for i in emp_ids])
    report({"config": config, "fit_wall_s": None, "fit_cpu_s": None}, model, held, in_a)


def report(result, model, held, in_a):
    _, emp_texts, emp_ratings, emp_E = dataset("emp")
    _, dev_texts, dev_ratings, dev_E = dataset("dev")
    result |= {"bias": model.bias.round(2).tolist(), "threshold": getattr(model, "threshold", None)}
    encoder = model.encoder or "none"
    for refine in (False, True) if encoder != "none" else (False,):
        tag = "refined" if refine else "cheap"
        result[f"dev_{tag}"] = figures(model, dev_texts, dev_ratings, dev_E, refine)
        for label, mask in (("emp_held_A", held & in_a), ("emp_held_B", held & ~in_a), ("emp_held_all", held)):
            if mask.any():
                result[f"{label}_{tag}"] = figures(model, [t for t, k in zip(emp_texts, mask) if k], emp_ratings[mask], emp_E[mask], refine)
    result["tweets"] = tweets(model)
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps(result, indent=1))
    with open(HERE / "results.jsonl", "a") as handle:
        handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()

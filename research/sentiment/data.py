"""Shared data loading / splits / metrics for the sentiment experiments."""
import numpy as np, pandas as pd
from sklearn.metrics import f1_score, accuracy_score
D = "/work/shared/data"
SEED = 0

def load(name):
    if name == "ins_train": return pd.read_csv(f"{D}/reviews_fr_insurance/train.csv")
    if name == "ins_dev": return pd.read_csv(f"{D}/reviews_fr_insurance/dev.csv")
    if name == "ins_unl": return pd.read_csv(f"{D}/reviews_fr_insurance/unlabeled.csv")
    if name == "emp": return pd.read_csv(f"{D}/employee_fr_retail/reviews.csv")
    if name == "tweets": return pd.read_csv(f"{D}/tweets_fr_telecom/tweets.csv")
    if name == "b77_train": return pd.read_csv(f"{D}/intents_en_banking77/train.csv")
    if name == "b77_test": return pd.read_csv(f"{D}/intents_en_banking77/test.csv")
    raise KeyError(name)

def polarity(r):
    r = np.asarray(r); return np.where(r <= 2, 0, np.where(r == 3, 1, 2))

def tune_split(n, frac=0.15, seed=SEED, y=None):
    """indices (fit, tune) of a stratified hold-out of TRAIN used for tuning thresholds."""
    from sklearn.model_selection import train_test_split
    idx = np.arange(n)
    return train_test_split(idx, test_size=frac, random_state=seed, stratify=y)

def metrics_from_proba(P, rating, pol_bias=None, mae_rule="median"):
    """P: (n,5) probabilities over ratings 1..5. Returns dict of the three target metrics."""
    rating = np.asarray(rating)
    Pp = np.stack([P[:, 0] + P[:, 1], P[:, 2], P[:, 3] + P[:, 4]], 1)
    return metrics_from_pol(Pp, P, rating, pol_bias, mae_rule)

def rating_pred(P, rule="median"):
    if rule == "median":
        c = np.cumsum(P, 1); return (c >= 0.5).argmax(1) + 1
    if rule == "expect":
        return np.clip(np.rint(P @ np.arange(1, 6)), 1, 5).astype(int)
    if rule == "argmax":
        return P.argmax(1) + 1
    raise KeyError(rule)

def metrics_from_pol(Pp, P5, rating, pol_bias=None, mae_rule="median"):
    rating = np.asarray(rating); yp = polarity(rating)
    lp = np.log(Pp + 1e-12) + (0 if pol_bias is None else np.asarray(pol_bias))
    pred = lp.argmax(1)
    m = {"pol_f1": f1_score(yp, pred, average="macro"), "pol_acc": accuracy_score(yp, pred)}
    keep = yp != 1
    m["bin_acc"] = accuracy_score(yp[keep] == 2, (Pp[keep, 2] > Pp[keep, 0]))
    if P5 is not None:
        m["mae"] = float(np.abs(rating_pred(P5, mae_rule) - rating).mean())
    return m

def tune_pol_bias(Pp, rating, grid=np.linspace(-1.5, 1.5, 31)):
    """additive log-bias on the neutral class (and small one on pos) maximising macro-F1."""
    yp = polarity(rating); best = (-1, None)
    for bn in grid:
        for bp in np.linspace(-0.6, 0.6, 13):
            pred = (np.log(Pp + 1e-12) + np.array([0, bn, bp])).argmax(1)
            f = f1_score(yp, pred, average="macro")
            if f > best[0]: best = (f, np.array([0, bn, bp]))
    return best[1], best[0]

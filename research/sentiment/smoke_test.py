"""Offline smoke test of ecoute_textclf (run under `unshare -rn`: no network at all). Small subsets, seconds."""
import socket, tempfile, os, numpy as np
def _no_net(*a, **k): raise RuntimeError("network access attempted")
socket.socket.connect = _no_net; socket.create_connection = _no_net; socket.getaddrinfo = _no_net
import ecoute_textclf as E
from data import load
tr = load("ins_train").sample(3000, random_state=0)
for use in (False, True):
    m = E.SentimentModel(use_encoder=use).fit(tr.text, tr.rating)
    p = os.path.join(tempfile.mkdtemp(), "s.joblib"); E.save(m, p); m2 = E.load(p)
    o = m2.predict(["Le prix est correct mais le service client est nul.", "Très satisfait, je recommande."])
    assert {x["label"] for x in o} <= {"negative", "neutral", "positive", "mixed"} and all(-1 <= x["score"] <= 1 for x in o)
    print("sentiment use_encoder=%s OK" % use, [(x["label"], round(x["score"], 2), x["rating"]) for x in o])
b = load("b77_train").sample(2000, random_state=0)
c = E.TextClassifier(use_encoder="concat").fit(b.text, b.intent)
print("generic label concat OK", c.predict(["I still have not received my new card", "how do I top up by bank transfer?"]))

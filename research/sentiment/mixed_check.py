"""Per-sentence behaviour and the 'mixed' rule: examples + share of each label per dev rating."""
import sys, json, numpy as np, pandas as pd
import ecoute_textclf as E
from data import load
m = E.load(sys.argv[1])
ex = ["Le prix est correct mais le service client est nul.", "Le prix est correct.", "Le service client est nul.",
      "Très satisfait, je recommande.", "Remboursement rapide. Par contre impossible de joindre quelqu'un au téléphone.",
      "Contrat souscrit en mars.", "Je ne suis pas du tout satisfait.", "Pas mal du tout, bon rapport qualité prix.",
      "Livraison rapide, produit conforme.", "Colis jamais reçu, remboursement refusé.", "Le produit est bien mais la livraison a pris trois semaines."]
for o, t in zip(m.predict(ex), ex):
    print(json.dumps({"text": t, "label": o["label"], "score": round(o["score"], 2), "rating": o["rating"],
                      "sentences": [(s["text"], s["polarity"], round(s["score"], 2)) for s in o.get("sentences", [])]}, ensure_ascii=False))
dv = load("ins_dev"); out = m.predict(dv.text.tolist())
lab = pd.Series([o["label"] for o in out]); sc = np.array([o["score"] for o in out])
print(pd.crosstab(dv.rating, lab, normalize="index").round(3))
print("corr(score, rating) =", round(np.corrcoef(sc, dv.rating)[0, 1], 3))

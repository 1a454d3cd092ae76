"""Hand-labelled (by the experimenter, from a random sample of 90 + a keyword sample) telecom tweets:
plain complaints, sarcastic complaints ('bravo', 'génial', 'super'), neutral questions / operator posts."""
import sys, json, numpy as np, pandas as pd
import ecoute_textclf as E
NEG = "f00b676c2802 9603b7f2d36c 8d69e364373e 2360189898e2 fad05054234c effc4dec95ad 13421d48be46 5da2d9bf8de6 304abd146dcb 3656644f3505 85a476ad9378 c7cdaa18b0bf 98583e2578c6 69205ef130ee a6901bd1da9d 0d62d9aae843 55da41286698 21899cb7d7b7 f85e90b105f3 7d1f0331be7e 9a011bae7471 f1bae366ef1e ed3ae9ac7faf 6ca1b51bcb26 3fe28c5412e7 3f6fa094d2b2 7aed2b032ed9 17125d00d83c 76c314deecfc 025904fff30e 0e41444bf74f 8f4848374e2a 54b0985dd704".split()
SARC = "ec4bfb2a19cf c25a755a4836 61f305c156b0 f84ba91a3bc5 2918b6b20a4c 5b0187e0f053 1b65fc325144 20d598ce3766 96a2982eb24d b5c42bc8b039 1966fee1c784 5d804df13b11 9f4257805b83".split()
NEU = "0fbc04803fba 35e04eebc60e d24d2784cf58 85e02c90787e 15993e934dea bb6a037a1b4e e9d847a53289 2dce98379bdf 2f0977243596 42900329a928 d37d2fc080c9 e80be88993b8 0f1025fca73b e0ad614e3b04 b94d36e59631 2dd70e4dfafc 6ab519ef49db".split()
t = pd.read_csv("/work/shared/data/tweets_fr_telecom/tweets.csv").set_index("id")
m = E.load(sys.argv[1]); res = {"model": sys.argv[1]}
for name, ids in (("neg", NEG), ("sarcastic_neg", SARC), ("neutral", NEU)):
    out = m.predict(t.loc[ids].text.tolist(), sentences=False)
    pol = np.array([o["polarity"] for o in out]); sc = np.array([o["score"] for o in out])
    res[name] = {"n": len(ids), "negative": int((pol == "negative").sum()), "neutral": int((pol == "neutral").sum()),
                 "positive": int((pol == "positive").sum()), "score<0": int((sc < 0).sum())}
print(json.dumps(res)); open("results_tweets.jsonl", "a").write(json.dumps(res) + "\n")

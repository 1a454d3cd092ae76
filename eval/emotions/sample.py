"""Draw the candidate sentences of the emotion gold set (seeded, reproducible).

Usage: python3 eval/emotions/sample.py > /tmp/candidates.jsonl

Sentences come from texts the cues were NOT built from (insurance dev and
unlabeled splits, tweets, CFPB narratives, employee reviews; the cues were
read off the insurance train split). Most are drawn at random per source
(insurance reviews stratified by rating); a few are drawn among sentences
holding a trap word (merci, bravo, souci, surprise…) so that the traps are
measured on real text, and some among sentences holding a broad affect word
(triste, peur, déçu, worried…; not the shipped cues) so that the rarer
emotions are present at all. ``draw`` says which. Each candidate was then annotated by hand, without
running the component, into gold.jsonl.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

DATA = Path("/work/shared/data")
SPLIT = re.compile(r"(?<=[.!?…])\s+|\n+")
TRAPS = re.compile(r"\b(merci|bravo|souci|surprise|pas en col[eè]re|peur|thank|surpris|f[ée]licit)", re.I)
# Broad affect words (not the shipped cues) to find enough of the rarer emotions.
AFFECT = re.compile(
    r"\b(trist|peur|inqui[eè]t|angoiss|stress|d[ée][cç]u|d[ée]ception|tant pis|abandonn|[ée]tonn|surpri|d[ée]sesp"
    r"|soulag|col[eè]re|[ée]nerv|marre|craint|choqu|pleur|larme|worr|scared|afraid|disappoint|frustrat|gave up"
    r"|shock|upset|anxi|relie|angry|furious|sad\b|happy|glad)",
    re.I,
)
# The two rarest emotions, and negated cues, need a draw of their own.
RARE = re.compile(
    r"\b(tant pis|laiss\w* tomber|j'abandonne|baiss\w* les bras|r[ée]sign|plus la force|[àa] quoi bon|n'y peu[tx] rien"
    r"|gave up|give up|soulag|ouf\b|rassur|relieved|sans surprise|pas de souci|aucun souci|pas en col[eè]re)",
    re.I,
)
RESIGN = re.compile(
    r"\b(tant pis|laiss\w* tomber|j'abandonne|j'ai abandonn|baiss\w* les bras|r[ée]sign|plus la force|[àa] quoi bon"
    r"|n'y peu[tx] rien|plus d'espoir|plus aucun espoir|lassitude|c'est comme [çc]a|n'attends? plus rien|fatalit"
    r"|illusion|gave up|give up|no choice|hopeless|nothing (?:else )?I can do)",
    re.I,
)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SPLIT.split(text) if 25 <= len(s.strip()) <= 280]


def rows(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def draw(rng: random.Random, name: str, n: int, *, where=lambda row: True, words: re.Pattern | None = None) -> list[dict]:
    pool = [(i, s) for i, row in enumerate(rows(name)) if where(row) for s in sentences(row["text"])]
    if words is not None:
        pool = [(i, s) for i, s in pool if words.search(s)]
    picked = rng.sample(pool, min(n, len(pool)))
    kind = "random" if words is None else "trap" if words is TRAPS else "affect" if words is AFFECT else "rare"
    return [{"origin": f"{name}#{i}", "draw": kind, "text": s} for i, s in picked]


def main() -> None:
    rng = random.Random(20240603)
    out = []
    for rating, n in (("1", 30), ("2", 16), ("3", 14), ("4", 12), ("5", 16)):
        out += draw(rng, "reviews_fr_insurance/dev.csv", n, where=lambda r, rating=rating: r["rating"] == rating)
    out += draw(rng, "reviews_fr_insurance/unlabeled.csv", 26)
    out += draw(rng, "tweets_fr_telecom/tweets.csv", 34, where=lambda r: not r["text"].startswith("rt "))
    out += draw(rng, "complaints_en_cfpb/narratives.csv", 34)
    out += draw(rng, "employee_fr_retail/reviews.csv", 22)
    out += draw(rng, "reviews_fr_insurance/dev.csv", 16, words=TRAPS)
    out += draw(rng, "reviews_fr_insurance/unlabeled.csv", 10, words=TRAPS)
    out += draw(rng, "tweets_fr_telecom/tweets.csv", 8, words=TRAPS)
    out += draw(rng, "complaints_en_cfpb/narratives.csv", 6, words=TRAPS)
    out += draw(rng, "reviews_fr_insurance/dev.csv", 22, words=AFFECT)
    out += draw(rng, "reviews_fr_insurance/unlabeled.csv", 14, words=AFFECT)
    out += draw(rng, "tweets_fr_telecom/tweets.csv", 8, words=AFFECT)
    out += draw(rng, "complaints_en_cfpb/narratives.csv", 8, words=AFFECT)
    out += draw(rng, "employee_fr_retail/reviews.csv", 6, words=AFFECT)
    for name, n in (("reviews_fr_insurance/dev.csv", 12), ("reviews_fr_insurance/unlabeled.csv", 10),
                    ("tweets_fr_telecom/tweets.csv", 4), ("complaints_en_cfpb/narratives.csv", 4),
                    ("employee_fr_retail/reviews.csv", 2)):
        out += draw(rng, name, n, words=RARE)
    for name, n in (("reviews_fr_insurance/dev.csv", 7), ("reviews_fr_insurance/unlabeled.csv", 12),
                    ("tweets_fr_telecom/tweets.csv", 3), ("complaints_en_cfpb/narratives.csv", 3)):
        out += draw(rng, name, n, words=RESIGN)
    seen = set()
    for line in out:
        if line["text"] not in seen:
            seen.add(line["text"])
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

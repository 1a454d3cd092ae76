"""Draw the candidate texts of the entity gold set (seeded, reproducible).

Usage: python3 eval/entities/sample.py > /tmp/candidates.jsonl

Short texts (one or two sentences) from the insurance dev and unlabeled
splits, the telecom tweets, the CFPB narratives and the employee reviews.
Half are drawn at random; the other half among sentences holding a
capitalised word after the first one (where organisations, and NER's false
alarms, live). Each candidate was then annotated by hand, without running the
component, into gold.jsonl (see lines.py).
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
INNER_CAPITAL = re.compile(r"\S\s+(?!XX)[A-ZÉÈ][\w'’&.-]+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SPLIT.split(text) if 20 <= len(s.strip()) <= 300]


def draw(rng: random.Random, name: str, n: int, *, capital: bool = False, where=lambda row: True) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    pool = [(i, s) for i, row in enumerate(rows) if where(row) for s in sentences(row["text"])]
    if capital:
        pool = [(i, s) for i, s in pool if INNER_CAPITAL.search(s)]
    return [{"origin": f"{name}#{i}", "draw": "capital" if capital else "random", "text": s} for i, s in rng.sample(pool, n)]


def main() -> None:
    rng = random.Random(20240604)
    out = []
    out += draw(rng, "reviews_fr_insurance/dev.csv", 40)
    out += draw(rng, "reviews_fr_insurance/dev.csv", 30, capital=True)
    out += draw(rng, "reviews_fr_insurance/unlabeled.csv", 8)
    out += draw(rng, "reviews_fr_insurance/unlabeled.csv", 10, capital=True)
    out += draw(rng, "tweets_fr_telecom/tweets.csv", 14, where=lambda r: not r["text"].startswith("rt "))
    out += draw(rng, "tweets_fr_telecom/tweets.csv", 8, where=lambda r: r["text"].startswith("rt "))
    out += draw(rng, "complaints_en_cfpb/narratives.csv", 8)
    out += draw(rng, "complaints_en_cfpb/narratives.csv", 14, capital=True)
    out += draw(rng, "employee_fr_retail/reviews.csv", 4)
    out += draw(rng, "employee_fr_retail/reviews.csv", 6, capital=True)
    out += draw(rng, "complaints_en_cfpb/narratives.csv", 14, capital=True)
    seen = set()
    for line in out:
        if line["text"] not in seen:
            seen.add(line["text"])
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

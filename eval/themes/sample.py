"""Draw the texts of the theme gold set from ../shared/data (run once; kept for the record).

Writes eval/themes/candidates.jsonl (id, source as file#row, lang, sample,
text); the labels were then written by hand in gold.jsonl, before the themes
component was run on these texts. Long texts are cut at a sentence end
before 700 characters (the gold text is that excerpt).

Two samples: ``random`` (reviews, tweets, employee reviews, CFPB narratives
drawn at random, plus insurance reviews that mention a contact) and
``targeted`` (texts found with broad keywords for the codes the random sample
hardly holds: transfers, hanging up, writing, escalation, menus, staff
speaking about their job). Recall on the targeted sample is optimistic by
construction; the check reports both.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent.parent / "shared" / "data"
CUSTOMER_SERVICE = re.compile(r"t[ée]l[ée]phon|appel|conseill|courrier|mail|agence|plateforme|service client", re.I)
# Broad keywords for the rare codes (searched in texts not used by the random sample).
TARGETS = {
    "transfer": r"transf[ée]r|transfer",
    "hang_up": r"raccroch|hung up|hang up|disconnected",
    "writing": r"adresse (e-?)?mail|adresse postale|formulaire|[ée]crire|e-?mail address|in writing",
    "escalation": r"responsable|m[ée]diateur|sup[ée]rieur|hi[ée]rarchi|supervisor|manager|escalat",
    "menus": r"serveur vocal|tape[zr]? |touche|robot|automated|press \d|menu",
    "repeat": r"r[ée]-?expliqu|r[ée]p[ée]ter|explain (it )?again|start over",
    "staff_voice": r"(commercial|conseill|vendeu|agent|technicien|employ[ée]|standardiste|rep)[^.]{0,60}(m'a (dit|confi|avou|expliqu)|se pla|nous a dit|told me)[^.]{0,80}(d[ée]bord|effectif|surcharg|salaire|direction|hi[ée]rarchie|objectif|pression|si[èe]ge|proc[ée]dure|logiciel|syst[èe]me|management|quit|understaffed)",
}


def rows(name: str) -> list[tuple[int, dict]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(enumerate(csv.DictReader(handle)))


def excerpt(text: str, limit: int = 700) -> str:
    if len(text) <= limit:
        return text.strip()
    cut = max(text.rfind(". ", 0, limit), text.rfind("! ", 0, limit), text.rfind("? ", 0, limit))
    return text[: cut + 1 if cut > 200 else limit].strip()


def main() -> None:
    rng = random.Random(20240603)
    picked: list[dict] = []

    def take(name: str, lang: str, pool: list[tuple[int, dict]], count: int, limit: int = 700) -> None:
        for number, row in rng.sample(pool, count):
            picked.append({"id": f"{lang}-{hashlib.sha1(row['id'].encode()).hexdigest()[:8]}", "source": f"{name}#{number}", "lang": lang, "text": excerpt(row["text"], limit)})

    dev = [(n, r) for n, r in rows("reviews_fr_insurance/dev.csv") if 20 <= len(r["text"]) <= 700]
    take("reviews_fr_insurance/dev.csv", "fr", dev, 70)
    used = {p["source"] for p in picked}
    stories = [(n, r) for n, r in rows("reviews_fr_insurance/dev.csv") if 200 <= len(r["text"]) <= 900 and CUSTOMER_SERVICE.search(r["text"]) and f"reviews_fr_insurance/dev.csv#{n}" not in used]
    take("reviews_fr_insurance/dev.csv", "fr", stories, 30, 900)
    take("reviews_fr_insurance/unlabeled.csv", "fr", [(n, r) for n, r in rows("reviews_fr_insurance/unlabeled.csv") if 20 <= len(r["text"]) <= 600], 20)
    tweets = [(n, r) for n, r in rows("tweets_fr_telecom/tweets.csv") if not r["text"].startswith("rt ") and "messagerie priv" not in r["text"] and len(r["text"]) >= 40]
    take("tweets_fr_telecom/tweets.csv", "fr", tweets, 35)
    take("employee_fr_retail/reviews.csv", "fr", rows("employee_fr_retail/reviews.csv"), 30)
    cfpb = rows("complaints_en_cfpb/narratives.csv")
    service = [(n, r) for n, r in cfpb if not r["product"].startswith("Credit reporting")]
    reports = [(n, r) for n, r in cfpb if r["product"].startswith("Credit reporting")]
    take("complaints_en_cfpb/narratives.csv", "en", service, 22)
    take("complaints_en_cfpb/narratives.csv", "en", reports, 8)
    for line in picked:
        line["sample"] = "random"
    used = {p["source"] for p in picked}
    targeted_rng = random.Random(7)
    for kind, pattern in TARGETS.items():
        regex = re.compile(pattern, re.I)
        for name, lang, count in (("reviews_fr_insurance/unlabeled.csv", "fr", 4), ("tweets_fr_telecom/tweets.csv", "fr", 1), ("complaints_en_cfpb/narratives.csv", "en", 1)):
            pool = [(n, r) for n, r in rows(name) if f"{name}#{n}" not in used and regex.search(excerpt(r["text"])) and not r["text"].startswith("rt ")]
            for number, row in targeted_rng.sample(pool, min(count, len(pool))):
                used.add(f"{name}#{number}")
                picked.append({"id": f"{lang}-{hashlib.sha1(row['id'].encode()).hexdigest()[:8]}", "source": f"{name}#{number}", "lang": lang, "text": excerpt(row["text"]), "sample": "targeted"})
    employee = [(n, r) for n, r in rows("employee_fr_retail/reviews.csv") if f"employee_fr_retail/reviews.csv#{n}" not in used and re.search(r"outil|logiciel|mat[ée]riel|machine|chaise|proc[ée]dure|administratif|turn-?over|d[ée]part", r["text"], re.I)]
    for number, row in targeted_rng.sample(employee, min(4, len(employee))):
        picked.append({"id": f"fr-{hashlib.sha1(row['id'].encode()).hexdigest()[:8]}", "source": f"employee_fr_retail/reviews.csv#{number}", "lang": "fr", "text": excerpt(row["text"]), "sample": "targeted"})
    with (HERE / "candidates.jsonl").open("w", encoding="utf-8") as handle:
        for line in picked:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(len(picked), "candidates")


if __name__ == "__main__":
    main()

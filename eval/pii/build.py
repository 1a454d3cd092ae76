"""Build sentences.jsonl from the annotated line lists in lines_*.py.

Each line is written with inline markers; offsets are computed here, never
by hand:
  [[P|Mme Martin]]           entity (P=PERSON, PH=PHONE, E=EMAIL, A=ADDRESS,
                             ID=ACCOUNT_ID, IBAN, CARD, NIR, PL=PLATE,
                             BD=BIRTH_DATE)
  [[IBAN|@FR s]]             generated IBAN (country, s=grouped / c=compact)
  [[CARD|@visa d]]           generated Luhn-valid card (visa/mc/amex/store;
                             s=spaces, d=dashes, c=compact)
  [[NIR|@2 61 03 s]]         generated NIR (sex [yy mm [dept]] fmt: s/c/k)
  {{brand|Orange}}           span to keep (brand/org/product/place/other)

Usage: python3 build.py   (writes sentences.jsonl next to this file; seeded)
"""
from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_ids  # noqa: E402
from lines_en import LINES as LINES_EN  # noqa: E402
from lines_fr import LINES as LINES_FR  # noqa: E402

DATA = Path("/work/shared/data")
TYPES = {"P": "PERSON", "PH": "PHONE", "E": "EMAIL", "A": "ADDRESS", "ID": "ACCOUNT_ID",
         "IBAN": "IBAN", "CARD": "CARD", "NIR": "NIR", "PL": "PLATE", "BD": "BIRTH_DATE"}
MARK = re.compile(r"\[\[(P|PH|E|A|ID|IBAN|CARD|NIR|PL|BD)\|(.+?)\]\]"
                  r"|\{\{(brand|org|product|place|other)\|(.+?)\}\}", re.S)
PREFIX = {"fr-ins": "fr", "fr-twt": "fr", "fr-emp": "fr", "fr-wri": "fr",
          "en-cfpb": "en", "en-b77": "en", "en-emp": "en", "en-wri": "en"}


def resolve(code: str, value: str, rng: random.Random) -> str:
    if not value.startswith("@"):
        return value
    args = value[1:].split()
    if code == "IBAN":
        return gen_ids.make_iban(rng, args[0], args[1] if len(args) > 1 else "s")
    if code == "CARD":
        return gen_ids.make_card(rng, args[0], args[1] if len(args) > 1 else "s")
    if code == "NIR":
        fmt = args[-1]
        parts = args[:-1]
        kw = dict(zip(["sex", "yy", "mm", "dept"], parts))
        return gen_ids.make_nir(rng, fmt=fmt, **kw)
    raise ValueError(value)


def parse(marked: str, rng: random.Random):
    out, ents, keep, pos = [], [], [], 0
    length = 0
    for m in MARK.finditer(marked):
        before = marked[pos:m.start()]
        out.append(before)
        length += len(before)
        if m.group(1):
            val = resolve(m.group(1), m.group(2), rng)
            ents.append({"start": length, "end": length + len(val), "type": TYPES[m.group(1)], "text": val})
        else:
            val = m.group(4)
            keep.append({"start": length, "end": length + len(val), "text": val, "kind": m.group(3)})
        out.append(val)
        length += len(val)
        pos = m.end()
    out.append(marked[pos:])
    text = "".join(out)
    assert "[[" not in text and "{{" not in text and "]]" not in text, marked
    for e in ents + keep:
        assert text[e["start"]:e["end"]] == e["text"]
    return text, ents, keep


_rows_cache: dict[str, list[str]] = {}


def source_text(origin: str) -> str | None:
    path, _, row = origin.partition("#")
    if path not in _rows_cache:
        with open(DATA / path, newline="", encoding="utf-8") as fh:
            _rows_cache[path] = [r["text"] for r in csv.DictReader(fh)]
    return _rows_cache[path][int(row)]


WORD = re.compile(r"[^\W\d_]{4,}", re.U)


def provenance_ratio(text: str, ents, src: str) -> float:
    # share of the line's words (outside inserted entities) found in the source row
    chars = list(text)
    for e in ents:
        for i in range(e["start"], e["end"]):
            chars[i] = " "
    words = [w.lower() for w in WORD.findall("".join(chars))]
    srcw = {w.lower() for w in WORD.findall(src)}
    return sum(w in srcw for w in words) / max(1, len(words))


def main() -> int:
    rng = random.Random(20240611)
    counters: dict[str, int] = {}
    lines, problems = [], []
    for prefix, origin, marked, traps in LINES_FR + LINES_EN:
        counters[prefix] = counters.get(prefix, 0) + 1
        lid = f"{prefix}-{counters[prefix]:03d}"
        text, ents, keep = parse(marked, rng)
        traps = list(dict.fromkeys(traps))
        if any(k["kind"] in ("brand", "org", "product") for k in keep) and "brand" not in traps:
            traps.append("brand")
        if not ents and "none" not in traps:
            traps.append("none")
        if ents and "none" in traps:
            problems.append(f"{lid}: 'none' trap but has entities")
        if origin != "written":
            ratio = provenance_ratio(text, ents, source_text(origin))
            if ratio < 0.5:
                problems.append(f"{lid}: only {ratio:.0%} of words found in {origin}")
        lines.append({"id": lid, "lang": PREFIX[prefix], "origin": origin, "text": text,
                      "entities": ents, "keep": keep, "traps": traps})
    with open(HERE / "sentences.jsonl", "w", encoding="utf-8") as fh:
        for rec in lines:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    for p in problems:
        print("WARN", p)
    print(f"wrote {len(lines)} lines")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

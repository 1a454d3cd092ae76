#!/usr/bin/env python3
"""Validate eval/pii/sentences.jsonl and print its statistics.

Plain python3, no dependency:  python3 eval/pii/check.py [path]
Checks every line: JSON, fields, offsets (text[start:end] == entity text),
entity types, no overlapping entities, keep spans not overlapping entities,
check digits (IBAN mod 97, card Luhn, NIR key), plausible formats for the
other types, and the minimum counts the set promises. Exit status 1 on any
error.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = Path("/work/shared/data")  # only used, if present, to check row numbers

TYPES = ["PERSON", "PHONE", "EMAIL", "ADDRESS", "ACCOUNT_ID", "IBAN", "CARD", "NIR", "PLATE", "BIRTH_DATE"]
KINDS = {"brand", "org", "product", "place", "other"}
MIN_PER_TYPE = {"PERSON": 80, "PHONE": 40, "EMAIL": 30, "ADDRESS": 25, "ACCOUNT_ID": 30,
                "IBAN": 20, "CARD": 20, "NIR": 15, "PLATE": 15, "BIRTH_DATE": 15}
MIN_LINES = 260
SOURCES = {"reviews_fr_insurance/dev.csv", "reviews_fr_insurance/train.csv", "tweets_fr_telecom/tweets.csv",
           "employee_fr_retail/reviews.csv", "complaints_en_cfpb/narratives.csv", "intents_en_banking77/train.csv"}
IBAN_LEN = {"FR": 27, "DE": 22, "BE": 16, "ES": 24, "GB": 22, "NL": 18, "LU": 20, "CH": 21, "IT": 27, "MC": 27}
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
PLATE_RE = re.compile(r"^[A-Z]{2}[- ]?\d{3}[- ]?[A-Z]{2}$", re.I)
MONTHS = re.compile(r"(janv|févr|fevr|mars|avril|mai|juin|juil|août|aout|sept|oct|nov|déc|dec|jan|feb|mar|apr|may|jun|jul|aug|sep)", re.I)


def iban_ok(value: str) -> str | None:
    s = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", s):
        return "not an IBAN shape"
    if s[:2] in IBAN_LEN and len(s) != IBAN_LEN[s[:2]]:
        return f"length {len(s)} for {s[:2]}"
    n = int("".join(str(int(c, 36)) for c in s[4:] + s[:4]))
    return None if n % 97 == 1 else "mod-97 check fails"


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_ok(value: str) -> str | None:
    if not re.fullmatch(r"[\d -]+", value):
        return "unexpected characters"
    d = re.sub(r"\D", "", value)
    if len(d) not in (15, 16):
        return f"{len(d)} digits"
    if len(d) == 15 and d[:2] not in ("34", "37"):
        return "15 digits but not Amex"
    return None if luhn_ok(d) else "Luhn check fails"


def nir_ok(value: str) -> str | None:
    d = re.sub(r"\s", "", value)
    if not re.fullmatch(r"\d{15}", d):
        return "not 15 digits"
    if d[0] not in "12":
        return "sex digit"
    if not 1 <= int(d[3:5]) <= 12:
        return "month"
    if d[5:7] in ("00", "20") or int(d[5:7]) > 95:
        return "department"
    if int(d[13:]) != 97 - int(d[:13]) % 97:
        return "key"
    return None


def phone_ok(value: str) -> str | None:
    if not re.fullmatch(r"[+(\d][\d .()\-]*\d", value):
        return "unexpected characters"
    d = re.sub(r"\D", "", value)
    if value.startswith("0") and not value.startswith("00"):
        if d.startswith("0") and len(d) == 10:
            return None
        if len(d) in (10, 11):  # UK national format 07700 900461 / 020 7946 0958
            return None
        return f"{len(d)} digits in a national number"
    if value.startswith("+33") or value.startswith("0033"):
        rest = d[2:] if value.startswith("+") else d[4:]
        rest = rest[1:] if rest.startswith("0") and "(0)" in value else rest
        return None if len(rest) == 9 else f"French number with {len(rest)} digits after 33"
    return None if 10 <= len(d) <= 15 else f"{len(d)} digits"


def fmt_check(etype: str, value: str, traps: list[str]) -> str | None:
    if value != value.strip() or value[-1] in ".,;:" and etype not in ("PERSON",):
        return "span has surrounding space or punctuation"
    if etype == "IBAN":
        return iban_ok(value)
    if etype == "CARD":
        return card_ok(value)
    if etype == "NIR":
        return nir_ok(value)
    if etype == "PHONE":
        return phone_ok(value)
    if etype == "EMAIL":
        if "email_obfuscated" in traps and not EMAIL_RE.match(value):
            return None if re.search(r"(@|\bat\b|\[at\]|\(at\)|arobase)", value, re.I) else "obfuscated e-mail without an 'at'"
        return None if EMAIL_RE.match(value) else "not an e-mail address"
    if etype == "PLATE":
        return None if PLATE_RE.match(value) else "not a French plate"
    if etype == "BIRTH_DATE":
        return None if re.search(r"\d", value) and (re.search(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}", value) or MONTHS.search(value)) else "not a date"
    if etype == "ACCOUNT_ID":
        if re.match(r"(n°|no\b|#|num)", value, re.I):
            return "ACCOUNT_ID must not include the words before the identifier"
        return None if re.search(r"\d", value) else "identifier without digits"
    if etype == "ADDRESS":
        return None if re.search(r"\d", value) else "address without a number"
    if etype == "PERSON":
        return None if re.search(r"[^\W\d_]", value) else "no letters"
    return None


def main(path: Path) -> int:
    errors: list[str] = []
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                errors.append(f"line {n}: empty line")
                continue
            try:
                rows.append((n, json.loads(raw)))
            except json.JSONDecodeError as exc:
                errors.append(f"line {n}: invalid JSON ({exc})")

    source_rows: dict[str, int] = {}
    seen_ids = set()
    per_type_lang: dict[str, Counter] = defaultdict(Counter)
    traps_count, lang_count, origin_count, keep_kinds = Counter(), Counter(), Counter(), Counter()
    none_lines = 0
    for n, rec in rows:
        where = f"line {n} ({rec.get('id', '?')})"
        for key, typ in (("id", str), ("lang", str), ("origin", str), ("text", str),
                         ("entities", list), ("keep", list), ("traps", list)):
            if not isinstance(rec.get(key), typ):
                errors.append(f"{where}: field {key!r} missing or not {typ.__name__}")
        if any(not isinstance(rec.get(k), t) for k, t in (("text", str), ("entities", list), ("keep", list), ("traps", list))):
            continue
        text = rec["text"]
        if rec["id"] in seen_ids:
            errors.append(f"{where}: duplicate id")
        seen_ids.add(rec["id"])
        if rec["lang"] not in ("fr", "en"):
            errors.append(f"{where}: lang {rec['lang']!r}")
        elif not rec["id"].startswith(rec["lang"] + "-"):
            errors.append(f"{where}: id does not start with its language")
        if len(text) > 400:
            errors.append(f"{where}: text longer than 400 characters ({len(text)})")
        if "[[" in text or "{{" in text:
            errors.append(f"{where}: leftover annotation marker")
        origin = rec["origin"]
        if origin == "written":
            origin_count["written"] += 1
        else:
            src, _, row = origin.partition("#")
            if src not in SOURCES or not row.isdigit():
                errors.append(f"{where}: origin {origin!r} is neither 'written' nor a known file#row")
            else:
                origin_count[src] += 1
                if (DATA / src).exists():
                    if src not in source_rows:
                        with open(DATA / src, newline="", encoding="utf-8") as fh:
                            source_rows[src] = sum(1 for _ in csv.DictReader(fh))
                    if int(row) >= source_rows[src]:
                        errors.append(f"{where}: row {row} beyond the {source_rows[src]} rows of {src}")
        lang_count[rec["lang"]] += 1
        traps = rec["traps"]
        if not all(isinstance(t, str) and t for t in traps):
            errors.append(f"{where}: traps must be a list of non-empty strings")
        if not traps:
            traps_count["(no trap)"] += 1
        traps_count.update(traps)

        spans = []
        for e in rec["entities"]:
            try:
                s, t, etype, etext = e["start"], e["end"], e["type"], e["text"]
            except (KeyError, TypeError):
                errors.append(f"{where}: malformed entity {e!r}")
                continue
            if etype not in TYPES:
                errors.append(f"{where}: unknown type {etype!r}")
            if not (isinstance(s, int) and isinstance(t, int) and 0 <= s < t <= len(text)):
                errors.append(f"{where}: bad offsets {s}-{t}")
                continue
            if text[s:t] != etext:
                errors.append(f"{where}: text[{s}:{t}] = {text[s:t]!r} != {etext!r}")
                continue
            problem = fmt_check(etype, etext, traps)
            if problem:
                errors.append(f"{where}: {etype} {etext!r}: {problem}")
            spans.append((s, t, etype))
            per_type_lang[etype][rec["lang"]] += 1
        spans.sort()
        for a, b in zip(spans, spans[1:]):
            if b[0] < a[1]:
                errors.append(f"{where}: overlapping entities {a} and {b}")
        for k in rec["keep"]:
            try:
                s, t, ktext, kind = k["start"], k["end"], k["text"], k["kind"]
            except (KeyError, TypeError):
                errors.append(f"{where}: malformed keep span {k!r}")
                continue
            if kind not in KINDS:
                errors.append(f"{where}: keep kind {kind!r}")
            if not (isinstance(s, int) and isinstance(t, int) and 0 <= s < t <= len(text)) or text[s:t] != ktext:
                errors.append(f"{where}: keep span {ktext!r} does not match its offsets")
                continue
            if any(s < e_end and e_start < t for e_start, e_end, _ in spans):
                errors.append(f"{where}: keep span {ktext!r} overlaps an entity")
            keep_kinds[kind] += 1
        if not spans:
            none_lines += 1
            if "none" not in traps:
                errors.append(f"{where}: no entity but no 'none' trap")
        elif "none" in traps:
            errors.append(f"{where}: 'none' trap on a line with entities")

    total = len(rows)
    print(f"lines: {total}   fr: {lang_count['fr']} ({lang_count['fr'] / max(1, total):.0%})   "
          f"en: {lang_count['en']} ({lang_count['en'] / max(1, total):.0%})")
    derived = total - origin_count["written"]
    print(f"derived from real texts: {derived} ({derived / max(1, total):.0%})   "
          f"written: {origin_count['written']} ({origin_count['written'] / max(1, total):.0%})")
    for src, c in sorted(origin_count.items()):
        if src != "written":
            print(f"  {src:40s} {c}")
    print(f"lines without any entity ('none'): {none_lines}")
    print("\nentities per type and language:")
    print(f"  {'type':12s} {'fr':>5s} {'en':>5s} {'total':>6s}  (minimum)")
    for etype in TYPES:
        c = per_type_lang[etype]
        tot = c["fr"] + c["en"]
        flag = "" if tot >= MIN_PER_TYPE[etype] else "   BELOW MINIMUM"
        print(f"  {etype:12s} {c['fr']:5d} {c['en']:5d} {tot:6d}  ({MIN_PER_TYPE[etype]}){flag}")
        if tot < MIN_PER_TYPE[etype]:
            errors.append(f"{etype}: {tot} entities, fewer than {MIN_PER_TYPE[etype]}")
    all_ents = sum(sum(c.values()) for c in per_type_lang.values())
    print(f"  {'all':12s} {sum(c['fr'] for c in per_type_lang.values()):5d} "
          f"{sum(c['en'] for c in per_type_lang.values()):5d} {all_ents:6d}")
    print("\nkeep spans per kind: " + ", ".join(f"{k} {v}" for k, v in keep_kinds.most_common()))
    print("\ntraps (lines tagged):")
    for trap, c in traps_count.most_common():
        print(f"  {trap:28s} {c}")
    if total < MIN_LINES:
        errors.append(f"only {total} lines, fewer than {MIN_LINES}")

    if errors:
        print(f"\n{len(errors)} ERROR(S):")
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK: every line is valid.")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "sentences.jsonl"))

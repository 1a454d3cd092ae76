"""Entity figures on the gold set, through the real pipeline.

``section()`` returns the Markdown section `make eval` writes into
docs/evaluation.md. ``python eval/entities/check.py [--errors]`` prints it,
and with ``--errors`` every missed and every wrong entity.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold.jsonl"
PIPELINE = ["language", "pseudonymise", "sentences", "entities"]


def load_gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def _shifted(items, lines: list[dict]) -> list[list[dict]]:
    """Gold spans moved into the pseudonymised text (placeholders replace PII spans only)."""
    from ecoute.privacy.engine import PLACEHOLDER

    out = []
    for item, line in zip(items, lines):
        moves, delta = [], 0
        for finding in sorted(item.shared.get("pii_findings", []), key=lambda f: f.start):
            placeholder = PLACEHOLDER.match(item.text, finding.start + delta)
            if placeholder is None:  # privacy off, or the text held no replacement there
                continue
            moves.append((finding.end, placeholder.end() - placeholder.start() - (finding.end - finding.start)))
            delta += moves[-1][1]
        spans = []
        for entity in line["entities"]:
            shift = sum(change for end, change in moves if end <= entity["start"])
            spans.append({**entity, "start": entity["start"] + shift, "end": entity["end"] + shift})
        out.append(spans)
    return out


def run(lines: list[dict]):
    """The pipeline's items (so that the PII findings can move the gold spans)."""
    from ecoute.pipeline.core import Item, Pipeline
    from ecoute.record import Source

    items = [Item(text=line["text"], source=Source(kind="eval")) for line in lines]
    for comp in Pipeline(PIPELINE).components:
        comp.ensure_warm()
        comp.run(items)
    return items


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _initial(item, start: int) -> bool:
    from ecoute.understanding.entities import _sentence_initial
    from ecoute.understanding.spans import item_sentences

    return _sentence_initial(item.text, start, item_sentences(item.fields, item.text))


def score(lines: list[dict], items) -> dict:
    golds = _shifted(items, lines)
    c = Counter()
    errors = []
    for line, item, gold in zip(lines, items, golds):
        predicted = item.fields.get("entities", [])
        kind = "written" if line["draw"] == "written" else "real"
        for g in gold:
            hit = [p for p in predicted if _overlap(p, g)]
            c["gold"] += 1
            c[f"gold_{line['lang']}"] += 1
            c[f"gold_{kind}"] += 1
            c["found"] += bool(hit)
            c[f"found_{line['lang']}"] += bool(hit)
            c[f"found_{kind}"] += bool(hit)
            c["found_labelled"] += any(p["label"] == g["label"] for p in hit)
            if not hit:
                errors.append(f"{line['id']} missed {g['label']} {g['text']!r} | {line['text'][:100]}")
        for p in predicted:
            right = [g for g in gold if _overlap(p, g)]
            initial = _initial(item, p["start"])
            c["pred"] += 1
            c[f"pred_{p['source']}"] += 1
            c[f"pred_{line['lang']}"] += 1
            c[f"pred_{kind}"] += 1
            c["pred_ok"] += bool(right)
            c[f"pred_ok_{p['source']}"] += bool(right)
            c[f"pred_ok_{line['lang']}"] += bool(right)
            c[f"pred_ok_{kind}"] += bool(right)
            c["pred_ok_labelled"] += any(g["label"] == p["label"] for g in right)
            c["pred_initial"] += initial
            c["pred_initial_wrong"] += initial and not right
            if not right:
                errors.append(f"{line['id']} wrong {p['label']}/{p['source']} {p['text']!r} | {item.text[:100]}")
        c["initial_capitals"] += sum(1 for s in item.fields.get("sentences", []) if item.text[s["start"]:s["start"] + 1].isupper())
    return {"counts": c, "errors": errors}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "–"


def section() -> str:
    lines = load_gold()
    c = score(lines, run(lines))["counts"]
    langs = Counter(line["lang"] for line in lines)
    labels = Counter(e["label"] for line in lines for e in line["entities"])
    sources = Counter(line["origin"].split("#")[0] for line in lines)
    out = [
        "## Entities (issue 3)",
        "",
        f"Set: `eval/entities/gold.jsonl`, {len(lines)} texts ({langs['fr']} French, {langs['en']} English) with",
        f"{c['gold']} organisations, brands and products ({labels['BRAND']} BRAND, {labels['ORG']} ORG, {labels['PRODUCT']} PRODUCT),",
        "annotated by hand before the component existed: " + ", ".join(f"`{name}` ({n})" for name, n in sources.most_common()) + ".",
        "Real sentences are half random, half drawn among sentences with a capitalised word after the first; the",
        "written lines are traps (sentence-initial \"Merci\", \"Appelez\", \"Livraison\"; \"orange\" the colour; \"Total\" and",
        "\"But\" as words; placeholders; lower-case brands) and were written knowing the list. Run through",
        f"`{PIPELINE}`; an entity is found when a prediction overlaps it.",
        "",
        "| | precision | recall |",
        "|---|---:|---:|",
        f"| any label | {_ratio(c['pred_ok'], c['pred'])} | {_ratio(c['found'], c['gold'])} |",
        f"| same label | {_ratio(c['pred_ok_labelled'], c['pred'])} | {_ratio(c['found_labelled'], c['gold'])} |",
        f"| French | {_ratio(c['pred_ok_fr'], c['pred_fr'])} | {_ratio(c['found_fr'], c['gold_fr'])} |",
        f"| English (list only) | {_ratio(c['pred_ok_en'], c['pred_en'])} | {_ratio(c['found_en'], c['gold_en'])} |",
        f"| real sentences | {_ratio(c['pred_ok_real'], c['pred_real'])} | {_ratio(c['found_real'], c['gold_real'])} |",
        f"| written traps | {_ratio(c['pred_ok_written'], c['pred_written'])} | {_ratio(c['found_written'], c['gold_written'])} |",
        f"| from the list ({c['pred_list']} finds) | {_ratio(c['pred_ok_list'], c['pred_list'])} | |",
        f"| from spaCy's NER ({c['pred_ner']} finds) | {_ratio(c['pred_ok_ner'], c['pred_ner'])} | |",
        "",
        f"Sentence-initial trap: the texts hold {c['initial_capitals']} sentences opening with a capital; "
        f"{c['pred_initial']} entities were reported at a sentence start, {c['pred_initial_wrong']} of them wrongly.",
    ]
    return "\n".join(out) + "\n"


def speed(n: int = 2000) -> dict[str, float]:
    """Texts per second of the emotions and entities components on ``n``
    insurance reviews, after language, pseudonymisation and sentences (not timed)."""
    import csv
    import time

    from ecoute.pipeline.core import Item, Pipeline
    from ecoute.record import Source

    with open("/work/shared/data/reviews_fr_insurance/train.csv", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for _, row in zip(range(n), csv.DictReader(handle))]
    items = [Item(text=text, source=Source(kind="bench")) for text in texts]
    pipeline = Pipeline(["language", "pseudonymise", "sentences", "emotions", "entities"])
    pipeline.warm_up()
    timings = {}
    for comp in pipeline.components:
        begin = time.perf_counter()
        for first in range(0, len(items), 64):
            comp.run(items[first : first + 64])
        timings[comp.name] = len(items) / (time.perf_counter() - begin)
    return timings


if __name__ == "__main__":
    if "--errors" in sys.argv:
        gold = load_gold()
        print("\n".join(score(gold, run(gold))["errors"]))
    elif "--speed" in sys.argv:
        for name, rate in speed().items():
            print(f"{name}: {rate:.0f} texts/s")
    else:
        print(section())

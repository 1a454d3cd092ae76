"""Emotion figures on the gold set, through the real pipeline.

``section()`` returns the Markdown section `make eval` writes into
docs/evaluation.md. ``python eval/emotions/check.py [--errors]`` prints it,
and with ``--errors`` every sentence where the component and the annotator
disagree.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold.jsonl"
PIPELINE = ["language", "pseudonymise", "sentences", "emotions"]


def load_gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def predict(lines: list[dict]) -> list[set[str]]:
    """The emotions the real pipeline finds in each gold sentence."""
    from ecoute.pipeline.core import Item, Pipeline
    from ecoute.record import Source

    pipeline = Pipeline(PIPELINE)
    records = pipeline.analyse(Item(text=line["text"], source=Source(kind="eval")) for line in lines)
    return [{emotion.emotion for emotion in record.emotions} for record in records]


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def score(lines: list[dict], predicted: list[set[str]]) -> dict:
    tp, fp, fn = Counter(), Counter(), Counter()
    for line, found in zip(lines, predicted):
        gold = set(line["emotions"])
        for emotion in gold & found:
            tp[emotion] += 1
        for emotion in found - gold:
            fp[emotion] += 1
        for emotion in gold - found:
            fn[emotion] += 1
    emotions = sorted(set(tp) | set(fp) | set(fn), key=lambda e: -(tp[e] + fn[e]))
    per = {e: (*_prf(tp[e], fp[e], fn[e]), tp[e] + fn[e], tp[e] + fp[e]) for e in emotions}
    micro = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    macro = tuple(sum(v[i] for v in per.values()) / len(per) for i in range(3)) if per else (0.0, 0.0, 0.0)
    exact = sum(1 for line, found in zip(lines, predicted) if set(line["emotions"]) == found)
    none_lines = [found for line, found in zip(lines, predicted) if not line["emotions"]]
    traps = Counter()
    traps_ok = Counter()
    for line, found in zip(lines, predicted):
        for trap in line.get("traps", []):
            traps[trap] += 1
            traps_ok[trap] += set(line["emotions"]) == found
    by_draw = {}
    for draw in sorted({line["draw"] for line in lines}):
        chosen = [(line, found) for line, found in zip(lines, predicted) if line["draw"] == draw]
        d_tp = sum(len(set(line["emotions"]) & found) for line, found in chosen)
        d_fp = sum(len(found - set(line["emotions"])) for line, found in chosen)
        d_fn = sum(len(set(line["emotions"]) - found) for line, found in chosen)
        by_draw[draw] = (len(chosen), *_prf(d_tp, d_fp, d_fn))
    return {
        "per": per, "micro": micro, "macro": macro, "exact": exact, "lines": len(lines),
        "none_lines": len(none_lines), "none_clean": sum(1 for found in none_lines if not found),
        "traps": {t: (traps[t], traps_ok[t]) for t in sorted(traps, key=lambda t: -traps[t])}, "by_draw": by_draw,
    }  # fmt: skip


def section() -> str:
    lines = load_gold()
    figures = score(lines, predict(lines))
    langs = Counter(line["lang"] for line in lines)
    sources = Counter(line["origin"].split("#")[0] for line in lines)
    out = [
        "## Emotions (issue 3)",
        "",
        f"Set: `eval/emotions/gold.jsonl`, {len(lines)} sentences ({langs['fr']} French, {langs['en']} English) from",
        ", ".join(f"`{name}` ({n})" for name, n in sources.most_common()) + ",",
        "annotated by hand (the emotions a careful reader sees, the writer's own or their family's) before the",
        "component existed; the cues were built from the insurance *train* split, which the set does not use.",
        "About half the sentences are drawn at random; the others among sentences holding a trap word (merci,",
        "bravo, souci, surprise), a broad affect word or a resignation/relief word, so that rare emotions and the",
        "traps are measured at all (`eval/emotions/sample.py`). Run through",
        f"`Pipeline({PIPELINE})`; an emotion counts when the component reports it for the sentence.",
        "The set's errors guided one round of fixes to *mechanisms* (negation scope, cues that need a complaint,",
        "placeholders), never phrases taken from it: the figures are somewhat optimistic; `random` is the fairest row.",
        "",
        "| emotion | gold | found | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for emotion, (p, r, f1, gold, found) in figures["per"].items():
        out.append(f"| {emotion} | {gold} | {found} | {p:.2f} | {r:.2f} | {f1:.2f} |")
    p, r, f1 = figures["micro"]
    mp, mr, mf1 = figures["macro"]
    out += [
        f"| **micro** | | | **{p:.2f}** | **{r:.2f}** | **{f1:.2f}** |",
        f"| macro | | | {mp:.2f} | {mr:.2f} | {mf1:.2f} |",
        "",
        f"Same emotions as the annotator on {figures['exact']} of {figures['lines']} sentences; "
        f"{figures['none_clean']} of the {figures['none_lines']} sentences without emotion get none.",
        "",
        "| draw | sentences | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|",
    ]
    for draw, (n, dp, dr, df1) in figures["by_draw"].items():
        out.append(f"| {draw} | {n} | {dp:.2f} | {dr:.2f} | {df1:.2f} |")
    out += ["", "Traps (sentences right, i.e. exactly the annotated emotions): " + ", ".join(
        f"{trap} {ok}/{n}" for trap, (n, ok) in figures["traps"].items()) + "."]  # fmt: skip
    return "\n".join(out) + "\n"


def _errors() -> None:
    lines = load_gold()
    for line, found in zip(lines, predict(lines)):
        gold = set(line["emotions"])
        if gold != found:
            print(f"{line['id']} gold={sorted(gold)} found={sorted(found)} | {line['text'][:160]}")


if __name__ == "__main__":
    if "--errors" in sys.argv:
        _errors()
    else:
        print(section())

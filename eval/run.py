"""`make eval`: quality figures of the real pipeline, written to docs/evaluation.md.

Each section runs the product's own components on a labelled set kept under
eval/ (or on ../shared/data) and reports its figures with the data split,
the date and the commit.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "evaluation.md"


def commit() -> str:
    try:
        return subprocess.check_output(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def evaluate_pii() -> tuple[list[str], dict]:
    """Precision and recall per entity type of the pseudonymisation stage."""
    from ecoute.pipeline import Item
    from ecoute.pipeline.core import create_component
    from ecoute.privacy.recognizers import ENTITY_TYPES
    from ecoute.record import Source

    lines = [json.loads(line) for line in (ROOT / "eval" / "pii" / "sentences.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [Item(text=line["text"], source=Source(kind="eval")) for line in lines]
    language, pseudonymise = create_component("language"), create_component("pseudonymise", mode="pseudonymise")
    for component in (language, pseudonymise):
        component.ensure_warm()
        component.run(items)
    gold_n, found_n, pred_n, pred_ok = Counter(), Counter(), Counter(), Counter()
    any_pred = any_pred_ok = 0
    by_lang: dict[str, Counter] = defaultdict(Counter)
    brands_redacted: list[str] = []
    misses: dict[str, list[str]] = defaultdict(list)
    false_alarms: list[str] = []
    for line, item in zip(lines, items):
        predicted = item.shared.get("pii_findings", [])
        gold = line["entities"]
        for g in gold:
            gold_n[g["type"]] += 1
            by_lang[line["lang"]]["gold"] += 1
            hit = any(p.type == g["type"] and _overlaps(p.start, p.end, g["start"], g["end"]) for p in predicted)
            covered = any(_overlaps(p.start, p.end, g["start"], g["end"]) for p in predicted)
            found_n[g["type"]] += hit
            by_lang[line["lang"]]["found"] += covered
            if not hit:
                misses[g["type"]].append(f'{g["text"]!r} in {line["id"]}')
        for p in predicted:
            pred_n[p.type] += 1
            any_pred += 1
            typed = any(p.type == g["type"] and _overlaps(p.start, p.end, g["start"], g["end"]) for g in gold)
            warranted = any(_overlaps(p.start, p.end, g["start"], g["end"]) for g in gold)
            pred_ok[p.type] += typed
            any_pred_ok += warranted
            if not warranted:
                false_alarms.append(f"{p.type} {p.text!r} in {line['id']}")
        for keep in line.get("keep", []):
            if keep.get("kind") in ("brand", "org", "product") and any(_overlaps(p.start, p.end, keep["start"], keep["end"]) for p in predicted):
                brands_redacted.append(f'{keep["text"]!r} in {line["id"]}')
    rows = [
        "## Pseudonymisation (issue 5)",
        "",
        f"Set: `eval/pii/sentences.jsonl`, {len(lines)} French and English sentences with {sum(gold_n.values())} annotated identifiers",
        "(real review sentences from `../shared/data` with inserted identifiers, plus written ones with traps: brands,",
        "sentence-initial capitals, amounts, dates that are not birth dates, \"Orange\" the operator and the colour);",
        "see `eval/pii/README.md`. Run through the real `language` and `pseudonymise` components. A found identifier is a",
        "predicted span of the same type that overlaps the annotated one.",
        "",
        "| type | annotated | recall | predicted | precision |",
        "|---|---:|---:|---:|---:|",
    ]
    for entity in ENTITY_TYPES:
        recall = found_n[entity] / gold_n[entity] if gold_n[entity] else float("nan")
        precision = pred_ok[entity] / pred_n[entity] if pred_n[entity] else float("nan")
        rows.append(f"| `{entity}` | {gold_n[entity]} | {recall:.3f} | {pred_n[entity]} | {precision:.3f} |")
    overall_recall = sum(found_n.values()) / max(1, sum(gold_n.values()))
    overall_precision = any_pred_ok / max(1, any_pred)
    rows += [
        f"| **all** | {sum(gold_n.values())} | **{overall_recall:.3f}** | {any_pred} | **{overall_precision:.3f}** |",
        "",
        "Overall precision counts a replacement as right when it covers an annotated identifier (whatever its type):",
        "that replacement was warranted. Per language, share of identifiers covered: "
        + ", ".join(f"{lang} {c['found'] / max(1, c['gold']):.3f} ({c['gold']})" for lang, c in sorted(by_lang.items()))
        + ".",
        "",
        f"Brands, organisations and products replaced: **{len(brands_redacted)}**"
        + (f" ({'; '.join(brands_redacted[:10])})" if brands_redacted else "")
        + ".",
        "",
        "Targets: recall ≥ 0.99 for e-mails, phones, IBAN, card numbers and NIR; ≥ 0.92 for person names; precision ≥ 0.90",
        "overall; zero brands replaced. This set was also used while the recognizers were written (its misses guided",
        "general rules: lower-case titles, phone formats, person cues, brand phrases), so these figures are optimistic;",
        "the figures that count come from sentences the team keeps aside.",
        "",
    ]
    if any(misses.values()) or false_alarms:
        rows += ["<details><summary>Misses and false alarms</summary>", ""]
        for entity, missed in sorted(misses.items()):
            rows.append(f"- missed `{entity}` ({len(missed)}): " + "; ".join(missed[:12]))
        rows.append(f"- false alarms ({len(false_alarms)}): " + "; ".join(false_alarms[:25]))
        rows += ["", "</details>", ""]
    figures = {"recall": overall_recall, "precision": overall_precision, "brands_redacted": len(brands_redacted)}
    figures.update({f"recall_{k}": found_n[k] / gold_n[k] for k in gold_n})
    return rows, figures


SHARED = ROOT.parent / "shared" / "data"


def evaluate_sentiment() -> tuple[list[str], dict]:
    """Polarity, binary and rating figures of the sentiment component on held-out French reviews, and its
    polarity figures on the hand-labelled English set."""
    import csv as csv_module

    from sklearn.metrics import accuracy_score, f1_score

    from ecoute.pipeline import Item, Pipeline
    from ecoute.record import Source

    pipeline = Pipeline(["language", "pseudonymise", "sentences", "sentiment"])
    sentiment = pipeline.components[-1]
    sentiment.ensure_warm()
    model = sentiment.models["fr"]
    # Rows of a second domain that the model trained on (tools/train_sentiment.py) are not measured.
    trained_on = set(model.training_sources.get("employee_fr_retail/reviews.csv", []))

    def load(path, skip=frozenset()):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = csv_module.DictReader(handle)
            return [(row["text"], int(float(row["rating"]))) for row in rows if row["text"].strip() and row["id"] not in skip]

    rows = []
    figures = {}
    employee_name = "employee reviews, held-out half (other domain)" if trained_on else "employee reviews (other domain)"
    for name, path, skip in (
        ("insurance dev", SHARED / "reviews_fr_insurance" / "dev.csv", frozenset()),
        (employee_name, SHARED / "employee_fr_retail" / "reviews.csv", trained_on),
    ):
        data = load(path, skip)
        records = []
        for start in range(0, len(data), 256):
            records += pipeline.analyse([Item(text=text, source=Source(kind="eval")) for text, _ in data[start : start + 256]])
        ratings = [rating for _, rating in data]
        analysed = [(r, rating) for r, rating in zip(records, ratings) if getattr(r, "sentiment", None) is not None]
        truth = ["negative" if rating <= 2 else "neutral" if rating == 3 else "positive" for _, rating in analysed]
        labels = ["neutral" if r.sentiment.label == "mixed" else r.sentiment.label for r, _ in analysed]
        macro_f1 = f1_score(truth, labels, average="macro")
        binary = [(r.sentiment.score > 0, rating >= 4) for r, rating in analysed if rating != 3]
        binary_accuracy = sum(p == t for p, t in binary) / max(1, len(binary))
        predicted = model.predict([r.text for r, _ in analysed], refine=True)
        mae = sum(abs(p["rating"] - rating) for p, (_, rating) in zip(predicted, analysed)) / max(1, len(analysed))
        mixed = sum(r.sentiment.label == "mixed" for r, _ in analysed) / max(1, len(analysed))
        figures[name] = {"macro_f1": macro_f1, "binary_accuracy": binary_accuracy, "mae": mae, "n": len(analysed)}
        rows.append(
            f"| {name} | {len(analysed)} of {len(data)} | **{macro_f1:.3f}** | **{binary_accuracy:.3f}** | **{mae:.3f}** | {mixed:.1%} |"
        )
    # English: no labelled reviews exist; the hand-labelled gold set (eval/sentiment_en/README.md).
    gold_path = ROOT / "eval" / "sentiment_en" / "gold.jsonl"
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    gold_records = pipeline.analyse([Item(text=g["text"], source=Source(kind="eval")) for g in gold])
    scored = [(r, g) for r, g in zip(gold_records, gold) if getattr(r, "sentiment", None) is not None]
    en_truth = [g["label"] for _, g in scored]
    en_labels = ["neutral" if r.sentiment.label == "mixed" else r.sentiment.label for r, _ in scored]
    en_binary = [(r.sentiment.score > 0, g["label"] == "positive") for r, g in scored if g["label"] != "neutral"]
    figures["english gold"] = {
        "accuracy": accuracy_score(en_truth, en_labels),
        "macro_f1": f1_score(en_truth, en_labels, average="macro"),
        "binary_accuracy": sum(p == t for p, t in en_binary) / max(1, len(en_binary)),
        "n": len(scored),
    }
    en_rows = []
    for source in ("cfpb", "banking77", "written", None):
        part = [(t, p) for (r, g), t, p in zip(scored, en_truth, en_labels) if source is None or g["source"] == source]
        count = Counter(t for t, _ in part)
        accuracy = sum(t == p for t, p in part) / max(1, len(part))
        binary_part = [(r.sentiment.score > 0, g["label"] == "positive") for r, g in scored if g["label"] != "neutral" and (source is None or g["source"] == source)]
        binary_text = f"{sum(p == t for p, t in binary_part) / len(binary_part):.3f}" if binary_part else "–"
        macro_text = f"**{figures['english gold']['macro_f1']:.3f}**" if source is None else "–"
        en_rows.append(
            f"| {source or '**all**'} | {len(part)} | {count['negative']} / {count['neutral']} / {count['positive']} | "
            f"{'**' if source is None else ''}{accuracy:.3f}{'**' if source is None else ''} | {macro_text} | {binary_text} |"
        )
    section = [
        "## Sentiment (issue 3)",
        "",
        "The `sentiment` component (model `sentiment_fr_v2`, trained by `tools/train_sentiment.py` on",
        "`reviews_fr_insurance/train.csv` only; the least-sure 15 % of whole texts of more than one sentence refined with",
        "the multilingual USE encoder) run by the real pipeline (`language`, `pseudonymise`,",
        "`sentences`, `sentiment`) on reviews it never saw. Polarity: 1–2 negative, 3 neutral, 4–5 positive, with `mixed`",
        "counted as neutral; binary: the sign of the score on 1–2 vs 4–5; rating: the model's median rating (refined).",
        "",
        "| set | French reviews analysed | polarity macro-F1 | binary accuracy | rating MAE | labelled mixed |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Reference (TF-IDF + logistic regression, on the part kept aside): macro-F1 0.655, binary 0.944, MAE 0.648.",
        "Targets: macro-F1 ≥ 0.69, binary ≥ 0.955, MAE ≤ 0.60 (aims 0.72 / 0.96 / 0.55). The employee reviews show how",
        "far the model carries to another domain (a model trained on part of them is measured on the other rows only:",
        "the ids it trained on are listed in the model file); 81 of the 114 are not rated 3, one review = 1.2 points.",
        "Irony rules (`data/lexicon/sentiment_rules.yaml`) are on. Configurations tried: `research/sentiment/REPORT.md`.",
        "",
        "**English** (model `sentiment_en_use_v2`: a logistic regression on the multilingual USE embedding, trained by",
        "`tools/train_sentiment_en.py` on the French training reviews and their first and last sentences: cross-lingual",
        "transfer, no English training data) on",
        f"the hand-labelled `eval/sentiment_en/gold.jsonl` ({len(gold)} sentences and short passages: CFPB complaints,",
        "Banking77 queries, short reviews written for the set; labelled before any model ran on them). Binary: the sign",
        "of the score on the non-neutral texts; `mixed` counts as neutral.",
        "",
        "| source | texts | negative / neutral / positive | accuracy | macro-F1 | binary accuracy |",
        "|---|---:|---:|---:|---:|---:|",
        *en_rows,
        "",
        "The same USE model scores French dev reviews at macro-F1 0.656, binary 0.926",
        "(`research/sentiment/v2/english.py`), against the French model above.",
        "",
    ]
    return section, figures


def evaluate_role() -> tuple[list[str], dict]:
    """Share of each author role found by the real pipeline on employee and customer reviews."""
    import csv as csv_module

    from ecoute.pipeline import Item, Pipeline
    from ecoute.record import Source

    pipeline = Pipeline(["language", "pseudonymise", "role"])
    rows, figures = [], {}
    for name, path, expected in (
        ("employee reviews (retail)", SHARED / "employee_fr_retail" / "reviews.csv", "employee"),
        ("insurance reviews (dev)", SHARED / "reviews_fr_insurance" / "dev.csv", "customer"),
        ("CFPB complaints", SHARED / "complaints_en_cfpb" / "narratives.csv", "customer"),
    ):
        with path.open(encoding="utf-8", newline="") as handle:
            texts = [row["text"] for row in csv_module.DictReader(handle) if row["text"].strip()]
        roles = []
        for start in range(0, len(texts), 256):
            roles += [r.author_role for r in pipeline.analyse([Item(text=t, source=Source(kind="eval")) for t in texts[start : start + 256]])]
        share = {role: roles.count(role) / len(roles) for role in ("employee", "customer", "unknown")}
        figures[name] = share
        rows.append(f"| {name} | {len(roles)} | {expected} | **{share['employee']:.3f}** | {share['customer']:.3f} | {share['unknown']:.3f} |")
    section = [
        "## Author role (issue 3)",
        "",
        "The `role` component (weighted cues in `data/lexicon/roles.json`) through the real pipeline.",
        "",
        "| set | texts | written by | employee | customer | unknown |",
        "|---|---:|---|---:|---:|---:|",
        *rows,
        "",
        "Targets: employee for ≥ 0.90 of the employee reviews, < 0.05 of the insurance reviews. The cues were written",
        "with the employee reviews in view, so the first figure is optimistic.",
        "",
    ]
    return section, figures


def evaluate_labels() -> tuple[list[str], dict]:
    """`ecoute train` / `ecoute evaluate` on Banking77 (77 intents, English)."""
    import tempfile
    import time

    from ecoute.ingest.model import ReadOptions
    from ecoute.services.training import evaluate, train

    folder = SHARED / "intents_en_banking77"
    rows, figures = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for encoder in (None, "use"):
            start = time.perf_counter()
            path, summary = train([str(folder / "train.csv")], "intent", ReadOptions(), encoder, Path(tmp) / f"intent-{encoder}.joblib")
            trained = time.perf_counter() - start
            result = evaluate([str(folder / "test.csv")], "intent", ReadOptions(), path)
            name = encoder or "none"
            figures[name] = {"accuracy": result["accuracy"], "macro_f1": result["macro_f1"], "train_s": trained}
            rows.append(f"| `--encoder {name}` | {summary['records']:,} | {result['records']:,} | **{result['accuracy']:.4f}** | {result['macro_f1']:.4f} | {trained:.0f} s |")
    section = [
        "## Learning the operator's labels: Banking77 (issue 3)",
        "",
        "`ecoute train --label intent intents_en_banking77/train.csv`, then `ecoute evaluate` on `test.csv` (the same",
        "service functions the commands call; texts pseudonymised before training, as always).",
        "",
        "| recipe | trained on | tested on | accuracy | macro-F1 | training time |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "References: TF-IDF + logistic regression 0.916, linear SVM 0.912; fine-tuned BERT (2020) 0.937. Target ≥ 0.93.",
        "",
    ]
    return section, figures


def _load_check(name: str):
    """The `check` module of eval/<name>/ (each set keeps its scorer next to its data)."""
    import importlib.util

    path = ROOT / "eval" / name / "check.py"
    spec = importlib.util.spec_from_file_location(f"eval_{name}_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def evaluate_journey() -> tuple[list[str], dict]:
    """Journey events, derived fields and effort against the hand-annotated gold set."""
    return _load_check("journey").section()


def _markdown_section(name: str):
    """A set whose scorer returns its Markdown section as one string."""

    def evaluate() -> tuple[list[str], dict]:
        text = _load_check(name).section()
        return text.rstrip("\n").split("\n") + [""], {}

    evaluate.__name__ = f"evaluate_{name}"
    return evaluate


def _splice(report: list[str], sections: list[str]) -> list[str]:
    """The report's lines with each of ``sections``' headed parts ("## …") put in place of the old one."""
    def parts(lines):
        found, current = [], None
        for line in lines:
            if line.startswith("## ") or current is None:
                current = [line]
                found.append(current)
            else:
                current.append(line)
        return found

    def tidy(part):  # one blank line after each part, however many the old report or the new section held
        while part and not part[-1].strip():
            part = part[:-1]
        return part + [""]

    fresh = {part[0]: part for part in parts(sections)}
    merged = [fresh.pop(part[0], part) for part in parts(report)]
    return [line for part in merged + list(fresh.values()) for line in tidy(part)]


def main() -> None:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sections, summary = [], {}
    sections_to_run = (
        ("pii", evaluate_pii), ("sentiment", evaluate_sentiment), ("role", evaluate_role),
        ("themes", _markdown_section("themes")), ("emotions", _markdown_section("emotions")),
        ("entities", _markdown_section("entities")), ("journey", evaluate_journey), ("risk", _markdown_section("risk")),
        ("labels", evaluate_labels),
    )  # fmt: skip
    chosen = sys.argv[1:]  # `python eval/run.py sentiment`: that section alone, spliced into the existing report
    for name, evaluate in sections_to_run:
        if chosen and name not in chosen:
            continue
        rows, figures = evaluate()
        sections += rows
        summary[name] = figures
        print(name, json.dumps(figures, indent=1))
    header = [
        "# Evaluation",
        "",
        f"Measured {now}, commit `{commit()}`, by `make eval` (`eval/run.py`), with the product's own components."
        + (f" Section(s) {', '.join(chosen)} re-run alone at that time; the others are from an earlier full run." if chosen else ""),
        "",
    ]
    if chosen and OUT.exists():
        sections = _splice(OUT.read_text(encoding="utf-8").split("\n")[len(header) :], sections)
    OUT.write_text("\n".join(header + sections) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

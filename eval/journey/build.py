"""Build gold.jsonl (the journey gold set) from the hand annotations in gold.yaml.

Usage (from the repository root):

    .venv/bin/python eval/journey/build.py           # validate, then write gold.jsonl
    .venv/bin/python eval/journey/build.py --check   # validate and compare, write nothing;
                                                     # exits 1 if gold.jsonl is stale

What it does, for every narrative of gold.yaml, in the file's order:

1. Copies the text exactly from its origin:
   - ``reviews_fr_insurance/<file>.csv#row=N``, ``complaints_en_cfpb/narratives.csv#row=N``,
     ``tweets_fr_telecom/tweets.csv#row=N``: the ``text`` column of data row N of that
     file under /work/shared/data (1-based, header excluded, counted as CSV records,
     so a quoted text spanning several lines is one row). The row's ``id`` column must
     equal the annotation's ``source_id``; the annotation's ``date`` must equal the
     row's ``published`` (insurance) or ``received`` (CFPB) column, and its ``rating``
     the row's ``rating`` (insurance), so a wrong row number cannot go unnoticed.
   - ``demo/stories/<file>.txt``: the whole file under src/ecoute/data/demo/stories/.
   - ``written``: the annotation's own ``text`` field (texts we wrote).
2. Resolves each event's ``anchor`` (a verbatim substring) to character offsets
   ``start``/``end``: the first occurrence at or after the previous event's anchor
   start (so several events may share one anchor, e.g. "I called 3 times"); an event
   marked ``anchor_from_start: true`` is searched from the beginning of the text
   instead (used for an event told later in the text than it happened). An anchor
   that is not found is an error.
3. Validates everything: vocabularies (channels, actors, outcomes, steps, dead ends),
   ISO dates (no event after the testimony date, known event dates never going back
   in time), month-precision dates on the 1st, ``when_text`` present in the text,
   anchors of 3-15 words without e-mail addresses or long digit runs, effort 1-7,
   splits (every group present in dev and test; the ``holdout`` split, added after
   dev and test were used for tuning, must hold every group of ``HOLDOUT_GROUPS``; the
   ``train`` split, added later for training, only groups of ``HOLDOUT_GROUPS``),
   unique ids, journey transfers at least the sum of the events' transfers.
4. Adds the derived fields (``contacts``, ``channels``, ``total_wait_minutes``,
   ``elapsed_days``) and writes one JSON object per line, keys in a fixed order,
   UTF-8, so the output is identical on every run.

Any error is printed with the narrative id and the script exits 1 without writing.
See README.md for the annotation guidelines and the format.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = Path("/work/shared/data")
STORIES = ROOT / "src" / "ecoute" / "data" / "demo" / "stories"
GOLD_YAML = HERE / "gold.yaml"
GOLD_JSONL = HERE / "gold.jsonl"

CHANNELS = {"store", "phone_ivr", "phone_agent", "callback", "website", "email", "letter",
            "chat", "social", "home_visit", "mediator"}
ACTORS = {"ivr", "agent", "salesperson", "expert", "manager", "mediator", "customer", "company"}
OUTCOMES = {"resolved", "redirected", "refused", "hung_up", "no_answer", "promised", "pending"}
STEPS = {"hold", "transfer", "back_to_start", "cut_off", "not_understood"}
DEAD_ENDS = {"no_written_channel", "no_escalation", "unanswered_writing", "no_decision_maker",
             "broken_callback"}
GROUPS = {"insurance", "cfpb", "tweets", "demo", "written", "no_contact"}
SPLITS = ("dev", "test", "holdout", "train", "holdout2")
# Blind splits: measured, never tuned on, never shown narrative by narrative.
BLIND_SPLITS = ("holdout", "holdout2")
# The held-out split (README, "Held-out split"): fresh real texts nobody tuned on; the
# demo stories and our written texts have no held-out part. The train split (README,
# "Train split") holds fresh real texts for training and tuning, groups of HOLDOUT_GROUPS.
HOLDOUT_GROUPS = {"insurance", "cfpb", "tweets", "no_contact"}
PRECISIONS = {"day", "month"}
# The CSV sources: origin prefix -> (column holding the testimony date, has a rating column).
CSV_SOURCES = {
    "reviews_fr_insurance/": ("published", True),
    "complaints_en_cfpb/": ("received", False),
    "tweets_fr_telecom/": (None, False),
}
NARRATIVE_KEYS = {"id", "group", "lang", "split", "origin", "source_id", "date", "rating", "text",
                  "events", "transfers", "loops", "dead_ends", "resolved", "written_complaint",
                  "written_complaint_on", "effort", "notes"}
EVENT_KEYS = {"anchor", "anchor_from_start", "when", "when_precision", "when_text", "channel",
              "actor", "outcome", "wait_minutes", "steps", "transfers", "note"}
ORIGIN_ROW = re.compile(r"^(?P<path>[a-z_0-9]+/[a-z_0-9]+\.csv)#row=(?P<row>[1-9][0-9]*)$")
ORIGIN_STORY = re.compile(r"^demo/stories/(?P<name>[0-9]{2}_[a-z0-9_]+\.txt)$")
LONG_DIGITS = re.compile(r"\d[\d .]{5,}\d")


class GoldError(Exception):
    pass


def fail(nid: str, message: str) -> None:
    raise GoldError(f"{nid}: {message}")


def parse_date(nid: str, value, what: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):  # YAML reads an unquoted 2021-05-18 as a date
        value = value.isoformat()
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        fail(nid, f"{what} must be an ISO date YYYY-MM-DD or null, not {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(nid, f"{what} is not a real date: {value!r}")


_CSV_CACHE: dict[str, list[dict]] = {}


def csv_rows(path: str) -> list[dict]:
    if path not in _CSV_CACHE:
        with open(DATA / path, encoding="utf-8", newline="") as handle:
            _CSV_CACHE[path] = list(csv.DictReader(handle))
    return _CSV_CACHE[path]


def load_text(item: dict) -> tuple[str, dict]:
    """The narrative's text, and the source row (empty for non-CSV origins)."""
    nid, origin = item["id"], item["origin"]
    if origin == "written":
        if not isinstance(item.get("text"), str) or not item["text"].strip():
            fail(nid, "a written narrative needs its text in the `text` field")
        return item["text"], {}
    if "text" in item:
        fail(nid, "only `written` narratives carry their text in the yaml")
    match = ORIGIN_STORY.match(origin)
    if match:
        path = STORIES / match["name"]
        if not path.is_file():
            fail(nid, f"no demo story {path}")
        return path.read_text(encoding="utf-8"), {}
    match = ORIGIN_ROW.match(origin)
    if not match or not any(match["path"].startswith(p) for p in CSV_SOURCES):
        fail(nid, f"origin must be `written`, demo/stories/NN_name.txt or <source>/<file>.csv#row=N, not {origin!r}")
    rows = csv_rows(match["path"])
    number = int(match["row"])
    if number > len(rows):
        fail(nid, f"{match['path']} has only {len(rows)} rows")
    row = rows[number - 1]
    if item.get("source_id") != row["id"]:
        fail(nid, f"source_id {item.get('source_id')!r} differs from the row's id {row['id']!r}")
    return row["text"], row


def check_source_metadata(item: dict, row: dict) -> None:
    nid, origin = item["id"], item["origin"]
    prefix = next((p for p in CSV_SOURCES if origin.startswith(p)), None)
    if prefix is None:  # demo or written: the annotator gives the date
        if origin == "written" and item.get("date") is None:
            fail(nid, "a written narrative needs a testimony date")
        if item.get("rating") is not None:
            fail(nid, "only insurance reviews have a rating")
        return
    date_column, has_rating = CSV_SOURCES[prefix]
    expected_date = row.get(date_column) if date_column else None
    given = item.get("date")
    given = given.isoformat() if isinstance(given, dt.date) else given
    if given != (expected_date or None):
        fail(nid, f"date {given!r} differs from the source's {date_column} {expected_date!r}")
    rating = row.get("rating") if has_rating else None
    expected_rating = int(rating) if rating not in (None, "") else None
    if item.get("rating") != expected_rating:
        fail(nid, f"rating {item.get('rating')!r} differs from the source's {expected_rating!r}")


def build_event(nid: str, index: int, event: dict, text: str, search_from: int,
                testimony: dt.date | None) -> dict:
    where = f"event {index + 1}"
    unknown = set(event) - EVENT_KEYS
    if unknown:
        fail(nid, f"{where}: unknown keys {sorted(unknown)}")
    anchor = event.get("anchor")
    if not isinstance(anchor, str) or not anchor.strip():
        fail(nid, f"{where}: anchor missing")
    words = len(anchor.split())
    if not 3 <= words <= 15:
        fail(nid, f"{where}: anchor has {words} words (3-15): {anchor!r}")
    if "@" in anchor or LONG_DIGITS.search(anchor):
        fail(nid, f"{where}: anchor must not hold an e-mail address or a long number: {anchor!r}")
    start = text.find(anchor, 0 if event.get("anchor_from_start") else search_from)
    if start < 0:
        fail(nid, f"{where}: anchor not found at or after offset {search_from}: {anchor!r}")

    when = parse_date(nid, event.get("when"), f"{where}: when")
    precision = event.get("when_precision")
    if when is None:
        if precision is not None:
            fail(nid, f"{where}: when_precision without a date")
    else:
        precision = precision or "day"
        if precision not in PRECISIONS:
            fail(nid, f"{where}: when_precision must be day or month")
        if precision == "month" and when.day != 1:
            fail(nid, f"{where}: a month-precision date is written as the 1st of the month")
        if testimony is not None and when > testimony:
            fail(nid, f"{where}: {when} is after the testimony date {testimony}")
    when_text = event.get("when_text")
    if when_text is not None and when_text not in text:
        fail(nid, f"{where}: when_text not in the text: {when_text!r}")

    channel, actor, outcome = event.get("channel"), event.get("actor"), event.get("outcome")
    if channel is not None and channel not in CHANNELS:
        fail(nid, f"{where}: unknown channel {channel!r}")
    if actor is not None and actor not in ACTORS:
        fail(nid, f"{where}: unknown actor {actor!r}")
    if outcome is not None and outcome not in OUTCOMES:
        fail(nid, f"{where}: unknown outcome {outcome!r}")
    wait = event.get("wait_minutes")
    if wait is not None and (isinstance(wait, bool) or not isinstance(wait, (int, float)) or wait < 0):
        fail(nid, f"{where}: wait_minutes must be a non-negative number or null")
    steps = event.get("steps") or []
    if not isinstance(steps, list) or any(s not in STEPS for s in steps):
        fail(nid, f"{where}: steps must be a list among {sorted(STEPS)}")
    transfers = event.get("transfers", 0)
    if isinstance(transfers, bool) or not isinstance(transfers, int) or transfers < 0:
        fail(nid, f"{where}: transfers must be a non-negative integer")
    note = event.get("note")
    if note is not None and not isinstance(note, str):
        fail(nid, f"{where}: note must be text")
    return {
        "anchor": anchor,
        "start": start,
        "end": start + len(anchor),
        "when": when.isoformat() if when else None,
        "when_precision": precision if when else None,
        "when_text": when_text,
        "channel": channel,
        "actor": actor,
        "outcome": outcome,
        "wait_minutes": wait,
        "steps": steps,
        "transfers": transfers,
        "note": note,
    }


def build_narrative(item: dict) -> dict:
    nid = item.get("id")
    if not isinstance(nid, str) or not re.fullmatch(r"[a-z0-9-]+", nid):
        raise GoldError(f"bad or missing id: {nid!r}")
    unknown = set(item) - NARRATIVE_KEYS
    if unknown:
        fail(nid, f"unknown keys {sorted(unknown)}")
    if item.get("group") not in GROUPS:
        fail(nid, f"group must be one of {sorted(GROUPS)}")
    if item.get("lang") not in ("fr", "en"):
        fail(nid, "lang must be fr or en")
    if item.get("split") not in SPLITS:
        fail(nid, f"split must be one of {', '.join(SPLITS)}")
    text, row = load_text(item)
    check_source_metadata(item, row)
    testimony = parse_date(nid, item.get("date"), "date")
    rating = item.get("rating")
    if rating is not None and (isinstance(rating, bool) or rating not in range(1, 6)):
        fail(nid, "rating must be 1-5 or null")

    # Known dates never go back in time; a month-precision date only has to be in
    # the same month as the previous date or later.
    events, search_from, last_day, last_month = [], 0, None, None
    for index, raw in enumerate(item.get("events") or []):
        event = build_event(nid, index, raw, text, search_from, testimony)
        search_from = event["start"]
        if event["when"]:
            when = dt.date.fromisoformat(event["when"])
            month = (when.year, when.month)
            if (last_month and month < last_month) or (
                    event["when_precision"] == "day" and last_day and when < last_day):
                fail(nid, f"event {index + 1}: {when} is before a previous dated event")
            last_month = max(last_month or month, month)
            if event["when_precision"] == "day":
                last_day = when
        events.append(event)
    if item["group"] == "no_contact" and events:
        fail(nid, "a no_contact narrative has no event")

    transfers, loops = item.get("transfers"), item.get("loops")
    for name, value in (("transfers", transfers), ("loops", loops)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            fail(nid, f"{name} must be a non-negative integer")
    if transfers < sum(e["transfers"] for e in events):
        fail(nid, "journey transfers is less than the sum of the events' transfers")
    dead_ends = item.get("dead_ends") or []
    if not isinstance(dead_ends, list) or any(d not in DEAD_ENDS for d in dead_ends) \
            or len(set(dead_ends)) != len(dead_ends):
        fail(nid, f"dead_ends must be distinct codes among {sorted(DEAD_ENDS)}")
    resolved = item.get("resolved")
    if resolved not in (True, False, None):
        fail(nid, "resolved must be true, false or null")
    written = item.get("written_complaint")
    if written not in (True, False):
        fail(nid, "written_complaint must be true or false")
    written_on = parse_date(nid, item.get("written_complaint_on"), "written_complaint_on")
    if written_on and not written:
        fail(nid, "written_complaint_on given but written_complaint is false")
    if written_on and testimony and written_on > testimony:
        fail(nid, "written_complaint_on is after the testimony date")
    if written and not any(e["channel"] in ("letter", "email", "website") for e in events):
        fail(nid, "written_complaint is true but no letter, email or website event")
    effort = item.get("effort")
    if isinstance(effort, bool) or effort not in range(1, 8):
        fail(nid, "effort must be an integer 1-7")
    notes = item.get("notes")
    if notes is not None and not isinstance(notes, str):
        fail(nid, "notes must be text")

    channels = []
    for event in events:
        if event["channel"] and event["channel"] not in channels:
            channels.append(event["channel"])
    waits = [e["wait_minutes"] for e in events if e["wait_minutes"] is not None]
    dates = sorted(dt.date.fromisoformat(e["when"]) for e in events if e["when"])
    return {
        "id": nid,
        "group": item["group"],
        "lang": item["lang"],
        "split": item["split"],
        "origin": item["origin"],
        "source_id": item.get("source_id"),
        "date": testimony.isoformat() if testimony else None,
        "rating": rating,
        "text": text,
        "events": events,
        "contacts": len(events),
        "channels": channels,
        "transfers": transfers,
        "loops": loops,
        "dead_ends": dead_ends,
        "total_wait_minutes": sum(waits) if waits else None,
        "elapsed_days": (dates[-1] - dates[0]).days if len(dates) >= 2 else None,
        "resolved": resolved,
        "written_complaint": written,
        "written_complaint_on": written_on.isoformat() if written_on else None,
        "effort": effort,
        "notes": notes.strip() if isinstance(notes, str) else None,
    }


def annotation_files(path: Path = GOLD_YAML) -> list[Path]:
    """gold.yaml, then the part files ``gold_*.yaml`` next to it in name order (parts
    let several annotators work at once without editing one file)."""
    return [path, *sorted(path.parent.glob("gold_*.yaml"))]


def build(path: Path = GOLD_YAML) -> list[dict]:
    items: list = []
    for part in annotation_files(path):
        document = yaml.safe_load(part.read_text(encoding="utf-8"))
        narratives = document.get("narratives") if isinstance(document, dict) else None
        if not isinstance(narratives, list) or not narratives:
            raise GoldError(f"{part.name} must hold a non-empty `narratives` list")
        items.extend(narratives)
    records = [build_narrative(item) for item in items]
    ids = Counter(r["id"] for r in records)
    duplicates = sorted(i for i, n in ids.items() if n > 1)
    if duplicates:
        raise GoldError(f"duplicate ids: {duplicates}")
    origins = Counter(r["origin"] for r in records)
    repeated = sorted(o for o, n in origins.items() if n > 1 and o != "written")
    if repeated:
        raise GoldError(f"the same origin annotated twice: {repeated}")
    for group in sorted({r["group"] for r in records}):
        splits = {r["split"] for r in records if r["group"] == group} - {*BLIND_SPLITS, "train"}
        if splits != {"dev", "test"}:
            raise GoldError(f"group {group} must have narratives in both dev and test, has {sorted(splits)}")
    held_out = {r["group"] for r in records if r["split"] == "holdout"}
    if held_out != HOLDOUT_GROUPS:
        raise GoldError(f"the holdout split must hold exactly the groups {sorted(HOLDOUT_GROUPS)}, "
                        f"has {sorted(held_out)}")
    for name in ("train", "holdout2"):
        groups = {r["group"] for r in records if r["split"] == name}
        if groups - HOLDOUT_GROUPS:
            raise GoldError(f"the {name} split may only hold the groups {sorted(HOLDOUT_GROUPS)}, "
                            f"has {sorted(groups)}")
    return records


def serialise(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def summary(records: list[dict]) -> str:
    lines = [f"{len(records)} narratives, {sum(r['contacts'] for r in records)} events"]
    for group in sorted({r["group"] for r in records}):
        subset = [r for r in records if r["group"] == group]
        split = Counter(r["split"] for r in subset)
        lines.append(f"  {group:<10} {len(subset):>2} (dev {split['dev']}, test {split['test']}, "
                     f"holdout {split['holdout']}, holdout2 {split['holdout2']}, train {split['train']}), "
                     f"{sum(r['contacts'] for r in subset)} events")
    split = Counter(r["split"] for r in records)
    lines.append(f"  dev {split['dev']}, test {split['test']}, holdout {split['holdout']}, "
                 f"holdout2 {split['holdout2']}, train {split['train']}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    try:
        records = build()
    except GoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    output = serialise(records)
    if check_only:
        current = GOLD_JSONL.read_text(encoding="utf-8") if GOLD_JSONL.exists() else ""
        if current != output:
            print("gold.jsonl is out of date: run python eval/journey/build.py", file=sys.stderr)
            return 1
        print(summary(records))
        print("gold.jsonl is up to date")
        return 0
    GOLD_JSONL.write_text(output, encoding="utf-8")
    print(summary(records))
    print(f"wrote {GOLD_JSONL.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Write gold.jsonl from the candidates (sample.py) and the annotations (lines.py).

Usage: python3 eval/entities/build.py   (needs /work/shared/data; seeded, same output every run)
Offsets are worked out here, never by hand.
"""

from __future__ import annotations

import io
import json
import re
import sys
from contextlib import redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sample  # noqa: E402
from lines import REAL, WRITTEN  # noqa: E402

MARK = re.compile(r"\[\[(B|O|P)\|(.+?)\]\]")
LABELS = {"B": "BRAND", "O": "ORG", "P": "PRODUCT"}


def _real_lines() -> list[dict]:
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        sample.main()
    lines = []
    for number, raw in enumerate(buffer.getvalue().splitlines()):
        candidate = json.loads(raw)
        entities, cursor = [], 0
        for surface, label in REAL.get(number, []):
            start = candidate["text"].index(surface, cursor)
            cursor = start + len(surface)
            entities.append({"start": start, "end": cursor, "text": surface, "label": label})
        lang = "en" if "cfpb" in candidate["origin"] else "fr"
        lines.append({"id": f"ent-{number:03d}", "lang": lang, **candidate, "entities": entities})
    return lines


def _written_lines(first: int) -> list[dict]:
    lines = []
    for number, marked in enumerate(WRITTEN, first):
        text, entities, cursor = "", [], 0
        for match in MARK.finditer(marked):
            text += marked[cursor : match.start()]
            entities.append({"start": len(text), "end": len(text) + len(match.group(2)), "text": match.group(2), "label": LABELS[match.group(1)]})
            text += match.group(2)
            cursor = match.end()
        text += marked[cursor:]
        lang = "en" if re.search(r"\b(the|I|me|my|with|was|for)\b", text) else "fr"
        lines.append({"id": f"ent-{number:03d}", "lang": lang, "origin": "written", "draw": "written", "text": text, "entities": entities})
    return lines


def main() -> None:
    real = _real_lines()
    lines = real + _written_lines(len(real))
    with open(HERE / "gold.jsonl", "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(lines)} lines, {sum(len(line['entities']) for line in lines)} entities")


if __name__ == "__main__":
    main()

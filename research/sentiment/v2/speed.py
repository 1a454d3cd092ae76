"""CPU cost of the `sentiment` component alone, per review, on insurance dev reviews.

    .venv/bin/python research/sentiment/v2/speed.py [N=800] [FR_MODEL]

The earlier stages (language, pseudonymise, sentences) run first, untimed; then the sentiment
component's run() on batches of 64 is timed: process CPU (all threads: USE uses two) and wall.
Reports all N reviews and the short ones (≤ 300 characters). Prints `uptime` load too.
"""

import json
import os
import sys
import time
from pathlib import Path

from ecoute.pipeline import Item, Pipeline
from ecoute.pipeline.components import sentiment as component
from ecoute.record import Source

N = int(sys.argv[1]) if len(sys.argv) > 1 else 800
if len(sys.argv) > 2:
    component.MODELS = dict(component.MODELS, fr=sys.argv[2])
CACHE = Path("/work/scratch/sentiment_v2")


def main():
    texts = json.loads((CACHE / "dev.json").read_text())["text"][:N]
    before = Pipeline(["language", "pseudonymise", "sentences"])
    stage = Pipeline(["sentiment"]).components[0]
    stage.ensure_warm()
    for label, chosen in (("all", texts), ("short (<= 300 chars)", [t for t in texts if len(t) <= 300])):
        items = [Item(text=t, source=Source(kind="bench")) for t in chosen]
        for start in range(0, len(items), 256):
            batch = items[start : start + 256]
            for comp in before.components:
                comp.ensure_warm()
                comp.run(batch)
        cpu, wall = time.process_time(), time.perf_counter()
        for start in range(0, len(items), 64):
            stage.run(items[start : start + 64])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{label}: {len(items)} reviews, {1000 * cpu / len(items):.2f} ms CPU and {1000 * wall / len(items):.2f} ms wall per review "
              f"({len(items) / wall:.0f} reviews/s wall); load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

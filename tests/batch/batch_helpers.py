"""Inputs and readers shared by the batch tests."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

TEXT = "Avis {n} : j'ai attendu {m} minutes au téléphone, transféré deux fois, puis on m'a raccroché au nez."


def write_reviews(path, rows=120, *, start=0):
    """A CSV with rejections (empty text, missing field) and duplicates in it."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "texte"])
        for n in range(start, start + rows):
            if n % 29 == 3:
                writer.writerow([f"R{n}", "2025-02-01", ""])
            elif n % 31 == 7:
                writer.writerow([f"R{n}", "2025-02-01"])
            elif n % 17 == 9:
                writer.writerow([f"R{n}", "2025-02-01", TEXT.format(n=n - 5, m=(n - 5) % 60)])
            else:
                writer.writerow([f"R{n}", "2025-02-01", TEXT.format(n=n, m=n % 60)])
    return path


def write_parquet(path, rows, *, start=0):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": [f"P{n}" for n in range(start, start + rows)],
            "commentaire": [TEXT.format(n=n, m=n % 60) if n % 13 else None for n in range(start, start + rows)],
            "note": [n % 10 for n in range(start, start + rows)],
        }
    )
    pq.write_table(table, path, row_group_size=16)
    return path


def run_cli(args, env, **kwargs):
    return subprocess.run([sys.executable, "-m", "ecoute", *args], capture_output=True, text=True, env=env, **kwargs)


def read_output(folder):
    """Records sorted by id, rejections and duplicates sorted: comparable across runs."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    records = ds.dataset(str(folder)).to_table()
    return {
        "records": sorted(records.to_pylist(), key=lambda row: row["id"]),
        "rejections": sorted(pq.read_table(folder / "_rejections.parquet").to_pylist(), key=lambda r: (r["path"], r["row"] or 0)),
        "duplicates": sorted(pq.read_table(folder / "_duplicates.parquet").to_pylist(), key=lambda r: (r["path"], r["row"] or 0)),
        "counts": json.loads((folder / "_manifest.json").read_text())["counts"],
    }

"""Excel .xlsx reading (workbooks are built with openpyxl in the test)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from ingest_helpers import only, read, records, rejections

from ecoute.ingest.model import RawRecord, Rejection


def _workbook(path: Path, rows: list[list[object]], other_sheet: list[list[object]] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Avis"
    for row in rows:
        sheet.append(row)
    if other_sheet is not None:
        extra = workbook.create_sheet("Notes")
        for row in other_sheet:
            extra.append(row)
    workbook.save(path)
    return path


def test_xlsx_first_sheet_header_dates_and_ids(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "enquete.xlsx",
        [
            [None, None, None, None],  # blank line above the header
            ["N°", "Date", "Verbatim", "Score"],
            [1001, dt.datetime(2024, 12, 3), "Conseiller très patient", 9],
            [None, None, None, None],  # empty row: skipped, still numbered
            [1002.0, dt.datetime(2024, 12, 4, 10, 12), "Attente trop longue", 2.5],
            [1003, None, None, 7],
        ],
        other_sheet=[["texte"], ["jamais lu"]],
    )
    items = read(path, id_col="n°", date_col="date")
    assert [(r.row, r.external_id, r.date, r.text, r.metadata) for r in records(items)] == [
        (1, "1001", "2024-12-03", "Conseiller très patient", {"Score": 9}),
        (
            3,
            "1002",
            "2024-12-04T10:12:00",
            "Attente trop longue",
            {"Score": 2.5},
        ),
    ]
    rejection = only(rejections(items))
    assert (rejection.code, rejection.row, rejection.format, rejection.path) == ("ECO305", 4, "xlsx", str(path))


def test_xlsx_without_text_column(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "notes.xlsx", [["id", "score"], [1, 5]])
    rejection = only(read(path))
    assert isinstance(rejection, Rejection)
    assert (rejection.code, rejection.row, rejection.error.params["columns"]) == ("ECO304", None, "id, score")


def test_xlsx_header_only_is_empty(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "vide.xlsx", [["commentaire", "id"]])
    assert [(r.code, r.row) for r in read(path)] == [("ECO302", None)]


def test_corrupt_xlsx_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "casse.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")
    rejection = only(read(path))
    assert isinstance(rejection, Rejection)
    assert (rejection.code, rejection.row, rejection.format) == ("ECO310", None, "xlsx")
    assert rejection.error.params["detail"].startswith("BadZipFile")


def test_forced_xlsx_format_on_another_suffix(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "export.bin", [["avis"], ["Très bien"]])
    record = only(read(path, format="xlsx"))
    assert isinstance(record, RawRecord) and (record.text, record.row) == ("Très bien", 1)

"""JSON Lines (and JSON arrays) reading."""

from __future__ import annotations

import json
from pathlib import Path

from ingest_helpers import only, read, records, rejections

from ecoute.ingest.model import RawRecord, Rejection


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_malformed_line_among_good_ones(tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path / "avis.jsonl",
        [
            json.dumps({"id": 1, "text": "Très bon accueil"}, ensure_ascii=False),
            '{"id": 2, "text": "coupé en plein',
            "",
            json.dumps({"id": 3, "text": "Remboursé rapidement"}, ensure_ascii=False),
        ],
    )
    items = read(path, id_col="id")
    assert [(r.row, r.external_id, r.text) for r in records(items)] == [
        (1, "1", "Très bon accueil"),
        (4, "3", "Remboursé rapidement"),  # row = line number; the blank line 3 is skipped
    ]
    rejection = only(rejections(items))
    assert (rejection.code, rejection.row, rejection.path, rejection.format) == ("ECO306", 2, str(path), "jsonl")
    assert rejection.error.params["where"] == " #2"
    assert rejection.error.params["detail"].startswith("invalid JSON: Unterminated string")


def test_nested_values_kept_in_metadata(tmp_path: Path) -> None:
    value = {
        "commentaire": "  Bien  ",
        "client": {"segment": "pro", "anciennete": 3},
        "tags": ["livraison", "sav"],
        "note": 4.5,
        "vide": "",
        "rien": None,
        "liste_vide": [],
        "actif": False,
        "zero": 0,
    }
    path = _write_lines(tmp_path / "avis.ndjson", [json.dumps(value)])
    record = only(read(path))
    assert isinstance(record, RawRecord)
    assert record.text == "Bien"
    assert record.metadata == {
        "client": {"segment": "pro", "anciennete": 3},
        "tags": ["livraison", "sav"],
        "note": 4.5,
        "actif": False,
        "zero": 0,
    }
    json.dumps(record.metadata)  # JSON-compatible as is


def test_text_col_date_col_and_missing_text_per_record(tmp_path: Path) -> None:
    path = _write_lines(
        tmp_path / "avis.jsonl",
        ['{"Remarque": "ok", "quand": "2024-12-03"}', '{"autre": "pas de texte"}', '{"remarque": null}'],
    )
    items = read(path, text_col="remarque", date_col="quand")
    assert [(r.row, r.text, r.date) for r in records(items)] == [(1, "ok", "2024-12-03")]
    assert [(r.code, r.row) for r in rejections(items)] == [("ECO304", 2), ("ECO305", 3)]
    assert rejections(items)[0].error.params == {"path": str(path), "wanted": "'remarque'", "columns": "autre"}


def test_non_object_lines_and_non_json_constants(tmp_path: Path) -> None:
    # (A file whose first character is "[" is read as one JSON array, see below.)
    path = _write_lines(tmp_path / "avis.jsonl", ['{"text": 42}', '["a", "b"]', '{"text": NaN}', '{"text": ["a"]}'])
    items = read(path)
    assert [(r.code, r.row, r.error.params["detail"]) for r in rejections(items)] == [
        ("ECO306", 2, "expected a JSON object, found an array"),
        ("ECO306", 3, "invalid JSON: NaN is not valid JSON"),
        ("ECO306", 4, "the text field 'text' holds an array, not a string"),
    ]
    assert [(r.row, r.text) for r in records(items)] == [(1, "42")]


def test_json_array_file(tmp_path: Path) -> None:
    path = tmp_path / "avis.json"
    path.write_text(
        json.dumps([{"avis": "un"}, {"avis": ""}, "pas un objet", {"avis": "trois"}], indent=2), encoding="utf-8"
    )
    items = read(path)
    assert [(r.row, r.text) for r in records(items)] == [(1, "un"), (4, "trois")]
    assert [(r.code, r.row) for r in rejections(items)] == [("ECO305", 2), ("ECO306", 3)]


def test_pretty_printed_single_object(tmp_path: Path) -> None:
    path = tmp_path / "avis.json"
    path.write_text(json.dumps({"texte": "Un seul avis", "id": "A1"}, indent=2), encoding="utf-8")
    record = only(read(path))
    assert isinstance(record, RawRecord)
    assert (record.row, record.text, record.external_id, record.metadata) == (None, "Un seul avis", "A1", {})


def test_broken_json_document(tmp_path: Path) -> None:
    path = tmp_path / "avis.json"
    path.write_text('[{"texte": "a"},\n {"texte": ', encoding="utf-8")
    rejection = only(read(path))
    assert isinstance(rejection, Rejection)
    assert (rejection.code, rejection.row, rejection.error.params["where"]) == ("ECO306", None, "")


def test_only_blank_lines_is_an_empty_input(tmp_path: Path) -> None:
    path = tmp_path / "avis.jsonl"
    path.write_text("\n" * 10_000, encoding="utf-8")  # larger than the sniffed head
    assert [(r.code, r.row) for r in read(path)] == [("ECO302", None)]


def test_cp1252_line_in_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "avis.jsonl"
    path.write_bytes('{"text": "déjà"}\n'.encode() + '{"text": "reçu"}\n'.encode("cp1252"))
    assert [r.text for r in records(read(path))] == ["déjà", "reçu"]

"""Plain-text files and the decoding rules every format shares."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from ingest_helpers import only, read

from ecoute.ingest.decoding import clean_text, decode_document, is_binary, iter_decoded_lines, sniff_encoding
from ecoute.ingest.model import RawRecord, Rejection

TEXT = "Très déçu : le colis est arrivé abîmé, et l’attente au téléphone a duré 45 minutes. Cœur brisé, 30 €."


def _record(path: Path, **options: object) -> RawRecord:
    item = only(read(path, **options))
    assert isinstance(item, RawRecord), item
    return item


def test_text_file_is_one_testimony(tmp_path: Path) -> None:
    path = tmp_path / "avis.md"
    path.write_text(f"\n  {TEXT}\r\nSecond paragraphe.  \n", encoding="utf-8")
    record = _record(path)
    assert record.text == f"{TEXT}\nSecond paragraphe."
    assert (record.row, record.format, record.path, record.metadata) == (
        None,
        "text",
        str(path),
        {"filename": "avis.md"},
    )


def test_windows_1252_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "avis.txt"
    path.write_bytes(TEXT.encode("cp1252"))
    assert _record(path).text == TEXT


def test_latin_1_undefined_cp1252_bytes_do_not_break_decoding(tmp_path: Path) -> None:
    path = tmp_path / "avis.txt"
    path.write_bytes("Déjà vu ".encode("latin-1") + b"\x81\x8d" + " reçu".encode("latin-1"))
    assert _record(path).text == "Déjà vu  reçu"  # the two C1 controls are removed


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "avis.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    text = _record(path).text
    assert text == TEXT and not text.startswith("\ufeff")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "avis.txt"
    path.write_bytes(TEXT.encode(encoding))  # "utf-16"/"utf-32" write a BOM; -le/-be do not
    assert _record(path).text == TEXT


def test_mojibake_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "avis.txt"
    # UTF-8 bytes once decoded as Windows-1252 and saved again as UTF-8.
    path.write_text(TEXT.encode("utf-8").decode("cp1252"), encoding="utf-8")
    assert "Ã©" in path.read_text(encoding="utf-8")
    assert _record(path).text == TEXT


def test_text_too_long(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("é" * 120, encoding="utf-8")
    rejection = only(read(path, max_text_chars=100))
    assert isinstance(rejection, Rejection)
    assert (rejection.code, rejection.row, rejection.error.params) == (
        "ECO309",
        None,
        {"path": str(path), "where": "", "length": 120, "limit": 100},
    )


def test_huge_text_file_is_measured_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("abc\n" * 1000, encoding="utf-8")  # 4000 bytes > 4 * 100 + 4
    rejection = only(read(path, max_text_chars=100))
    assert (rejection.code, rejection.error.params["length"]) == ("ECO309", 4000)


# --- decoding helpers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  a\r\nb\rc\n ", "a\nb\nc"),
        ("tab\tkept\x00\x07\x1b\x7f", "tab\tkept"),
        ("Cafe\u0301", "Café"),  # NFC
        ("l\u2019avis \ufeffest bon", "l’avis est bon"),
        ("Ã©tÃ© â€™ Å“uvre", "été ’ œuvre"),
        ("déjà vu, âge, Ângela", "déjà vu, âge, Ângela"),  # legitimate accents untouched
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_decode_document_order() -> None:
    assert decode_document("é".encode("utf-8")) == "é"
    assert decode_document("é’".encode("cp1252")) == "é’"
    assert decode_document("Ђ".encode("cp1251"), declared="windows-1251") == "Ђ"
    # A "latin-1" label means windows-1252, as in browsers: 0x92 is a quote, not a control.
    assert decode_document(b"l\x92avis", declared="iso-8859-1") == "l’avis"


def test_binary_sniffing() -> None:
    assert is_binary(b"abc\x00def")
    assert not is_binary("texte".encode("utf-16"))
    assert not is_binary("un texte assez long pour juger".encode("utf-16-le"))
    assert sniff_encoding("un texte assez long pour juger".encode("utf-16-be")) == "utf-16-be"
    assert is_binary(b"\xef\xbb\xbfabc\x00")  # a UTF-8 BOM does not excuse NULs


def test_lines_fall_back_to_cp1252_line_by_line() -> None:
    data = "déjà\n".encode("utf-8") + "réçu\r\n".encode("cp1252") + "fin €".encode("utf-8")
    deltas: list[int] = []
    lines = list(iter_decoded_lines(io.BytesIO(data), deltas.append))
    assert lines == ["déjà\n", "réçu\r\n", "fin €"]
    assert sum(deltas) == len(data)


def test_lines_of_utf16_with_bom() -> None:
    data = "a,b\r\n1,é\r\n".encode("utf-16")
    deltas: list[int] = []
    assert list(iter_decoded_lines(io.BytesIO(data), deltas.append)) == ["a,b\r\n", "1,é\r\n"]
    assert sum(deltas) == len(data)

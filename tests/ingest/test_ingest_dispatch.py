"""resolve_inputs, total_bytes, iter_inputs: paths, formats, progress, file-level rejections."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ingest_helpers import only, read, records, rejections

from ecoute.errors import BadOption, InputNotFound
from ecoute.ingest import iter_inputs, resolve_inputs, total_bytes
from ecoute.ingest.model import RawRecord, ReadOptions, Rejection


def test_missing_path_raises_before_anything_is_read(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    good.write_text("Très bien.", encoding="utf-8")
    missing = tmp_path / "nope" / "avis.csv"
    with pytest.raises(InputNotFound) as caught:
        resolve_inputs([good, missing])
    assert caught.value.code == "ECO300"
    assert caught.value.params == {"path": str(missing)}
    # iter_inputs resolves eagerly: the error comes at the call, not mid-stream.
    with pytest.raises(InputNotFound):
        iter_inputs([missing], ReadOptions())


def test_folders_are_walked_sorted_hidden_skipped_and_deduplicated(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("b/z.txt", "b/a.csv", "a.txt", "c.eml", ".hidden.txt", ".git/config.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    files = resolve_inputs([tmp_path, tmp_path / "a.txt"])
    assert [file.relative_to(tmp_path).as_posix() for file in files] == ["a.txt", "b/a.csv", "b/z.txt", "c.eml"]


def test_unsupported_suffix_in_a_folder_is_a_rejection_not_a_silent_skip(tmp_path: Path) -> None:
    (tmp_path / "avis.txt").write_text("Livraison rapide.", encoding="utf-8")
    (tmp_path / "rapport.pdf").write_bytes(b"%PDF-1.4 whatever")
    items = read(tmp_path)
    assert [record.text for record in records(items)] == ["Livraison rapide."]
    rejection = only(rejections(items))
    assert (rejection.code, rejection.path, rejection.row, rejection.format) == (
        "ECO301",
        str(tmp_path / "rapport.pdf"),
        None,
        None,
    )
    assert rejection.error.params["suffix"] == ".pdf"


def test_forced_format_reads_any_suffix(tmp_path: Path) -> None:
    export = tmp_path / "export.dat"
    export.write_text("id,avis\n7,Conseiller très aimable\n", encoding="utf-8")
    record = only(read(export, format="csv", id_col="id"))
    assert isinstance(record, RawRecord)
    assert (record.format, record.row, record.external_id, record.text) == ("csv", 1, "7", "Conseiller très aimable")
    # Without --format the same file is refused.
    assert only(read(export)).code == "ECO301"


def test_forced_format_overrides_the_suffix(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text('{"texte": "ligne un"}\n{"texte": "ligne deux"}\n', encoding="utf-8")
    assert [record.text for record in records(read(notes, format="JSONL"))] == ["ligne un", "ligne deux"]


def test_unknown_forced_format_raises_bad_option(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(BadOption) as caught:
        iter_inputs([tmp_path], ReadOptions(format="pdf"))
    assert caught.value.code == "ECO311"
    assert caught.value.params["option"] == "--format"
    assert "'pdf'" in caught.value.params["detail"]


def test_progress_deltas_add_up_to_total_bytes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Très bien.", encoding="utf-8")
    (tmp_path / "b.csv").write_text("avis\n" + "Rien à signaler.\n" * 50_000, encoding="utf-8")
    (tmp_path / "c.bin").write_bytes(b"\x00" * 100)  # rejected, but its bytes count too
    (tmp_path / "d.csv").write_bytes(b"\x00\x01\x02" * 1000)  # binary
    deltas: list[int] = []
    files = resolve_inputs([tmp_path])
    items = list(iter_inputs(files, ReadOptions(on_bytes=deltas.append)))
    assert len(records(items)) == 50_001
    assert sorted(r.code for r in rejections(items)) == ["ECO301", "ECO303"]
    assert all(delta > 0 for delta in deltas)
    assert sum(deltas) == total_bytes(files) == sum(os.path.getsize(f) for f in files)
    # The 850 KB CSV reports as it goes, not only at its end.
    assert len(deltas) >= 4


def test_progress_is_complete_when_the_consumer_stops_early(tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_text("avis\n" + "Rien à signaler.\n" * 100_000, encoding="utf-8")
    deltas: list[int] = []
    stream = iter_inputs([big], ReadOptions(on_bytes=deltas.append))
    next(stream)
    stream.close()  # type: ignore[attr-defined]
    assert sum(deltas) == big.stat().st_size


def test_not_a_regular_file_is_unreadable(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    rejection = only(read(fifo))
    assert isinstance(rejection, Rejection)
    assert (rejection.code, rejection.error.params["detail"]) == ("ECO310", "not a regular file")


def test_a_file_failing_to_open_is_a_rejection_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stands in for a permission error (tests may run as root, who reads anything).
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Premier avis.", encoding="utf-8")
    second.write_text("Deuxième avis.", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "a.txt":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    items = read(tmp_path)
    assert isinstance(items[0], Rejection)
    assert (items[0].code, items[0].path, items[0].error.params["detail"]) == (
        "ECO310",
        str(first),
        "Permission denied",
    )
    assert isinstance(items[1], RawRecord) and items[1].text == "Deuxième avis."


def test_empty_file_is_rejected_for_every_format(tmp_path: Path) -> None:
    for name in ("a.txt", "b.csv", "c.jsonl", "d.html", "e.eml", "f.mbox", "g.xlsx", "h.tsv"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "i.txt").write_bytes(b" \r\n\t \n")  # only whitespace
    (tmp_path / "j.csv").write_bytes(b"\xef\xbb\xbf\n\n")  # a BOM and blank lines
    items = read(tmp_path)
    assert [(Path(item.path).name, item.code, item.row) for item in items] == [
        (name, "ECO302", None)
        for name in ("a.txt", "b.csv", "c.jsonl", "d.html", "e.eml", "f.mbox", "g.xlsx", "h.tsv", "i.txt", "j.csv")
    ]


def test_binary_file_is_rejected_whatever_its_suffix(tmp_path: Path) -> None:
    payload = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4
    for name in ("a.txt", "b.csv", "c.jsonl", "d.html", "e.eml", "f.mbox"):
        (tmp_path / name).write_bytes(payload)
    items = read(tmp_path)
    assert [(Path(item.path).name, item.code, item.row) for item in items] == [
        (name, "ECO303", None) for name in ("a.txt", "b.csv", "c.jsonl", "d.html", "e.eml", "f.mbox")
    ]

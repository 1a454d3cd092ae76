"""Issue 8, point 5: property-based tests on every importer and on the
pipeline entry. Whatever the bytes or the Unicode, reading yields records or
clean rejections — never an exception — in bounded time, and the pipeline
returns a record or a clean ``ComponentFailed`` for every text."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoute.batch.reader import iter_batch_inputs
from ecoute.errors import ComponentFailed
from ecoute.ingest import iter_inputs
from ecoute.ingest.model import RawRecord, ReadOptions, Rejection
from ecoute.pipeline import Item
from ecoute.record import AnalysisRecord, Source

SUFFIXES = [".txt", ".html", ".csv", ".tsv", ".jsonl", ".json", ".xlsx", ".eml", ".mbox", ".parquet"]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
PER_FILE_SECONDS = 5.0

# Text that looks like what breaks parsers: quotes, separators, NULs, BOMs, surrogates escaped, RTL marks.
nasty = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list('"\';,\t\r\n\x00\ufeff\u200f\u2028<>{}[]\\#=:é')),
    ),
    max_size=300,
)


def read_all(path, reader=iter_inputs, options=None):
    started = time.perf_counter()
    entries = list(reader([path], options or ReadOptions(max_text_chars=5000)))
    assert time.perf_counter() - started < PER_FILE_SECONDS, f"reading {path.name} took too long"
    for entry in entries:
        assert isinstance(entry, (RawRecord, Rejection)), entry
        if isinstance(entry, RawRecord):
            assert entry.text.strip() and len(entry.text) <= 5000
        else:
            assert entry.code.startswith("ECO3") and entry.reason("fr") and entry.reason("en")
    return entries


@pytest.mark.parametrize("suffix", SUFFIXES)
@FUZZ
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_never_crash_a_reader(tmp_path_factory, suffix, data):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    entries = read_all(path, iter_batch_inputs)  # every import reader, and Parquet
    assert entries, "an input always yields something: a record or a rejection"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
@FUZZ
@given(cells=st.lists(st.tuples(nasty, nasty), min_size=1, max_size=8))
def test_arbitrary_unicode_in_csv_cells(tmp_path_factory, encoding, cells):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "texte"])
    writer.writerows(cells)
    path = tmp_path_factory.mktemp("fuzz") / "avis.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    read_all(path)


@FUZZ
@given(values=st.lists(st.one_of(nasty, st.integers(), st.none(), st.lists(nasty, max_size=2), st.dictionaries(nasty, nasty, max_size=2)), min_size=1, max_size=8))
def test_arbitrary_json_values_in_json_lines(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("fuzz") / "avis.jsonl"
    path.write_text("\n".join(json.dumps({"text": value, "id": index}) for index, value in enumerate(values)), encoding="utf-8")
    entries = read_all(path)
    assert len(entries) == len(values)  # one outcome per line, none lost


@FUZZ
@given(texts=st.lists(st.one_of(nasty, st.none(), st.integers()), min_size=1, max_size=10))
def test_arbitrary_values_in_parquet(tmp_path_factory, texts):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path_factory.mktemp("fuzz") / "avis.parquet"
    column = pa.array([None if t is None else str(t) for t in texts], type=pa.string())
    pq.write_table(pa.table({"text": column, "n": list(range(len(texts)))}), path)
    entries = read_all(path, iter_batch_inputs)
    assert len(entries) == len(texts)


@FUZZ
@given(body=nasty, subject=nasty)
def test_arbitrary_unicode_in_text_html_and_email(tmp_path_factory, body, subject):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "a.txt").write_text(body, encoding="utf-8", errors="surrogatepass")
    (folder / "b.html").write_text(f"<html><head><title>{subject}</title></head><body><article><p>{body}</p></article></body></html>", encoding="utf-8", errors="surrogatepass")
    (folder / "c.eml").write_text(f"From: a@b.fr\nSubject: {subject.splitlines()[0] if subject.splitlines() else ''}\n\n{body}\n", encoding="utf-8", errors="surrogatepass")
    for name in ("a.txt", "b.html", "c.eml"):
        assert read_all(folder / name)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.one_of(nasty, st.text(max_size=2000)), min_size=1, max_size=6))
def test_the_pipeline_entry_takes_any_text(pipeline, texts):
    """The real default pipeline: a record or a clean ComponentFailed for each text."""
    texts = [text for text in texts if text.strip()] or ["."]
    started = time.perf_counter()
    results = pipeline.analyse([Item(text=text, source=Source(kind="fuzz")) for text in texts])
    assert len(results) == len(texts)
    for text, result in zip(texts, results):
        assert isinstance(result, (AnalysisRecord, ComponentFailed)), type(result)
        if isinstance(result, AnalysisRecord):
            assert result.text and result.id
    # The per-record limit bounds the worst case (ECOUTE_RECORD_TIME_LIMIT).
    assert time.perf_counter() - started < pipeline.time_limit * len(texts) * 2 + 30

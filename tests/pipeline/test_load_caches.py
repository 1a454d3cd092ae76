"""The caches that make model loading fast from the second time: compiled
regular expressions, built objects, model files read with the C unpickler."""

from __future__ import annotations

import re

import pytest

from ecoute.pipeline import disk_cache, regex_cache
from ecoute.understanding import textclf

PATTERNS = [
    (r"(?P<year>\d{4})-(?P<month>\d\d)", 0),
    (r"rien\s+à\s+redire|merci pour rien", re.IGNORECASE),
    (r"^[a-zàâçéèêëîïôûùüÿœ]+(?:-[a-zàâçéèêëîïôûùüÿœ]+)*$", re.IGNORECASE | re.MULTILINE),
    (rb"\x00(\d+)\xff", 0),
]
SAMPLES = ["2024-03 et 1999-12", "Rien  à redire, MERCI POUR RIEN", "porte-monnaie\nau-delà", b"\x0042\xff"]


def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new process sees: nothing compiled in memory, the file still on disk."""
    monkeypatch.setattr(regex_cache, "_entries", {})
    monkeypatch.setattr(regex_cache, "_used", set())
    monkeypatch.setattr(regex_cache, "_loaded_from", None)
    re.purge()


def _results(flags_patterns):
    out = []
    for (pattern, flags), sample in zip(flags_patterns, SAMPLES):
        compiled = re.compile(pattern, flags)
        out.append((compiled.flags, compiled.groupindex, [m.groups() or m.group() for m in compiled.finditer(sample)]))
    return out


def test_regex_programs_come_back_from_disk_and_match_the_same(monkeypatch):
    _fresh_process(monkeypatch)
    expected = _results(PATTERNS)  # compiled the ordinary way
    re.purge()
    with regex_cache.regex_cache():
        assert _results(PATTERNS) == expected
    assert regex_cache.cache_file().is_file()
    assert re._compiler.compile is regex_cache._ORIGINAL  # restored on leaving

    _fresh_process(monkeypatch)
    parsed = []
    parse = regex_cache._parser.parse
    monkeypatch.setattr(regex_cache._parser, "parse", lambda p, *a, **k: parsed.append(p) or parse(p, *a, **k))
    with regex_cache.regex_cache():
        assert _results(PATTERNS) == expected  # every program read from the file, none parsed
    assert not {p for p, _ in PATTERNS} & set(parsed)


def test_a_damaged_regex_file_only_costs_the_compile(monkeypatch):
    _fresh_process(monkeypatch)
    path = regex_cache.cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a marshal file at all")
    expected = _results(PATTERNS)
    _fresh_process(monkeypatch)
    with regex_cache.regex_cache():
        assert _results(PATTERNS) == expected
    assert path.stat().st_size > 100  # rewritten whole


def test_a_wrong_program_in_the_file_is_compiled_again(monkeypatch):
    _fresh_process(monkeypatch)
    pattern, flags = PATTERNS[0]
    key = (pattern, int(flags))
    regex_cache._entries[key] = (0, [1, 2, 3], 0, {}, (None,))  # not a valid program for this pattern
    with regex_cache.regex_cache():
        compiled = re.compile(pattern, flags)
    assert compiled.findall("2024-03") == [("2024", "03")]
    assert regex_cache._entries[key][1] != [1, 2, 3]


def test_cached_object_builds_once_then_reads(monkeypatch):
    monkeypatch.setattr(disk_cache, "_in_memory", {})
    built = []

    def build():
        built.append(1)
        return {"table": list(range(5))}

    assert disk_cache.cached_object("sample", ["v1"], build) == {"table": [0, 1, 2, 3, 4]}
    monkeypatch.setattr(disk_cache, "_in_memory", {})  # a new process
    assert disk_cache.cached_object("sample", ["v1"], build) == {"table": [0, 1, 2, 3, 4]}
    assert len(built) == 1
    disk_cache.cached_object("sample", ["v2"], build)  # another version: built again
    assert len(built) == 2


def test_a_damaged_cached_object_is_built_again(monkeypatch):
    monkeypatch.setattr(disk_cache, "_in_memory", {})
    disk_cache.cached_object("sample", ["v1"], lambda: 1)
    for file in disk_cache.cache_dir().glob("sample-*.pickle"):
        file.write_bytes(b"\x80\x05garbage")
    monkeypatch.setattr(disk_cache, "_in_memory", {})
    assert disk_cache.cached_object("sample", ["v1"], lambda: 2) == 2


def test_model_files_round_trip_in_both_formats(tmp_path):
    model = {"weights": [0.5, -1.0], "classes": ("negative", "positive")}
    for name in ("model.pkl", "model.joblib"):
        textclf.write_model_file(model, tmp_path / name)
        assert textclf.read_model_file(tmp_path / name) == model
    assert not list(tmp_path.glob("*.part"))


def test_shipped_models_are_shared_by_sentiment_and_aspects():
    from ecoute.pipeline.core import create_component

    sentiment, aspects = create_component("sentiment"), create_component("aspects")
    sentiment.ensure_warm()
    aspects.ensure_warm()
    assert sentiment.models["fr"] is aspects.models["fr"]

"""The word lists derived from the French model are built once and read back
from $ECOUTE_HOME/cache with the same content."""

from ecoute.privacy import lexicon


def _builder(calls):
    def build():
        calls.append(1)
        return ["été", "", "ete", "zèbre", "a b"]

    return build


def test_lines_are_built_once_then_read_back_unchanged(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOUTE_HOME", str(tmp_path))
    calls = []
    first = lexicon.cached_lines("test_words", _builder(calls))
    second = lexicon.cached_lines("test_words", _builder(calls))
    assert first == second == sorted(["été", "", "ete", "zèbre", "a b"])
    assert len(calls) == 1
    assert len(list((tmp_path / "cache").glob("test_words-*.txt"))) == 1


def test_a_damaged_cache_file_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOUTE_HOME", str(tmp_path))
    calls = []
    lexicon.cached_lines("test_words", _builder(calls))
    (path,) = (tmp_path / "cache").glob("test_words-*.txt")
    path.write_text("ecoute-words-1 9\nete", encoding="utf-8")  # cut short, as after a crash
    assert lexicon.cached_lines("test_words", _builder(calls)) == sorted(["été", "", "ete", "zèbre", "a b"])
    assert len(calls) == 2


def test_an_empty_list_round_trips(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOUTE_HOME", str(tmp_path))
    assert lexicon.cached_lines("test_empty", list) == []
    assert lexicon.cached_lines("test_empty", lambda: ["never built"]) == []


def test_without_a_writable_home_the_lines_are_built_each_time(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ECOUTE_HOME", str(blocked))
    calls = []
    assert lexicon.cached_lines("test_words", _builder(calls)) == lexicon.cached_lines("test_words", _builder(calls))
    assert len(calls) == 2


def test_common_words_match_the_model_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOUTE_HOME", str(tmp_path))
    words = lexicon.cached_lines("common_words", lexicon._build_common_words)
    assert set(words) == set(lexicon.cached_lines("common_words", lambda: []))  # read back, not rebuilt
    assert {"honteux", "attestation", "tres", "très"} <= set(words)

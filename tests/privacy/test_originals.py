"""Originals kept encrypted only when the operator allows it; every reveal audited."""

import pytest
from sqlalchemy import select

from ecoute.config import Settings
from ecoute.errors import ConfigError, RevealRefused
from ecoute.ingest.model import ReadOptions
from ecoute.pipeline import get_pipeline
from ecoute.privacy.vault import new_key, reveal, reveals
from ecoute.services.imports import run_import
from ecoute.store.db import open_store
from ecoute.store.models import OriginalRow

TEXT = "Je suis Mme Martin, rappelez-moi au 06 12 34 56 78."


@pytest.fixture
def letter(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "lettre.txt").write_text(TEXT, encoding="utf-8")
    return folder


def test_originals_are_not_kept_by_default(store_url, letter):
    engine = open_store(store_url)
    run_import(engine, [str(letter)], ReadOptions(), pipeline=get_pipeline())
    with engine.connect() as connection:
        assert connection.execute(select(OriginalRow)).all() == []


def test_kept_originals_are_encrypted_and_reveals_audited(store_url, letter, monkeypatch):
    key = new_key()
    monkeypatch.setenv("ECOUTE_KEEP_ORIGINAL", "1")
    monkeypatch.setenv("ECOUTE_ENCRYPTION_KEY", key)
    engine = open_store(store_url)
    run_import(engine, [str(letter)], ReadOptions(), pipeline=get_pipeline())
    with engine.connect() as connection:
        row = connection.execute(select(OriginalRow)).one()
    assert b"Martin" not in row.ciphertext
    settings = Settings.from_env()
    with pytest.raises(RevealRefused):
        reveal(engine, row.testimony_id, "alice", "  ", settings)
    assert reveals(engine) == []
    assert reveal(engine, row.testimony_id, "alice", "demande du médiateur", settings) == TEXT
    audit = reveals(engine, row.testimony_id)
    assert [(a.who, a.reason) for a in audit] == [("alice", "demande du médiateur")]
    monkeypatch.setenv("ECOUTE_ENCRYPTION_KEY", new_key())
    with pytest.raises(RevealRefused) as info:
        reveal(engine, row.testimony_id, "mallory", "curiosité", Settings.from_env())
    assert "encryption key" in info.value.message("en")


@pytest.mark.parametrize(
    "env, detail",
    [
        ({"ECOUTE_KEEP_ORIGINAL": "1"}, "ECOUTE_ENCRYPTION_KEY"),
        ({"ECOUTE_KEEP_ORIGINAL": "1", "ECOUTE_ENCRYPTION_KEY": "x", "ECOUTE_PRIVACY": "anonymise"}, "pseudonymise mode"),
        ({"ECOUTE_PRIVACY": "maybe"}, "pseudonymise, anonymise or off"),
    ],
)
def test_bad_privacy_settings_are_clear_errors(monkeypatch, env, detail):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        Settings.from_env()
    assert detail in info.value.message("en")


def test_operator_account_patterns(tmp_path, monkeypatch):
    from ecoute.pipeline import Item, Pipeline
    from ecoute.record import Source

    patterns = tmp_path / "patterns.txt"
    patterns.write_text("# our claim numbers\n\\b(SIN\\d{6})\\b\n", encoding="utf-8")
    monkeypatch.setenv("ECOUTE_ACCOUNT_PATTERNS", str(patterns))
    record = Pipeline(["language", "pseudonymise"]).analyse_one(Item(text="Toujours rien pour SIN123456.", source=Source(kind="text")))
    assert record.text == "Toujours rien pour <ACCOUNT_ID_1>."
    patterns.write_text("SIN\\d{6}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="one group"):
        Settings.from_env()

"""French first, English too: every interface text exists in both."""

import re
from pathlib import Path

import pytest

from ecoute.i18n import LANGUAGES, MESSAGES, current_language, t

SRC = Path(__file__).resolve().parent.parent / "src" / "ecoute"


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages(key):
    assert set(MESSAGES[key]) == set(LANGUAGES)
    assert all(text.strip() for text in MESSAGES[key].values())
    placeholders = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in MESSAGES[key].items()}
    assert placeholders["fr"] == placeholders["en"], key


def test_every_key_used_in_the_code_exists():
    used = set()
    for path in SRC.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "no message keys found: the pattern is wrong"
    assert used - set(MESSAGES) == set()


def test_language_defaults_to_french(monkeypatch):
    monkeypatch.delenv("ECOUTE_LANG", raising=False)
    assert current_language() == "fr"
    monkeypatch.setenv("ECOUTE_LANG", "en_GB")
    assert current_language() == "en"
    monkeypatch.setenv("ECOUTE_LANG", "de")
    assert current_language() == "fr"
    assert t("import.reading", "en") == "Reading"

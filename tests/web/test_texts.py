"""French first, English too (issue 6): every text of the web app exists in
both languages, and every key a template or a router uses is defined."""

import re
from pathlib import Path

import pytest

from ecoute.services import explorer, surveys
from ecoute.web.texts import TEXTS

WEB = Path(__file__).resolve().parents[2] / "src" / "ecoute" / "web"
SOURCES = [*WEB.glob("templates/*.html"), *(p for p in WEB.glob("**/*.py") if p.name != "texts.py")]


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_both_languages_and_the_same_placeholders(key):
    fr, en = TEXTS[key]
    assert fr.strip() and en.strip()
    assert set(re.findall(r"{(\w+)}", fr)) == set(re.findall(r"{(\w+)}", en)), key


def test_every_static_key_used_exists():
    used = {key for path in SOURCES for key in re.findall(r"""\b_\(\s*["']([\w.~-]+)["']\s*[,)]""", path.read_text(encoding="utf-8"))}
    assert len(used) > 100, "the pattern finds nothing: it is wrong"
    assert used - set(TEXTS) == set()


@pytest.mark.parametrize(
    ("prefix", "values"),
    [("role.", ("customer", "employee", "unknown")), ("sentiment.", explorer.SENTIMENTS + ("none",)), ("surveys.kind.", tuple(surveys.KINDS)),
     ("surveys.", ("open", "closed")), ("explorer.sort.", tuple(explorer.SORTS)), ("explorer.", ("asc", "desc")),
     ("testimony.kind.", ("theme", "emotion", "journey", "entity", "pii")), ("score.", tuple(surveys.KINDS)),
     ("compare.corr.", ("customer_sentiment~employee_sentiment", "customer_effort~employee_sentiment", "customer_sentiment~enps"))],
)  # fmt: skip
def test_every_computed_key_exists(prefix, values):
    for value in values:
        assert prefix + value in TEXTS

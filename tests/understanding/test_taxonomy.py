"""The theme taxonomy as data (issue 3, point 3): the shipped file, the phrase
syntax, the operator's file and its errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ecoute.errors import TaxonomyFileError
from ecoute.text import fold
from ecoute.understanding.phrases import PhraseError, PhraseSet, anchors, phrase_regex
from ecoute.understanding.taxonomy import GROUPS, load_taxonomy
from ecoute.understanding.themes import ThemeMatcher

ROOT = Path(__file__).resolve().parents[2]

# PRODUCT.md, "Taxonomy v1": the public codes, exactly.
CUSTOMER = (
    "ivr_maze long_wait misrouted transfer_refused repeat_yourself hung_up no_written_channel no_escalation "
    "broken_promise unresolved product_failure bad_advice loyalty_ignored billing_fees rigid_process rude_staff"
).split()
POSITIVE = ["staff_praise", "quick_resolution"]
EMPLOYEE = (
    "ex_disparagement ex_bureaucracy ex_pay ex_turnover ex_workload ex_management ex_recognition ex_wellbeing "
    "ex_tools ex_autonomy"
).split()


def codes_in(found: list[dict]) -> set[str]:
    return {theme["code"] for theme in found}


# --- the shipped file ------------------------------------------------------------


def test_the_builtin_file_holds_exactly_the_product_taxonomy():
    taxonomy = load_taxonomy()
    assert taxonomy.codes("customer") == CUSTOMER
    assert taxonomy.codes("positive") == POSITIVE
    assert taxonomy.codes("employee") == EMPLOYEE
    assert list(taxonomy.themes) == CUSTOMER + POSITIVE + EMPLOYEE
    assert taxonomy.files == ("ecoute/data/taxonomy/themes.yaml",)


@pytest.mark.parametrize("code", CUSTOMER + POSITIVE + EMPLOYEE)
def test_every_theme_is_complete_in_french_and_english(code):
    theme = load_taxonomy().themes[code]
    assert theme.group in GROUPS
    for lang in ("fr", "en"):
        assert theme.label[lang] and theme.description[lang]
        assert len(theme.phrases[lang]) >= 1
        assert len(theme.examples[lang]) >= 1


@pytest.mark.parametrize("code", CUSTOMER + POSITIVE + EMPLOYEE)
def test_every_code_is_documented(code):
    assert f"`{code}`" in (ROOT / "docs" / "themes.md").read_text(encoding="utf-8")


def test_language_rules_exist_for_french_and_english():
    rules = load_taxonomy().rules
    for lang in ("fr", "en"):
        assert rules[lang].negation and rules[lang].hypothetical and rules[lang].clause_breaks and rules[lang].staff_voice


# --- the phrase syntax -------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase, text, matched",
    [
        ("serveur vocal", "Le SERVEUR  Vocal encore", "SERVEUR  Vocal"),
        ("temps d'attente", "un temps d’attente", "temps d’attente"),
        ("temps d'attente", "un temps d attente", "temps d attente"),
        ("délai", "delai", "delai"),  # accents folded on both sides
        ("call-back", "a callback", "callback"),
        ("call-back", "a call back", "call back"),
        ("rembours*", "Remboursement", "Remboursement"),
        ("problemes? de sante", "probleme de sante", "probleme de sante"),
        ("log ?in", "could not login", "login"),
        ("tapez (1|2|etoile)", "tapez étoile", "tapez étoile"),
        ("(tres )?longue attente", "une longue attente", "longue attente"),
        ("augmentation (de salaire)?", "pas d'augmentation.", "augmentation"),
        ("{n} minutes d'attente", "quarante-cinq minutes d'attente", "quarante-cinq minutes d'attente"),
        ("{n} minutes d'attente", "45 minutes d'attente", "45 minutes d'attente"),
        ("{n} h d'attente", "2h d'attente", "2h d'attente"),
        ("depuis {year}", "client depuis 1998", "depuis 1998"),
        ("attente … interminable", "attente vraiment très interminable", "attente vraiment très interminable"),
        ("(que|qu') on dit", "qu'on dit", "qu'on dit"),
    ],
)
def test_phrase_syntax_matches(phrase, text, matched):
    found = list(PhraseSet([phrase]).finditer(fold(text)))
    assert found, f"{phrase!r} should match {text!r}"
    _, start, end = found[0]
    assert text[start:end] == matched


@pytest.mark.parametrize(
    "phrase, text",
    [
        ("rude", "a prudent answer"),  # whole words only
        ("attente", "les attentes"),
        ("attente … interminable", "attente un deux trois quatre cinq interminable"),  # at most four words between
        ("attente … interminable", "attente. Interminable"),  # never across a sentence end
        ("{year}", "en 1850"),
        ("depuis {n} ans", "depuis longtemps"),
    ],
)
def test_phrase_syntax_does_not_overmatch(phrase, text):
    assert not list(PhraseSet([phrase]).finditer(fold(text)))


@pytest.mark.parametrize("phrase", ["", "   ", "(a|b", "a)b", "a|b", "{x} minutes", "(?)", "…"])
def test_bad_phrases_are_refused(phrase):
    with pytest.raises(PhraseError):
        phrase_regex(phrase)


@pytest.mark.parametrize(
    "phrase, words",
    [
        ("serveur vocal", {"serveur"}),
        ("rembours*", {"rembours*"}),
        ("(longue|longues) attente", {"attente"}),
        ("tapez (1|2)", {"tapez"}),
        ("(re)?expliquer", None),
    ],
)
def test_anchor_words(phrase, words):
    found = anchors(fold(phrase))
    assert (set(found) if found is not None else None) == words


def test_every_builtin_phrase_compiles():
    taxonomy = load_taxonomy()
    for theme in taxonomy.themes.values():
        for phrases in (*theme.phrases.values(), *theme.not_phrases.values()):
            for phrase in phrases:
                re.compile(phrase_regex(phrase))


# --- the operator's file ----------------------------------------------------------------

OPERATOR = """
version: 1
themes:
  - code: late_delivery
    group: customer
    label: {fr: "Livraison en retard", en: "Late delivery"}
    phrases:
      fr: ["colis en retard", "livraison (en retard|tardive)"]
      en: ["late delivery", "parcel arrived late"]
    examples:
      fr: ["Mon colis en retard de trois semaines."]
  - code: long_wait
    label: {fr: "Attente (libellé de l'opérateur)"}
    phrases:
      fr: ["poireauter"]
      de: ["lange gewartet", "{n} stunden in der warteschleife"]
rules:
  de:
    negation: ["nicht", "kein", "keine"]
    clause_breaks: ["aber"]
"""


def write(tmp_path: Path, text: str, name: str = "taxonomy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def operator_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("ECOUTE_HOME", str(home))
    monkeypatch.delenv("ECOUTE_TAXONOMY", raising=False)
    return home


def test_the_operators_file_in_ecoute_home_extends_the_taxonomy(operator_home):
    write(operator_home, OPERATOR)
    taxonomy = load_taxonomy()
    assert taxonomy.files[-1] == str(operator_home / "taxonomy.yaml")
    late = taxonomy.themes["late_delivery"]
    assert (late.group, late.origin, late.label["en"]) == ("customer", "operator", "Late delivery")
    wait = taxonomy.themes["long_wait"]
    assert wait.origin == "builtin+operator"
    assert wait.group == "customer"
    assert "poireauter" in wait.phrases["fr"] and "temps d'attente … (long|longs|longue|longues|interminable*|enorme*|trop|important*|excessif*|inadmissible*|insupportable*|scandaleu*|abusi*|horrible*|incroyable*|inacceptable*|consequent*)" in wait.phrases["fr"]
    assert wait.label["fr"] == "Attente (libellé de l'opérateur)" and wait.label["en"] == "Long wait"
    assert "de" in taxonomy.languages


def test_operator_phrases_new_codes_and_languages_are_found(operator_home):
    write(operator_home, OPERATOR)
    matcher = ThemeMatcher(load_taxonomy())
    assert "late_delivery" in codes_in(matcher.find("Encore un colis en retard, merci pour rien.", "fr"))
    assert "late_delivery" in codes_in(matcher.find("Late delivery again.", "en"))
    assert "long_wait" in codes_in(matcher.find("J'ai dû poireauter devant l'agence.", "fr"))
    assert "long_wait" in codes_in(matcher.find("Ich habe 2 Stunden in der Warteschleife verbracht.", "de"))
    # The operator's German negation rule applies to German phrases.
    assert "long_wait" not in codes_in(matcher.find("Ich habe nicht lange gewartet.", "de"))


def test_ecoute_taxonomy_points_elsewhere(operator_home, tmp_path, monkeypatch):
    path = write(tmp_path, OPERATOR, "elsewhere.yaml")
    monkeypatch.setenv("ECOUTE_TAXONOMY", str(path))
    assert "late_delivery" in load_taxonomy().themes


def test_a_named_file_must_exist(operator_home, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOUTE_TAXONOMY", str(tmp_path / "missing.yaml"))
    with pytest.raises(TaxonomyFileError) as caught:
        load_taxonomy()
    assert "missing.yaml" in caught.value.message("en") and "ECOUTE_TAXONOMY" in caught.value.message("en")


def test_without_an_operators_file_the_builtin_one_is_used(operator_home):
    assert "late_delivery" not in load_taxonomy().themes


def test_an_edited_file_is_read_again(operator_home):
    path = write(operator_home, OPERATOR)
    assert "late_delivery" in load_taxonomy().themes
    path.write_text(OPERATOR.replace("late_delivery", "lost_parcel"), encoding="utf-8")
    import os

    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    themes = load_taxonomy().themes
    assert "lost_parcel" in themes and "late_delivery" not in themes


@pytest.mark.parametrize(
    "text, theme, field, detail",
    [
        ("version: 1\nthemes:\n  - code: x\n    group: [\n", "—", "—", "not valid YAML (line"),
        ("version: 2\nthemes: []\n", "—", "version", "version 2"),
        ("themes: []\nthemse: []\n", "—", "themse", "unknown key"),
        ("themes:\n  - code: Bad Code\n", "#1", "code", "not a code"),
        ("themes:\n  - code: new_one\n    label: {fr: x}\n    phrases: {fr: [x]}\n", "new_one", "group", "needs a group"),
        ("themes:\n  - code: new_one\n    group: customer\n    phrases: {fr: [x]}\n", "new_one", "label", "needs a label"),
        ("themes:\n  - code: new_one\n    group: customer\n    label: {fr: x}\n", "new_one", "phrases", "at least one phrase"),
        ("themes:\n  - code: long_wait\n    group: positive\n", "long_wait", "group", "cannot change"),
        ("themes:\n  - code: long_wait\n    phrase: {fr: [x]}\n", "long_wait", "phrase", "unknown field"),
        ("themes:\n  - code: long_wait\n    phrases: {fr: [attente, \"(bad\"]}\n", "long_wait", "phrases.fr[2]", "never closed"),
        ("themes:\n  - code: long_wait\n    phrases: {french: [x]}\n", "long_wait", "phrases.french", "two- or three-letter"),
        ("themes:\n  - code: long_wait\n    phrases: {fr: attente lente}\n  - code: long_wait\n", "long_wait", "code", "appears twice"),
        ("themes:\n  - code: long_wait\n    only_with: [nobody]\n", "long_wait", "only_with", "neither a group"),
        ("themes:\n  - code: long_wait\n    authors: [robot]\n", "long_wait", "authors", "not an author role"),
        ("themes:\n  - code: long_wait\n    group: weird\n", "long_wait", "group", "not a group"),
        ("rules:\n  fr:\n    negations: [pas]\n", "—", "rules.fr.negations", "unknown rule"),
    ],
)
def test_a_bad_operator_file_names_the_file_the_theme_and_the_field(operator_home, text, theme, field, detail):
    path = write(operator_home, text)
    with pytest.raises(TaxonomyFileError) as caught:
        load_taxonomy()
    error = caught.value
    assert error.code == "ECO110"
    assert error.params["path"] == str(path)
    assert error.params["theme"] == theme
    assert error.params["field"] == field
    assert detail in error.params["detail"]
    assert str(path) in error.message("en") and str(path) in error.message("fr")
    assert "docs/themes.md" in error.fix("en") and "docs/themes.md" in error.fix("fr")


# --- the anchor index never hides a phrase ------------------------------------------------------


def test_the_anchor_index_keeps_every_phrase_that_matches():
    """Phrases are tried only when one of their anchor words is in the text
    (for speed); that must never lose a match, glued numbers included."""
    taxonomy = load_taxonomy()
    matcher = ThemeMatcher(taxonomy)
    texts = [sentence for theme in taxonomy.themes.values() for sentences in theme.examples.values() for sentence in sentences]
    texts += [
        "20ans chez eux et 8mois que j'attends, 2h d'attente",
        "Re-expliquer encore, copier-coller, log in, sous-effectif, turn-over",
        "Client depuis 1998, +15% d'augmentation, 45min d'attente, tapez 1",
    ]
    for lang in ("fr", "en"):
        index, owners = matcher.index[lang]
        for text in texts:
            folded = fold(text)
            candidates = index.candidates(folded)
            for number, (theme, phrase) in enumerate(owners):
                pattern = matcher.themes[lang][theme].patterns[phrase]
                starts = [m.start() for m in pattern.finditer(folded) if m.start() == 0 or not folded[m.start() - 1].isalnum()]
                assert not starts or number in candidates, (lang, matcher.themes[lang][theme].phrases.phrases[phrase], text)

"""Root causes and owner (issue 4 point 5): the text's cues, themes mapped to
root-cause kinds, exact evidence, the owner from the routing table."""

from __future__ import annotations

import pytest

from ecoute.config import Settings
from ecoute.errors import RulesFileError
from ecoute.judge.causes import load_rules, root_causes
from ecoute.pipeline.core import Item, create_component
from ecoute.record import AnalysisRecord, Source


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def kinds(text: str, lang: str, rules, themes=()) -> dict[str, float]:
    return {cause["kind"]: cause["confidence"] for cause in root_causes(text, lang, themes, rules)}


@pytest.mark.parametrize(
    "text, lang, kind",
    [
        ("Le logiciel ne permet pas de modifier mon adresse.", "fr", "tools"),
        ("Le site internet est en panne depuis lundi.", "fr", "tools"),
        ("Encore un bug dans l'espace client.", "fr", "tools"),
        ("Taper 1, taper 3, le serveur vocal ne comprend rien.", "fr", "tools"),
        ("The system would not let the agent update my address.", "en", "tools"),
        ("Application des conditions générales et d'une franchise de 300 €.", "fr", "policy"),
        ("Ce n'est pas la politique de la compagnie, m'a-t-on dit.", "fr", "policy"),
        ("Augmentation de la cotisation de 30 % sans sinistre.", "fr", "policy"),
        ("I was charged overdraft fees twice.", "en", "policy"),
        ("Conseiller incompétent et désagréable.", "fr", "people"),
        ("La dame m'a raccroché au nez.", "fr", "people"),
        ("The representative was rude and hung up on me.", "en", "people"),
        ("La box est en panne depuis une semaine.", "fr", "product"),
        ("Téléphone défectueux dès le premier jour.", "fr", "product"),
        ("The card reader was defective.", "en", "product"),
        ("Mon dossier a été perdu deux fois.", "fr", "process"),
        ("Renvoyé de service en service sans réponse.", "fr", "process"),
        ("C'est la procédure, me répond-on.", "fr", "process"),
        ("I was transferred from one department to another.", "en", "process"),
    ],
)
def test_the_text_tells_a_root_cause(rules, text, lang, kind):
    found = kinds(text, lang, rules)
    assert kind in found and found[kind] >= 0.5, found


def test_praise_has_no_root_cause(rules):
    assert root_causes("Très bon accueil, dossier traité en deux jours, merci !", "fr", (), rules) == []


def test_themes_map_to_root_causes_with_their_evidence(rules):
    text = "Après <PERSON_1>, personne ne décroche : serveur vocal, puis 40 minutes d'attente."
    ivr = {"code": "ivr_maze", "confidence": 0.8, "evidence": [{"start": 41, "end": 54, "text": "serveur vocal"}]}
    wait = {"code": "long_wait", "confidence": 0.6, "evidence": [{"start": 61, "end": 79, "text": "40 minutes d'attente"}]}
    causes = {cause["kind"]: cause for cause in root_causes(text, "fr", [ivr, wait], rules)}
    # tools: the theme's 0.8 × 0.7 and the text's own "serveur vocal" cue (0.6), combined
    assert causes["tools"]["confidence"] == pytest.approx(1 - (1 - 0.8 * 0.7) * (1 - 0.6), abs=0.001)
    # process: ivr_maze 0.8 × 0.5 and long_wait 0.6 × 0.7
    assert causes["process"]["confidence"] == pytest.approx(1 - (1 - 0.4) * (1 - 0.42), abs=0.001)
    assert [(s["start"], s["end"]) for s in causes["process"]["evidence"]] == [(41, 54), (61, 79)]
    assert [s["text"] for s in causes["tools"]["evidence"]] == ["serveur vocal"]


def test_positive_and_unknown_themes_give_no_cause(rules):
    themes = [{"code": "staff_praise", "confidence": 0.9, "evidence": []}, {"code": "not_a_theme", "confidence": 0.9, "evidence": []}]
    assert root_causes("Merci.", "fr", themes, rules) == []


def test_a_weak_theme_stays_under_the_floor(rules):
    themes = [{"code": "unresolved", "confidence": 0.4, "evidence": []}]  # 0.4 × 0.5 = 0.2
    assert root_causes("Bof.", "fr", themes, rules, min_confidence=0.3) == []
    assert root_causes("Bof.", "fr", themes, rules, min_confidence=0.1)[0]["kind"] == "process"


def test_evidence_offsets_are_exact_in_a_pseudonymised_text(rules):
    text = "Mme <PERSON_1> au téléphone : conseillère très désagréable, et le système informatique ne permet pas l’envoi."
    causes = {cause["kind"]: cause for cause in root_causes(text, "fr", (), rules)}
    for kind in ("people", "tools"):
        for span in causes[kind]["evidence"]:
            assert text[span["start"] : span["end"]] == span["text"]
    assert [s["text"] for s in causes["people"]["evidence"]] == ["conseillère très désagréable"]
    assert causes["tools"]["evidence"][0]["text"].startswith("système informatique ne permet pas")


@pytest.fixture(scope="module")
def causes_component():
    component = create_component("causes")
    component.ensure_warm()
    return component


def analyse(component, text: str, **fields) -> dict:
    item = Item(text=text, source=Source(kind="test"), fields={"language": "fr", **fields})
    component.run([item])
    AnalysisRecord(id="t1", source=item.source, text=text, date=None, **item.fields)  # the record accepts what we assign
    return item.fields


def theme(code: str, confidence: float = 0.8) -> dict:
    return {"code": code, "confidence": confidence, "evidence": []}


@pytest.mark.parametrize(
    "themes, owner",
    [
        ([theme("ex_wellbeing")], "hr"),
        ([theme("ex_pay"), theme("ex_workload", 0.5)], "hr"),
        ([theme("billing_fees")], "billing"),
        ([theme("product_failure")], "product_quality"),
        ([theme("ivr_maze"), theme("long_wait")], "telephony"),
        ([theme("rude_staff")], "customer_service"),
        ([theme("bad_advice")], "sales"),
        ([theme("rigid_process")], "operations"),
        # the largest summed confidence wins: 0.6 + 0.5 for telephony against 0.9 for billing
        ([theme("billing_fees", 0.9), theme("ivr_maze", 0.6), theme("long_wait", 0.5)], "telephony"),
    ],
)
def test_theme_to_owner(causes_component, themes, owner):
    assert analyse(causes_component, "Témoignage.", themes=themes)["owner"] == owner


def test_without_themes_the_root_causes_decide(causes_component):
    fields = analyse(causes_component, "Le site internet est en panne et le logiciel ne permet pas de payer.")
    assert fields["root_causes"][0]["kind"] == "tools"
    assert fields["owner"] == "it"


def test_nothing_to_fix_has_no_owner(causes_component):
    fields = analyse(causes_component, "Parfait, merci.", themes=[theme("staff_praise")], sentiment={"label": "positive", "score": 0.9})
    assert fields["root_causes"] == [] and fields["owner"] is None


def test_something_to_fix_without_a_rule_goes_to_the_default_team(causes_component):
    assert analyse(causes_component, "Nul.", sentiment={"label": "negative", "score": -0.9})["owner"] == "customer_service"
    assert analyse(causes_component, "Bof.", risk={"churn": 0.8, "escalation": 0.0, "reasons": []})["owner"] == "customer_service"


def test_an_employee_without_themes_goes_to_hr(causes_component):
    fields = analyse(causes_component, "Rien ne va.", author_role="employee", sentiment={"label": "negative", "score": -0.7})
    assert fields["owner"] == "hr"


# --- the operator's causes file --------------------------------------------------------


@pytest.fixture
def home():
    path = Settings.home_from_env()  # a new folder for each test (tests/conftest.py)
    path.mkdir(parents=True)
    return path


def test_the_operator_changes_theme_shares_and_adds_cues(home):
    (home / "causes.yaml").write_text(
        "themes:\n  long_wait: {people: 0.9}\ntools:\n  fr:\n    systems:\n      phrases: [\"outil maison\"]\n", encoding="utf-8"
    )
    rules = load_rules()
    assert kinds("Rien.", "fr", rules, [theme("long_wait", 1.0)]) == {"people": 0.9}
    assert kinds("L'outil maison plante.", "fr", rules)["tools"] == pytest.approx(0.65)


@pytest.mark.parametrize(
    "content, key",
    [
        ("themes:\n  long_waits: {process: 0.5}\n", "themes.long_waits"),
        ("themes:\n  long_wait: {procedure: 0.5}\n", "themes.long_wait.procedure"),
        ("themes:\n  long_wait: {process: 5}\n", "themes.long_wait.process"),
        ("tools:\n  fr:\n    systems: {phrases: [\"(bug\"]}\n", "tools.fr.systems.phrases[1]"),
    ],
)
def test_a_bad_causes_file_says_where(home, content, key):
    (home / "causes.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(RulesFileError) as caught:
        load_rules()
    assert caught.value.code == "ECO120"
    assert key in caught.value.message("en") and "docs/root-causes.md" in caught.value.fix("en")

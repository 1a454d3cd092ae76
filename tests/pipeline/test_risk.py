"""Churn and escalation risk (issue 4 point 4): cues, negation, hypotheticals,
the company's own acts, the journey's mediator, the operator's cue file."""

from __future__ import annotations

import pytest

from ecoute.config import Settings
from ecoute.errors import RulesFileError
from ecoute.judge.risk import judge_risk, load_rules
from ecoute.pipeline.core import Item, Pipeline, create_component
from ecoute.record import AnalysisRecord, Journey, JourneyEvent, Source


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def risk(text: str, lang: str, rules, journey=None):
    return judge_risk(text, lang, journey, rules)


@pytest.mark.parametrize(
    "text, lang, churn",
    [
        ("Je vais résilier tous mes contrats, c'est insupportable.", "fr", "yes"),
        ("Demain je résilie !", "fr", "yes"),
        ("Nous allons résilier notre contrat habitation.", "fr", "yes"),
        ("J'ai résilié mes deux contrats et je suis parti chez la concurrence.", "fr", "yes"),
        ("à la rentrée je passe chez orange après 17 ans chez vous", "fr", "yes"),
        ("Je suis en train de chercher un autre assureur.", "fr", "yes"),
        ("Impossible de résilier ma mutuelle, ils refusent ma résiliation.", "fr", "yes"),
        ("Suite à ma demande de résiliation, toujours prélevé.", "fr", "yes"),
        ("vous venez de perdre un client fidèle depuis 2001", "fr", "yes"),
        ("I'm closing my account with this bank.", "en", "yes"),
        ("I closed all my accounts there last month.", "en", "yes"),
        ("We are taking our business elsewhere.", "en", "yes"),
        # the company ended the contract: not the author leaving
        ("On m'a résilié après trois sinistres.", "fr", "no"),
        ("L'assureur m'a résiliée sans explication.", "fr", "no"),
        ("Je reçois un courrier de résiliation de mon contrat !", "fr", "no"),
        ("April notre assurance emprunteur nous résilie pour fausse déclaration.", "fr", "no"),
        ("They closed my account without any notice.", "en", "no"),
        ("My account was closed by the bank.", "en", "no"),
        # "résilier" in other senses
        ("Votre résiliation a bien été prise en compte.", "fr", "no"),
        ("Prise en charge de la résiliation de l'ancien assureur, très pratique.", "fr", "no"),
        # negations of intent
        ("Je ne compte pas résilier, je suis satisfait.", "fr", "no"),
        ("je suis chez free depuis toujours et ne compte pas partir", "fr", "no"),
        ("Je n'ai pas l'intention de changer d'assureur.", "fr", "no"),
        ("I'm not going to close my account over this.", "en", "no"),
        # praise
        ("Service parfait, je recommande.", "fr", "no"),
    ],
)
def test_churn(rules, text, lang, churn):
    result = risk(text, lang, rules)
    assert (result.churn >= 0.5) == (churn == "yes"), (result.churn, result.reasons)


@pytest.mark.parametrize(
    "text, lang, escalation",
    [
        ("J'ai saisi le médiateur de l'assurance.", "fr", "yes"),
        ("Mon dossier est devant le médiateur depuis deux mois.", "fr", "yes"),
        ("Je vais faire appel à un avocat.", "fr", "yes"),
        ("Je vais les traîner en justice.", "fr", "yes"),
        ("Plainte en cours et procédure judiciaire.", "fr", "yes"),
        ("Je me suis déplacé à l'UFC Que Choisir.", "fr", "yes"),
        ("Signalement ARCEP effectué.", "fr", "yes"),
        ("J'ai écrit au Canard Enchaîné.", "fr", "yes"),
        ("je vous fais un scandale et buzz national !", "fr", "yes"),
        ("Je ne vais pas en rester là.", "fr", "yes"),
        ("I will file a complaint with the CFPB.", "en", "yes"),
        ("I am prepared to take legal action.", "en", "yes"),
        ("I contacted my attorney.", "en", "yes"),
        # not the author's step, or not about the company
        ("Silence de l'avocat choisi et missionné par la responsable de mon dossier.", "fr", "no"),
        ("On me répond de prendre un avocat et d'aller au tribunal.", "fr", "no"),
        ("Ils se cachent derrière leur soi-disant médiateur.", "fr", "no"),
        ("J'ai porté plainte pour le vol, pv de police envoyé.", "fr", "no"),
        ("My statements do not include the CFPB required warning.", "en", "no"),
        # negation
        ("Je ne compte pas saisir le médiateur pour si peu.", "fr", "no"),
        ("Bonne presse, prix sympathique.", "fr", "no"),
    ],
)
def test_escalation(rules, text, lang, escalation):
    result = risk(text, lang, rules)
    assert (result.escalation >= 0.5) == (escalation == "yes"), (result.escalation, result.reasons)


def test_a_hypothetical_threat_is_weaker_but_still_a_threat(rules):
    threat = risk("Je saisirai le médiateur.", "fr", rules)
    hypothetical = risk("Si rien ne bouge, je saisirai le médiateur.", "fr", rules)
    assert 0.5 <= hypothetical.escalation < threat.escalation
    assert hypothetical.reasons[0].startswith("escalation.mediator/hypothetical:")
    sinon = risk("J'attends des explications sinon je résilie !", "fr", rules)
    assert 0.5 <= sinon.churn < risk("Je résilie !", "fr", rules).churn


def test_a_negation_far_from_the_cue_does_not_deny_it(rules):
    result = risk("si vous ne pouvez pas me fournir une qualité de service continue je vais devoir résilier", "fr", rules)
    assert result.churn >= 0.5
    assert "negated" not in result.reasons[0]


def test_a_past_fact_counts_more_than_a_mention(rules):
    done = risk("J'ai résilié mon contrat.", "fr", rules).churn
    mention = risk("Le formulaire de résiliation est en ligne.", "fr", rules).churn
    assert done >= 0.85 and 0 < mention < 0.5


def test_the_score_combines_independent_cues(rules):
    one = risk("J'ai saisi le médiateur.", "fr", rules).escalation
    two = risk("J'ai saisi le médiateur et l'UFC Que Choisir.", "fr", rules).escalation
    assert two == pytest.approx(1 - (1 - 0.85) * (1 - 0.8), abs=0.001)
    assert two > one


def test_a_family_counts_once(rules):
    result = risk("J'ai saisi le médiateur. Depuis, le médiateur ne répond plus.", "fr", rules)
    assert result.escalation == pytest.approx(0.85)
    assert [reason.split(":")[0] for reason in result.reasons] == ["escalation.mediator"]


def test_reasons_have_a_code_a_label_in_the_text_language_and_the_words(rules):
    fr = risk("Je vais résilier.", "fr", rules)
    assert fr.reasons == ["churn.threat: menace ou intention de partir «Je vais résilier»"]
    en = risk("I'm going to close my account.", "en", rules)
    assert en.reasons == ["churn.threat: threat or intent to leave «I'm going to close my account»"]
    negated = risk("Je ne compte pas résilier.", "fr", rules)
    assert negated.reasons[0].startswith("churn.threat/negated: menace ou intention de partir, niée «")


def test_offsets_are_exact_in_a_pseudonymised_text(rules):
    text = "Bonjour, <PERSON_1> à l'appareil. Après 20 ans, j’ai décidé de résilier et j'ai saisi le Médiateur."
    hits = risk(text, "fr", rules).hits
    quoted = {(hit.kind, text[hit.start : hit.end]) for hit in hits}
    assert ("churn", "j’ai décidé de résilier") in quoted
    assert ("escalation", "saisi le Médiateur") in quoted


@pytest.mark.parametrize("as_model", [False, True])
def test_a_mediator_event_in_the_journey_counts(rules, as_model):
    event = {"channel": "mediator", "actor": "mediator", "action": "letter"}
    journey = Journey(events=[JourneyEvent(**event)]) if as_model else {"events": [event]}
    result = risk("Toujours rien depuis trois mois.", "fr", rules, journey)
    assert result.escalation == pytest.approx(0.9)
    assert result.reasons == ["escalation.journey: le parcours passe par le médiateur"]
    assert risk("Toujours rien.", "fr", rules, {"events": [{"channel": "phone_agent"}]}).escalation == 0
    assert risk("Toujours rien.", "fr", rules, {"events": []}).escalation == 0


def test_the_component_fills_the_record():
    component = create_component("risk")
    component.ensure_warm()
    items = [
        Item(text="Je vais résilier et saisir le médiateur.", source=Source(kind="test"), fields={"language": "fr"}),
        Item(text="Merci, parfait.", source=Source(kind="test"), fields={"language": "fr"}),
    ]
    component.run(items)
    first, second = (item.fields["risk"] for item in items)
    assert first["churn"] >= 0.5 and first["escalation"] >= 0.5 and len(first["reasons"]) == 2
    assert second == {"churn": 0.0, "escalation": 0.0, "reasons": []}
    record = AnalysisRecord(id="t1", source=Source(kind="test"), text=items[0].text, date=None, **items[0].fields)
    assert record.risk.churn == first["churn"]


def test_the_real_pipeline_order():
    record = Pipeline(["language", "risk"]).analyse_one(Item(text="I will take legal action if this is not fixed.", source=Source(kind="test")))
    assert record.language == "en" and record.risk.escalation >= 0.5


# --- the operator's cue file -------------------------------------------------------


@pytest.fixture
def home():
    path = Settings.home_from_env()  # a new folder for each test (tests/conftest.py)
    path.mkdir(parents=True)
    return path


def test_the_operator_adds_phrases_and_groups(home):
    text = "Je vais filer à l'anglaise. Je vais écrire au défenseur des assurés."
    assert judge_risk(text, "fr", rules=load_rules()).churn < 0.5
    (home / "risk.yaml").write_text(
        "churn:\n  fr:\n    threat:\n      phrases: [\"{je_veux} filer a l'anglaise\"]\n"
        "escalation:\n  fr:\n    ombudsman:\n      weight: 0.7\n      label: {fr: \"défenseur saisi\"}\n"
        "      phrases: [\"defenseur des assures\"]\n",
        encoding="utf-8",
    )
    result = judge_risk(text, "fr", rules=load_rules())
    assert result.churn == pytest.approx(0.8)
    assert result.escalation == pytest.approx(0.7)
    assert "escalation.ombudsman: défenseur saisi «défenseur des assurés»" in result.reasons


def test_the_operator_turns_a_group_off(home):
    (home / "risk.yaml").write_text("escalation:\n  fr:\n    mediator_mention: {weight: 0}\n", encoding="utf-8")
    assert judge_risk("Le médiateur, parlons-en.", "fr", rules=load_rules()).escalation == 0


@pytest.mark.parametrize(
    "content, key, detail",
    [
        ("churn: [", "—", "not valid YAML"),
        ("risks: {}\n", "risks", "unknown key"),
        ("churn:\n  fr:\n    threat: {weight: 2}\n", "churn.fr.threat.weight", "not a weight"),
        ("churn:\n  fr:\n    newgroup: {phrases: [\"partir\"]}\n", "churn.fr.newgroup.weight", "needs a weight"),
        ("churn:\n  fr:\n    threat: {phrases: [\"{inconnu} partir\"]}\n", "churn.fr.threat.phrases[1]", "no word list {inconnu}"),
        ("churn:\n  fr:\n    threat: {phrases: [\"partir)\"]}\n", "churn.fr.threat.phrases[1]", "closes no"),
        ("churn:\n  french: {}\n", "churn.french", "not a language"),
        ("modifiers:\n  fr:\n    negations: []\n", "modifiers.fr.negations", "unknown list"),
    ],
)
def test_a_bad_operator_file_says_where_and_what(home, content, key, detail):
    (home / "risk.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(RulesFileError) as caught:
        load_rules()
    error = caught.value
    assert error.code == "ECO120"
    assert str(home / "risk.yaml") in error.message("en") and key in error.message("en")
    assert detail in error.message("en")
    assert "docs/risk.md" in error.fix("en") and "docs/risk.md" in error.fix("fr")


def test_an_apostrophe_the_phrase_syntax_cannot_match_is_refused(home):
    from ecoute.judge.cues import _apostrophe_gaps

    if not _apostrophe_gaps()[2]:
        pytest.skip("the phrase syntax now matches a space before an apostrophe alternative")
    (home / "risk.yaml").write_text("churn:\n  en:\n    threat: {phrases: [\"(i|we) ('m|am) leaving\"]}\n", encoding="utf-8")
    with pytest.raises(RulesFileError, match=r"churn\.en\.threat\.phrases\[1\].*apostrophe"):
        load_rules()

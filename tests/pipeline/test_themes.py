"""The themes component (issue 3, point 3): taxonomy codes with evidence,
negated and hypothetical mentions left out, employee voice."""

from __future__ import annotations

import pytest

from ecoute.pipeline import Item, Pipeline
from ecoute.pipeline.core import create_component
from ecoute.record import Source, Theme
from ecoute.understanding.taxonomy import load_taxonomy
from ecoute.understanding.themes import ThemeMatcher


@pytest.fixture(scope="module")
def matcher():
    return ThemeMatcher(load_taxonomy())


@pytest.fixture(scope="module")
def themes():
    component = create_component("themes")
    component.ensure_warm()
    return component


def codes(matcher, text, lang="fr", role="customer"):
    return {theme["code"] for theme in matcher.find(text, lang, role)}


def run(component, text, language="fr", role=None) -> list[dict]:
    fields = {"language": language}
    if role:
        fields["author_role"] = role
    item = Item(text=text, source=Source(kind="test"), fields=fields)
    component.run([item])
    return item.fields["themes"]


# --- every code, from the taxonomy's own examples and from more sentences ----------


def example_cases():
    taxonomy = load_taxonomy()
    for code, theme in taxonomy.themes.items():
        for lang, sentences in theme.examples.items():
            for sentence in sentences:
                yield pytest.param(code, lang, sentence, id=f"{code}-{lang}-{sentence[:24]}")


@pytest.mark.parametrize("code, lang, sentence", list(example_cases()))
def test_each_example_of_the_taxonomy_gives_its_code(matcher, code, lang, sentence):
    role = "employee" if code.startswith("ex_") and code != "ex_disparagement" else "customer"
    assert code in codes(matcher, sentence, lang, role)


@pytest.mark.parametrize(
    "code, text",
    [
        ("ivr_maze", "Tapez 1, tapez 2, tapez étoile : ce serveur vocal ne mène nulle part."),
        ("long_wait", "Ça fait maintenant deux semaines que j'attends une réponse."),
        ("long_wait", "Des délais de remboursement beaucoup trop longs."),
        ("misrouted", "On me balade de service en service depuis un mois."),
        ("transfer_refused", "Il m'a répondu qu'il ne pouvait pas me transférer au service sinistres."),
        ("repeat_yourself", "Jamais le même interlocuteur, il faut tout réexpliquer."),
        ("hung_up", "Le conseiller m'a raccroché au nez."),
        ("no_written_channel", "Pas d'adresse mail pour leur écrire, uniquement par téléphone."),
        ("no_escalation", "Impossible de parler à un responsable."),
        ("broken_promise", "Une conseillère devait me rappeler, je n'ai jamais été rappelée."),
        ("unresolved", "Mes courriers restent sans réponse et rien ne bouge."),
        ("product_failure", "Ma box ne fonctionne plus depuis lundi."),
        ("bad_advice", "Le commercial m'a mal conseillé et m'a vendu une option inutile."),
        ("loyalty_ignored", "Sociétaire depuis 1985 et aucun geste quand ma cotisation augmente de 30 %."),
        ("billing_fees", "Ils m'ont prélevé deux fois ce mois-ci."),
        ("rigid_process", "On me répond que c'est l'ordinateur qui décide."),
        ("rude_staff", "Un conseiller méprisant qui m'a parlé sur un ton sec."),
        ("staff_praise", "Accueil chaleureux, conseillère à l'écoute."),
        ("quick_resolution", "Sinistre réglé en quelques jours, très réactif."),
    ],
)
def test_more_french_sentences(matcher, code, text):
    assert code in codes(matcher, text)


@pytest.mark.parametrize(
    "code, text",
    [
        ("long_wait", "I waited on hold for two hours."),
        ("misrouted", "They kept transferring me from one department to another."),
        ("hung_up", "The representative hung up on me."),
        ("broken_promise", "The agent said he would call me back and I never heard back."),
        ("unresolved", "My dispute is still not resolved."),
        ("billing_fees", "I was charged an overdraft fee of $35."),
        ("bad_advice", "The banker misled me about the terms."),
        ("rude_staff", "She was extremely rude and condescending."),
        ("rigid_process", "He said there was nothing he could do."),
        ("no_escalation", "I asked to speak to a supervisor and they refused to escalate."),
    ],
)
def test_more_english_sentences(matcher, code, text):
    assert code in codes(matcher, text, "en")


# --- negated and hypothetical mentions do not count -------------------------------------


@pytest.mark.parametrize(
    "affirmed, negated",
    [
        ("J'ai attendu 45 minutes au téléphone.", "Je n'ai pas attendu 45 minutes au téléphone, une minute à peine."),
        ("Attente interminable au téléphone.", "Aucune attente interminable au téléphone."),
        ("Longue attente à l'accueil.", "Sans longue attente à l'accueil."),
        ("J'ai attendu des heures en agence.", "Si j'avais dû attendre des heures en agence, j'aurais résilié."),
        ("J'ai attendu 2 heures.", "Au cas où vous auriez attendu 2 heures, rappelez-nous."),
        ("Le temps d'attente est interminable.", "Le temps d'attente n'est jamais interminable."),
        ("Je n'ai pas eu besoin d'appeler : remboursement rapide.", "Remboursement pas rapide du tout."),
        ("Conseillère aimable.", "Conseillère jamais aimable."),
        ("Ils m'ont raccroché au nez.", "Ils ne m'ont jamais raccroché au nez."),
        ("Le technicien m'a mal conseillé.", "Le technicien ne m'a jamais mal conseillé."),
    ],
)
def test_french_negation_and_hypotheticals(matcher, affirmed, negated):
    found = codes(matcher, affirmed)
    assert found, affirmed
    assert not (found & codes(matcher, negated)), (affirmed, negated)


@pytest.mark.parametrize(
    "text",
    [
        "Je n'ai pas eu besoin d'appeler, aucune attente.",
        "Aucune attente, sans attente, zéro attente interminable.",
        "Si j'avais dû attendre trois heures, j'aurais changé d'assureur.",
        "Je n'ai jamais attendu plus de 5 minutes au téléphone.",
    ],
)
def test_no_long_wait_when_there_was_none(matcher, text):
    assert "long_wait" not in codes(matcher, text)


@pytest.mark.parametrize(
    "affirmed, negated",
    [
        ("I waited on hold for an hour.", "I didn't have to wait on hold for an hour."),
        ("I waited 3 hours for an agent.", "If I had waited 3 hours for an agent I would have left."),
        ("Long wait at the branch.", "No long wait at the branch."),
        ("The agent was rude.", "The agent was never rude."),
        ("They hung up on me.", "They never hung up on me."),
    ],
)
def test_english_negation_and_hypotheticals(matcher, affirmed, negated):
    found = codes(matcher, affirmed, "en")
    assert found, affirmed
    assert not (found & codes(matcher, negated, "en")), (affirmed, negated)


def test_no_wait_at_all_in_english(matcher):
    assert "long_wait" not in codes(matcher, "No wait at all, I didn't have to wait on hold.", "en")


@pytest.mark.parametrize(
    "text, code",
    [
        # The negation is the theme itself.
        ("Toujours pas de réponse à mes courriers.", "unresolved"),
        ("Je n'ai jamais été rappelé.", "broken_promise"),
        ("They never called me back.", "broken_promise"),
        # A definite or possessive word stops the negation: slowness is there.
        ("Je ne comprends pas leur lenteur.", "long_wait"),
        # Negation in another clause does not reach the phrase.
        ("Je ne suis pas satisfait, 45 minutes d'attente à chaque appel.", "long_wait"),
        ("Rien à redire sur le prix mais des frais de dossier cachés.", "billing_fees"),
        # Words that only look like a negation or a hypothesis.
        ("Ils n'hésitent pas à vous mentir.", "bad_advice"),
        ("Si vous tombez sur cette conseillère, elle vous raccroche au nez.", "hung_up"),
    ],
)
def test_what_is_not_a_negation(matcher, text, code):
    assert code in codes(matcher, text, "en" if text.startswith("They") else "fr")


# --- employee voice ------------------------------------------------------------------------------


def test_a_customer_reporting_what_the_salesman_said_gives_employee_themes(matcher):
    text = (
        "Lors de la signature, le commercial m'a dit que les formulaires sont de plus en plus compliqués, "
        "qu'il n'a pas eu d'augmentation depuis trois ans et que ses collègues partent les uns après les autres."
    )
    found = codes(matcher, text, "fr", "customer")
    assert {"ex_bureaucracy", "ex_pay"} <= found


def test_reported_staff_speech_in_english(matcher):
    found = codes(matcher, "The rep admitted they are understaffed and that the software crashes all day.", "en", "customer")
    assert {"ex_workload", "ex_tools"} <= found


def test_a_customers_own_words_are_not_employee_themes(matcher):
    found = codes(matcher, "J'attends mon complément de salaire depuis août, la direction ne répond pas.", "fr", "customer")
    assert not {code for code in found if code.startswith("ex_")}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Travail stressant, horaires qui changent chaque semaine, mais un bon salaire et le 13e mois.", {"ex_wellbeing", "ex_workload", "ex_pay"}),
        ("Aucune reconnaissance de la hiérarchie, management inexistant, beaucoup de turnover.", {"ex_recognition", "ex_management", "ex_turnover"}),
        ("Poste très autonome, mais pas de chaise à la caisse et un logiciel qui plante.", {"ex_autonomy", "ex_tools"}),
    ],
)
def test_first_person_employee_reviews(matcher, text, expected):
    assert expected <= codes(matcher, text, "fr", "employee")


def test_negation_does_not_cancel_employee_topics(matcher):
    assert "ex_pay" in codes(matcher, "Pas de primes, aucun avantage.", "fr", "employee")


def test_colleagues_praised_by_an_employee_are_not_staff_praise(matcher):
    assert "staff_praise" not in codes(matcher, "Équipe très sympathique et à l'écoute, bon salaire.", "fr", "employee")
    assert "staff_praise" in codes(matcher, "Équipe très sympathique et à l'écoute.", "fr", "customer")


def test_the_component_decides_the_role_when_no_role_component_ran(themes):
    found = {theme["code"] for theme in run(themes, "Je travaille en caisse depuis trois ans : salaire trop bas, aucune reconnaissance de ma hiérarchie.")}
    assert {"ex_pay", "ex_recognition"} <= found


# --- context rules -----------------------------------------------------------------------------------


def test_loyalty_is_a_pain_point_only_in_a_complaint(matcher):
    assert "loyalty_ignored" not in codes(matcher, "Client depuis 30 ans, toujours satisfait.")
    assert "loyalty_ignored" in codes(matcher, "Client depuis 30 ans, et ils augmentent encore ma cotisation de 20 %.")


def test_a_letters_formula_is_not_a_wait(matcher):
    assert "long_wait" not in codes(matcher, "Dans l'attente de votre réponse, veuillez agréer mes salutations.")


# --- evidence, confidence, languages ---------------------------------------------------------------


def test_evidence_offsets_point_into_the_pseudonymised_text(themes):
    text = "<PERSON_1> m'a raccroché au nez après 45 minutes d'attente. Toujours pas de réponse de <PERSON_2>."
    found = run(themes, text)
    assert {"hung_up", "long_wait", "unresolved"} <= {theme["code"] for theme in found}
    for theme in found:
        Theme.model_validate(theme)
        for span in theme["evidence"]:
            assert text[span["start"] : span["end"]] == span["text"]
    evidence = {theme["code"]: [span["text"] for span in theme["evidence"]] for theme in found}
    assert evidence["hung_up"] == ["m'a raccroché au nez"]
    assert evidence["long_wait"] == ["45 minutes d'attente"]


def test_confidence_grows_with_distinct_cues(matcher):
    one = {t["code"]: t["confidence"] for t in matcher.find("Attente interminable.", "fr")}["long_wait"]
    two = {t["code"]: t["confidence"] for t in matcher.find("Attente interminable, 45 minutes d'attente, des heures au téléphone.", "fr")}["long_wait"]
    assert 0.5 <= one < two <= 0.99


def test_the_same_phrase_twice_is_one_cue(matcher):
    once = matcher.find("Aucune réponse.", "fr")[0]
    twice = matcher.find("Aucune réponse. Aucune réponse.", "fr")[0]
    assert once["confidence"] == twice["confidence"]
    assert len(twice["evidence"]) == 2


def test_min_confidence_filters_weak_themes():
    component = create_component("themes", min_confidence=0.8)
    component.ensure_warm()
    found = run(component, "Rapide. Attente interminable, 45 minutes d'attente, des heures au téléphone.")
    assert [theme["code"] for theme in found] == ["long_wait"]


def test_english_phrases_for_english_text_and_every_language_when_unknown(matcher):
    assert "long_wait" in codes(matcher, "I was on hold forever.", "en")
    assert "long_wait" not in codes(matcher, "I was on hold forever.", "fr")
    assert "long_wait" in codes(matcher, "I was on hold forever.", None)
    assert "long_wait" in codes(matcher, "45 minutes d'attente", "de")  # no German phrases: all languages


def test_nothing_found_is_an_empty_list(themes):
    assert run(themes, "Bof.") == []


@pytest.mark.slow
def test_the_real_pipeline_pseudonymises_first_and_offsets_still_hold():
    pipeline = Pipeline(["language", "pseudonymise", "sentences", "themes"])
    text = "Madame Sophie Durand m'a raccroché au nez après 45 minutes d'attente, appelez-la au 06 12 34 56 78."
    record = pipeline.analyse_one(Item(text=text, source=Source(kind="test")))
    assert "<PERSON_1>" in record.text and "Durand" not in record.text
    found = {theme.code: theme for theme in record.themes}
    assert {"hung_up", "long_wait"} <= set(found)
    for theme in record.themes:
        for span in theme.evidence:
            assert record.text[span.start : span.end] == span.text

"""Emotions (issue 3, point 2): cues, negation, irony, closing formulas, intensity, offsets."""

from __future__ import annotations

import pytest

from ecoute.errors import ConfigError
from ecoute.pipeline.core import Item, create_component
from ecoute.record import AnalysisRecord, Source
from ecoute.understanding.emotions import detect, load_lexicon


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon()


def emotions(lexicon, text: str, language: str = "fr") -> dict[str, float]:
    return {e["emotion"]: e["intensity"] for e in detect(text, language, lexicon)}


@pytest.mark.parametrize(
    "language, text, emotion",
    [
        ("fr", "Je suis en colère contre votre service client.", "anger"),
        ("fr", "C'est scandaleux de traiter les assurés ainsi.", "anger"),
        ("en", "I am furious about these hidden fees.", "anger"),
        ("fr", "J'en ai marre de rappeler chaque semaine.", "exasperation"),
        ("fr", "Ras-le-bol de ces coupures à répétition.", "exasperation"),
        ("en", "I am so frustrated with this bank.", "exasperation"),
        ("fr", "Je suis triste de voir comment ma mère a été traitée.", "sadness"),
        ("en", "I was heartbroken when the claim was closed.", "sadness"),
        ("fr", "J'ai peur de ne jamais revoir mon argent.", "fear"),
        ("fr", "Je suis très inquiète pour la suite du dossier.", "fear"),
        ("en", "I am worried about my credit score.", "fear"),
        ("fr", "Tant pis, je vais changer d'assureur.", "resignation"),
        ("fr", "J'ai fini par baisser les bras.", "resignation"),
        ("en", "After six calls I gave up.", "resignation"),
        ("fr", "Je suis ravie de mon nouveau contrat.", "joy"),
        ("fr", "Très satisfait du service, rapide et clair.", "joy"),
        ("en", "I am delighted with the service.", "joy"),
        ("fr", "Un grand merci à la conseillère pour sa patience.", "gratitude"),
        ("fr", "Je remercie l'expert pour sa disponibilité.", "gratitude"),
        ("en", "I am grateful to the agent who solved it.", "gratitude"),
        ("fr", "Quelle ne fut pas ma surprise en ouvrant le courrier.", "surprise"),
        ("fr", "J'ai été étonné par la rapidité du remboursement.", "surprise"),
        ("en", "To my surprise, the account was closed.", "surprise"),
        ("fr", "Très déçue par cette mutuelle.", "disappointment"),
        ("en", "I am disappointed by the answer.", "disappointment"),
        ("fr", "Ouf, le dossier est enfin réglé, je suis soulagée.", "relief"),
        ("en", "I was relieved when the refund arrived.", "relief"),
    ],
)
def test_each_emotion(lexicon, language, text, emotion):
    assert emotion in emotions(lexicon, text, language)


@pytest.mark.parametrize(
    "text, absent",
    [
        ("Je ne suis pas en colère, juste fatigué d'attendre.", "anger"),
        ("Pas de souci, le dossier avance.", "fear"),
        ("Aucun souci avec la déclaration en ligne.", "fear"),
        ("Sans surprise, le tarif a encore augmenté.", "surprise"),
        ("Pas de mauvaise surprise sur la facture.", "surprise"),
        ("J'espère ne pas être déçu par la suite.", "disappointment"),
        ("Si je suis déçu, je partirai.", "disappointment"),
        ("Je n'ai aucune crainte pour la suite.", "fear"),
        ("I am not angry, just tired.", "anger"),
    ],
)
def test_negated_or_hypothetical_cues_do_not_count(lexicon, text, absent):
    assert absent not in emotions(lexicon, text)


def test_a_negation_of_another_clause_does_not_negate_the_cue(lexicon):
    assert "exasperation" in emotions(lexicon, "La box ne marche pas, y'en a marre !")


@pytest.mark.parametrize(
    "text, emotion",
    [
        ("Je n'ai jamais été déçue par la MAIF.", "joy"),
        ("Je ne suis pas satisfait du tout.", "disappointment"),
        ("Le conseiller ne m'a pas rassuré.", "fear"),
    ],
)
def test_negation_turns_some_cues_into_another_emotion(lexicon, text, emotion):
    found = detect(text, "fr", lexicon)
    assert [e["emotion"] for e in found] == [emotion]
    # The evidence starts at the negation, so it reads as what it shows.
    evidence = found[0]["evidence"][0]["text"]
    assert evidence.split()[0] in ("jamais", "pas", "ne", "n'ai", "m'a") and text.find(evidence) >= 0


@pytest.mark.parametrize(
    "text",
    [
        "Merci pour rien.",
        "Plus de connexion depuis trois jours. Merci Free !",
        "Bravo pour la réactivité, ça fait un mois que j'attends une réponse.",
        "Service client injoignable, génial.",
        "Thanks for nothing.",
    ],
)
def test_irony_is_exasperation_not_gratitude_or_joy(lexicon, text):
    found = emotions(lexicon, text, "en" if text.startswith("Thanks") else "fr")
    assert "exasperation" in found
    assert "gratitude" not in found and "joy" not in found


def test_thanks_in_a_positive_review_stay_gratitude(lexicon):
    found = emotions(lexicon, "Sinistre réglé en une semaine. Merci à la MAAF pour son efficacité !")
    assert "gratitude" in found and "exasperation" not in found


@pytest.mark.parametrize(
    "text, language",
    [
        ("Je n'ai toujours pas mon attestation. Merci de me répondre rapidement.", "fr"),
        ("Comment résilier mon abonnement ? Merci", "fr"),
        ("Merci d'avance pour votre retour.", "fr"),
        ("Mon remboursement est bloqué depuis deux mois, merci de faire le nécessaire. Cordialement", "fr"),
        ("Please remove this account from my report. Thank you for your prompt attention to this matter.", "en"),
    ],
)
def test_closing_merci_is_not_gratitude(lexicon, text, language):
    assert "gratitude" not in emotions(lexicon, text, language)


def test_intensity_grows_with_intensifiers_exclamations_capitals_and_repetition(lexicon):
    base = emotions(lexicon, "Je suis déçu.")["disappointment"]
    assert emotions(lexicon, "Je suis très déçu.")["disappointment"] > base
    assert emotions(lexicon, "Je suis déçu !!!")["disappointment"] > base
    assert emotions(lexicon, "Je suis DÉÇU.")["disappointment"] > base
    assert emotions(lexicon, "Je suis déçu. Vraiment une déception.")["disappointment"] > base
    assert emotions(lexicon, "Je suis un peu déçu.")["disappointment"] < base
    assert emotions(lexicon, "C'est scandaleux.")["anger"] > emotions(lexicon, "C'est dommage.")["disappointment"]
    assert all(0 <= value <= 1 for value in emotions(lexicon, "SCANDALEUX !!! HONTEUX !!! INADMISSIBLE !!!").values())


def test_accents_and_case_do_not_matter(lexicon):
    assert "disappointment" in emotions(lexicon, "tres decue par le service")
    assert "anger" in emotions(lexicon, "INADMISSIBLE")


def test_tenure_is_not_exasperation_outside_a_complaint(lexicon):
    assert "exasperation" not in emotions(lexicon, "Cela fait dix ans que je suis chez eux et tout va bien.")
    assert "exasperation" in emotions(lexicon, "Cela fait dix jours que j'attends, aucune réponse.")


def test_languages_without_cues_get_no_emotion(lexicon):
    assert detect("Estoy muy enfadado con el servicio.", "es", lexicon) == []


def test_exact_offsets_after_a_placeholder():
    """Offsets point into the stored text: a placeholder before the cue shifts nothing."""
    component = create_component("emotions")
    component.ensure_warm()
    text = "Bonjour, <PERSON_1> m'a raccroché au nez : c'est scandaleux. Je suis très déçue."
    item = Item(text=text, source=Source(kind="test"), fields={"language": "fr"})
    component.run([item])
    by_name = {e["emotion"]: e for e in item.fields["emotions"]}
    anger = by_name["anger"]["evidence"][0]
    assert (anger["start"], anger["end"]) == (text.index("scandaleux"), text.index("scandaleux") + len("scandaleux"))
    assert text[anger["start"] : anger["end"]] == anger["text"] == "scandaleux"
    assert by_name["disappointment"]["evidence"][0]["text"] == "déçue"


def test_gratitude_to_a_pseudonymised_person(lexicon):
    found = detect("Merci à <PERSON_1> pour son aide précieuse.", "fr", lexicon)
    assert [e["emotion"] for e in found] == ["gratitude"]
    assert found[0]["evidence"][0]["text"] == "Merci à <PERSON_1>"


def test_evidence_stays_inside_the_given_sentences(lexicon):
    text = "Très satisfaite du contrat. Mais le sinistre ? Scandaleux !"
    sentences = [(0, 27), (28, 46), (47, 59)]
    for emotion in detect(text, "fr", lexicon, sentences):
        for span in emotion["evidence"]:
            assert any(s <= span["start"] and span["end"] <= e for s, e in sentences)


def test_the_record_accepts_the_output(lexicon):
    found = detect("Je suis furieux et vraiment déçu, mais merci au technicien.", "fr", lexicon)
    record = AnalysisRecord(id="t1", source=Source(kind="test"), date=None, language="fr", text="x", emotions=found)
    assert {e.emotion for e in record.emotions} == {"anger", "disappointment", "gratitude"}


def test_an_operator_file_adds_cues(tmp_path):
    extra = tmp_path / "emotions.yaml"
    extra.write_text('emotions:\n  anger:\n    fr:\n      "ça me gonfle": 0.6\n', encoding="utf-8")
    assert "anger" in {e["emotion"] for e in detect("Franchement ça me gonfle.", "fr", load_lexicon(extra))}
    assert "anger" not in {e["emotion"] for e in detect("Franchement ça me gonfle.", "fr", load_lexicon())}


@pytest.mark.parametrize(
    "content, fragment",
    [
        ('emotions:\n  anger:\n    fr:\n      "colere": 3\n', "between 0 and 1"),
        ('emotions:\n  anger:\n    fr:\n      "colere": {weight: 0.5, also: rage}\n', "not an emotion"),
        ('emotions:\n  anger:\n    fr:\n      "(colere": 0.5\n', "never closed"),
        ('emotions:\n  anger:\n    fr:\n      "colere": {weight: 0.5, loud: true}\n', "unknown option"),
    ],
)
def test_a_bad_operator_file_says_what_is_wrong(tmp_path, content, fragment):
    extra = tmp_path / "emotions.yaml"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_lexicon(extra)
    assert fragment in str(caught.value)


@pytest.mark.slow
def test_real_pipeline_offsets_point_into_the_pseudonymised_text():
    from ecoute.pipeline.core import Pipeline

    pipeline = Pipeline(["language", "pseudonymise", "sentences", "emotions"])
    record = pipeline.analyse_one(Item(
        text="Madame Martin m'a raccroché au nez deux fois. Je suis furieuse ! Merci de me rappeler.",
        source=Source(kind="test"),
    ))  # fmt: skip
    assert "<PERSON_1>" in record.text
    found = {e.emotion: e for e in record.emotions}
    assert set(found) == {"anger"}
    span = found["anger"].evidence[0]
    assert record.text[span.start : span.end] == span.text == "furieuse"
    assert any(s.start <= span.start and span.end <= s.end for s in record.sentences)

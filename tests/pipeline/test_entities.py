"""Entities (issue 3, point 7): organisations, brands and products, from the list and spaCy's NER."""

from __future__ import annotations

import pytest

from ecoute.errors import ConfigError
from ecoute.pipeline.core import Item, create_component
from ecoute.record import AnalysisRecord, Source
from ecoute.text import fold
from ecoute.understanding.entities import OrganisationList, organisation_list
from ecoute.understanding.spans import sentence_spans


def listed(text: str, language: str = "fr") -> list[tuple[str, str]]:
    found = organisation_list().find(text, fold(text), language, sentence_spans(text))
    return [(e["text"], e["label"]) for e in found]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Assurée à la maif depuis dix ans.", [("maif", "BRAND")]),
        ("La MAÏF a refusé, puis la Macif aussi.", [("MAÏF", "BRAND"), ("Macif", "BRAND")]),
        ("J'ai écrit à la DGCCRF et à UFC-Que Choisir.", [("DGCCRF", "ORG"), ("UFC-Que Choisir", "ORG")]),
        ("Ma Livebox redémarre sans cesse.", [("Livebox", "PRODUCT")]),
        ("Client de Bouygues Telecom depuis 2010.", [("Bouygues Telecom", "BRAND")]),
        ("My dispute with TransUnion is still open.", [("TransUnion", "BRAND")]),
    ],
)
def test_listed_names_whatever_the_case(text, expected):
    language = "en" if text.startswith("My") else "fr"
    assert listed(text, language) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Mon iPhone 15 Pro ne charge plus.", "iPhone 15 Pro"),
        ("Le Galaxy S23 commandé n'est jamais arrivé.", "Galaxy S23"),
        ("La Freebox Pop coupe tous les soirs.", "Freebox Pop"),
    ],
)
def test_products_keep_their_model(text, expected):
    assert listed(text) == [(expected, "PRODUCT")]


def test_ambiguous_names_need_a_capital():
    assert listed("Orange m'a coupé la ligne.") == [("Orange", "BRAND")]
    assert listed("Le jus d'orange était tiède.") == []
    assert listed("Une voiture orange, rayée au parking.") == []


def test_a_lower_case_ambiguous_name_counts_after_a_context_word():
    assert listed("je suis chez orange depuis 2015") == [("orange", "BRAND")]


def test_not_initial_names_are_not_read_at_the_start_of_a_sentence():
    assert listed("But the agent never called back.", "en") == []
    assert listed("Total : trois appels et aucune réponse.") == []
    assert listed("Au total, trois appels.") == []
    assert listed("J'ai acheté un canapé chez But, livré cassé.") == [("But", "BRAND")]


def test_free_is_a_brand_in_french_and_a_word_in_english():
    assert listed("free m'a coupé internet") == [("free", "BRAND")]
    assert listed("Free shipping was promised.", "en") == []
    assert listed("free of charge, they said.", "en") == []


def test_english_company_suffixes():
    assert listed("I called Acme Mortgage twice.", "en") == [("Acme Mortgage", "BRAND")]
    assert listed("The Bank never answered.", "en") == []


def test_placeholders_are_never_entities():
    text = "Merci <PERSON_1> et <ORG> : la MAAF a répondu."
    assert listed(text) == [("MAAF", "BRAND")]


def test_the_file_format_is_checked():
    with pytest.raises(ConfigError, match="name \\| ORG/BRAND/PRODUCT"):
        OrganisationList([], ["Acme"])
    with pytest.raises(ConfigError, match="unknown option"):
        OrganisationList([], ["Acme | BRAND | loud"])
    with pytest.raises(ConfigError, match="unknown directive"):
        OrganisationList([], ["@sometimes | x"])


def test_names_that_are_also_first_names_stay_redactable():
    """Magnolia is an insurer for the entity stage, but the pseudonymiser must
    still redact it as a first name: it lives in organisations.txt only."""
    from ecoute.privacy.lexicon import never_person_words

    assert any(name.text == "Magnolia" for name in organisation_list().names)
    assert "magnolia" not in never_person_words()


def test_every_organisations_line_parses_and_every_brand_is_a_name():
    from ecoute.privacy.lexicon import data_lines

    names = {fold(name.text) for name in organisation_list().names}
    assert {fold(line) for line in data_lines("lexicon/brands.txt")} <= names


def _component(ner: bool = True):
    component = create_component("entities", ner=ner)
    component.ensure_warm()
    return component


def test_exact_offsets_after_a_placeholder():
    text = "Bonjour, <PERSON_1> de chez Groupama m'a rappelé."
    item = Item(text=text, source=Source(kind="test"), fields={"language": "fr"})
    _component(ner=False).run([item])
    [entity] = item.fields["entities"]
    assert (entity["start"], entity["end"]) == (text.index("Groupama"), text.index("Groupama") + 8)
    assert text[entity["start"] : entity["end"]] == entity["text"] == "Groupama"
    record = AnalysisRecord(id="t1", source=Source(kind="test"), date=None, language="fr", text=text, entities=item.fields["entities"])
    assert record.entities[0].source == "list"


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Merci pour votre aide précieuse.",
        "Appelez le service client, vous verrez.",
        "Livraison rapide, colis intact.",
        "Bravo à toute l'équipe.",
        "Service et prestation Parfait.",
        "Points positifs : Autonomie",
        "TRES BON SERVICE EN LIGNE ET CONSEILLERS AGREABLES",
        "Bonjour <PERSON_1>, <PERSON_2> et <PHONE_1> attendent votre rappel.",
    ],
)
def test_sentence_initial_capitals_shouting_and_placeholders_are_not_organisations(text):
    item = Item(text=text, source=Source(kind="test"), fields={"language": "fr"})
    _component().run([item])
    assert item.fields["entities"] == []


@pytest.mark.slow
def test_ner_finds_an_organisation_the_list_does_not_know():
    text = "Après l'expertise, le cabinet Altaïr Conseil a transmis son rapport à la MAAF."
    item = Item(text=text, source=Source(kind="test"), fields={"language": "fr"})
    _component().run([item])
    found = {(e["text"], e["label"], e["source"]) for e in item.fields["entities"]}
    assert found == {("Altaïr Conseil", "ORG", "ner"), ("MAAF", "BRAND", "list")}
    for entity in item.fields["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]


@pytest.mark.slow
def test_real_pipeline_offsets_point_into_the_pseudonymised_text():
    from ecoute.pipeline.core import Pipeline

    pipeline = Pipeline(["language", "pseudonymise", "sentences", "entities"])
    record = pipeline.analyse_one(Item(
        text="Madame Durand, conseillère chez SFR, m'a vendu une Livebox. Merci Orange pour rien.",
        source=Source(kind="test"),
    ))  # fmt: skip
    assert record.text.startswith("<PERSON_1>")
    found = [(e.text, e.label) for e in record.entities]
    assert found == [("SFR", "BRAND"), ("Livebox", "PRODUCT"), ("Orange", "BRAND")]
    for entity in record.entities:
        assert record.text[entity.start : entity.end] == entity.text

"""Aspects: what each opinion is about (issue 3, point 1)."""

import pytest

from ecoute.errors import BadDataFile
from ecoute.pipeline import Item, Pipeline
from ecoute.pipeline.components.aspects import load_aspects
from ecoute.record import Source

pytestmark = pytest.mark.slow  # the sentiment model is read


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline(["language", "sentences", "sentiment", "aspects"])


def _sentences(pipeline, text):
    return pipeline.analyse_one(Item(text=text, source=Source(kind="text"))).sentences


@pytest.mark.parametrize(
    ("text", "aspect"),
    [
        ("Les tarifs ont encore augmenté.", "price"),
        ("Mon sinistre n'est toujours pas indemnisé.", "claims_handling"),
        ("Impossible de joindre le service client.", "customer_service"),
        ("La conseillère était très aimable.", "staff"),
        ("La livraison du colis a pris trois semaines.", "delivery"),
        ("Le site internet plante sans arrêt.", "website"),
        ("J'ai voulu résilier mon contrat.", "contract"),
        ("Deux prélèvements sur la même facture.", "billing"),
        ("The representative was rude.", "staff"),
        ("My refund claim was denied twice.", "claims_handling"),
    ],
)
def test_each_aspect_is_found_with_its_words(pipeline, text, aspect):
    sentence = _sentences(pipeline, text)[0]
    found = {a.aspect: a for a in sentence.aspects}
    assert aspect in found
    for span in found[aspect].evidence:
        assert text[span.start:span.end] == span.text


def test_each_side_of_a_contrast_has_its_own_opinion(pipeline):
    sentence = _sentences(pipeline, "Le prix est correct mais le service client est catastrophique.")[0]
    opinions = {a.aspect: a.sentiment.label for a in sentence.aspects}
    assert opinions == {"price": "positive", "customer_service": "negative"}


def test_one_opinion_for_a_sentence_without_contrast(pipeline):
    sentences = _sentences(pipeline, "Très bon accueil. La conseillère était aimable et compétente.")
    staff = next(a for a in sentences[1].aspects if a.aspect == "staff")
    assert staff.sentiment == sentences[1].sentiment and staff.sentiment.label == "positive"


def test_a_sentence_naming_nothing_has_no_aspect(pipeline):
    assert _sentences(pipeline, "Bof.")[0].aspects == []


def test_english_aspects_without_a_sentiment_model_keep_a_null_opinion(pipeline):
    sentence = _sentences(pipeline, "The website and the billing are a mess, but the staff is great.")[0]
    assert {a.aspect for a in sentence.aspects} >= {"website", "billing", "staff"}


def test_operator_adds_an_aspect(tmp_path, monkeypatch):
    (tmp_path / "aspects.yaml").write_text("aspects:\n  parking:\n    fr: [parking, stationnement]\n", encoding="utf-8")
    monkeypatch.setenv("ECOUTE_HOME", str(tmp_path))
    aspects = load_aspects()
    assert aspects["parking"]["fr"] == ["parking", "stationnement"] and "price" in aspects
    pipe = Pipeline(["language", "sentences", "sentiment", "aspects"])
    sentence = pipe.analyse_one(Item(text="Le parking de l'agence est toujours plein.", source=Source(kind="text"))).sentences[0]
    assert "parking" in {a.aspect for a in sentence.aspects}


def test_a_broken_aspects_file_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "aspects.yaml").write_text("aspects:\n  parking: [parking]\n", encoding="utf-8")
    monkeypatch.setenv("ECOUTE_HOME", str(tmp_path))
    with pytest.raises(BadDataFile) as info:
        load_aspects()
    assert info.value.code == "ECO115" and "parking" in str(info.value)

import pytest

from ecoute.pipeline import Item, Pipeline
from ecoute.record import Source


@pytest.fixture(scope="module")
def pipe():
    return Pipeline(["language", "sentences"])


def sentences(pipe, text):
    record = pipe.analyse_one(Item(text=text, source=Source(kind="text")))
    for s in record.sentences:
        assert record.text[s.start : s.end] == s.text
    return [s.text for s in record.sentences]


@pytest.mark.slow
def test_french_uses_the_trained_model(pipe):
    assert sentences(pipe, "J'ai appelé le service client. Personne ne répond ! Je vais résilier.") == [
        "J'ai appelé le service client.",
        "Personne ne répond !",
        "Je vais résilier.",
    ]


@pytest.mark.slow
def test_line_breaks_end_sentences(pipe):
    assert sentences(pipe, "Points positifs\n  rapide et simple\n\nPoints négatifs : le prix") == [
        "Points positifs",
        "rapide et simple",
        "Points négatifs : le prix",
    ]


def test_english_uses_rules(pipe):
    assert sentences(pipe, "I called them twice. Nobody answered! I will cancel.") == [
        "I called them twice.",
        "Nobody answered!",
        "I will cancel.",
    ]

"""Sentiment with the shipped French model (issue 3), on fixed examples."""

import pytest

from ecoute.pipeline import Item, Pipeline
from ecoute.record import Source
from ecoute.understanding.textclf import normalise_with_negation


@pytest.fixture(scope="module")
def pipe():
    return Pipeline(["language", "sentences", "sentiment"])


def sentiment(pipe, text):
    return pipe.analyse_one(Item(text=text, source=Source(kind="text")))


@pytest.mark.parametrize(
    "text, label",
    [
        ("Service client injoignable, trois mois sans remboursement, je résilie. Une honte.", "negative"),
        ("Très bon accueil, conseillère efficace, dossier réglé en deux jours. Je recommande !", "positive"),
        ("Je n'ai jamais eu de souci avec eux, rien à redire.", "positive"),
    ],
)
def test_whole_text_polarity(pipe, text, label):
    record = sentiment(pipe, text)
    assert record.sentiment.label == label
    assert (record.sentiment.score < 0) == (label == "negative")


def test_each_sentence_has_its_sentiment(pipe):
    record = sentiment(pipe, "Le conseiller était adorable et très compétent. Mais le remboursement a pris six mois, inadmissible.")
    labels = [s.sentiment.label for s in record.sentences]
    assert labels[0] == "positive" and labels[-1] == "negative"
    assert record.sentiment.label in ("mixed", "negative")


def test_languages_without_a_model_stay_null(pipe):
    record = sentiment(pipe, "The agent was rude and hung up on me twice.")
    assert record.sentiment is None
    assert all(s.sentiment is None for s in record.sentences)


def test_negation_marking():
    assert normalise_with_negation("Pas du tout satisfait.").endswith("neg_du neg_tout neg_satisfait")

"""Sentiment with the shipped models (issue 3), on fixed examples: French
(TF-IDF model), English (USE model trained on French reviews), irony rules."""

import pytest

from ecoute.pipeline import Item, Pipeline
from ecoute.record import Source
from ecoute.understanding.textclf import normalise_with_negation

pytestmark = pytest.mark.slow


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
        # What the irony rules must leave alone.
        ("Rien à redire.", "positive"),
        ("Je n'ai jamais eu de souci.", "positive"),
        ("Merci beaucoup, tout s'est bien passé.", "positive"),
        ("Super conseillère, très à l'écoute. Je recommande.", "positive"),
    ],
)
def test_whole_text_polarity(pipe, text, label):
    record = sentiment(pipe, text)
    assert record.sentiment.label == label
    assert (record.sentiment.score < 0) == (label == "negative")


def test_a_one_sentence_text_is_its_sentence(pipe):
    """The whole text may be refined by the encoder; a single sentence is not, and both must agree."""
    for text in ("Merci du cadeau, encore une hausse de 20 %.", "Je n'ai jamais eu de souci.", "Le contrat a été signé en mars."):
        record = sentiment(pipe, text)
        assert len(record.sentences) == 1
        assert record.sentiment.score == record.sentences[0].sentiment.score


def test_each_sentence_has_its_sentiment(pipe):
    record = sentiment(pipe, "Le conseiller était adorable et très compétent. Mais le remboursement a pris six mois, inadmissible.")
    labels = [s.sentiment.label for s in record.sentences]
    assert labels[0] == "positive" and labels[-1] == "negative"
    assert record.sentiment.label in ("mixed", "negative")


@pytest.mark.parametrize(
    "text",
    [
        "Merci pour rien !",  # the model alone: positive +0.53
        "Bravo pour rien.",
        "Merci du cadeau, encore une hausse de 20 %.",
        "Génial, encore une panne et personne ne répond.",
        "Thanks for nothing!",
        "Great job, you charged me twice and still no refund.",
    ],
)
def test_irony_is_negative(pipe, text):
    record = sentiment(pipe, text)
    assert record.sentiment.label == "negative"
    assert record.sentiment.score < 0
    assert all(s.sentiment.label == "negative" for s in record.sentences)


def test_ironic_sentence_next_to_a_complaint(pipe):
    record = sentiment(pipe, "Bravo ! Trois mois sans réponse et toujours pas de remboursement.")
    assert [s.sentiment.label for s in record.sentences] == ["negative", "negative"]
    assert record.sentiment.label == "negative"


def test_sincere_praise_before_a_reproach_is_not_irony(pipe):
    record = sentiment(pipe, "Super ! Mais le remboursement a pris trois mois.")
    assert record.sentences[0].sentiment.label == "positive"
    assert record.sentiment.label != "positive"


def test_a_closing_thanks_stays_politeness(pipe):
    record = sentiment(pipe, "Service nul, injoignable. Merci.")
    assert record.sentiment.label == "negative"
    assert record.sentences[-1].sentiment.label != "negative"


def test_irony_rules_can_be_turned_off():
    plain = Pipeline(["language", "sentences", "sentiment"], {"sentiment": {"irony": False}})
    record = plain.analyse_one(Item(text="Merci pour rien !", source=Source(kind="text")))
    assert record.sentiment.label != "negative"


@pytest.mark.parametrize(
    "text, sign",
    [
        ("The agent was friendly and sorted out my claim in two days. Highly recommend!", 1),
        ("Excellent customer support, they fixed everything within an hour.", 1),
        ("They refused my claim without any explanation. Avoid this company.", -1),
        # Known misses of the cross-lingual model (eval/sentiment_en: figures in docs/evaluation.md).
        pytest.param(
            "Terrible service, I waited two hours on the phone and nobody answered.", -1,
            marks=pytest.mark.xfail(strict=True, reason="USE model trained on French reviews: neutral +0.13"),
        ),
        # v1 (whole reviews only) called it neutral +0.26; v2 also learns from short French texts.
        ("I am extremely disappointed with the way my file was handled.", -1),
    ],
)
def test_english_texts_get_a_sentiment_of_the_right_sign(pipe, text, sign):
    record = sentiment(pipe, text)
    assert record.sentiment is not None
    assert record.sentiment.score * sign > 0
    assert record.sentiment.label == ("positive" if sign > 0 else "negative")
    assert all(s.sentiment is not None for s in record.sentences)


def test_english_sentences_are_scored_one_by_one(pipe):
    record = sentiment(pipe, "The adviser was lovely and very helpful. But the refund took four months and nobody answered my emails.")
    scores = [s.sentiment.score for s in record.sentences]
    assert len(scores) == 2 and scores[0] > 0 > scores[1]


def test_languages_without_a_model_stay_null(pipe):
    record = sentiment(pipe, "Der Kundenservice war unfreundlich und hat zweimal aufgelegt.")
    if record.language in ("fr", "en"):
        pytest.skip(f"language detected as {record.language}")
    assert record.sentiment is None
    assert all(s.sentiment is None for s in record.sentences)


def test_negation_marking():
    assert normalise_with_negation("Pas du tout satisfait.").endswith("neg_du neg_tout neg_satisfait")


def test_french_sentences_never_reach_the_encoder(pipe, monkeypatch):
    """Only whole testimonies the model is unsure of pay for the encoder (issue 3, speed)."""
    from ecoute.understanding import encoders

    seen = []
    real = encoders.encode
    monkeypatch.setattr(encoders, "encode", lambda texts, *a, **k: seen.extend(texts) or real(texts, *a, **k))
    text = "Service client injoignable, trois mois sans remboursement. Je résilie, une honte."
    record = sentiment(pipe, text)
    assert record.sentiment.label == "negative"
    assert seen == []  # a clear complaint: no encoder at all
    record = sentiment(pipe, "Le contrat a été signé en mars. Les garanties sont celles de l'an dernier.")
    assert all(s not in seen for s in ("Le contrat a été signé en mars.", "Les garanties sont celles de l'an dernier."))


def test_the_model_lists_what_it_trained_on(pipe):
    """eval/run.py measures a second-domain set only on the rows the model did not train on."""
    import hashlib

    model = pipe.components[-1].models["fr"]
    assert model.training_sources["reviews_fr_insurance/train.csv"] > 10_000
    trained = model.training_sources.get("employee_fr_retail/reviews.csv", [])
    assert all(int(hashlib.sha256(i.encode()).hexdigest()[0], 16) % 2 == 0 for i in trained)
    assert model.encoder == "use" and 0 < model.refine_share < 0.5

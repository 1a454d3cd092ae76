"""The sentiment recipe (issue 3): row weights, and the encoder refinement that
only the least-sure texts pay for. Small hand-made data; fake embeddings."""

import numpy as np
import pytest

from ecoute.understanding import encoders
from ecoute.understanding.textclf import SentimentModel, load, save

GOOD = ["très bon service", "conseiller aimable et efficace", "remboursement rapide merci", "je recommande vivement", "parfait rien à redire"]
BAD = ["service nul", "aucune réponse depuis trois mois", "remboursement refusé honteux", "je résilie à fuir", "conseiller impoli et incompétent"]
MID = ["correct sans plus", "délai moyen mais réponse", "prix correct service moyen", "ni bien ni mal", "moyen dans l'ensemble"]


def corpus():
    texts, ratings = [], []
    for k in range(6):
        for rating, group in ((1, BAD), (2, BAD), (3, MID), (4, GOOD), (5, GOOD)):
            texts += [f"{text} {['', 'vraiment', 'franchement', 'bref', 'donc', 'enfin'][k]}" for text in group]
            ratings += [rating] * len(group)
    return texts, ratings


def fake_embeddings(texts):
    """A deterministic 8-d vector per text (enough to exercise the stacking, not to be good)."""
    return np.array([np.random.default_rng(sum(map(ord, t))).normal(size=8) for t in texts], np.float32)


@pytest.fixture(scope="module")
def refined():
    texts, ratings = corpus()
    return SentimentModel(encoder="use", refine_share=0.3).fit(texts, ratings, embeddings=fake_embeddings(texts))


def test_plain_model_never_calls_the_encoder(monkeypatch):
    texts, ratings = corpus()
    model = SentimentModel().fit(texts, ratings)
    monkeypatch.setattr(encoders, "encode", lambda *a, **k: pytest.fail("encoder called"))
    assert model.predict(["service nul"], refine=True)[0]["polarity"] == "negative"


def test_only_unsure_texts_reach_the_encoder(refined, monkeypatch):
    seen = []

    def encode(texts, encoder="use"):
        seen.extend(texts)
        return fake_embeddings(texts)

    monkeypatch.setattr(encoders, "encode", encode)
    texts = ["service nul aucune réponse", "très bon service je recommande", "moyen", "correct mais délai"]
    cheap = refined.probabilities(texts)
    margins = np.sort(np.log(np.stack([cheap[:, :2].sum(1), cheap[:, 2], cheap[:, 3:].sum(1)], 1) + 1e-12) + refined.route_bias, 1)
    unsure = {t for t, m in zip(texts, margins[:, -1] - margins[:, -2]) if m < refined.threshold}
    refined_p = refined.probabilities(texts, refine=True)
    assert set(seen) == unsure
    for text, a, b in zip(texts, cheap, refined_p):
        assert np.allclose(a, b) == (text not in unsure)
    seen.clear()
    refined.predict(texts)  # the default (sentences, clauses): TF-IDF only
    assert seen == []


def test_refined_model_survives_a_round_trip(refined, tmp_path):
    save(refined, tmp_path / "m.joblib")
    again = load(tmp_path / "m.joblib")
    texts = ["remboursement refusé", "parfait"]
    assert np.allclose(again.probabilities(texts), refined.probabilities(texts))
    assert not hasattr(again.classifier, "oof_decisions_")  # training-only arrays are not saved


def test_row_weights_pull_the_model_towards_a_domain():
    texts, ratings = corpus()
    job = ["caisse mise en rayon nettoyage du magasin", "mise en rayon et caisse", "nettoyage du magasin et caisse"]
    plain = SentimentModel().fit(texts + job, ratings + [1, 1, 1])
    # The same rows rated 5 and weighing 20 each: a job description is no complaint in that domain.
    weighted = SentimentModel().fit(texts + job, ratings + [5, 5, 5], sample_weight=[1.0] * len(texts) + [20.0] * 3)
    probe = ["caisse et mise en rayon"]
    assert weighted.predict(probe)[0]["score"] > plain.predict(probe)[0]["score"]
    assert weighted.predict(probe)[0]["score"] > 0


def test_ratings_must_cover_the_scale():
    with pytest.raises(ValueError, match="1..5"):
        SentimentModel().fit(["bien", "mal"], [5, 1])

"""Theme discovery (issue 3, point 4): sentences the taxonomy leaves over,
clustered, labelled, proposed with stable ids, and accepted into the
operator's taxonomy."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from ecoute.understanding import discovery
from ecoute.understanding.discovery import Candidate, DiscoveryParams, Proposal

CORPUS = Path(__file__).with_name("discovery_corpus.csv")
# Ten varied sentences a subject are a sparse cluster: a corpus this small
# wants a wider distance than the default tuned on 2,000 reviews.
TEST_PARAMS = DiscoveryParams(min_size=5, min_testimonies=3, distance=0.6)


def record(rid: str, text: str, themes=(), language="fr", entities=()):
    """A minimal analysis record: one sentence per line of ``text``."""
    sentences, start = [], 0
    for line in text.split("\n"):
        sentences.append({"start": start, "end": start + len(line), "text": line, "sentiment": None})
        start += len(line) + 1
    return {"id": rid, "language": language, "text": text, "sentences": sentences, "themes": list(themes), "entities": list(entities)}


def candidate(cid: str, text: str, testimony: str | None = None) -> Candidate:
    return Candidate(cid, testimony or cid.split(":")[0], text, "fr", discovery.mask(text))


# --- sentences ----------------------------------------------------------------------


def test_candidates_leave_out_covered_and_trivial_sentences():
    text = "J'ai attendu une heure au téléphone.\nTrès satisfait.\nLe parking de l'agence est toujours complet."
    covered = {"code": "long_wait", "confidence": 0.5, "evidence": [{"start": 12, "end": 21, "text": "une heure"}]}
    found = discovery.candidates([record("t1", text, themes=[covered])])
    assert [c.text for c in found] == ["Le parking de l'agence est toujours complet."]
    assert found[0].id == f"t1:{text.index('Le parking')}-{len(text)}"


def test_placeholders_brands_and_mood_words_are_blanked_offsets_kept():
    text = "Merci à <PERSON_1> de chez AXA, très satisfaite du parking gratuit."
    masked = discovery.mask(text)
    assert len(masked) == len(text)
    assert "PERSON" not in masked and "AXA" not in masked and "satisfaite" not in masked
    assert "parking gratuit" in masked
    assert discovery.content_words(masked) == ["parking", "gratuit"]


def test_organisation_entities_of_the_record_are_blanked():
    text = "Le service Zorglub Assurances du parking est fermé."
    start = text.index("Zorglub")
    entity = {"text": "Zorglub Assurances", "label": "ORG", "start": start, "end": start + 18}
    (found,) = discovery.candidates([record("t1", text, entities=[entity])])
    assert "Zorglub" not in found.masked and "parking" in found.masked


def test_sentences_are_sorted_by_id_whatever_the_record_order():
    records = [record("t2", "Le parking est complet le samedi."), record("t1", "La carte de fidélité est bloquée.")]
    assert [c.testimony_id for c in discovery.candidates(records)] == ["t1", "t2"]
    assert discovery.candidates(records) == discovery.candidates(list(reversed(records)))


# --- labels ---------------------------------------------------------------------------


def test_phrases_do_not_start_or_end_with_a_stop_word_nor_cross_punctuation():
    phrases = discovery.phrases_of(candidate("t1:0-60", "Ma carte de fidélité, bloquée depuis un mois."))
    forms = set(phrases.values())
    assert "carte de fidélité" in forms and "carte" in forms
    assert not any(form.startswith(("de ", "ma ")) or form.endswith(" de") for form in forms)
    assert "fidélité bloquée" not in forms  # a comma stands between them


def test_word_families_group_plurals_and_derived_forms():
    assert discovery.family("remboursement") == discovery.family("remboursé") == discovery.family("rembourser")
    assert discovery.family("tarifs") == discovery.family("tarif")
    assert discovery.family("prix") != discovery.family("pris")


def test_ranking_names_the_subject_and_leaves_out_parts_of_better_phrases():
    texts = [
        "Ma carte de fidélité est bloquée.",
        "La carte de fidélité ne marche plus en caisse.",
        "Les points de la carte de fidélité ont disparu.",
        "Le vendeur a oublié ma carte de fidélité.",
        "Le livreur est passé trop tard.",
        "Le colis est arrivé abîmé.",
    ]
    items = [candidate(f"t{i}:0-{len(text)}", text) for i, text in enumerate(texts)]
    phrases = discovery._Phrases.of(items)
    ranked = discovery.rank_phrases([0, 1, 2, 3], items, phrases)
    assert ranked[0].forms[0] == "carte de fidélité"
    assert ranked[0].share == 1.0
    assert not any(phrase.forms[0] in ("carte", "fidélité") for phrase in ranked)


def test_a_phrase_of_one_testimony_only_is_no_label():
    texts = ["Le parking est plein, le parking est cher.", "Le parking ferme tôt.", "Le parking est loin."]
    items = [candidate("t1:0-40", texts[0]), candidate("t1:41-61", texts[1]), candidate("t2:0-20", texts[2])]
    ranked = discovery.rank_phrases([0, 1, 2], items, discovery._Phrases.of(items))
    forms = {form for phrase in ranked for form in phrase.forms}
    assert "parking" in forms and "ferme" not in forms


# --- clusters and ids -------------------------------------------------------------------


def _three_groups(seed: int = 0, per_group: int = 12) -> tuple[np.ndarray, list[str]]:
    generator = np.random.default_rng(seed)
    centres = np.eye(3, 16) * 4
    vectors = np.vstack([centre + generator.normal(0, 0.3, (per_group, 16)) for centre in centres])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), [f"t{i:03d}:0-10" for i in range(len(vectors))]


@pytest.mark.parametrize("sample", [6000, 18])
def test_clusters_recover_groups_and_unsampled_sentences_join_them(sample):
    vectors, ids = _three_groups()
    labels = discovery.cluster(vectors, ids, DiscoveryParams(distance=0.5, sample=sample, min_size=4))
    for group in range(3):
        members = labels[group * 12 : (group + 1) * 12]
        assert len(set(members.tolist())) == 1 and members[0] >= 0
    assert len(set(labels.tolist())) == 3


def test_proposal_ids_depend_on_sentences_and_knobs_but_not_on_how_many_are_shown():
    ids = ["t1:0-10", "t2:0-12", "t3:5-20"]
    same = discovery._proposal_id(ids, DiscoveryParams())
    assert same == discovery._proposal_id(list(reversed(ids)), DiscoveryParams(max_proposals=3))
    assert same != discovery._proposal_id(ids[:2], DiscoveryParams())
    assert same != discovery._proposal_id(ids, DiscoveryParams(distance=0.4))
    assert same.startswith("p") and len(same) == 11


def test_embeddings_are_cached_by_text(tmp_path, monkeypatch):
    calls = []

    def fake_encode(texts, encoder="use", batch=256):
        calls.append(list(texts))
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)

    monkeypatch.setattr("ecoute.understanding.encoders.encode", fake_encode)
    first = discovery.embed(["un", "deux", "un"], cache_dir=tmp_path)
    assert calls == [["un", "deux"]]
    second = discovery.embed(["deux", "trois"], cache_dir=tmp_path)
    assert calls[-1] == ["trois"]
    np.testing.assert_array_equal(first[1], second[0])
    assert np.allclose(np.linalg.norm(first, axis=1), 1)
    (tmp_path / "embeddings-use.npz").write_bytes(b"damaged")
    discovery.embed(["un"], cache_dir=tmp_path)  # a damaged cache is rebuilt
    assert calls[-1] == ["un"]


def test_proposals_round_trip_through_a_dict():
    proposal = Proposal("p0123456789", "parking · place", ["parking"], "fr", 10, 9, 0.7, ["Le parking est plein."])
    assert Proposal.from_dict(json.loads(json.dumps(proposal.as_dict()))) == proposal


# --- on real embeddings -------------------------------------------------------------------


@pytest.fixture(scope="module")
def pipeline():
    """What discovery reads: language, pseudonymised text, sentences."""
    from ecoute.pipeline import get_pipeline

    return get_pipeline(("language", "pseudonymise", "sentences"))


def corpus_records(pipeline):
    """The test corpus analysed (pseudonymised, split into sentences)."""
    from ecoute.ingest.model import ReadOptions
    from ecoute.services.analysis import AnalyseCounts, analyse_inputs

    results = analyse_inputs([str(CORPUS)], ReadOptions(text_col="text", id_col="id"), pipeline, AnalyseCounts())
    return [result.model_dump(mode="json") for result in results]


def _subject(proposal: Proposal) -> str:
    label = proposal.label
    return next((name for name, cue in (("parking", "parking"), ("app", "application"), ("card", "carte de fidélité")) if cue in label), label)


@pytest.mark.slow
def test_discovery_finds_the_three_subjects_and_nothing_else(pipeline, tmp_path):
    proposals, sentences = discovery.discover(corpus_records(pipeline), TEST_PARAMS, cache_dir=tmp_path / "cache")
    assert sentences >= 40
    assert sorted(_subject(p) for p in proposals) == ["app", "card", "parking"], [p.label for p in proposals]
    for proposal in proposals:
        assert proposal.size >= 5 and proposal.testimonies >= 3
        assert 3 <= len(proposal.examples) <= 5
        assert proposal.language == "fr"
        assert proposal.phrases, proposal
    by_subject = {_subject(p): p for p in proposals}
    assert "parking" in by_subject["parking"].phrases
    assert "carte de fidélité" in by_subject["card"].phrases
    assert "application mobile" in by_subject["app"].phrases or "application" in by_subject["app"].phrases


@pytest.mark.slow
def test_the_same_data_gives_the_same_proposals_in_the_same_order(pipeline, tmp_path):
    records = corpus_records(pipeline)
    first, _ = discovery.discover(records, TEST_PARAMS, cache_dir=tmp_path / "cache")
    cached, _ = discovery.discover(list(reversed(records)), TEST_PARAMS, cache_dir=tmp_path / "cache")
    uncached, _ = discovery.discover(records, TEST_PARAMS, cache_dir=None)
    assert [p.as_dict() for p in first] == [p.as_dict() for p in cached] == [p.as_dict() for p in uncached]
    assert [p.id for p in first] == [p.id for p in sorted(first, key=lambda p: (-p.size, -p.testimonies, p.id))]


@pytest.mark.slow
def test_the_store_the_proposals_file_and_an_accepted_theme(pipeline, sqlite_url, tmp_path, monkeypatch):
    from ecoute.config import Settings
    from ecoute.ingest.model import ReadOptions
    from ecoute.services.imports import run_import
    from ecoute.services.themes import accept_proposal, discover_themes, load_proposals
    from ecoute.store.db import open_store
    from ecoute.understanding.taxonomy import load_taxonomy

    engine = open_store(sqlite_url)
    run_import(engine, [str(CORPUS)], ReadOptions(text_col="text", id_col="id"), pipeline=pipeline)
    settings = Settings.from_env()
    result = discover_themes(engine, TEST_PARAMS, settings)
    assert result.testimonies == 45
    saved = json.loads(result.path.read_text(encoding="utf-8"))
    assert result.path == Path(settings.home) / "themes" / "proposals.json"
    assert [p["id"] for p in saved["proposals"]] == [p.id for p in result.proposals] == [p.id for p in load_proposals(settings)]
    assert (Path(settings.home) / "cache" / "embeddings-use.npz").exists()

    parking = next(p for p in result.proposals if _subject(p) == "parking")
    accepted = accept_proposal(parking.id, "parking_access", label_fr="Stationnement", settings=settings)
    theme = load_taxonomy(settings).themes["parking_access"]
    assert theme.group == "customer" and theme.origin == "operator"
    assert theme.label == {"fr": "Stationnement"}
    assert "parking" in theme.phrases["fr"] and accepted.phrases == list(theme.phrases["fr"])
    assert theme.examples["fr"] == tuple(parking.examples)

    if importlib.util.find_spec("ecoute.understanding.themes") is not None:
        from ecoute.understanding.themes import ThemeMatcher

        found = ThemeMatcher(load_taxonomy(settings)).find("Le parking de l'agence est plein tous les matins.", "fr")
        assert "parking_access" in [theme["code"] for theme in found]

    # The taxonomy now names the subject: it is not proposed again.
    again = discover_themes(engine, TEST_PARAMS, settings)
    assert sorted(_subject(p) for p in again.proposals) == ["app", "card"]


def test_current_records_reads_the_latest_analysis_of_each_testimony(store_url, pipeline):
    from ecoute.ingest.model import ReadOptions
    from ecoute.services.analysis import reanalyse
    from ecoute.services.imports import run_import
    from ecoute.store.db import open_store

    engine = open_store(store_url)
    run_import(engine, [str(CORPUS)], ReadOptions(text_col="text", id_col="id"), pipeline=pipeline, batch_size=7)
    reanalyse(engine, pipeline, everything=True)  # a second analysis each: history stays, one is current
    records = list(discovery.current_records(engine, page=10))
    assert len(records) == 45 and len({r["id"] for r in records}) == 45
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    assert all(r["sentences"] for r in records)

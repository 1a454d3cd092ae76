"""Effort 1–7 and its drivers (issue 4, point 3)."""

from hypothesis import given
from hypothesis import strategies as st

from ecoute.journey.cues import load_lexicons, normalise
from ecoute.journey.effort import effort
from ecoute.journey.extract import extract
from ecoute.text import fold

LEX = load_lexicons()["fr"]


def _journey(contacts=1, transfers=0, loops=0, wait=None, channels=1, dead_ends=0, days=None, resolved=None):
    return {
        "events": [{"channel": "phone_agent"}] * contacts, "contacts": contacts, "transfers": transfers, "loops": loops,
        "total_wait_minutes": wait, "channels": ["phone_agent", "letter", "email", "store"][:channels],
        "dead_ends": ["no_written_channel", "no_escalation", "unanswered_writing", "broken_callback"][:dead_ends],
        "elapsed_days": days, "resolved": resolved, "_found": None,
    }  # fmt: skip


def _score(**kw) -> float:
    return effort(_journey(**kw), "", LEX, "fr")["score"]


journeys = st.fixed_dictionaries({
    "contacts": st.integers(1, 12), "transfers": st.integers(0, 6), "loops": st.integers(0, 4),
    "wait": st.one_of(st.none(), st.floats(0, 600)), "channels": st.integers(1, 4), "dead_ends": st.integers(0, 4),
    "days": st.one_of(st.none(), st.floats(0, 400)), "resolved": st.sampled_from([None, True, False]),
})  # fmt: skip


@given(journeys, st.sampled_from(["contacts", "transfers", "loops", "wait", "days", "dead_ends"]))
def test_more_of_anything_never_lowers_the_score(journey, key):
    more = dict(journey)
    more[key] = (more[key] or 0) + (1 if key in ("contacts", "transfers", "loops", "dead_ends") else 30)
    if key == "dead_ends":
        more[key] = min(4, more[key])
    assert _score(**more) >= _score(**journey)
    assert 1 <= _score(**journey) <= 7


def test_unresolved_costs_more_than_resolved():
    assert _score(contacts=3, resolved=False) > _score(contacts=3, resolved=True)


def test_drivers_explain_the_score():
    result = effort(_journey(contacts=4, transfers=2, wait=60, days=30, resolved=False), "", LEX, "fr")
    assert result["basis"] == "journey"
    assert result["score"] == round(min(7, 1 + sum(d["contribution"] for d in result["drivers"])), 1)
    assert {d["driver"] for d in result["drivers"]} == {
        "first_contact", "contacts", "transfers", "waits", "elapsed_time", "unresolved"
    }
    assert all(d["explanation"] for d in result["drivers"])
    assert next(d for d in result["drivers"] if d["driver"] == "contacts")["explanation"] == "4 contacts ont été nécessaires"


def _effort_of(text: str, lang: str = "fr"):
    journey = extract(text, lang, None)
    return effort(journey, journey["_norm"], load_lexicons()[lang], lang)


def test_short_texts_get_an_effort_from_their_words_flagged_as_such():
    hard = _effort_of("Impossible de joindre qui que ce soit, un vrai parcours du combattant.")
    easy = _effort_of("Tout s'est fait en quelques clics, rapidement.")
    assert hard["basis"] == easy["basis"] == "wording"
    assert hard["score"] > easy["score"]
    assert _effort_of("Très bon assureur.") is None  # nothing to judge effort by


def test_negated_ease_is_not_ease():
    assert _effort_of("Ce n'est pas simple du tout.") is None


def test_a_long_story_costs_more_than_a_quick_fix():
    quick = _effort_of("J'ai appelé le service client, le conseiller a réglé mon problème en cinq minutes.")
    long = _effort_of(
        "Le 3 mars j'appelle : 40 minutes d'attente, on me transfère deux fois. Le 20 mars je rappelle. "
        "Le 2 avril j'envoie une lettre recommandée. Aucune réponse. Le dossier n'est toujours pas réglé."
    )
    assert quick["basis"] == long["basis"] == "journey"
    assert long["score"] >= quick["score"] + 2
    assert normalise(fold("É’\n")) == "e' "


def test_the_stretch_a_story_states_counts_but_tenure_does_not():
    from ecoute.journey.effort import stated_days

    assert stated_days("cela fait 8 mois que j'attends") == 240
    assert stated_days("client depuis 10 ans, je n'ai jamais eu de souci") == 0
    assert stated_days("it took them three weeks to answer") == 21


def test_the_effort_weights_file_must_keep_every_weight_positive(tmp_path, monkeypatch):
    import pytest

    from ecoute.errors import BadDataFile
    from ecoute.journey import effort as module

    weights = dict(module.load_weights())
    assert set(weights) == set(module.CAPS) and all(w >= 0 for w in weights.values())
    bad = tmp_path / "ecoute_data"
    (bad / "journey").mkdir(parents=True)
    lines = "\n".join(f"  {k}: {-1 if k == 'contacts' else v}" for k, v in weights.items())
    (bad / "journey" / "effort_weights.yaml").write_text("weights:\n" + lines + "\n", encoding="utf-8")
    monkeypatch.setattr(module.resources, "files", lambda _package: bad)
    module.load_weights.cache_clear()
    try:
        with pytest.raises(BadDataFile, match="contacts"):
            module.load_weights()
    finally:
        module.load_weights.cache_clear()

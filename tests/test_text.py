"""Text helpers shared by every cue-based component."""

from ecoute.text import fold


def test_fold_drops_accents_and_case():
    assert fold("Très AGRÉABLE, ça") == "tres agreable, ca"


def test_fold_keeps_offsets_one_for_one():
    for text in ["Écœuré", "ﬁn", "İstanbul", "<PERSON_1> a dit « non »", "naïve façade"]:
        assert len(fold(text)) == len(text)
    text = "Le conseiller m'a répondu"
    assert text[fold(text).index("repondu"):].startswith("répondu")

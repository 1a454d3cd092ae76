"""Names written in capitals, possessives and names that come back (issue 5
follow-up): "j'ai eu NISRINE au téléphone", "Liam's note", "la note de Oumou"
must not stay in the stored text; shouted words, abbreviations and brands
in capitals must."""

from pathlib import Path

import pytest

from ecoute.pipeline.components.pseudonymise import needs_ner
from ecoute.pipeline.resources import spacy_ner
from ecoute.privacy.engine import Protector
from ecoute.privacy.lexicon import common_words

STORY = Path(__file__).resolve().parents[2] / "src" / "ecoute" / "data" / "demo" / "stories" / "06_airline_refund.txt"


@pytest.fixture(scope="module")
def protector():
    return Protector()


def _doc(text, lang):
    nlp = spacy_ner(lang)
    return nlp(text) if nlp is not None and needs_ner(text) else None


def found(protector, text, lang="fr"):
    """What the pipeline finds: the NER runs where the pseudonymise component runs it."""
    return [(f.type, f.text) for f in protector.detect(text, lang, _doc(text, lang))]


def protected(protector, text, lang="fr"):
    return protector.protect(text, lang, _doc(text, lang)).text


@pytest.mark.parametrize(
    "text, name",
    [
        # First names no list knows, written in capitals, in a person's context.
        ("Merçi à GWENDAL pour les informations qu'il m'a transmis", "GWENDAL"),
        ("j'ai eu NISRINE au téléphone, tout est réglé", "NISRINE"),
        ("Très bien reçu par votre conseillère IKRAM très souriante.", "IKRAM"),
        ("j'ai eu un tres bon contact avec DAOUDA sur question posée.", "DAOUDA"),
        ("Mon intervention de ce jour avec KHADIJA à été concluant.", "KHADIJA"),
        ("RAMATA a su gérer mon problème, personne courtoise", "RAMATA"),
        ("J'ai été reçu par TUGDUAL qui a fait preuve de patience", "TUGDUAL"),
        ('La conseillère "FAIROUZ" m\'a bien accompagné', "FAIROUZ"),
        # Signatures: after a closing formula, with a title or an initial, surname first.
        ("Tout est réglé.\nCordialement\nLOBET", "LOBET"),
        ("Merci pour tout.\nBien cordialement\nMME DARRAZ", "MME DARRAZ"),
        ("Merci d'avance et bonne soirée.\n\nM.FOUQAR", "M.FOUQAR"),
        ("Merci,\ncordialement,\nHanen  REKIK\n", "Hanen  REKIK"),
        ("service client au top, merci à vous DELANNOY NATHALIE", "DELANNOY NATHALIE"),
        ("Cordialement\nmonsieur et madame MYLLE", "madame MYLLE"),
        # Known first names in a text written all in capitals need a cue; surnames keep their particles.
        ("JE SUIS TRES SATISFAIT MERCI NICOLAS POUR TOUT", "NICOLAS"),
        ("TRES BIEN\nCORDIALEMENT,\nFLORENCE FERREIRA DA SILVA", "FLORENCE FERREIRA DA SILVA"),
        ("RÉSILIATION REFUSÉE PAR AXA, MERCI SANDRINE DU SERVICE CLIENT", "SANDRINE"),
    ],
)
def test_names_in_capitals_are_found(protector, text, name):
    assert found(protector, text) == [("PERSON", name)]


@pytest.mark.parametrize(
    "text, lang",
    [
        # Acronyms, brands and shouted words stay.
        ("Chez MAIF comme chez MACIF, AXA et SAV : TRÈS HONTEUX, envoyez l'ATTESTATION par RAR", "fr"),
        ("Lettre AR envoyée à la GMF, puis une LRAR : TOUJOURS RIEN, c'est INADMISSIBLE.", "fr"),
        ("le conseiller SAV m'a rappelé, puis l'expert SARETEC est passé", "fr"),
        ("l'expert AXA et le courtier SANTIANE ne répondent pas", "fr"),
        ("j'ai contacté NEOLIANE NICE qui m'a demandé de leur envoyer le RIB", "fr"),
        # First names that are words, in capitals; a text written all in capitals.
        ("JE PLUS ECONOMISER 220 EUROS A L ANNE ET LA COUVERTURE ASSURANCE", "fr"),
        ("FACILITE D'ADHESION GRACE AU COMPTE CLIENT ZEN UP", "fr"),
        ("COMMUNICATION FLUIDE ET CLAIRE. LA PERSONNE QUE J'AI EU EN LIGNE ETAIT TRES A L'ECOUTE", "fr"),
        ("ON A EU UN PROBLEME AVEC UN TIER, J ENVOIE UNE LETTRE RAR", "fr"),
        ("BON ACCEIL TRES COMPETENT, REPONSE RAPISE AU TELEPHONE", "fr"),
        # Cues that are not about a person.
        ("Je vous remercie La Maif.", "fr"),
        ("Conseiller Professionnel : bonne écoute", "fr"),
        ("accident non responsable, VRADE sous évalué", "fr"),
        ("Je vous en remercie \nJe ne trouve plus rien à ajouter", "fr"),
        # English: words in capitals are not names without a naming cue; brands with a possessive stay.
        ("CALLED CHASE AND PNC THREE TIMES ABOUT THE ACH DEBIT, NOBODY ANSWERED.", "en"),
        ("the agent NEVER called back and the rep REFUSED to help", "en"),
        ("Returned the earrings to Claire's at the mall, then lunch at Wendy’s.", "en"),
    ],
)
def test_capitals_that_are_not_names_stay(protector, text, lang):
    assert found(protector, text, lang) == []


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        (
            'the agent, who signed as "Liam", was helpful. Later nobody could see Liam\'s note or Liam’s reply.',
            "en",
            'the agent, who signed as "<PERSON_1>", was helpful. Later nobody could see <PERSON_1>\'s note or <PERSON_1>’s reply.',
        ),
        ("Marcus's supervisor called me back.", "en", "<PERSON_1>'s supervisor called me back."),
        (
            "I spoke with Mr. Adeyemi twice, but Adeyemi's team never wrote.",
            "en",
            "I spoke with <PERSON_1> twice, but <PERSON_1>'s team never wrote.",
        ),
        (
            "La conseillère Oumou m'a rappelée, mais personne n'a retrouvé la note de Oumou ni le dossier d'Oumou.",
            "fr",
            "La conseillère <PERSON_1> m'a rappelée, mais personne n'a retrouvé la note de <PERSON_1> ni le dossier d'<PERSON_1>.",
        ),
        (
            "la conseillère IKRAM était top. Merci encore à IKRAM !",
            "fr",
            "la conseillère <PERSON_1> était top. Merci encore à <PERSON_1> !",
        ),
        (
            "Le dossier est passé de Mme Guillou à son collègue, qui n'avait pas les notes de GUILLOU.",
            "fr",
            "Le dossier est passé de <PERSON_1> à son collègue, qui n'avait pas les notes de <PERSON_1>.",
        ),
        (
            "Kévin Durand m'a aidé ; Kévin est efficace, M. Petit beaucoup moins.",
            "fr",
            "<PERSON_1> m'a aidé ; <PERSON_1> est efficace, <PERSON_2> beaucoup moins.",
        ),
        # A name that is a word is not spread to the word: "rose" the colour stays, "Petit" at a sentence start too.
        (
            "La conseillère Rose m'a aidée. Une lumière rose clignote encore.",
            "fr",
            "La conseillère <PERSON_1> m'a aidée. Une lumière rose clignote encore.",
        ),
        (
            "J'ai écrit à Mme Petit. Petit problème : elle ne répond pas.",
            "fr",
            "J'ai écrit à <PERSON_1>. Petit problème : elle ne répond pas.",
        ),
    ],
)
def test_a_name_found_once_is_replaced_everywhere(protector, text, lang, expected):
    assert protected(protector, text, lang) == expected


def test_the_airline_story_no_longer_shows_the_agent(protector):
    text = STORY.read_text(encoding="utf-8")
    result = protected(protector, text, "en")
    assert "Liam" not in result
    assert result.count("<PERSON_1>") == 2 and "<PERSON_2>" not in result
    assert "Aerolis" in result and "Lyon" in result and "Dublin" in result


def test_the_lexicon_tells_words_from_names():
    words = common_words()
    assert {"honteux", "attestation", "fuyez", "tres", "très", "couverture"} <= words
    assert not {"gwendal", "nisrine", "daouda", "ramata", "ikram"} & words

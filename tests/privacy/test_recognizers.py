"""What the pseudonymiser finds, and what it must leave alone (issue 5)."""

import pytest

from ecoute.privacy.engine import Protector


@pytest.fixture(scope="module")
def protector():
    return Protector()


def found(protector, text, lang="fr"):
    return [(f.type, f.text) for f in protector.detect(text, lang)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Rappelez-moi au 06 12 34 56 78 svp", ("PHONE", "06 12 34 56 78")),
        ("mon portable 06.12.34.56.78", ("PHONE", "06.12.34.56.78")),
        ("tel 0612345678", ("PHONE", "0612345678")),
        ("au +33 6 12 34 56 78", ("PHONE", "+33 6 12 34 56 78")),
        ("le fixe 01 23 45 67 89", ("PHONE", "01 23 45 67 89")),
        ("call me on +44 20 7946 0958", ("PHONE", "+44 20 7946 0958")),
        ("écrivez à jean.dupont@example.fr merci", ("EMAIL", "jean.dupont@example.fr")),
        ("IBAN FR76 3000 6000 0112 3456 7890 189 svp", ("IBAN", "FR76 3000 6000 0112 3456 7890 189")),
        ("carte 4539 5787 6362 1486 débitée", ("CARD", "4539 5787 6362 1486")),
        ("mon numéro de sécu 1 84 12 75 115 042 15", ("NIR", "1 84 12 75 115 042 15")),
        ("la voiture AB-123-CD est au garage", ("PLATE", "AB-123-CD")),
        ("contrat n° AX-2023-55871 résilié", ("ACCOUNT_ID", "AX-2023-55871")),
        ("mon n° de dossier 2024/118734 est perdu", ("ACCOUNT_ID", "2024/118734")),
        ("référence CLT-88412", ("ACCOUNT_ID", "CLT-88412")),
        ("my order #A-55120 never came", ("ACCOUNT_ID", "A-55120")),
        ("j'habite 12 rue des Lilas, 69003 Lyon depuis", ("ADDRESS", "12 rue des Lilas, 69003 Lyon")),
        ("I live at 221B Baker Street, London NW1 6XE now", ("ADDRESS", "221B Baker Street, London NW1 6XE")),
        ("née le 12/03/1961 à Lyon", ("BIRTH_DATE", "12/03/1961")),
        ("date de naissance : 3 avril 1958", ("BIRTH_DATE", "3 avril 1958")),
        ("Je suis Mme Martin, cliente.", ("PERSON", "Mme Martin")),
        ("j'ai eu M. Dupont au téléphone", ("PERSON", "M. Dupont")),
        ("la conseillère, Mme B., a été odieuse", ("PERSON", "Mme B.")),
        ("Jean-Pierre de l'agence m'a aidé", ("PERSON", "Jean-Pierre")),
        ("merci à Kévin Durand pour son aide", ("PERSON", "Kévin Durand")),
        ("j'ai eu jean-marc au tel", ("PERSON", "jean-marc")),
    ],
)
def test_identifiers_are_found(protector, text, expected):
    assert expected in found(protector, text, "en" if text.isascii() and " the " in f" {text} " else "fr")


@pytest.mark.parametrize(
    "text",
    [
        "Merci pour votre aide, très bon service.",
        "Livraison rapide, produit conforme.",
        "Appelez le service client, ils sont efficaces.",
        "Orange m'a facturé deux fois ce mois-ci.",
        "Une lumière orange clignote sur ma Livebox.",
        "Chez MAAF comme chez AXA, même combat.",
        "J'ai payé 1 250,00 € le 12/03/2024 pour rien.",
        "Rendez-vous le 3 avril 1958 ? Non, le 3 avril 2025.",
        "Le carte 4539 5787 6362 1487 est fausse.",
        "IBAN FR76 3000 6000 0112 3456 7890 188 invalide",
        "NIR 1 84 12 75 115 042 57 avec une mauvaise clé",
        "Rose est la couleur de leur logo.",
        "Bonjour, la SNCF a annulé mon train.",
    ],
)
def test_no_false_alarm(protector, text):
    assert found(protector, text) == []


def test_same_person_same_placeholder_whatever_the_spelling(protector):
    result = protector.protect("Mme Martin m'a rappelé. Madame Martin a promis. Puis MARTIN a raccroché ; M. Dupont aussi.", "fr")
    assert result.text == "<PERSON_1> m'a rappelé. <PERSON_1> a promis. Puis <PERSON_1> a raccroché ; <PERSON_2> aussi."


def test_pii_spans_point_at_placeholders(protector):
    result = protector.protect("Contactez Mme Martin au 06 12 34 56 78 ou martin@example.fr.", "fr")
    assert [(p["type"], result.text[p["start"] : p["end"]]) for p in result.pii] == [
        ("PERSON", "<PERSON_1>"),
        ("PHONE", "<PHONE_1>"),
        ("EMAIL", "<EMAIL_1>"),
    ]


def test_anonymise_generalises_addresses_and_birth_dates():
    result = Protector("anonymise").protect("Née le 12/03/1961, j'habite 12 rue des Lilas, 69003 Lyon. Mme Martin.", "fr")
    assert "<BIRTH_DATE:1960s>" in result.text
    assert "<ADDRESS:Lyon>" in result.text
    assert "<PERSON_1>" in result.text and "1961" not in result.text


def test_off_changes_nothing():
    text = "Mme Martin, 06 12 34 56 78"
    assert Protector("off").protect(text, "fr").text == text


def test_already_pseudonymised_text_is_left_as_is(protector):
    once = protector.protect("Mme Martin, 06 12 34 56 78, contrat n° AX-2023-55871", "fr").text
    assert protector.protect(once, "fr").text == once

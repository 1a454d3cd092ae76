import pytest

from ecoute.pipeline.core import create_component


@pytest.fixture(scope="module")
def detector():
    comp = create_component("language")
    comp.ensure_warm()
    return comp


@pytest.mark.parametrize(
    "text, expected",
    [
        ("J'attends depuis trois semaines une réponse de votre service client.", "fr"),
        ("Bof", "fr"),
        ("Super service", "fr"),
        ("trop cher", "fr"),
        ("I have been waiting three weeks for an answer from customer service.", "en"),
        ("Great service, thanks", "en"),
        ("Der Kundendienst war schrecklich und niemand hat geantwortet.", "de"),
        ("El servicio al cliente fue terrible y nadie respondió a mis correos.", "es"),
    ],
)
def test_languages(detector, text, expected):
    lang, confidence = detector.detect(text)
    assert lang == expected
    assert 0 < confidence <= 1


@pytest.mark.parametrize("text", ["", "??", "12 34", "!!! :-)"])
def test_too_few_letters_is_honestly_unknown(detector, text):
    assert detector.detect(text) == (None, None)


def test_shouting_in_capitals_keeps_its_language(detector):
    text = "THESE BUREAUS ARE REPORTING A DEBT THAT I DO NOT OWE AND THEY REFUSE TO REMOVE IT FROM MY REPORT"
    assert detector.detect(text)[0] == "en"

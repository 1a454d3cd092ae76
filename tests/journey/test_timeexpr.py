"""Dates and waits in narratives (issue 4, point 1)."""

from datetime import date

import pytest

from ecoute.journey.cues import normalise
from ecoute.journey.timeexpr import find_times, find_waits, resolve
from ecoute.text import fold

WRITTEN = date(2024, 11, 9)


def _dates(text: str, lang: str = "fr", written: date | None = WRITTEN) -> list[tuple[str, str | None]]:
    norm = normalise(fold(text))
    cursor, out = None, []
    for mention in find_times(norm, text, lang):
        value = resolve(mention, cursor, written, lang)
        cursor = value or cursor
        out.append((mention.text, value.isoformat() if value else None))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le 3 décembre 2023, j'ai appelé.", [("3 décembre 2023", "2023-12-03")]),
        ("J'ai appelé le 3 décembre.", [("3 décembre", "2023-12-03")]),  # not in the future of the testimony
        ("Le 23 septembre je retourne à la boutique.", [("23 septembre", "2024-09-23")]),
        ("Courrier envoyé le 03/10.", [("03/10", "2024-10-03")]),
        ("En juin dernier, j'ai écrit.", [("En juin dernier", "2024-06-01")]),
        ("Il y a 2 mois, j'ai appelé.", [("Il y a 2 mois", "2024-09-10")]),
        ("Hier, le conseiller m'a rappelé.", [("Hier", "2024-11-08")]),
    ],
)
def test_absolute_and_backward_dates(text, expected):
    assert _dates(text) == expected


def test_relative_dates_follow_the_previous_point_of_the_story():
    text = (
        "Le 2 mars, j'appelle. Le lendemain, on me rappelle. Deux jours plus tard, rien. "
        "Trois semaines après, j'écris. 15 jours plus tard, une réponse."
    )
    assert [v for _, v in _dates(text)] == ["2024-03-02", "2024-03-03", "2024-03-05", "2024-03-26", "2024-04-10"]


def test_years_are_inferred_so_that_the_story_runs_forward():
    # Written in February 2025: December is 2024, then January 2025.
    text = "Le 12 décembre j'ai appelé. Le 8 janvier j'ai écrit."
    assert [v for _, v in _dates(text, written=date(2025, 2, 20))] == ["2024-12-12", "2025-01-08"]


def test_a_relative_date_without_a_point_to_start_from_stays_unknown():
    assert _dates("Trois semaines plus tard, rien.", written=None) == [("Trois semaines plus tard", None)]


def test_english_dates():
    text = "On March 3, 2023 I called. Two weeks later I wrote to them. On 04/10 they answered."
    assert [v for _, v in _dates(text, "en", date(2023, 6, 1))] == ["2023-03-03", "2023-03-17", "2023-04-10"]


def test_redacted_cfpb_dates_are_kept_as_words_without_a_value():
    assert _dates("On XX/XX/XXXX I called them.", "en") == [("XX/XX/XXXX", None)]


@pytest.mark.parametrize("text", ["une note de 1/5", "service 7/7 et 24/24", "trois quarts d'heure, soit 3/4 d'heure"])
def test_ratings_and_fractions_are_not_dates(text):
    assert [v for _, v in _dates(text)] == [None] * len(_dates(text))


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("Au bout d'une heure, un conseiller décroche.", [60]),
        ("Après 30 minutes d'attente, rien.", [30]),
        ("Un quart d'heure plus tard, une conseillère.", [15]),
        ("J'ai attendu trois quarts d'heure.", [45]),
        ("Une heure et demie d'attente !", [90]),
        ("1h30 d'attente au téléphone.", [90]),
        ("After 45 minutes on hold, a representative answered.", [45]),
        ("J'ai patienté vingt minutes en ligne.", [20]),
    ],
)
def test_waits(text, minutes):
    assert [w.minutes for w in find_waits(normalise(fold(text)))] == minutes


@pytest.mark.parametrize("text", ["Le rendez-vous est à 10 h 40.", "Un appel de 20 minutes pour tout régler.", "Le forfait à 2 heures de communication."])
def test_durations_that_are_not_waits(text):
    assert find_waits(normalise(fold(text))) == []

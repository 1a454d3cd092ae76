from datetime import date

import pytest

from ecoute.pipeline import Item, Pipeline
from ecoute.pipeline.dates import date_from_text, find_full_dates, parse_date_value
from ecoute.record import Source

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-03-05T10:12:00Z", date(2024, 3, 5)),
        ("Tue, 04 Feb 2025 09:14:00 +0100", date(2025, 2, 4)),
        ("05/03/2024", date(2024, 3, 5)),
        ("12/25/2024", date(2024, 12, 25)),
        ("5 mars 2024", date(2024, 3, 5)),
        ("1er décembre 2014", date(2014, 12, 1)),
        ("March 3, 2021", date(2021, 3, 3)),
        ("", None),
        ("pas une date", None),
        (None, None),
    ],
)
def test_metadata_values(raw, expected):
    assert parse_date_value(raw) == expected


def test_running_french_text_gives_no_false_dates():
    text = "Ma conseillère me dit que je dois mars et je rappelle mardi. Ma box est en panne."
    assert find_full_dates(text) == []


def test_first_line_date_is_the_date_of_writing():
    text = "Lyon, le 12 mars 2025\nLe 3 avril 2025 je recevrai peut-être une réponse. J'ai écrit le 2 février 2025."
    assert date_from_text(text, TODAY).value == date(2025, 3, 12)


def test_otherwise_the_latest_date_not_in_the_future():
    text = "J'ai appelé le 2 février 2025, puis le 14/02/2025. Rendez-vous le 3 janvier 2030."
    found = date_from_text(text, TODAY)
    assert found.value == date(2025, 2, 14)
    assert text[found.start : found.end] == "14/02/2025"


def test_component_prefers_metadata_and_says_where_the_date_came_from():
    pipe = Pipeline(["date"], config={"date": {"today": "2026-11-23"}})
    with_meta, from_text, none = pipe.analyse(
        [
            Item(text="Appel le 2 février 2025.", source=Source(kind="csv"), date_hint="2025-03-01"),
            Item(text="Appel le 2 février 2025.", source=Source(kind="text")),
            Item(text="Appel hier.", source=Source(kind="text"), date_hint="n/a"),
        ]
    )
    assert (with_meta.date, with_meta.date_source) == ("2025-03-01", "metadata")
    assert (from_text.date, from_text.date_source) == ("2025-02-02", "text")
    assert (none.date, none.date_source) == (None, None)

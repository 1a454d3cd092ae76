from datetime import date

import pytest

from ecoute.pipeline import Item, Pipeline
from ecoute.pipeline.components.tenure import tenure_years
from ecoute.record import Source

WRITTEN = date(2014, 6, 1)


@pytest.mark.parametrize(
    "text, years",
    [
        ("Client depuis 40 ans, je suis traité comme un inconnu.", 40),
        ("Je suis cliente chez eux depuis plus de vingt-cinq ans.", 25),
        ("Fidèle depuis 1998 et voilà comment on me remercie.", 16),
        ("40 ans de fidélité et aucun geste commercial !", 40),
        ("I have been a customer for 12 years.", 12),
        ("As a loyal customer of twenty years I expected better.", 20),
        ("A 15-year customer, and they hung up on me.", 15),
        ("Customer since 2004, never again.", 10),
        ("Assuré depuis 3 ans chez eux, premier sinistre.", 3),
    ],
)
def test_tenure_is_found(text, years):
    assert tenure_years(text, WRITTEN) == years


@pytest.mark.parametrize(
    "text",
    [
        "Je travaille dans ce magasin depuis 10 ans.",
        "J'attends depuis 3 semaines une réponse.",
        "Mon fils a 12 ans.",
        "The agent said it would take 10 years.",
    ],
)
def test_no_tenure(text):
    assert tenure_years(text, WRITTEN) is None


def test_a_year_is_resolved_against_the_testimony_date():
    pipe = Pipeline(["date", "tenure"], config={"date": {"today": "2026-11-23"}})
    record = pipe.analyse_one(Item(text="Lyon, le 12 mars 2014\nFidèle depuis 1974.", source=Source(kind="text")))
    assert (record.date, record.tenure_years) == ("2014-03-12", 40)

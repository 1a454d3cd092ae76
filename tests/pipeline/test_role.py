"""Author role (issue 3): employee writing about their job, customer, or unknown."""

import pytest

from ecoute.pipeline.core import create_component


@pytest.fixture(scope="module")
def role():
    component = create_component("role")
    component.ensure_warm()
    return component


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Je travaille en caisse depuis trois ans : horaires changés la veille, aucune reconnaissance de la direction.", "employee"),
        ("Bonne ambiance entre collègues mais salaire trop bas et beaucoup de turnover.", "employee"),
        ("Travail stressant, polyvalence de rigueur, mon responsable ne nous soutient jamais.", "employee"),
        ("I worked there two years; my manager never approved overtime.", "employee"),
        ("Je suis cliente depuis 10 ans et mon sinistre n'est toujours pas remboursé.", "customer"),
        # A customer reporting what a salesman said about his employer stays a customer.
        ("Lors de la signature de mon contrat, le commercial s'est plaint de son salaire et de sa hiérarchie.", "customer"),
        ("My claim was denied and customer service never called back.", "customer"),
        ("Bof.", "unknown"),
    ],
)
def test_roles(role, text, expected):
    assert role.decide(text) == expected


def test_employee_vocabulary_of_retail_reviews():
    from ecoute.pipeline.core import create_component

    role = create_component("role")
    role.ensure_warm()
    assert role.decide("Trop de licenciements, pression morale, le personnel est épuisé.") == "employee"
    assert role.decide("Great workplace, the management listens to my coworkers.") == "employee"
    # A customer's employer-paid health cover does not make them staff.
    assert role.decide("Je suis client via la mutuelle de mon entreprise, remboursements rapides.") != "employee"

"""Contact events and the journey's derived fields (issue 4, points 1–2)."""

from datetime import date

import pytest

from ecoute.journey.extract import extract

WRITTEN = date(2024, 11, 9)


def _journey(text: str, lang: str = "fr", written: date | None = WRITTEN) -> dict:
    journey = extract(text, lang, written)
    journey.pop("_found"), journey.pop("_norm")
    return journey


def _channels(text: str, lang: str = "fr") -> list[str | None]:
    return [e["channel"] for e in _journey(text, lang)["events"]]


@pytest.mark.parametrize(
    "text",
    [
        "Le produit est tombé en panne au bout de trois jours.",
        "Le prix a encore augmenté cette année, c'est honteux.",
        "Je n'ai pas eu besoin d'appeler, tout s'est fait tout seul.",
        "Si j'appelle encore, je vais m'énerver.",
        "Il faudrait que j'appelle mais je n'ai pas le temps.",
        "My phone broke after two days.",
        "If I call them again I will lose my temper.",
    ],
)
def test_statements_without_a_contact_are_not_events(text):
    lang = "en" if text.startswith(("My", "If")) else "fr"
    assert _journey(text, lang)["events"] == []


def test_one_call_with_hold_transfer_and_cut_off_is_one_contact_with_steps():
    text = (
        "Le 11 mars, j'appelle le service client. Après 20 minutes d'attente, un conseiller décroche "
        "et me transfère au service sinistres. Là, on me coupe la communication."
    )
    journey = _journey(text)
    assert len(journey["events"]) == 1
    event = journey["events"][0]
    assert event["channel"] == "phone_agent" and event["when"] == "2024-03-11"
    assert event["wait_minutes"] == 20.0 and event["outcome"] == "hung_up"
    assert {"hold", "transfer", "cut_off"} <= set(event["steps"])
    assert journey["contacts"] == 1 and journey["transfers"] == 1


def test_the_phone_maze_story():
    text = (
        "Le 26 septembre, j'appelle l'assistance. Un robot : tapez 1, tapez 2. « Je n'ai pas compris votre demande. » "
        "Je tape étoile et me voilà revenu au tout début du menu. Au bout d'une heure, un conseiller décroche : "
        "il est au service facturation, il ne peut rien pour moi et n'a pas la possibilité de me transférer. "
        "Il me conseille de rappeler. Je rappelle, le robot encore. Un quart d'heure plus tard, une conseillère "
        "me fixe un rendez-vous téléphonique. Deux jours plus tard, le téléphone sonne. Le monsieur me coupe et raccroche. "
        "Je cherche sur le site une adresse e-mail : il n'y en a pas. Le 14 octobre, j'envoie une lettre recommandée. "
        "Quatre semaines plus tard, aucune réponse."
    )
    journey = _journey(text)
    events = journey["events"]
    assert [e["channel"] for e in events] == ["phone_agent", "phone_agent", "callback", "letter"]
    assert [e["when"] for e in events] == ["2024-09-26", "2024-09-26", "2024-09-28", "2024-10-14"]
    assert [e["wait_minutes"] for e in events] == [60.0, 15.0, None, None]
    assert [e["outcome"] for e in events] == ["redirected", "promised", "hung_up", "no_answer"]
    assert "back_to_start" in events[0]["steps"] and "transfer" not in events[0]["steps"]
    assert journey["loops"] == 2  # back to the menu's start, then the robot again
    assert journey["channels"] == ["phone_agent", "callback", "letter"]
    assert journey["total_wait_minutes"] == 75.0 and journey["elapsed_days"] == 18.0
    assert set(journey["dead_ends"]) >= {"no_written_channel", "unanswered_writing"}
    assert journey["resolved"] is False
    # Evidence points at the words of the text.
    for event in events:
        for span in event["evidence"]:
            assert text[span["start"]:span["end"]] == span["text"]


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("Je suis passé à l'agence pour déposer mon dossier.", "store"),
        ("J'ai envoyé un mail au service client.", "email"),
        ("J'ai envoyé un courrier recommandé avec accusé de réception.", "letter"),
        ("J'ai déclaré le sinistre sur l'application.", "website"),
        ("L'expert est passé le lendemain.", "home_visit"),
        ("J'ai saisi le médiateur de l'assurance.", "mediator"),
        ("Je les ai contactés par chat.", "chat"),
    ],
)
def test_channels(text, channel):
    assert _channels(text) == [channel]


def test_english_narrative():
    text = (
        "On March 3, 2023 I called the bank. After 45 minutes on hold, a representative answered and transferred me "
        "to another department, who hung up on me. Two weeks later I sent a letter. I never heard back. "
        "The issue is still not resolved."
    )
    journey = _journey(text, "en", date(2023, 6, 1))
    assert [e["channel"] for e in journey["events"]] == ["phone_agent", "letter"]
    assert journey["events"][0]["wait_minutes"] == 45.0 and journey["events"][0]["outcome"] == "hung_up"
    assert [e["when"] for e in journey["events"]] == ["2023-03-03", "2023-03-17"]
    assert journey["transfers"] == 1 and journey["resolved"] is False


@pytest.mark.parametrize(
    ("text", "tone", "resolved"),
    [
        ("J'ai appelé, le conseiller a réglé mon problème en cinq minutes.", None, True),
        ("J'ai appelé trois fois et le dossier n'est toujours pas réglé.", 0.9, False),
        # A story of contacts that ends on no word of resolution: unresolved when it is a complaint…
        ("J'ai appelé le service client hier.", -0.8, False),
        # … unknown when it is not.
        ("J'ai appelé le service client hier, très bon accueil.", 0.8, None),
        ("Très bon assureur, prix corrects.", -0.5, None),  # no contact, nothing to resolve
    ],
)
def test_resolved(text, tone, resolved):
    journey = extract(text, "fr", WRITTEN, tone=tone)
    assert journey["resolved"] is resolved


def test_no_event_means_no_counts():
    journey = _journey("Très bon assureur, prix corrects.")
    assert journey["events"] == [] and journey["contacts"] is None and journey["resolved"] is None


def test_a_date_read_in_the_text_does_not_stop_the_story():
    # The testimony's date came from the text (its latest full date), not from metadata:
    # the story may run past it, so "11 mars" follows "3 mars 2025" in 2025.
    text = "Le 3 mars 2025, je déclare le sinistre sur l'application. J'appelle le 11 mars : 28 minutes d'attente."
    journey = extract(text, "fr", date(2025, 3, 3), bounded=False)
    assert [e["when"] for e in journey["events"]] == ["2025-03-03", "2025-03-11"]
    bounded = extract(text, "fr", date(2025, 3, 3), bounded=True)
    assert [e["when"] for e in bounded["events"]] == ["2025-03-03", "2024-03-11"]  # metadata date: nothing after it


def test_background_dates_do_not_drag_the_story_back():
    text = "Client depuis 1975, fidèle. Le 2 avril, je suis retourné à la boutique."
    assert [e["when"] for e in _journey(text, written=date(2014, 5, 1))["events"]] == ["2014-04-02"]


def test_a_letter_heading_is_not_a_step_of_the_story():
    text = "Grenoble, le 9 novembre 2024\n\nDébut septembre, je passe à la boutique. Le 23 septembre, j'appelle."
    journey = extract(text, "fr", date(2024, 11, 9), bounded=False)
    assert [e["when"] for e in journey["events"]] == ["2024-09-01", "2024-09-23"]


# What the train split (eval/journey, 30 new narratives) showed the cues missed.


def test_tries_told_with_a_count_are_that_many_calls():
    events = _journey("J'ai tenté de vous joindre à 3 reprises dans la matinée du 15 avril.")["events"]
    assert [e["channel"] for e in events] == ["phone_agent"] * 3


@pytest.mark.parametrize(
    "text",
    [
        "À chaque fois que je veux les contacter, j'ai au moins 10 minutes d'attente.",
        "La prochaine fois j'irai en boutique.",
        "Personne ne m'a contacté depuis.",
    ],
)
def test_habits_plans_and_negated_contacts_are_not_events(text):
    assert _journey(text)["events"] == []


def test_a_stretch_of_days_is_not_a_count_of_contacts():
    events = _journey("Cela fait 15 jours que votre service client me balade d'excuses en excuses.")["events"]
    assert len(events) == 1


def test_a_named_adviser_telling_something_is_a_contact():
    events = _journey("Mon dossier traîne. Une conseillère me dit que la fibre arrive en août.")["events"]
    assert len(events) == 1 and events[0]["actor"] == "agent"


def test_the_channel_named_right_after_a_contact_is_its_channel():
    assert _channels("J'ai écrit à leur PDG (Lettre recommandée), aucune réponse.") == ["letter"]
    assert _channels("I contacted them by phone on Monday.", "en") == ["phone_agent"]


def test_a_call_back_as_agreed_is_the_callback():
    text = "Le 3 mars j'appelle, on me promet un rappel. Le 5 mars, le conseiller m'appelle comme convenu."
    assert _channels(text)[-1] == "callback"


def test_the_mediator_reached_online_is_the_mediator():
    text = "Le 2 mai j'envoie une réclamation. Le 3 juillet, j'ai saisi le médiateur en ligne."
    assert _channels(text)[-1] == "mediator"


def test_a_resolution_promised_or_left_open_is_not_a_resolution():
    promised = "I called on Monday. She said she would follow up in a few weeks once she resolved the issue."
    assert _journey(promised, "en")["resolved"] is not True
    still_open = "I called the airline and they refunded the tickets. The compensation claim is still open."
    assert _journey(still_open, "en")["resolved"] is False


def test_voicemails_left_requests_made_and_reported_claims():
    assert _channels("I left voice mail messages on Monday. Nobody called back.", "en") == ["phone_ivr"]
    assert len(_journey("Le 3 mars, j'ai fait une demande de résiliation.")["events"]) == 1
    letter = "Je reçois un courrier m'indiquant que j'ai fait une demande d'avance."
    assert _channels(letter) == ["letter"]  # the request it claims is not the customer's contact


class _EveryClauseIsAContact:
    """A clause model that says yes to every clause it is shown."""

    def predict_proba(self, clauses):
        import numpy as np

        return np.array([[0.0, 1.0]] * len(clauses))


@pytest.mark.parametrize(
    "text",
    [
        "Je recommande cette assurance à tout le monde.",
        "Je ne recommande pas du tout, à éviter absolument.",
        "Je vais quitter cette mutuelle dès que possible.",
        "I would not recommend this bank, stay away.",
    ],
)
def test_an_opinion_is_never_a_learned_contact(text):
    lang = "en" if text.startswith("I ") else "fr"
    journey = extract(text, lang, WRITTEN, clause_model=_EveryClauseIsAContact())
    assert journey["events"] == []


def test_a_clause_the_model_accepts_becomes_a_contact_with_the_channel_it_names():
    text = "Le dossier est reparti chez eux par la hotline."
    assert extract(text, "fr", WRITTEN)["events"] == []  # no cue: only the clause model can find it
    journey = extract(text, "fr", WRITTEN, clause_model=_EveryClauseIsAContact())
    assert [e["channel"] for e in journey["events"]] == ["phone_agent"]


@pytest.mark.parametrize(
    ("clause", "channel"),
    [("je recommande cette assurance", None), ("envoye en recommande", "letter"), ("impossible de les joindre", "phone_agent"),
     ("nos techniciens sont passes", "home_visit"), ("demande faite sur neoliane.fr", "website"), ("j'ai vu deux agences", "store")],
)
def test_channel_words_of_a_clause(clause, channel):
    from ecoute.journey.clauses import channel_of

    assert channel_of(clause) == channel

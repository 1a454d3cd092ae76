"""`ecoute show ID` (issue 4, point 8): one stored testimony in the terminal.

Journey, effort, risk, themes and emotions are built by hand here: the
records say exactly what the output must show."""

import io
import json

import pytest
from rich.console import Console
from rich.text import Text
from sqlalchemy import insert
from typer.testing import CliRunner

from ecoute.cli.main import app
from ecoute.cli.show import HIGHLIGHT_STYLES, evidence_spans, render_record
from ecoute.record import (
    AnalysisRecord,
    ComponentRun,
    Effort,
    EffortDriver,
    Emotion,
    Entity,
    Journey,
    JourneyEvent,
    LabelPrediction,
    Mediation,
    PiiItem,
    Risk,
    RootCause,
    Sentiment,
    Source,
    Span,
    Theme,
)
from ecoute.services.analysis import store_analyses
from ecoute.store.db import open_store
from ecoute.store import models

runner = CliRunner()

TEXT = (
    "Client d'Orange depuis 40 ans, j'achète deux smartphones en boutique le 3 mars 2014 sur les conseils du vendeur. "
    "Au téléphone, le serveur vocal me renvoie au début. Après une heure d'attente, <PERSON_1> me dit qu'il ne peut pas "
    "me transférer. Deux jours plus tard, le rappel promis : on me raccroche au nez. "
    "J'écris une lettre le 2 avril 2014, sans réponse."
)
FULL_ID = "t0aa1111111111111111"
OTHER_ID = "t0ab2222222222222222"


def span(phrase: str) -> Span:
    start = TEXT.index(phrase)
    return Span(start=start, end=start + len(phrase), text=phrase)


def full_record(testimony_id: str = FULL_ID) -> AnalysisRecord:
    placeholder = span("<PERSON_1>")
    return AnalysisRecord(
        id=testimony_id,
        source=Source(kind="csv", path="avis.csv", row=3, external_id="A17"),
        date="2014-05-10",
        date_source="metadata",
        language="fr",
        author_role="customer",
        text=TEXT,
        pii=[PiiItem(type="PERSON", placeholder="<PERSON_1>", start=placeholder.start, end=placeholder.end)],
        sentiment=Sentiment(label="negative", score=-0.72),
        emotions=[Emotion(emotion="anger", intensity=0.7, evidence=[span("on me raccroche au nez")])],
        themes=[
            Theme(code="ivr_maze", confidence=0.9, evidence=[span("le serveur vocal me renvoie au début")]),
            Theme(code="transfer_refused", confidence=0.85, evidence=[span("<PERSON_1> me dit qu'il ne peut pas me transférer")]),
            Theme(code="hung_up", confidence=0.8, evidence=[span("raccroche au nez")]),
            Theme(code="loyalty_ignored", confidence=0.6, evidence=[span("depuis 40 ans")]),
        ],
        journey=Journey(
            events=[
                JourneyEvent(when="2014-03-03", when_text="le 3 mars 2014", channel="store", actor="salesperson", action="purchase",
                             outcome="redirected", evidence=[span("en boutique le 3 mars 2014")]),
                JourneyEvent(channel="phone_ivr", actor="ivr", action="call", outcome="redirected", steps=["menu", "back_to_start"],
                             evidence=[span("le serveur vocal me renvoie au début")]),
                JourneyEvent(channel="phone_agent", actor="agent", action="call", wait_minutes=60, outcome="refused",
                             steps=["hold", "transfer_refused"], evidence=[span("Après une heure d'attente, <PERSON_1> me dit")]),
                JourneyEvent(when_text="Deux jours plus tard", channel="callback", actor="agent", action="call", wait_minutes=15,
                             outcome="hung_up", steps=["transfer", "cut_off"], evidence=[span("le rappel promis")]),
                JourneyEvent(when="2014-04-02", when_text="le 2 avril 2014", channel="letter", actor="customer", action="letter",
                             outcome="no_answer", evidence=[span("J'écris une lettre le 2 avril 2014")]),
            ],
            contacts=5,
            channels=["store", "phone_ivr", "phone_agent", "callback", "letter"],
            transfers=1,
            loops=1,
            dead_ends=["transfer_refused", "no_written_channel"],
            total_wait_minutes=75,
            elapsed_days=30,
            resolved=False,
            mediation=Mediation(sector="telecom", written_complaint_on="2014-04-02", written_complaint=True,
                                eligible_from="2014-06-02", eligible=False, deadline="2015-04-02",
                                reasons=["deux mois sans réponse après la réclamation écrite"]),
        ),
        effort=Effort(score=6.2, basis="journey", drivers=[
            EffortDriver(driver="contacts", contribution=1.5, explanation="5 contacts pour un seul problème."),
            EffortDriver(driver="loops", contribution=0.8, explanation="Renvoyé au début du menu vocal."),
            EffortDriver(driver="waits", contribution=0.7, explanation="75 minutes d'attente."),
        ]),
        risk=Risk(churn=0.81, escalation=0.64, reasons=["loyalty_ignored", "unresolved"]),
        tenure_years=40,
        root_causes=[RootCause(kind="process", confidence=0.7, evidence=[span("ne peut pas me transférer")])],
        owner="customer_service",
        entities=[Entity(text="Orange", label="ORG", start=9, end=15, source="list")],
        labels={"owner_team": LabelPrediction(value="service_client", confidence=0.91, model="owner_team-v3")},
        pipeline=[ComponentRun(name="ecoute.language.v1", version="1")],
    )


def store(url: str, *records: AnalysisRecord, analysed: bool = True) -> None:
    engine = open_store(url)
    rows = [{"id": r.id, "format": r.source.kind, "row": r.source.row, "external_id": r.source.external_id,
             "text": r.text, "metadata": {}, "created_at": models.utcnow()} for r in records]
    with engine.begin() as connection:
        connection.execute(insert(models.TestimonyRow.__table__), rows)
        if analysed:
            store_analyses(connection, list(records), "test")


@pytest.fixture
def db(sqlite_url):
    store(sqlite_url, full_record(), full_record(OTHER_ID).model_copy(update={"source": Source(kind="csv", external_id="B2")}))
    return sqlite_url


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def lines_with(output: str, *needles: str) -> list[str]:
    return [line for line in output.splitlines() if all(needle in line for needle in needles)]


def test_timeline_has_one_line_per_event_in_order(db):
    output = invoke("show", FULL_ID, "--db", db, "--width", "160")
    expected = [
        "1.  2014-03-03 « le 3 mars 2014 » · store · salesperson · purchase → redirected",
        "2.  date inconnue · phone_ivr · ivr · call → redirected · étapes : menu, back_to_start",
        "3.  date inconnue · phone_agent · agent · call · attente 1 h → refused · étapes : hold, transfer_refused",
        "4.  date inconnue « Deux jours plus tard » · callback · agent · call · attente 15 min → hung_up · étapes : transfer, cut_off",
        "5.  2014-04-02 « le 2 avril 2014 » · letter · customer · letter → no_answer",
    ]
    lines = [line.strip() for line in output.splitlines()]
    first = lines.index(expected[0])
    assert lines[first : first + len(expected)] == expected
    assert lines[first - 1] == "Parcours"


def test_journey_summary_effort_risk_and_facts(db):
    output = invoke("show", FULL_ID, "--db", db, "--width", "160")
    expected = [
        ("Contacts", "5"),
        ("Canaux", "store → phone_ivr → phone_agent → callback → letter"),
        ("Transferts", "1"),
        ("Retours au début", "1"),
        ("Impasses", "transfer_refused, no_written_channel"),
        ("Attente totale", "1 h 15"),
        ("Durée", "30 jours"),
        ("Résolu", "non"),
        ("Médiation (telecom)", "réclamation écrite le 2014-04-02"),
        ("médiateur possible dès le 2014-06-02",),
        ("possible à la date du témoignage : non",),
        ("au plus tard le 2015-04-02",),
        ("- deux mois sans réponse après la réclamation écrite",),
        ("Effort : 6.2 / 7 (d'après le parcours)",),
        ("+1.50", "contacts", "5 contacts pour un seul problème."),
        ("+0.80", "loops", "Renvoyé au début du menu vocal."),
        ("+0.70", "waits", "75 minutes d'attente."),
        ("Risque : départ 0.81 · escalade 0.64",),
        ("- loyalty_ignored",),
        ("Sentiment", "négatif (-0.72)"),
        ("Auteur", "client"),
        ("Ancienneté", "40 ans"),
        ("Responsable", "customer_service"),
        ("Données masquées", "PERSON ×1"),
        ("Organisations et produits", "Orange (ORG)"),
        ("ivr_maze", "0.90", "« le serveur vocal me renvoie au début »"),
        ("transfer_refused", "0.85", "« <PERSON_1> me dit qu'il ne peut pas me transférer »"),
        ("anger", "0.70", "« on me raccroche au nez »"),
        ("process", "0.70", "« ne peut pas me transférer »"),
        ("owner_team", "service_client (0.91, owner_team-v3)"),
        ("Témoignage t0aa1111111111111111",),
        ("2014-05-10 · fr · csv avis.csv ligne 3 · identifiant d'origine A17",),
    ]
    for needles in expected:
        assert lines_with(output, *needles), needles
    titles = ["Parcours", "Effort", "Risque", "Sentiment", "Thèmes", "Émotions", "Causes racines", "Étiquettes"]
    positions = [output.index(f"\n{title}") for title in titles]
    assert positions == sorted(positions)
    assert "aucun" not in output.replace("aucune réclamation", "")


def test_english_on_request(db):
    output = invoke("--lang", "en", "show", FULL_ID, "--db", db, "--width", "160")
    for needles in [
        ("4.  unknown date “Deux jours plus tard” · callback · agent · call · wait 15 min → hung_up · steps: transfer, cut_off",),
        ("Channels", "store → phone_ivr → phone_agent → callback → letter"),
        ("Loops", "1"),
        ("Dead ends", "transfer_refused, no_written_channel"),
        ("Mediation (telecom)", "written complaint on 2014-04-02"),
        ("Total wait", "1 h 15"),
        ("Elapsed", "30 days"),
        ("Resolved", "no"),
        ("Effort: 6.2 / 7 (from the journey)",),
        ("Risk: churn 0.81 · escalation 0.64",),
        ("Author", "customer"),
        ("Tenure", "40 years"),
        ("Legend: theme", "masked personal data"),
    ]:
        assert lines_with(output, *needles), needles
    assert "Parcours" not in output and "date inconnue" not in output


def style_of(kind: str):
    """Which attribute marks ``kind`` (one per kind: see HIGHLIGHT_STYLES)."""
    return {"pii": "reverse", "theme": "bold", "emotion": "italic", "journey": "underline", "entity": "overline"}[kind]


def test_highlighted_segments_cover_exactly_the_evidence():
    record = full_record()
    console = Console(record=True, width=1000, file=io.StringIO(), color_system="truecolor")
    render_record(record, console)
    styled = Text.from_ansi(console.export_text(styles=True))
    start = styled.plain.index(TEXT)
    spans = evidence_spans(record)
    assert all(spans.values()), "every kind has evidence in this record"
    for kind, pairs in spans.items():
        expected = {i for s, e in pairs for i in range(s, e)}
        attribute = style_of(kind)
        drawn = {
            i - start
            for segment in styled.spans
            if getattr(segment.style, attribute)
            for i in range(max(segment.start, start), min(segment.end, start + len(TEXT)))
        }
        assert drawn == expected, kind
        assert attribute in HIGHLIGHT_STYLES[kind]
    # the placeholder is drawn both as masked data and as theme evidence
    placeholder = TEXT.index("<PERSON_1>")
    assert placeholder in {i for s, e in spans["theme"] for i in range(s, e)}


def test_legend_names_each_kind_in_its_style():
    console = Console(record=True, width=200, file=io.StringIO(), color_system="truecolor")
    render_record(full_record(), console)
    styled = Text.from_ansi(console.export_text(styles=True))
    legend_start = styled.plain.index("Légende")
    for kind, label in [("theme", "thème"), ("emotion", "émotion"), ("journey", "parcours"),
                        ("entity", "organisation ou produit"), ("pii", "donnée personnelle masquée")]:
        at = styled.plain.index(label, legend_start)
        assert any(s.start <= at < s.end and getattr(s.style, style_of(kind)) for s in styled.spans), kind


def test_spans_outside_the_text_are_not_drawn():
    record = full_record().model_copy(update={"entities": [Entity(text="x", label="ORG", start=5, end=len(TEXT) + 3)]})
    assert evidence_spans(record)["entity"] == []


def test_prefix_lookup_and_ambiguity(db):
    assert "Témoignage t0aa1111111111111111" in invoke("show", "t0aa", "--db", db)
    assert "Témoignage t0ab2222222222222222" in invoke("show", "T0AB22", "--db", db)
    result = runner.invoke(app, ["show", "t0a", "--db", db])
    assert getattr(result.exception, "code", None) == "ECO204"
    assert result.exception.params["count"] == 2
    assert "t0aa1111111111111111, t0ab2222222222222222" in result.exception.message()
    for unknown in ("t0c", "", "t0a%", "t0a_"):
        result = runner.invoke(app, ["show", unknown, "--db", db])
        assert getattr(result.exception, "code", None) == "ECO203", unknown


def test_external_id_lookup(db):
    assert "Témoignage t0ab2222222222222222" in invoke("show", "B2", "--external-id", "--db", db)
    result = runner.invoke(app, ["show", "t0ab2222222222222222", "--external-id", "--db", db])
    assert getattr(result.exception, "code", None) == "ECO203"


def test_unknown_id_error_as_the_user_sees_it(db):
    from tests.cli.test_cli import ecoute

    result = ecoute("show", "tnope", "--db", db)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "ECO203" in result.stderr and "Aucun témoignage stocké ne correspond à 'tnope'" in result.stderr
    assert "ecoute export" in result.stderr
    result = ecoute("--lang", "en", "show", "t0a", "--db", db)
    assert "ECO204" in result.stderr and "matches 2 testimonies" in result.stderr and "How to fix" in result.stderr


def test_json_is_the_stored_record_and_validates(db, record_validator):
    output = invoke("show", "t0aa", "--db", db, "--json")
    payload = json.loads(output)
    record_validator.validate(payload)
    assert payload == json.loads(full_record().model_dump_json())


def test_width_is_respected_and_checked(db):
    output = invoke("show", FULL_ID, "--db", db, "--width", "60")
    assert max(len(line) for line in output.splitlines()) <= 60
    result = runner.invoke(app, ["show", FULL_ID, "--db", db, "--width", "10"])
    assert getattr(result.exception, "code", None) == "ECO311"


def test_empty_sections_say_none_and_draw_no_table(sqlite_url):
    bare = AnalysisRecord(id="t0cc3333333333333333", source=Source(kind="text"), date=None, language="fr", text="Rien à signaler.",
                          pipeline=[ComponentRun(name="ecoute.language.v1", version="1")])
    store(sqlite_url, bare)
    output = invoke("show", "t0cc", "--db", sqlite_url)
    for line in ("Parcours : aucun", "Effort : aucun", "Risque : aucun", "Thèmes : aucun", "Émotions : aucune",
                 "Causes racines : aucune", "Étiquettes : aucune"):
        assert line in output.splitlines(), line
    assert "Légende" not in output and "Contacts" not in output and "1.  " not in output
    english = invoke("--lang", "en", "show", "t0cc", "--db", sqlite_url)
    assert "Journey: none" in english.splitlines() and "Root causes: none" in english.splitlines()


def test_a_testimony_stored_without_analysis_is_shown_with_a_hint(sqlite_url, record_validator):
    store(sqlite_url, full_record("t0dd4444444444444444"), analysed=False)
    output = invoke("show", "t0dd", "--db", sqlite_url)
    assert "Pas encore analysé : lancez `ecoute reanalyze`." in output
    assert TEXT[:60] in output.replace("\n", " ")
    payload = json.loads(invoke("show", "t0dd", "--db", sqlite_url, "--json"))
    record_validator.validate(payload)
    assert payload["pipeline"] == [] and payload["journey"]["events"] == [] and payload["source"]["external_id"] == "A17"

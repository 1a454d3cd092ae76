"""Cases on real analyses: an import through the default pipeline opens the
cases its rules select (the hook where analyses are stored), and the
scheduler runs inside a thread as `ecoute serve` runs it."""

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from cases_helpers import hooks_config, record, store
from ecoute.cases.config import load_cases_config
from ecoute.cases.rules import decide
from ecoute.cases.worker import run_forever
from ecoute.ingest.model import ReadOptions
from ecoute.services.analysis import reanalyse
from ecoute.services.imports import run_import
from ecoute.store.models import AnalysisRow, CaseRow

STORIES = Path(__file__).resolve().parents[2] / "src" / "ecoute" / "data" / "demo" / "stories"


@pytest.mark.slow
def test_an_import_opens_cases_and_reanalysis_opens_none(sqlite_engine, pipeline):
    files = [str(STORIES / name) for name in ("01_quarante_ans_chez_telvia.txt", "02_le_commercial_maisonnia.txt", "04_carte_avalee_resolu.txt")]
    run_import(sqlite_engine, files, ReadOptions(), pipeline=pipeline)
    with sqlite_engine.connect() as connection:
        records = {row.testimony_id: row.record for row in connection.execute(select(AnalysisRow.testimony_id, AnalysisRow.record))}
        cases = {row.testimony_id: row for row in connection.execute(select(CaseRow))}
    telvia = next(tid for tid, rec in records.items() if "quarante" in rec["text"].lower() or "40 ans" in rec["text"])
    assert telvia in cases, records[telvia]["risk"]  # the forty-year customer and the phone maze needs action
    assert cases[telvia].team == records[telvia]["owner"]
    config = load_cases_config()
    expected = {tid for tid, rec in records.items() if decide(rec, config, "customer_service") is not None}
    assert set(cases) == expected  # exactly the testimonies the rules select, each with its reasons
    assert all(case.reasons and case.opened_by == "rules" for case in cases.values())
    before = len(cases)
    reanalyse(sqlite_engine, pipeline, everything=True)
    with sqlite_engine.connect() as connection:
        assert len(connection.execute(select(CaseRow.id)).all()) == before


def test_the_scheduler_in_a_thread_runs_rounds_until_stopped(sqlite_engine, receiver, cases_file):
    cases_file(hooks_config(receiver.url, events="[opened]"))
    store(sqlite_engine, record("t1"))
    stop, rounds = threading.Event(), []

    def one_round(report):
        rounds.append(report)
        stop.set()

    thread = threading.Thread(target=run_forever, args=(sqlite_engine,), kwargs={"interval": 3600, "stop": stop, "on_round": one_round})
    thread.start()
    thread.join(30)
    assert not thread.is_alive() and len(rounds) == 1 and rounds[0].delivery.sent == 1

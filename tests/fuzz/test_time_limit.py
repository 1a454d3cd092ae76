"""Issue 8, point 5: no text can hang a run. The per-record time limit is
enforced by the pipeline itself (ECOUTE_RECORD_TIME_LIMIT), not by tests."""

from __future__ import annotations

import re
import time

from ecoute.errors import ComponentFailed, RecordTimeLimit
from ecoute.pipeline.core import Component, Item, Pipeline, component
from ecoute.pipeline.limits import TimeLimitExceeded, time_limit
from ecoute.record import AnalysisRecord, Source


@component("test_slow_on_hang", version=1, assigns=())
class SlowOnHang(Component):
    """Loops forever in pure Python on a text containing HANG, and backtracks
    catastrophically in the regular expression engine on one containing REGEX."""

    def run(self, items):
        for item in items:
            if "HANG" in item.text:
                while True:
                    pass
            if "REGEX" in item.text:
                re.match(r"(a+)+$", "a" * 64 + "b")


def items(*texts):
    return [Item(text=text, source=Source(kind="test")) for text in texts]


def test_a_record_that_hangs_is_set_aside_and_the_batch_goes_on():
    pipeline = Pipeline(["language", "test_slow_on_hang"], time_limit=0.5)
    started = time.perf_counter()
    results = pipeline.analyse(items("Un avis normal.", "HANG boucle sans fin", "Un autre avis.", "REGEX qui explose"))
    elapsed = time.perf_counter() - started
    assert isinstance(results[0], AnalysisRecord) and isinstance(results[2], AnalysisRecord)
    for failed in (results[1], results[3]):
        assert isinstance(failed, RecordTimeLimit) and isinstance(failed, ComponentFailed)
        assert failed.code == "ECO402" and failed.params["name"] == "test_slow_on_hang"
    # Without the limit this call never returns. The budget is 0.5 s a record for the batch, then 0.5 s
    # for each record retried alone: about 4 s of wall clock, far more on a loaded machine; a limit that
    # was not enforced per record would loop forever, one that restarted whole batches would multiply it.
    assert elapsed < 30


def test_the_limit_comes_from_the_setting(monkeypatch):
    monkeypatch.setenv("ECOUTE_RECORD_TIME_LIMIT", "7")
    assert Pipeline(["language"]).time_limit == 7
    monkeypatch.setenv("ECOUTE_RECORD_TIME_LIMIT", "0")
    assert Pipeline(["language"]).time_limit == 0


def test_time_limit_restores_an_enclosing_timer():
    raised = False
    try:
        with time_limit(0.5):
            with time_limit(5):
                pass
            while True:
                time.sleep(0.01)
    except TimeLimitExceeded:
        raised = True
    assert raised


def test_no_limit_outside_the_main_thread():
    import threading

    outcome = []

    def work():
        with time_limit(0.01):
            time.sleep(0.05)
        outcome.append("finished")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert outcome == ["finished"]

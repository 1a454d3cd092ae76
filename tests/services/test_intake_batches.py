"""Texts that arrive together are analysed together (issue 6: survey answers
at 20 concurrent clients), each request getting its own record back."""

from __future__ import annotations

import threading
import time

import pytest

from ecoute.errors import ComponentFailed
from ecoute.pipeline import Item
from ecoute.record import Source
from ecoute.services.intake import _Batcher


class SlowPipeline:
    """Answers each text with its upper-cased text; remembers its batches."""

    def __init__(self, fail_on: str | None = None, crash: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.active = 0
        self.overlapped = False
        self.fail_on, self.crash = fail_on, crash
        self.first = threading.Event()

    def analyse(self, items):
        self.active += 1
        self.overlapped |= self.active > 1
        self.batches.append([item.text for item in items])
        self.first.set()
        time.sleep(0.05)  # the others arrive meanwhile
        self.active -= 1
        if self.crash:
            raise RuntimeError("model gone")
        return [ComponentFailed(name="x", id=item.id, detail="bad") if item.text == self.fail_on else item.text.upper() for item in items]


def _run(batcher, pipeline, texts):
    results: dict[str, object] = {}

    def one(text):
        try:
            results[text] = batcher.analyse(pipeline, Item(text=text, source=Source(kind="test")))
        except Exception as error:  # noqa: BLE001
            results[text] = error

    first = threading.Thread(target=one, args=(texts[0],))
    first.start()
    pipeline.first.wait(5)
    others = [threading.Thread(target=one, args=(text,)) for text in texts[1:]]
    for thread in others:
        thread.start()
    for thread in [first, *others]:
        thread.join(10)
    return results


def test_waiting_texts_go_through_in_one_batch_and_each_gets_its_own_result():
    pipeline = SlowPipeline()
    texts = [f"avis {n}" for n in range(12)]
    results = _run(_Batcher(), pipeline, texts)
    assert results == {text: text.upper() for text in texts}
    assert pipeline.batches[0] == ["avis 0"]
    assert len(pipeline.batches) < len(texts)  # the eleven others did not go one by one
    assert sorted(text for batch in pipeline.batches for text in batch) == sorted(texts)
    assert not pipeline.overlapped  # one pipeline call at a time


def test_a_failed_text_fails_alone_and_a_crash_reaches_every_waiting_request():
    pipeline = SlowPipeline(fail_on="avis 3")
    results = _run(_Batcher(), pipeline, [f"avis {n}" for n in range(6)])
    assert isinstance(results["avis 3"], ComponentFailed)
    assert results["avis 4"] == "AVIS 4"

    crashing = SlowPipeline(crash=True)
    results = _run(_Batcher(), crashing, [f"avis {n}" for n in range(4)])
    assert all(isinstance(result, RuntimeError) for result in results.values())


def test_the_batcher_is_free_again_after_a_crash():
    batcher = _Batcher()
    _run(batcher, SlowPipeline(crash=True), ["avis 0", "avis 1"])
    results = _run(batcher, SlowPipeline(), ["avis 2", "avis 3"])
    assert results == {"avis 2": "AVIS 2", "avis 3": "AVIS 3"}


@pytest.mark.parametrize("size", [1, 40])
def test_batches_never_exceed_the_limit(size):
    pipeline = SlowPipeline()
    texts = [f"avis {n}" for n in range(size)]
    results = _run(_Batcher(), pipeline, texts)
    assert len(results) == size
    assert max(len(batch) for batch in pipeline.batches) <= _Batcher.MAX_BATCH

"""The pipeline spine: registration, versions, isolation of failures."""

import pytest

from ecoute.errors import ComponentFailed, UnknownComponent
from ecoute.pipeline import Component, Item, Pipeline, component, registered_components
from ecoute.record import Source


def test_builtin_components_are_registered_with_versions():
    names = registered_components()
    assert {"language", "sentences", "date"} <= set(names)
    assert Pipeline(["language", "date"]).version == "language.v1+date.v1"


def test_unknown_component_is_a_clear_error():
    with pytest.raises(UnknownComponent) as info:
        Pipeline(["language", "sentimentt"])
    assert "sentimentt" in info.value.message("en")
    assert "language" in info.value.message("en")


@component("test_fails_on_boom", version=1, assigns=("owner",))
class FailsOnBoom(Component):
    def run(self, items):
        for item in items:
            if "boom" in item.text:
                raise ValueError("boom")
            item.fields["owner"] = "ok"


def test_one_bad_record_does_not_sink_the_batch():
    pipe = Pipeline(["language", "test_fails_on_boom"])
    results = pipe.analyse([Item(text=t, source=Source(kind="text")) for t in ("bonjour à tous", "boom", "hello there")])
    assert isinstance(results[1], ComponentFailed)
    assert results[1].params["name"] == "test_fails_on_boom"
    assert [r.owner for r in (results[0], results[2])] == ["ok", "ok"]
    assert [c.name for c in results[0].pipeline] == ["language", "test_fails_on_boom"]


def test_warm_up_runs_once():
    calls = []

    @component("test_counts_warm_up")
    class CountsWarmUp(Component):
        def warm_up(self):
            calls.append(1)

        def run(self, items):
            pass

    pipe = Pipeline(["test_counts_warm_up"])
    assert calls == []  # lazily
    pipe.analyse([Item(text="a", source=Source(kind="text"))])
    pipe.analyse([Item(text="b", source=Source(kind="text"))])
    assert calls == [1]


def test_same_text_same_id_whatever_case_and_spacing():
    a = Item(text="Service  client NUL", source=Source(kind="text"))
    b = Item(text="service client nul\n", source=Source(kind="text"))
    c = Item(text="service client nul !", source=Source(kind="text"))
    assert a.id == b.id != c.id

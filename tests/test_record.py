"""The analysis record's contract (PRODUCT.md) and its JSON Schema."""

import json

import jsonschema

from ecoute.pipeline import Item
from ecoute.record import AnalysisRecord, Source, json_schema

PRODUCT_KEYS = {
    "id", "source", "language", "author_role", "text", "pii", "sentiment", "sentences", "emotions", "themes",
    "journey", "effort", "risk", "tenure_years", "root_causes", "owner", "entities",
}
JOURNEY_KEYS = {"events", "contacts", "channels", "transfers", "loops", "dead_ends", "total_wait_minutes", "elapsed_days", "resolved"}
EVENT_KEYS = {"when", "when_text", "channel", "actor", "action", "outcome", "wait_minutes", "evidence"}


def test_schema_requires_every_product_key():
    schema = json_schema()
    assert PRODUCT_KEYS | {"pipeline", "schema_version", "date"} <= set(schema["required"])
    assert set(schema["required"]) == set(schema["properties"])
    jsonschema.Draft202012Validator.check_schema(schema)


def test_journey_and_event_keys():
    defs = json_schema()["$defs"]
    # PRODUCT.md's keys, plus the additive ones of schema 1.2 (mediation, steps).
    assert set(defs["Journey"]["properties"]) == JOURNEY_KEYS | {"mediation"}
    assert set(defs["JourneyEvent"]["properties"]) == EVENT_KEYS | {"steps"}


def test_records_of_the_real_pipeline_validate(pipeline):
    validator = jsonschema.Draft202012Validator(json_schema())
    texts = ["Le 3 mars 2025 j'ai appelé trois fois.", "Great staff. Quick fix!", "??", "Der Service war gut."]
    records = pipeline.analyse([Item(text=t, source=Source(kind="text")) for t in texts])
    for record in records:
        payload = json.loads(record.model_dump_json())
        validator.validate(payload)
        assert PRODUCT_KEYS <= set(payload)
        assert (payload["sentiment"] is None) == (payload["language"] not in ("fr", "en")), payload["language"]
    called, praise, unreadable, german = (json.loads(r.model_dump_json()) for r in records)
    # "appelé trois fois" tells three calls, all on that day.
    assert called["journey"]["contacts"] == 3 and {e["when"] for e in called["journey"]["events"]} == {"2025-03-03"}
    assert called["effort"]["basis"] == "journey"
    # What a text does not tell stays empty, never invented.
    for payload in (unreadable, german):
        assert payload["journey"]["events"] == [] and payload["journey"]["contacts"] is None and payload["effort"] is None


def test_record_rejects_unknown_keys():
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError):
        AnalysisRecord(id="t1", source=Source(kind="text"), text="x", date=None, language=None, surprise=1)

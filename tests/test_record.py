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
    assert JOURNEY_KEYS == set(defs["Journey"]["properties"])
    assert EVENT_KEYS == set(defs["JourneyEvent"]["properties"])


def test_records_of_the_real_pipeline_validate(pipeline):
    validator = jsonschema.Draft202012Validator(json_schema())
    texts = ["Le 3 mars 2025 j'ai appelé trois fois.", "Great staff. Quick fix!", "??", "Der Service war gut."]
    for record in pipeline.analyse([Item(text=t, source=Source(kind="text")) for t in texts]):
        payload = json.loads(record.model_dump_json())
        validator.validate(payload)
        assert PRODUCT_KEYS <= set(payload)
        # Stages not built yet hold empty values, never invented ones.
        assert payload["themes"] == [] and payload["effort"] is None
        assert (payload["sentiment"] is None) == (payload["language"] != "fr")
        assert payload["journey"]["contacts"] is None and payload["journey"]["events"] == []


def test_record_rejects_unknown_keys():
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError):
        AnalysisRecord(id="t1", source=Source(kind="text"), text="x", date=None, language=None, surprise=1)

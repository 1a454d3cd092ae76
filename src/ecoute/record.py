"""The analysis record: what every interface returns for one testimony.

The record is the public contract of ecoute (PRODUCT.md, "The analysis
record"). Its JSON Schema is generated from these models, published by
``ecoute schema`` and versioned by ``SCHEMA_VERSION``: a change that removes
or retypes a field bumps the major version.

Every top-level key is always present. A stage that has not run, or found
nothing, leaves an empty list or ``None``: values are never invented.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.3.0"  # 1.1: `labels`; 1.2: journey steps/mediation, effort basis, entity source; 1.3: sentence aspects (additive)
SCHEMA_ID = f"https://ecoute.dev/schema/analysis-record/{SCHEMA_VERSION}.json"

Role = Literal["customer", "employee", "unknown"]
SentimentLabel = Literal["negative", "neutral", "positive", "mixed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(_Model):
    """Character offsets into the stored (pseudonymised) text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Source(_Model):
    """Where the testimony came from, so results join back to the input."""

    kind: str = Field(description="Input format: text, html, csv, tsv, jsonl, xlsx, eml, mbox, api, survey…")
    path: str | None = Field(default=None, description="File the testimony was read from, when it came from a file.")
    row: int | None = Field(default=None, description="1-based record number inside that file.")
    external_id: str | None = Field(default=None, description="The input's own identifier (--id-col).")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Every other column or header kept from the input.")


class PiiItem(_Model):
    type: str
    placeholder: str
    start: int
    end: int


class Sentiment(_Model):
    label: SentimentLabel
    score: float = Field(ge=-1, le=1)


class Aspect(_Model):
    """What an opinion is about, and the words that named it."""

    aspect: str = Field(description="price, claims_handling, customer_service, staff, product, delivery, website, contract, billing… (data/lexicon/aspects.yaml)")
    evidence: list[Span] = Field(default_factory=list)
    sentiment: Sentiment | None = Field(default=None, description="The opinion on this aspect: the sentence's, or that of its side of a contrast (\"mais\", \"but\").")


class Sentence(_Model):
    start: int
    end: int
    text: str
    sentiment: Sentiment | None = None
    aspects: list[Aspect] = Field(default_factory=list, description="The aspects this sentence names; its sentiment is the opinion on them.")


class Emotion(_Model):
    emotion: str
    intensity: float = Field(ge=0, le=1)
    evidence: list[Span] = Field(default_factory=list)


class Theme(_Model):
    code: str
    confidence: float = Field(ge=0, le=1)
    evidence: list[Span] = Field(default_factory=list)


class JourneyEvent(_Model):
    """One contact between the customer and the organisation."""

    when: str | None = Field(default=None, description="ISO date of the contact when it can be known.")
    when_text: str | None = Field(default=None, description="The words that gave the date.")
    channel: str | None = Field(default=None, description="PRODUCT.md channel code (store, phone_ivr, phone_agent, callback, website, email, letter, chat, social, home_visit, mediator).")
    actor: str | None = Field(default=None, description="Who answered: ivr, agent, salesperson, expert, manager, mediator, customer, company.")
    action: str | None = Field(default=None, description="What happened, in a word or two (call, visit, letter, complaint…).")
    outcome: str | None = Field(default=None, description="PRODUCT.md outcome code (resolved, redirected, refused, hung_up, no_answer, promised, pending).")
    wait_minutes: float | None = Field(default=None, description="Waiting time stated for this contact.")
    steps: list[str] = Field(default_factory=list, description="What happened inside this one contact, in order (hold, transfer, back_to_start, cut_off…).")
    evidence: list[Span] = Field(default_factory=list)


class Mediation(_Model):
    """French consumer mediation readiness (Code de la consommation L612)."""

    sector: str = Field(description="The ladder applied (e.g. telecom).")
    written_complaint_on: str | None = Field(default=None, description="Date of the first written complaint the story shows (ISO), if any.")
    written_complaint: bool = Field(default=False, description="Whether the story shows a prior written complaint at all.")
    eligible_from: str | None = Field(default=None, description="Date from which the customer may seize the mediator under the ladder.")
    eligible: bool | None = Field(default=None, description="Whether mediation is possible at the testimony's date; null when it cannot be told.")
    deadline: str | None = Field(default=None, description="Last day to seize the mediator (one year after the written complaint).")
    reasons: list[str] = Field(default_factory=list)


class Journey(_Model):
    events: list[JourneyEvent] = Field(default_factory=list)
    contacts: int | None = None
    channels: list[str] = Field(default_factory=list)
    transfers: int | None = None
    loops: int | None = None
    dead_ends: list[str] = Field(default_factory=list)
    total_wait_minutes: float | None = None
    elapsed_days: float | None = None
    resolved: bool | None = None
    mediation: Mediation | None = None


class EffortDriver(_Model):
    driver: str = Field(description="Driver code: contacts, transfers, loops, waits, channel_switches, unresolved, elapsed_time, repeat_yourself, dead_ends, wording…")
    contribution: float
    explanation: str = Field(default="", description="A short sentence saying why.")


class Effort(_Model):
    score: float = Field(ge=1, le=7)
    basis: Literal["journey", "wording"] = Field(default="journey", description="`wording` when the text tells no journey and the score comes from its words only.")
    drivers: list[EffortDriver] = Field(default_factory=list)


class Risk(_Model):
    churn: float = Field(ge=0, le=1)
    escalation: float = Field(ge=0, le=1)
    reasons: list[str] = Field(default_factory=list)


class RootCause(_Model):
    kind: Literal["process", "people", "product", "policy", "tools"]
    confidence: float = Field(ge=0, le=1)
    evidence: list[Span] = Field(default_factory=list)


class Entity(_Model):
    text: str
    label: str = Field(description="ORG, BRAND or PRODUCT.")
    start: int
    end: int
    source: Literal["list", "ner"] | None = Field(default=None, description="The brand list or spaCy's NER.")


class LabelPrediction(_Model):
    value: str
    confidence: float = Field(ge=0, le=1)
    model: str = Field(description="The model file that decided, e.g. owner_team-v3.")


class ComponentRun(_Model):
    name: str
    version: str


class AnalysisRecord(_Model):
    """One analysed testimony (PRODUCT.md). All keys always present."""

    schema_version: str = SCHEMA_VERSION
    id: str = Field(description="Stable id of the testimony, derived from its normalised text.")
    source: Source
    date: str | None = Field(description="The testimony's date (ISO 8601), from its metadata first, else from its text.")
    date_source: Literal["metadata", "text"] | None = None
    language: str | None = Field(description="ISO 639-1 code of the text's language; null when it cannot be told.")
    language_confidence: float | None = None
    author_role: Role = "unknown"
    text: str = Field(description="The text as stored (pseudonymised once the privacy stage runs).")
    pii: list[PiiItem] = Field(default_factory=list)
    sentiment: Sentiment | None = None
    sentences: list[Sentence] = Field(default_factory=list)
    emotions: list[Emotion] = Field(default_factory=list)
    themes: list[Theme] = Field(default_factory=list)
    journey: Journey = Field(default_factory=Journey)
    effort: Effort | None = None
    risk: Risk | None = None
    tenure_years: float | None = None
    root_causes: list[RootCause] = Field(default_factory=list)
    owner: str | None = None
    entities: list[Entity] = Field(default_factory=list)
    labels: dict[str, LabelPrediction] = Field(default_factory=dict, description="The operator's own labels, from models trained with `ecoute train`.")
    pipeline: list[ComponentRun] = Field(default_factory=list, description="The components that ran, in order, with their versions.")


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of the analysis record."""
    schema = AnalysisRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "ecoute analysis record"
    # All keys are always present: make that part of the contract.
    schema["required"] = list(AnalysisRecord.model_fields)
    return schema


def dumps(record: AnalysisRecord) -> str:
    """One record as a line of JSON (keys in schema order, UTF-8 kept)."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False)

"""Churn and escalation risk from a testimony's words (and its journey).

Each kind's score is ``1 − Π(1 − wᵢ)`` over the cue groups found in the text
(one match per group, the strongest), where a cue's weight is multiplied by
the modality factor when its clause negates it or its sentence is
hypothetical; a journey event at the mediator adds the ``journey`` weight to
escalation. Cues and weights: ``data/lexicon/risk.yaml``, extended by
``$ECOUTE_HOME/risk.yaml``. See docs/risk.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecoute.judge.cues import CueBook, Hit, RulesReader, load_cue_book, merge_weights, quote
from ecoute.text import fold

KINDS = ("churn", "escalation")
BUILTIN = "lexicon/risk.yaml"
DOC = "docs/risk.md"
OPERATOR_FILE = "risk.yaml"


@dataclass(frozen=True, slots=True)
class JourneyRule:
    weight: float
    label: dict[str, str]


@dataclass(slots=True)
class RiskRules:
    cues: CueBook
    journey: JourneyRule


@dataclass(slots=True)
class RiskResult:
    churn: float
    escalation: float
    reasons: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)

    def as_record(self) -> dict[str, Any]:
        return {"churn": self.churn, "escalation": self.escalation, "reasons": list(self.reasons)}


def operator_file() -> Path:
    from ecoute.config import Settings

    return Settings.home_from_env() / OPERATOR_FILE


def load_rules() -> RiskRules:
    """The built-in risk cues extended by ``$ECOUTE_HOME/risk.yaml``."""
    cues = load_cue_book(BUILTIN, operator_file(), KINDS, DOC, extra=("journey",))
    weight, label = 0.0, {}
    for where, spec in cues.extra.get("journey", []):
        reader = RulesReader(where, DOC)
        spec = reader.mapping("journey", spec)
        unknown = [k for k in spec if k not in ("weight", "label")]
        if unknown:
            raise reader.fail(f"journey.{unknown[0]}", "unknown field (expected label, weight)")
        if "weight" in spec:
            weight = reader.weight("journey.weight", spec["weight"])
        if "label" in spec:
            label = {**label, **reader.texts("journey.label", spec["label"])}
    return RiskRules(cues, JourneyRule(weight, label))


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def mediator_events(journey: Any) -> list[Any]:
    """The journey's events whose channel is the mediator."""
    events = _field(journey, "events") if journey is not None else None
    return [event for event in events or [] if _field(event, "channel") == "mediator"]


def _label(labels: dict[str, str], lang: str | None, default: str) -> str:
    for key in (lang, "en", "fr"):
        if key and key in labels:
            return labels[key]
    return default


def _reason(rules: RiskRules, text: str, hit: Hit, lang: str | None) -> str:
    code = f"{hit.kind}.{hit.group.name}" + (f"/{hit.modality}" if hit.modality else "")
    label = hit.group.label_for(lang)
    if hit.modality:
        label = f"{label}, {rules.cues.modality_label(hit.modality, lang)}"
    return f"{code}: {label} «{quote(text, hit.start, hit.end)}»"


def judge_risk(text: str, language: str | None, journey: Any = None, rules: RiskRules | None = None, max_reasons: int = 5) -> RiskResult:
    """Churn and escalation of one (pseudonymised) text, 0..1, with the reasons."""
    rules = rules or load_rules()
    lang = language if language in rules.cues.languages else None
    hits = rules.cues.hits(fold(text), [lang] if lang else [], kinds=KINDS)
    scored: list[tuple[float, int, str]] = []
    scores = {}
    for kind in KINDS:
        strongest: dict[str, Hit] = {}
        for hit in hits:
            key = hit.group.evidence_key
            if hit.kind == kind and (key not in strongest or hit.weight > strongest[key].weight):
                strongest[key] = hit
        weights = [hit.weight for hit in strongest.values()]
        scored += [(hit.weight, hit.start, _reason(rules, text, hit, language)) for hit in strongest.values()]
        if kind == "escalation" and rules.journey.weight > 0 and mediator_events(journey):
            weights.append(rules.journey.weight)
            label = _label(rules.journey.label, language, "the journey reaches the mediator")
            scored.append((rules.journey.weight, -1, f"escalation.journey: {label}"))
        scores[kind] = round(merge_weights(weights), 3)
    scored.sort(key=lambda s: (-s[0], s[1]))
    return RiskResult(scores["churn"], scores["escalation"], [reason for _, _, reason in scored[:max_reasons]], hits)

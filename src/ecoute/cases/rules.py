"""Opening rules: does this analysed testimony need a case, how urgent, for
which team? (The rules themselves are data: ``data/cases/cases.yaml``.)"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import Any

from ecoute.cases.config import CasesConfig, Rule


@dataclass(frozen=True, slots=True)
class Opening:
    """What the rules decided for one record."""

    priority: str
    team: str
    reasons: tuple[str, ...]  # the names of the rules that matched


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def matches(rule: Rule, record: dict[str, Any], min_confidence: float) -> bool:
    """Whether every condition of ``rule`` holds for ``record`` (a record as JSON)."""
    when = rule.when
    metadata = (record.get("source") or {}).get("metadata") or {}
    if "role" in when and record.get("author_role", "unknown") not in when["role"]:
        return False
    if "sentiment" in when and ((record.get("sentiment") or {}).get("label")) not in when["sentiment"]:
        return False
    risk = record.get("risk") or {}
    for name, key in (("escalation_min", "escalation"), ("churn_min", "churn")):
        if name in when and (_number(risk.get(key)) or 0.0) < when[name]:
            return False
    if "effort_min" in when and (_number((record.get("effort") or {}).get("score")) or 0.0) < when["effort_min"]:
        return False
    if "themes" in when:
        codes = [t.get("code", "") for t in record.get("themes") or [] if (_number(t.get("confidence")) or 0.0) >= min_confidence]
        if not any(fnmatch.fnmatchcase(code, pattern) for code in codes for pattern in when["themes"]):
            return False
    if "sources" in when and (record.get("source") or {}).get("kind") not in when["sources"]:
        return False
    if "survey_kinds" in when and metadata.get("survey_kind") not in when["survey_kinds"]:
        return False
    if "score_max" in when or "score_min" in when:
        score = _number(metadata.get("score"))
        if score is None or score > when.get("score_max", 10) or score < when.get("score_min", 0):
            return False
    return True


def decide(record: dict[str, Any], config: CasesConfig, default_team: str) -> Opening | None:
    """The opening of a case for ``record``, or ``None`` when no rule matches."""
    matched = [rule for rule in config.rules if matches(rule, record, config.min_confidence)]
    if not matched:
        return None
    team = next((rule.team for rule in matched if rule.team), None) or record.get("owner") or default_team
    return Opening(config.most_urgent([rule.priority for rule in matched]), team, tuple(rule.name for rule in matched))

"""Root causes (process, people, product, policy, tools) with their evidence.

Two sources: the themes already found, through the table theme → kind →
share of ``data/lexicon/causes.yaml`` (a theme of confidence c gives c ×
share, with the theme's evidence), and the text's own cue phrases in the same
file. A kind's confidence is ``1 − Π(1 − wᵢ)`` over both. The operator
extends the file with ``$ECOUTE_HOME/causes.yaml``. See docs/root-causes.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ecoute.judge.cues import CueBook, RulesReader, load_cue_book, merge_weights
from ecoute.judge.routing import CAUSE_KINDS, theme_codes
from ecoute.text import fold

BUILTIN = "lexicon/causes.yaml"
DOC = "docs/root-causes.md"
OPERATOR_FILE = "causes.yaml"
MAX_EVIDENCE = 5


@dataclass(slots=True)
class CauseRules:
    cues: CueBook
    themes: dict[str, dict[str, float]]  # theme code -> kind -> share


def operator_file() -> Path:
    from ecoute.config import Settings

    return Settings.home_from_env() / OPERATOR_FILE


def load_rules() -> CauseRules:
    """The built-in cause cues and theme table, extended by ``$ECOUTE_HOME/causes.yaml``."""
    cues = load_cue_book(BUILTIN, operator_file(), CAUSE_KINDS, DOC, extra=("themes",))
    themes: dict[str, dict[str, float]] = {}
    codes = set(theme_codes())
    for where, table in cues.extra.get("themes", []):
        reader = RulesReader(where, DOC)
        for code, shares in reader.mapping("themes", table).items():
            key = f"themes.{code}"
            if code not in codes:
                raise reader.fail(key, f"{code!r} is not a theme code of the taxonomy (the codes are in docs/themes.md)")
            kinds = {}
            for kind, share in reader.mapping(key, shares).items():
                if kind not in CAUSE_KINDS:
                    raise reader.fail(f"{key}.{kind}", f"{kind!r} is not a root-cause kind ({', '.join(CAUSE_KINDS)})")
                kinds[kind] = reader.weight(f"{key}.{kind}", share)
            themes[code] = kinds
    return CauseRules(cues, themes)


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _span(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans merged, in text order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def root_causes(text: str, language: str | None, themes: Iterable[Any] = (), rules: CauseRules | None = None, min_confidence: float = 0.3) -> list[dict[str, Any]]:
    """The root causes of one (pseudonymised) text, strongest first, each
    ``{kind, confidence, evidence}`` with evidence spans into ``text``."""
    rules = rules or load_rules()
    weights: dict[str, list[float]] = {kind: [] for kind in CAUSE_KINDS}
    evidence: dict[str, list[tuple[int, int]]] = {kind: [] for kind in CAUSE_KINDS}
    for theme in themes:
        confidence = float(_get(theme, "confidence") or 0)
        for kind, share in rules.themes.get(_get(theme, "code"), {}).items():
            weights[kind].append(confidence * share)
            evidence[kind] += [(int(_get(s, "start")), int(_get(s, "end"))) for s in _get(theme, "evidence") or []]
    lang = language if language in rules.cues.languages else None
    strongest: dict[tuple[str, str], float] = {}
    for hit in rules.cues.hits(fold(text), [lang] if lang else [], kinds=CAUSE_KINDS):
        key = (hit.kind, hit.group.evidence_key)
        strongest[key] = max(strongest.get(key, 0.0), hit.weight)
        evidence[hit.kind].append((hit.start, hit.end))
    for (kind, _), weight in strongest.items():
        weights[kind].append(weight)
    found = []
    for kind in CAUSE_KINDS:
        confidence = round(merge_weights(weights[kind]), 3)
        if weights[kind] and confidence >= min_confidence:
            spans = _union(evidence[kind])[:MAX_EVIDENCE]
            found.append({"kind": kind, "confidence": confidence, "evidence": [_span(text, s, e) for s, e in spans]})
    return sorted(found, key=lambda cause: -cause["confidence"])

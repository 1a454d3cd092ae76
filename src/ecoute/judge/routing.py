"""The team that should own the fix: a configurable routing table.

The built-in table is ``ecoute/data/routing.yaml``; the operator's file —
the path in ``ECOUTE_ROUTING``, else ``$ECOUTE_HOME/routing.yaml`` when it
exists — overrides it key by key. :func:`route` tries the sources of
``order`` in turn (themes, root causes, the author's role): the first that
names a team decides, the team with the largest summed confidence within it,
ties going to the team listed first under ``teams``. Every problem in a file
raises :class:`~ecoute.errors.RulesFileError` naming the file and the key.
Format: docs/root-causes.md.
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from importlib import resources
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ecoute.judge.cues import RulesReader, operator_stamp, rule_files
from ecoute.text import load_yaml

BUILTIN = "routing.yaml"
DOC = "docs/root-causes.md"
SOURCES = ("themes", "root_causes", "author_role")
CAUSE_KINDS = ("process", "people", "product", "policy", "tools")
ROLES = ("customer", "employee", "unknown")
_KEYS = {"version", "default", "order", "min_confidence", "teams", *SOURCES}


@dataclass(frozen=True, slots=True)
class Routing:
    """A checked routing table (built-in merged with the operator's)."""

    default: str
    order: tuple[str, ...]
    min_confidence: float
    teams: dict[str, dict[str, str]]  # in priority order
    themes: dict[str, str | None]
    theme_patterns: tuple[tuple[str, str | None], ...]  # (pattern, team), tried in order
    root_causes: dict[str, str | None]
    author_role: dict[str, str | None]
    files: tuple[str, ...] = ()

    def team_for_theme(self, code: str) -> str | None:
        if code in self.themes:
            return self.themes[code]
        for pattern, team in self.theme_patterns:
            if fnmatch.fnmatchcase(code, pattern):
                return team
        return None

    def label(self, team: str, lang: str | None = None) -> str:
        labels = self.teams.get(team, {})
        for key in (lang, "fr", "en"):
            if key and key in labels:
                return labels[key]
        return team


@dataclass(frozen=True, slots=True)
class Route:
    """The owner and why: the source that decided and what in it counted."""

    team: str
    source: str  # themes, root_causes, author_role or default
    because: tuple[str, ...] = field(default_factory=tuple)


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def route(routing: Routing, themes: Iterable[Any] = (), root_causes: Iterable[Any] = (), author_role: str | None = None) -> Route:
    """The team that should own the fix for these findings (``themes`` and
    ``root_causes`` as in the record: objects or dicts with code/kind and
    confidence)."""
    found: dict[str, list[tuple[str, float]]] = {
        "themes": [(_get(t, "code"), float(_get(t, "confidence") or 0)) for t in themes],
        "root_causes": [(_get(c, "kind"), float(_get(c, "confidence") or 0)) for c in root_causes],
        "author_role": [(author_role, 1.0)] if author_role else [],
    }
    priority = {team: rank for rank, team in enumerate(routing.teams)}
    for source in routing.order:
        scores: dict[str, float] = {}
        because: dict[str, list[str]] = {}
        for key, confidence in found[source]:
            if confidence < routing.min_confidence:
                continue
            if source == "themes":
                team = routing.team_for_theme(key)
            else:
                team = (routing.root_causes if source == "root_causes" else routing.author_role).get(key)
            if team:
                scores[team] = scores.get(team, 0.0) + confidence
                because.setdefault(team, []).append(key)
        if scores:
            best = min(scores, key=lambda team: (-round(scores[team], 9), priority.get(team, len(priority))))
            return Route(best, source, tuple(because[best]))
    return Route(routing.default, "default")


def positive_theme_codes() -> frozenset[str]:
    """Themes that praise (the taxonomy's positive group): nothing to fix."""
    from ecoute.understanding.taxonomy import load_taxonomy

    return frozenset(load_taxonomy().codes("positive"))


def needs_action(themes: Iterable[Any] = (), root_causes: Iterable[Any] = (), risk: Any = None, sentiment: Any = None, positive: frozenset[str] = frozenset(), min_confidence: float = 0.3) -> bool:
    """Whether a testimony shows something to fix: a root cause, a problem
    theme, a churn or escalation risk of 0.5 or more, or a negative sentiment."""
    if any(float(_get(c, "confidence") or 0) >= min_confidence for c in root_causes):
        return True
    if any(_get(t, "code") not in positive and float(_get(t, "confidence") or 0) >= min_confidence for t in themes):
        return True
    if risk is not None and max(float(_get(risk, "churn") or 0), float(_get(risk, "escalation") or 0)) >= 0.5:
        return True
    return sentiment is not None and _get(sentiment, "label") == "negative"


# --- reading and checking ------------------------------------------------------------


def _team(reader: RulesReader, key: str, value: Any, teams: dict[str, Any]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in teams:
        known = ", ".join(teams)
        raise reader.fail(key, f"{value!r} is not a team of this table; declare it under teams (known: {known})")
    return value


def theme_codes() -> list[str]:
    """Every theme code of the taxonomy (built-in and the operator's)."""
    from ecoute.understanding import taxonomy

    path, explicit = taxonomy.operator_path()
    if not explicit and not path.exists():
        return list(_builtin_theme_codes())  # no operator taxonomy: skip building one
    return list(taxonomy.load_taxonomy().themes)


@lru_cache(maxsize=1)
def _builtin_theme_codes() -> tuple[str, ...]:
    from ecoute.understanding.taxonomy import BUILTIN

    text = resources.files("ecoute.data").joinpath(BUILTIN).read_text(encoding="utf-8")
    data = load_yaml(text)
    return tuple(theme["code"] for theme in data["themes"])


def _parse(reader: RulesReader, text: str, base: Routing | None, codes: list[str]) -> Routing:
    data = reader.load(text, _KEYS)
    teams: dict[str, dict[str, str]] = {}
    for name, labels in reader.mapping("teams", data.get("teams")).items():
        reader.name(f"teams.{name}", name)
        teams[name] = reader.texts(f"teams.{name}", labels) if labels is not None else {}
    if base is not None:
        merged = {name: {**base.teams.get(name, {}), **labels} for name, labels in teams.items()}
        teams = {**merged, **{name: labels for name, labels in base.teams.items() if name not in merged}}
    if not teams:
        raise reader.fail("teams", "declare at least one team, e.g. customer_service: {fr: Service client, en: Customer service}")
    default = _team(reader, "default", data["default"], teams) if data.get("default") is not None else (base.default if base else None)
    if default is None:
        raise reader.fail("default", "name the team of testimonies that no rule routes, e.g. default: customer_service")
    order: tuple[str, ...] = base.order if base else SOURCES
    if data.get("order") is not None:
        raw = data["order"]
        if not isinstance(raw, list) or not raw or any(item not in SOURCES for item in raw) or len(set(raw)) != len(raw):
            raise reader.fail("order", f"{raw!r}: expected a list of distinct sources among {', '.join(SOURCES)}")
        order = tuple(raw)
    min_confidence = base.min_confidence if base else 0.3
    if data.get("min_confidence") is not None:
        min_confidence = reader.weight("min_confidence", data["min_confidence"])

    themes = dict(base.themes) if base else {}
    patterns = [] if base is None else list(base.theme_patterns)
    own_patterns = []
    for code, team in reader.mapping("themes", data.get("themes")).items():
        key = f"themes.{code}"
        if not isinstance(code, str) or not code:
            raise reader.fail(key, "expected a theme code")
        team = _team(reader, key, team, teams)
        if "*" in code or "?" in code:
            if not fnmatch.filter(codes, code):
                raise reader.fail(key, f"the pattern {code!r} matches no theme code of the taxonomy")
            own_patterns.append((code, team))
            patterns = [(p, t) for p, t in patterns if p != code]
        else:
            if code not in codes:
                close = [c for c in codes if c.startswith(code[:4])][:3]
                hint = f" (did you mean {', '.join(close)}?)" if close else " (the codes are in docs/themes.md)"
                raise reader.fail(key, f"{code!r} is not a theme code of the taxonomy{hint}")
            themes[code] = team
    patterns = own_patterns + patterns

    def table(name: str, allowed: tuple[str, ...], old: dict[str, str | None]) -> dict[str, str | None]:
        out = dict(old)
        for item, team in reader.mapping(name, data.get(name)).items():
            if item not in allowed:
                raise reader.fail(f"{name}.{item}", f"{item!r} is not one of {', '.join(allowed)}")
            out[item] = _team(reader, f"{name}.{item}", team, teams)
        return out

    root_causes = table("root_causes", CAUSE_KINDS, base.root_causes if base else {})
    author_role = table("author_role", ROLES, base.author_role if base else {})
    return Routing(default, order, min_confidence, teams, themes, tuple(patterns), root_causes, author_role, (base.files if base else ()) + (reader.where,))


def operator_path(settings: Any = None) -> tuple[Path, bool]:
    """The operator's routing file and whether it was named explicitly (then it must exist)."""
    if settings is None:
        from ecoute.config import Settings

        settings = Settings.from_env()
    explicit = getattr(settings, "routing", None)
    return (Path(explicit), True) if explicit else (Path(settings.home) / "routing.yaml", False)


_CACHE: dict[tuple, Routing] = {}


def load_routing(settings: Any = None) -> Routing:
    """The built-in routing table overridden by the operator's file, if any."""
    path, explicit = operator_path(settings)
    codes = theme_codes()
    stamp = operator_stamp(path, DOC, required_by="ECOUTE_ROUTING" if explicit else None)
    key = (str(path), stamp, tuple(codes))
    if key not in _CACHE:
        routing = None
        for reader, text in rule_files(BUILTIN, path if stamp else None, DOC):
            routing = _parse(reader, text, routing, codes)
        _CACHE.clear()
        _CACHE[key] = routing  # type: ignore[assignment]
    return _CACHE[key]

"""The cases file: opening rules, priorities and SLAs, the teams of the
ladder's levels, notification targets and retries.

The built-in file is ``ecoute/data/cases/cases.yaml``; the operator's — the
path in ``ECOUTE_CASES``, else ``$ECOUTE_HOME/cases.yaml`` when it exists —
overrides it (rules and priorities by name, team tables by key, the rest
whole). Every problem raises :class:`~ecoute.errors.RulesFileError` naming
the file and the key. Format: docs/cases.md.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecoute.judge.cues import RulesReader, operator_stamp, rule_files

BUILTIN = "cases/cases.yaml"
DOC = "docs/cases.md"
EVENTS = ("opened", "assigned", "status", "escalated", "overdue", "reply")
ROLES = ("customer", "employee", "unknown")
SENTIMENTS = ("negative", "neutral", "positive", "mixed")
SURVEY_KINDS = ("nps", "csat", "ces", "enps")
_KEYS = {"version", "sector", "priorities", "default_priority", "min_confidence", "rules", "ladder_teams", "notifications"}
_CONDITIONS = {"role", "sentiment", "escalation_min", "churn_min", "effort_min", "themes", "survey_kinds", "score_max", "score_min", "sources"}


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    priority: str
    team: str | None
    when: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Retry:
    max_attempts: int = 6
    first_seconds: int = 60
    max_seconds: int = 21600

    def delay(self, attempts: int) -> int:
        """Seconds to wait after the ``attempts``-th failed try: doubling, capped."""
        return min(self.max_seconds, self.first_seconds * 2 ** max(0, attempts - 1))


@dataclass(frozen=True, slots=True)
class CasesConfig:
    sector: str | None
    priorities: dict[str, dict[str, Any]]  # most urgent first: {due_hours, label}
    default_priority: str
    min_confidence: float
    rules: tuple[Rule, ...]
    ladder_teams: dict[str, str]
    email_teams: dict[str, tuple[str, ...]]
    email_events: tuple[str, ...]
    webhooks: tuple[Webhook, ...]
    retry: Retry
    files: tuple[str, ...] = field(default_factory=tuple)

    def due_hours(self, priority: str) -> int:
        return int(self.priorities[priority]["due_hours"])

    def most_urgent(self, priorities: list[str]) -> str:
        order = list(self.priorities)
        return min(priorities, key=order.index) if priorities else self.default_priority

    def priority_label(self, priority: str, lang: str) -> str:
        labels = self.priorities.get(priority, {}).get("label") or {}
        return labels.get(lang) or labels.get("fr") or priority


def _teams() -> dict[str, Any]:
    from ecoute.judge.routing import load_routing

    return load_routing().teams


def _team(reader: RulesReader, key: str, value: Any) -> str:
    teams = _teams()
    if not isinstance(value, str) or value not in teams:
        raise reader.fail(key, f"{value!r} is not a team of the routing table (known: {', '.join(teams)}; docs/root-causes.md)")
    return value


def _choices(reader: RulesReader, key: str, value: Any, allowed: tuple[str, ...] | None) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item for item in value):
        raise reader.fail(key, "expected a non-empty list of names")
    if allowed is not None:
        for item in value:
            if item not in allowed:
                raise reader.fail(key, f"{item!r} is not one of {', '.join(allowed)}")
    return tuple(value)


def _number(reader: RulesReader, key: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise reader.fail(key, f"{value!r}: expected a number from {low:g} to {high:g}")
    return float(value)


def _condition(reader: RulesReader, key: str, name: str, value: Any) -> Any:
    if name not in _CONDITIONS:
        raise reader.fail(key, f"unknown condition (expected {', '.join(sorted(_CONDITIONS))})")
    if name == "role":
        return _choices(reader, key, value, ROLES)
    if name == "sentiment":
        return _choices(reader, key, value, SENTIMENTS)
    if name == "survey_kinds":
        return _choices(reader, key, value, SURVEY_KINDS)
    if name == "sources":
        return _choices(reader, key, value, None)
    if name == "themes":
        from ecoute.judge.routing import theme_codes

        codes = theme_codes()
        for code in _choices(reader, key, value, None):
            if not fnmatch.filter(codes, code):
                raise reader.fail(key, f"{code!r} is no theme code of the taxonomy (docs/themes.md)")
        return tuple(value)
    if name in ("escalation_min", "churn_min"):
        return _number(reader, key, value, 0, 1)
    if name == "effort_min":
        return _number(reader, key, value, 1, 7)
    return _number(reader, key, value, 0, 10)  # score_min, score_max


def _named(reader: RulesReader, section: str, data: dict, merged: dict, allowed: tuple[str, ...]):
    """(key, name, spec) of each named entry of ``section``; ``name: null``
    removes the entry from ``merged`` (the entries read so far)."""
    for name, spec in reader.mapping(section, data.get(section)).items():
        key = f"{section}.{name}"
        reader.name(key, name)
        if spec is None:
            merged.pop(name, None)
            continue
        spec = reader.mapping(key, spec)
        unknown = set(spec) - set(allowed)
        if unknown:
            raise reader.fail(f"{key}.{sorted(unknown)[0]}", f"unknown key (expected {', '.join(allowed)})")
        yield key, name, spec


def _priorities(reader: RulesReader, data: dict, base: CasesConfig | None) -> dict[str, dict[str, Any]]:
    out = {name: dict(spec) for name, spec in (base.priorities.items() if base else ())}
    for key, name, spec in _named(reader, "priorities", data, out, ("due_hours", "label")):
        hours = spec.get("due_hours", out.get(name, {}).get("due_hours"))
        if isinstance(hours, bool) or not isinstance(hours, int) or hours < 1:
            raise reader.fail(f"{key}.due_hours", f"{hours!r}: expected a whole number of hours, at least 1")
        label = reader.texts(f"{key}.label", spec["label"]) if spec.get("label") is not None else out.get(name, {}).get("label", {})
        out[name] = {"due_hours": hours, "label": label}
    if not out:
        raise reader.fail("priorities", "declare at least one priority, e.g. normal: {due_hours: 168}")
    return out


def _rules(reader: RulesReader, data: dict, base: CasesConfig | None, priorities: dict) -> tuple[Rule, ...]:
    rules = {rule.name: rule for rule in (base.rules if base else ())}
    for key, name, spec in _named(reader, "rules", data, rules, ("when", "priority", "team")):
        when = {cond: _condition(reader, f"{key}.when.{cond}", cond, value) for cond, value in reader.mapping(f"{key}.when", spec.get("when")).items()}
        if not when:
            raise reader.fail(f"{key}.when", "give at least one condition: a rule without any would open a case for every testimony")
        priority = spec.get("priority", data.get("default_priority") or (base.default_priority if base else "normal"))
        if priority not in priorities:
            raise reader.fail(f"{key}.priority", f"{priority!r} is not one of the priorities ({', '.join(priorities)})")
        team = _team(reader, f"{key}.team", spec["team"]) if spec.get("team") is not None else None
        rules[name] = Rule(name, priority, team, when)
    return tuple(rules.values())


def _notifications(reader: RulesReader, data: dict, base: CasesConfig | None) -> tuple:
    spec = reader.mapping("notifications", data.get("notifications"))
    unknown = set(spec) - {"email", "webhooks", "retry"}
    if unknown:
        raise reader.fail(f"notifications.{sorted(unknown)[0]}", "unknown key (expected email, webhooks, retry)")
    email = reader.mapping("notifications.email", spec.get("email"))
    teams = dict(base.email_teams) if base else {}
    for team, addresses in reader.mapping("notifications.email.teams", email.get("teams")).items():
        key = f"notifications.email.teams.{team}"
        if addresses is None:
            teams.pop(team, None)
            continue
        _team(reader, key, team)
        addresses = [addresses] if isinstance(addresses, str) else addresses
        if not isinstance(addresses, list) or not addresses or not all(isinstance(a, str) and "@" in a for a in addresses):
            raise reader.fail(key, "expected an e-mail address or a list of them")
        teams[team] = tuple(addresses)
    events = _choices(reader, "notifications.email.events", email["events"], EVENTS) if "events" in email else (base.email_events if base else EVENTS)
    webhooks = base.webhooks if base else ()
    if "webhooks" in spec:
        raw = spec["webhooks"] or []
        if not isinstance(raw, list):
            raise reader.fail("notifications.webhooks", "expected a list of {url, events}")
        webhooks = []
        for number, hook in enumerate(raw, 1):
            key = f"notifications.webhooks[{number}]"
            hook = reader.mapping(key, hook)
            url = hook.get("url")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise reader.fail(f"{key}.url", f"{url!r}: expected an http:// or https:// address")
            hook_events = _choices(reader, f"{key}.events", hook["events"], EVENTS) if hook.get("events") is not None else EVENTS
            webhooks.append(Webhook(url, hook_events))
        webhooks = tuple(webhooks)
    retry = base.retry if base else Retry()
    raw_retry = reader.mapping("notifications.retry", spec.get("retry"))
    values = {}
    for name in ("max_attempts", "first_seconds", "max_seconds"):
        value = raw_retry.get(name, getattr(retry, name))
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise reader.fail(f"notifications.retry.{name}", f"{value!r}: expected a whole number, at least 1")
        values[name] = value
    return teams, events, webhooks, Retry(**values)


def _parse(reader: RulesReader, text: str, base: CasesConfig | None) -> CasesConfig:
    data = reader.load(text, _KEYS)
    priorities = _priorities(reader, data, base)
    default_priority = data.get("default_priority") or (base.default_priority if base else next(iter(priorities)))
    if default_priority not in priorities:
        raise reader.fail("default_priority", f"{default_priority!r} is not one of the priorities ({', '.join(priorities)})")
    sector = data["sector"] if "sector" in data else (base.sector if base else None)
    if sector is not None:
        from ecoute.journey.mediation import load_ladders

        if sector not in load_ladders()[1]:
            raise reader.fail("sector", f"{sector!r} has no ladder in mediation.yaml (known: {', '.join(load_ladders()[1])})")
    min_confidence = reader.weight("min_confidence", data["min_confidence"]) if data.get("min_confidence") is not None else (base.min_confidence if base else 0.3)
    ladder_teams = dict(base.ladder_teams) if base else {}
    for level, team in reader.mapping("ladder_teams", data.get("ladder_teams")).items():
        if team is None:
            ladder_teams.pop(level, None)
        else:
            ladder_teams[reader.name(f"ladder_teams.{level}", level)] = _team(reader, f"ladder_teams.{level}", team)
    teams, events, webhooks, retry = _notifications(reader, data, base)
    return CasesConfig(
        sector=sector, priorities=priorities, default_priority=default_priority, min_confidence=min_confidence,
        rules=_rules(reader, data, base, priorities), ladder_teams=ladder_teams, email_teams=teams, email_events=events,
        webhooks=webhooks, retry=retry, files=(base.files if base else ()) + (reader.where,),
    )  # fmt: skip


def operator_path(settings: Any = None) -> tuple[Path, bool]:
    """The operator's cases file and whether it was named explicitly (then it must exist)."""
    if settings is None:
        from ecoute.config import Settings

        settings = Settings.from_env()
    explicit = getattr(settings, "cases_file", None)
    return (Path(explicit), True) if explicit else (Path(settings.home) / "cases.yaml", False)


_CACHE: dict[tuple, CasesConfig] = {}


def load_cases_config(settings: Any = None) -> CasesConfig:
    """The built-in cases file overridden by the operator's, if any (cached
    until the operator's file changes)."""
    path, explicit = operator_path(settings)
    stamp = operator_stamp(path, DOC, required_by="ECOUTE_CASES" if explicit else None)
    key = (str(path), stamp)
    if key not in _CACHE:
        config = None
        for reader, text in rule_files(BUILTIN, path if stamp else None, DOC):
            config = _parse(reader, text, config)
        _CACHE.clear()
        _CACHE[key] = config  # type: ignore[assignment]
    return _CACHE[key]

"""The journey's cue lists (``data/journey/cues.yaml``), compiled once.

An operator extends them without touching code: a ``journey.yaml`` in
``ECOUTE_HOME`` in the same format has its lists appended to the built-in
ones (new patterns, or a new language).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ecoute.errors import BadDataFile

_SECTIONS = ("contacts", "steps", "outcomes", "dead_ends")


@dataclass(frozen=True, slots=True)
class Cue:
    pattern: re.Pattern
    attrs: dict[str, Any]


@dataclass(slots=True)
class Lexicon:
    """The compiled cues of one language."""

    contacts: list[Cue] = field(default_factory=list)
    steps: list[Cue] = field(default_factory=list)
    outcomes: list[Cue] = field(default_factory=list)
    dead_ends: list[Cue] = field(default_factory=list)
    resolved: list[re.Pattern] = field(default_factory=list)
    unresolved: list[re.Pattern] = field(default_factory=list)
    repeat_yourself: list[re.Pattern] = field(default_factory=list)
    wording_high: list[re.Pattern] = field(default_factory=list)
    wording_low: list[re.Pattern] = field(default_factory=list)
    blockers: re.Pattern | None = None
    noun_blockers: re.Pattern | None = None


def _compile(pattern: str, where: str, macros: dict[str, str] | None = None) -> re.Pattern:
    for name, value in (macros or {}).items():
        pattern = pattern.replace("{" + name + "}", value)
    try:
        return re.compile(r"\b(?:" + pattern.replace(" ", r"\s+") + r")\b")
    except re.error as exc:
        raise BadDataFile(path=where, detail=f"pattern {pattern!r}: {exc}") from exc


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    for lang, sections in (extra or {}).items():
        target = into.setdefault(lang, {})
        for key, value in (sections or {}).items():
            if isinstance(value, list):
                target.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                for sub, items in value.items():
                    target.setdefault(key, {}).setdefault(sub, []).extend(items)
            else:
                target[key] = value


def _read(path: Path | Any, label: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BadDataFile(path=label, detail=str(exc).splitlines()[0]) from exc
    if not isinstance(data, dict):
        raise BadDataFile(path=label, detail="the file must map a language code (fr, en…) to its sections")
    return data


@lru_cache(maxsize=4)
def load_lexicons(home: str | None = None) -> dict[str, Lexicon]:
    """Every language's compiled cues: the built-in file, then the operator's."""
    builtin = resources.files("ecoute.data").joinpath("journey/cues.yaml")
    data = _read(builtin, "ecoute/data/journey/cues.yaml")
    home = home or os.environ.get("ECOUTE_HOME")
    if home and (Path(home) / "journey.yaml").is_file():
        _merge(data, _read(Path(home) / "journey.yaml", str(Path(home) / "journey.yaml")))
    lexicons: dict[str, Lexicon] = {}
    for lang, sections in data.items():
        where = f"journey cues [{lang}]"
        macros = {k: str(v) for k, v in (sections.get("macros") or {}).items()}
        lex = Lexicon()
        for section in _SECTIONS:
            for entry in sections.get(section, []):
                if not isinstance(entry, dict) or "pattern" not in entry:
                    raise BadDataFile(path=where, detail=f"every entry of '{section}' needs a 'pattern'")
                attrs = {k: v for k, v in entry.items() if k != "pattern"}
                getattr(lex, section).append(Cue(_compile(entry["pattern"], where, macros), attrs))
        resolution = sections.get("resolution", {})
        lex.resolved = [_compile(p, where) for p in resolution.get("resolved", [])]
        lex.unresolved = [_compile(p, where) for p in resolution.get("unresolved", [])]
        lex.repeat_yourself = [_compile(p, where) for p in sections.get("repeat_yourself", [])]
        lex.wording_high = [_compile(p, where) for p in sections.get("wording", {}).get("high", [])]
        lex.wording_low = [_compile(p, where) for p in sections.get("wording", {}).get("low", [])]
        if sections.get("blockers"):
            lex.blockers = re.compile(sections["blockers"])
        if sections.get("noun_blockers"):
            lex.noun_blockers = re.compile(sections["noun_blockers"])
        lexicons[lang] = lex
    return lexicons


_SPACE = str.maketrans({"\u2019": "'", "\u2018": "'", "\n": " ", "\r": " ", "\t": " ", "\xa0": " ", "\u202f": " "})


def normalise(folded: str) -> str:
    """Apostrophes as ``'`` and whitespace as a space, one character for one."""
    return folded.translate(_SPACE)

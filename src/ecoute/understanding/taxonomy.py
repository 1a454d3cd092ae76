"""The theme taxonomy: one data file shipped with ecoute, extended by the operator's.

The built-in file is ``ecoute/data/taxonomy/themes.yaml`` (taxonomy v1 of
PRODUCT.md). The operator's file — ``$ECOUTE_HOME/taxonomy.yaml``, or the
path in ``ECOUTE_TAXONOMY`` — has the same format: a theme whose code already
exists adds phrases, examples and languages to it (labels it gives replace
ours), a new code adds a theme. Language rules (negation, hypotheticals,
clause breaks) extend the same way. Format and phrase syntax: docs/themes.md.

Every problem in a file raises :class:`~ecoute.errors.TaxonomyFileError`,
which names the file, the theme and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ecoute.errors import TaxonomyFileError
from ecoute.understanding.phrases import PhraseError, phrase_regex
from ecoute.text import load_yaml

GROUPS = ("customer", "positive", "employee")
RULE_KINDS = ("negation", "negation_after", "not_negation", "negation_barriers", "hypothetical", "clause_breaks", "staff_voice")
BUILTIN = "taxonomy/themes.yaml"
_THEME_KEYS = {"code", "group", "label", "description", "phrases", "examples", "not_phrases", "only_with", "not_with", "authors"}
ROLES = ("customer", "employee", "unknown")
_CODE = re.compile(r"[a-z][a-z0-9_]{1,49}")
_LANGUAGE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True, slots=True)
class ThemeDef:
    """One theme: its public code, its group, texts per language."""

    code: str
    group: str
    label: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)
    origin: str = "builtin"  # builtin, operator (a new code), or builtin+operator (extended)
    # Optional: phrases that look like this theme but are not ("dans l'attente de votre réponse").
    not_phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Optional: report the theme only when the text also has a theme of these groups or codes…
    only_with: tuple[str, ...] = ()
    # …and not when it has one of these.
    not_with: tuple[str, ...] = ()
    # Optional: the author roles the theme applies to (all when empty).
    authors: tuple[str, ...] = ()

    def label_for(self, lang: str | None = None) -> str:
        """The label in ``lang``, else French, else English, else any."""
        for key in (lang, "fr", "en"):
            if key and key in self.label:
                return self.label[key]
        return next(iter(self.label.values()), self.code)


@dataclass(frozen=True, slots=True)
class LanguageRules:
    """Phrases that decide whether a theme phrase counts (docs/themes.md)."""

    negation: tuple[str, ...] = ()
    negation_after: tuple[str, ...] = ()
    not_negation: tuple[str, ...] = ()
    negation_barriers: tuple[str, ...] = ()
    hypothetical: tuple[str, ...] = ()
    clause_breaks: tuple[str, ...] = ()
    staff_voice: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Taxonomy:
    version: int
    themes: dict[str, ThemeDef]
    rules: dict[str, LanguageRules]
    files: tuple[str, ...]  # the files read, the built-in one first

    def codes(self, group: str | None = None) -> list[str]:
        return [code for code, theme in self.themes.items() if group is None or theme.group == group]

    @property
    def languages(self) -> list[str]:
        """Languages that have phrases, French first."""
        found = {lang for theme in self.themes.values() for lang, phrases in theme.phrases.items() if phrases}
        return sorted(found, key=lambda lang: (lang != "fr", lang != "en", lang))


def operator_path(settings: Any = None) -> tuple[Path, bool]:
    """The operator's file and whether it was named explicitly (then it must exist)."""
    if settings is None:
        from ecoute.config import Settings

        settings = Settings.from_env()
    explicit = getattr(settings, "taxonomy", None)
    return (Path(explicit), True) if explicit else (Path(settings.home) / "taxonomy.yaml", False)


_CACHE: dict[tuple, Taxonomy] = {}


def load_taxonomy(settings: Any = None) -> Taxonomy:
    """The built-in taxonomy extended by the operator's file, if there is one."""
    path, explicit = operator_path(settings)
    try:
        stat = path.stat()
        key: tuple = (str(path), stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        if explicit:
            raise TaxonomyFileError(path=str(path), theme="—", field="—", detail="no such file (set by ECOUTE_TAXONOMY)") from None
        key = (str(path), None, None)
    except OSError as exc:
        raise TaxonomyFileError(path=str(path), theme="—", field="—", detail=exc.strerror or str(exc)) from None
    if key not in _CACHE:
        taxonomy = _builtin(resources.files("ecoute.data").joinpath(BUILTIN).read_text(encoding="utf-8"))
        if key[1] is not None:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise TaxonomyFileError(path=str(path), theme="—", field="—", detail=str(exc)) from None
            taxonomy = _extend(taxonomy, str(path), text)
        _CACHE.clear()
        _CACHE[key] = taxonomy
    return _CACHE[key]


@lru_cache(maxsize=2)
def _builtin(text: str) -> Taxonomy:
    return _build(f"ecoute/data/{BUILTIN}", text, builtin=True)


# --- reading and checking one file ---------------------------------------------


def _read(where: str, text: str) -> dict[str, Any]:
    import yaml

    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TaxonomyFileError(path=where, theme="—", field="—", detail=f"not valid YAML ({line}{problem})") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TaxonomyFileError(path=where, theme="—", field="—", detail="the file must be a mapping with the keys version and themes")
    unknown = set(data) - {"version", "themes", "rules"}
    if unknown:
        raise TaxonomyFileError(path=where, theme="—", field=sorted(unknown)[0], detail="unknown key (expected version, themes, rules)")
    if data.get("version", 1) != 1:
        raise TaxonomyFileError(path=where, theme="—", field="version", detail=f"version {data.get('version')!r} is not supported (use 1)")
    return data


def _texts(where: str, code: str, name: str, value: Any) -> dict[str, str]:
    """A mapping language -> one text (label, description)."""
    if not isinstance(value, dict) or not value:
        raise TaxonomyFileError(path=where, theme=code, field=name, detail="expected a mapping of language to text, e.g. {fr: \"…\", en: \"…\"}")
    out = {}
    for lang, text in value.items():
        if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
            raise TaxonomyFileError(path=where, theme=code, field=f"{name}.{lang}", detail="a language is a two- or three-letter code (fr, en, de…)")
        if not isinstance(text, str) or not text.strip():
            raise TaxonomyFileError(path=where, theme=code, field=f"{name}.{lang}", detail="expected a non-empty text")
        out[lang] = text.strip()
    return out


def _items(where: str, code: str, name: str, items: Any, phrases: bool) -> tuple[str, ...]:
    """One list of texts; phrases are checked against the phrase syntax."""
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        raise TaxonomyFileError(path=where, theme=code, field=name, detail="expected a list of texts")
    for number, item in enumerate(items, 1):
        if not isinstance(item, str) or not item.strip():
            raise TaxonomyFileError(path=where, theme=code, field=f"{name}[{number}]", detail="expected a non-empty text")
        if phrases:
            try:
                phrase_regex(item)
            except PhraseError as exc:
                raise TaxonomyFileError(path=where, theme=code, field=f"{name}[{number}]", detail=f"{item!r}: {exc}") from None
    return tuple(item.strip() for item in items)


def _lists(where: str, code: str, name: str, value: Any, phrases: bool) -> dict[str, tuple[str, ...]]:
    """A mapping language -> list of texts (phrases, examples)."""
    if not isinstance(value, dict):
        raise TaxonomyFileError(path=where, theme=code, field=name, detail="expected a mapping of language to a list, e.g. {fr: [\"…\"], en: [\"…\"]}")
    out = {}
    for lang, items in value.items():
        if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang):
            raise TaxonomyFileError(path=where, theme=code, field=f"{name}.{lang}", detail="a language is a two- or three-letter code (fr, en, de…)")
        out[lang] = _items(where, code, f"{name}.{lang}", items, phrases)
    return out


def _theme(where: str, number: int, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise TaxonomyFileError(path=where, theme=f"#{number}", field="—", detail="each theme is a mapping with at least a code")
    code = raw.get("code")
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise TaxonomyFileError(path=where, theme=f"#{number}", field="code", detail=f"{code!r} is not a code: use lower-case letters, digits and _ (e.g. late_delivery)")
    unknown = set(raw) - _THEME_KEYS
    if unknown:
        raise TaxonomyFileError(path=where, theme=code, field=sorted(unknown)[0], detail=f"unknown field (expected {', '.join(sorted(_THEME_KEYS))})")
    group = raw.get("group")
    if group is not None and group not in GROUPS:
        raise TaxonomyFileError(path=where, theme=code, field="group", detail=f"{group!r} is not a group: use {', '.join(GROUPS)}")
    theme: dict[str, Any] = {"code": code, "group": group}
    for name in ("label", "description"):
        theme[name] = _texts(where, code, name, raw[name]) if raw.get(name) is not None else {}
    for name in ("phrases", "examples", "not_phrases"):
        theme[name] = _lists(where, code, name, raw[name], phrases=name != "examples") if raw.get(name) is not None else {}
    for name in ("only_with", "not_with", "authors"):
        names = raw.get(name) or []
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(item, str) and item for item in names):
            raise TaxonomyFileError(path=where, theme=code, field=name, detail="expected a list of groups or theme codes, e.g. [customer]")
        theme[name] = tuple(names)
    wrong = [role for role in theme["authors"] if role not in ROLES]
    if wrong:
        raise TaxonomyFileError(path=where, theme=code, field="authors", detail=f"{wrong[0]!r} is not an author role: use {', '.join(ROLES)}")
    return theme


def _parse(where: str, text: str) -> tuple[list[dict[str, Any]], dict[str, dict[str, tuple[str, ...]]]]:
    data = _read(where, text)
    raw_themes = data.get("themes") or []
    if not isinstance(raw_themes, list):
        raise TaxonomyFileError(path=where, theme="—", field="themes", detail="expected a list of themes (each item starts with '- code: …')")
    themes, seen = [], set()
    for number, raw in enumerate(raw_themes, 1):
        theme = _theme(where, number, raw)
        if theme["code"] in seen:
            raise TaxonomyFileError(path=where, theme=theme["code"], field="code", detail="the code appears twice in this file: merge the two entries")
        seen.add(theme["code"])
        themes.append(theme)
    raw_rules = data.get("rules") or {}
    if not isinstance(raw_rules, dict):
        raise TaxonomyFileError(path=where, theme="—", field="rules", detail="expected a mapping of language to rule lists")
    rules: dict[str, dict[str, tuple[str, ...]]] = {}
    for lang, kinds in raw_rules.items():
        if not isinstance(lang, str) or not _LANGUAGE.fullmatch(lang) or not isinstance(kinds, dict):
            raise TaxonomyFileError(path=where, theme="—", field=f"rules.{lang}", detail="expected a language code holding lists such as negation: [\"pas\", …]")
        unknown = set(kinds) - set(RULE_KINDS)
        if unknown:
            raise TaxonomyFileError(path=where, theme="—", field=f"rules.{lang}.{sorted(unknown)[0]}", detail=f"unknown rule (expected {', '.join(RULE_KINDS)})")
        rules[lang] = {kind: _items(where, "—", f"rules.{lang}.{kind}", items, phrases=True) for kind, items in kinds.items() if items}
    return themes, rules


def _merge_lists(old: dict[str, tuple[str, ...]], new: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    merged = dict(old)
    for lang, items in new.items():
        merged[lang] = tuple(dict.fromkeys(merged.get(lang, ()) + items))
    return merged


def _build(where: str, text: str, builtin: bool) -> Taxonomy:
    themes, rules = _parse(where, text)
    return _extend(Taxonomy(version=1, themes={}, rules={}, files=()), where, text, parsed=(themes, rules), origin="builtin" if builtin else "operator")


def _extend(base: Taxonomy, where: str, text: str, parsed=None, origin: str = "operator") -> Taxonomy:
    themes_in, rules_in = parsed if parsed is not None else _parse(where, text)
    themes = dict(base.themes)
    for raw in themes_in:
        code = raw["code"]
        old = themes.get(code)
        if old is None:
            if raw["group"] is None:
                raise TaxonomyFileError(path=where, theme=code, field="group", detail=f"a new theme needs a group: {', '.join(GROUPS)}")
            if not raw["label"]:
                raise TaxonomyFileError(path=where, theme=code, field="label", detail="a new theme needs a label, e.g. {fr: \"…\", en: \"…\"}")
            if not any(raw["phrases"].values()):
                raise TaxonomyFileError(path=where, theme=code, field="phrases", detail="a new theme needs at least one phrase, or it can never be found")
            themes[code] = ThemeDef(code, raw["group"], raw["label"], raw["description"], raw["phrases"], raw["examples"], origin, raw["not_phrases"], raw["only_with"], raw["not_with"], raw["authors"])
            continue
        if raw["group"] is not None and raw["group"] != old.group:
            raise TaxonomyFileError(path=where, theme=code, field="group", detail=f"{code} is in the group {old.group}; a group cannot change: remove the field or use a new code")
        themes[code] = ThemeDef(
            code,
            old.group,
            {**old.label, **raw["label"]},
            {**old.description, **raw["description"]},
            _merge_lists(old.phrases, raw["phrases"]),
            _merge_lists(old.examples, raw["examples"]),
            old.origin if old.origin.endswith("operator") else f"{old.origin}+operator",
            _merge_lists(old.not_phrases, raw["not_phrases"]),
            tuple(dict.fromkeys(old.only_with + raw["only_with"])),
            tuple(dict.fromkeys(old.not_with + raw["not_with"])),
            raw["authors"] or old.authors,
        )
    for raw in themes_in:
        for field_name in ("only_with", "not_with"):
            for name in raw[field_name]:
                if name not in GROUPS and name not in themes:
                    raise TaxonomyFileError(path=where, theme=raw["code"], field=field_name, detail=f"{name!r} is neither a group ({', '.join(GROUPS)}) nor a theme code")
    rules = dict(base.rules)
    for lang, kinds in rules_in.items():
        current = rules.get(lang, LanguageRules())
        rules[lang] = LanguageRules(**{kind: tuple(dict.fromkeys(getattr(current, kind) + kinds.get(kind, ()))) for kind in RULE_KINDS})
    return Taxonomy(version=1, themes=themes, rules=rules, files=base.files + (where,))

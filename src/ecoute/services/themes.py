"""Theme proposals and the operator's taxonomy: discover, accept, list.

Discovery itself is :mod:`ecoute.understanding.discovery`; this module reads
the store, skips what the taxonomy already names, writes the proposals to
``$ECOUTE_HOME/themes/proposals.json`` and turns an accepted proposal into a
theme of the operator's taxonomy file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

from ecoute.config import Settings
from ecoute.errors import BadOption, InvalidThemeCode, NoAnalysedTestimonies, ThemeCodeExists, UnknownProposal
from ecoute.files import atomic_path, write_atomically
from ecoute.text import fold
from ecoute.understanding.discovery import DiscoveryParams, Proposal, current_records, discover
from ecoute.understanding.taxonomy import GROUPS, Taxonomy, load_taxonomy, operator_path

# The loader's rule for codes (understanding/taxonomy.py): 2 to 50 characters.
THEME_CODE = re.compile(r"[a-z][a-z0-9_]{1,49}")


@dataclass(slots=True)
class Discovery:
    """What one run of ``ecoute themes discover`` found."""

    proposals: list[Proposal]
    testimonies: int
    sentences: int
    path: Path

    def as_dict(self) -> dict[str, Any]:
        return {
            "testimonies": self.testimonies,
            "sentences": self.sentences,
            "path": str(self.path),
            "proposals": [proposal.as_dict() for proposal in self.proposals],
        }


def proposals_path(settings: Settings) -> Path:
    return Path(settings.home) / "themes" / "proposals.json"


def _known_phrases(taxonomy: Taxonomy):
    from ecoute.understanding.phrases import phrase_set

    return phrase_set(tuple(sorted({p for theme in taxonomy.themes.values() for ps in theme.phrases.values() for p in ps})))


def discover_themes(
    engine: Any,
    params: DiscoveryParams = DiscoveryParams(),
    settings: Settings | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    url: str = "",
) -> Discovery:
    """Proposals from the store's current analyses, written to proposals.json.

    A cluster whose best phrase already holds a trigger phrase of the
    taxonomy is left out: the taxonomy names it, even if the stored analyses
    predate that theme (``ecoute reanalyze`` brings them up to date).
    """
    settings = settings or Settings.from_env()
    records = list(current_records(engine))
    if not records:
        raise NoAnalysedTestimonies(url=url or "—")
    known = _known_phrases(load_taxonomy(settings))
    proposals, sentences = discover(
        records, params, cache_dir=Path(settings.home) / "cache", on_progress=on_progress, known=lambda phrase: known.search(fold(phrase))
    )
    path = proposals_path(settings)
    result = Discovery(proposals, len(records), sentences, path)
    write_atomically(path, json.dumps({"version": 1, "params": params.as_dict(), **result.as_dict()}, ensure_ascii=False, indent=2) + "\n")
    return result


def load_proposals(settings: Settings | None = None) -> list[Proposal]:
    """The proposals of the last discovery (none when it never ran)."""
    path = proposals_path(settings or Settings.from_env())
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return [Proposal.from_dict(item) for item in data.get("proposals", [])]


# --- accepting a proposal ----------------------------------------------------------


def theme_entry(proposal: Proposal, code: str, group: str, label_fr: str | None, label_en: str | None) -> dict[str, Any]:
    """The taxonomy entry of an accepted proposal: its phrases as trigger
    phrases and its examples, in the proposal's language."""
    from ecoute.understanding.phrases import PhraseError, phrase_regex

    def valid(phrase: str) -> bool:
        try:
            phrase_regex(phrase)
        except PhraseError:
            return False
        return True

    label = {proposal.language: proposal.label}
    label.update({lang: text.strip() for lang, text in (("fr", label_fr), ("en", label_en)) if text and text.strip()})
    return {
        "code": code,
        "group": group,
        "label": label,
        "description": {
            "fr": f"Thème découvert dans {proposal.testimonies} témoignages ({proposal.size} phrases), proposition {proposal.id}.",
            "en": f"Theme discovered in {proposal.testimonies} testimonies ({proposal.size} sentences), proposal {proposal.id}.",
        },
        "phrases": {proposal.language: [phrase for phrase in proposal.phrases if valid(phrase)]},
        "examples": {proposal.language: list(proposal.examples)},
    }


def _dump_entry(entry: dict[str, Any], indent: str) -> str:
    import yaml

    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)
    return "".join(indent + line + "\n" for line in text.splitlines())


_TOP_LEVEL = re.compile(r"^[^\s#-][^:]*:", re.M)


def append_theme_text(text: str, entry: dict[str, Any]) -> str:
    """``text`` (a taxonomy file) with ``entry`` added to its ``themes`` list,
    keeping every other line, comments included. Falls back to writing the
    file anew (comments lost) only when its layout is one this function does
    not know (a flow-style list, for instance)."""
    import yaml

    data = yaml.safe_load(text) if text.strip() else None
    data = data if isinstance(data, dict) else {}
    themes = data.get("themes") or []
    expected = {**data, "version": data.get("version", 1), "themes": [*themes, entry]}
    header = re.search(r"^themes:[ \t]*(?:#.*)?$", text, re.M)
    if header is None and "themes" not in data:
        body = text if not text.strip() or text.endswith("\n") else text + "\n"
        if "version" not in data:
            body += "version: 1\n"
        candidate = body + "themes:\n" + _dump_entry(entry, "  ")
    elif header is not None:
        after = text[header.end() :]
        following = _TOP_LEVEL.search(after)
        block_end = header.end() + (following.start() if following else len(after))
        block = text[header.end() : block_end]
        item = re.search(r"^([ \t]*)- ", block, re.M)
        indent = item.group(1) if item else "  "
        kept = block.rstrip("\n")
        candidate = text[: header.end()] + kept + "\n" + _dump_entry(entry, indent) + ("\n" if following else "") + text[block_end:]
    else:
        candidate = ""
    try:
        if candidate and yaml.safe_load(candidate) == expected:
            return candidate
    except yaml.YAMLError:
        pass
    return yaml.safe_dump(expected, allow_unicode=True, sort_keys=False, width=10_000)


@dataclass(slots=True)
class Accepted:
    code: str
    path: Path
    phrases: list[str]
    language: str


def accept_proposal(
    proposal_id: str,
    code: str,
    label_fr: str | None = None,
    label_en: str | None = None,
    group: str = "customer",
    settings: Settings | None = None,
) -> Accepted:
    """Add a proposal to the operator's taxonomy file as the theme ``code``.

    The file is written to a temporary name, loaded with the taxonomy loader
    (a file it would refuse is never put in place), then renamed.
    """
    settings = settings or Settings.from_env()
    if not THEME_CODE.fullmatch(code):
        raise InvalidThemeCode(code=code)
    if group not in GROUPS:
        raise BadOption(option="--group", detail=f"{group!r}: use {', '.join(GROUPS)}", command="themes accept")
    proposal = next((p for p in load_proposals(settings) if p.id == proposal_id), None)
    if proposal is None:
        raise UnknownProposal(id=proposal_id, path=str(proposals_path(settings)))
    path, _ = operator_path(settings)
    taxonomy = load_taxonomy(settings)
    if code in taxonomy.themes:
        raise ThemeCodeExists(code=code, origin=taxonomy.themes[code].origin, path=str(path))
    entry = theme_entry(proposal, code, group, label_fr, label_en)
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    with atomic_path(path) as temporary:
        temporary.write_text(append_theme_text(current, entry), encoding="utf-8")
        load_taxonomy(SimpleNamespace(taxonomy=temporary, home=settings.home))  # the file must still load
    return Accepted(code, path, entry["phrases"][proposal.language], proposal.language)


def list_themes(settings: Settings | None = None) -> Taxonomy:
    """The taxonomy as the pipeline sees it: built-in themes and the operator's."""
    return load_taxonomy(settings or Settings.from_env())

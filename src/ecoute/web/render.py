"""Rendering pages: one Jinja2 environment, the request's language bound to
``_()``, and the helpers templates share (evidence highlighting, numbers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from ecoute.web.texts import translator

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

# Later kinds are drawn inside earlier ones where spans overlap (a
# placeholder stays visible inside a theme's evidence), as in `ecoute show`.
HIGHLIGHT_ORDER = ("entity", "journey", "emotion", "theme", "pii")


def highlight(record: dict | None, text: str | None = None) -> Markup:
    """The record's text as HTML with its evidence in ``<mark class="KIND">``.

    Spans are nested by kind; where two spans of different kinds cross, the
    text is cut at every boundary so the markup stays well formed."""
    record = record or {}
    text = text if text is not None else record.get("text", "")
    size = len(text)
    spans: list[tuple[int, int, str, str]] = []

    def add(kind: str, start: Any, end: Any, title: str) -> None:
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= size:
            spans.append((start, end, kind, title))

    for entity in record.get("entities") or []:
        add("entity", entity.get("start"), entity.get("end"), entity.get("label", ""))
    for event in (record.get("journey") or {}).get("events") or []:
        for span in event.get("evidence") or []:
            add("journey", span.get("start"), span.get("end"), f"{event.get('channel') or ''} {event.get('outcome') or ''}".strip())
    for emotion in record.get("emotions") or []:
        for span in emotion.get("evidence") or []:
            add("emotion", span.get("start"), span.get("end"), emotion.get("emotion", ""))
    for theme in record.get("themes") or []:
        for span in theme.get("evidence") or []:
            add("theme", span.get("start"), span.get("end"), theme.get("code", ""))
    for item in record.get("pii") or []:
        add("pii", item.get("start"), item.get("end"), item.get("type", ""))
    if not spans:
        return Markup(escape(text))
    cuts = sorted({0, size, *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    out = []
    for left, right in zip(cuts, cuts[1:]):
        piece = str(escape(text[left:right]))
        covering = sorted((s for s in spans if s[0] <= left and right <= s[1]), key=lambda s: HIGHLIGHT_ORDER.index(s[2]))
        for _start, _end, kind, title in reversed(covering):
            piece = f'<mark class="ev-{kind}" title="{escape(title)}">{piece}</mark>'
        out.append(piece)
    return Markup("".join(out))


def as_json(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block (safe inside HTML)."""
    data = json.dumps(value, ensure_ascii=False, default=str)
    return Markup(data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200):
    from ecoute.web.deps import csrf_token

    lang = request.state.lang
    params = dict(request.query_params)

    def with_params(**changes: Any) -> str:
        merged = {**params, **{k: v for k, v in changes.items()}}
        return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})

    base = {
        "_": translator(lang),
        "lang": lang,
        "other_lang": "en" if lang == "fr" else "fr",
        "account": getattr(request.state, "account", None),
        "csrf": csrf_token(request) if getattr(request.state, "account", None) else "",
        "with_params": with_params,
        "highlight": highlight,
        "as_json": as_json,
        "path": request.url.path,
        "colon": " :" if lang == "fr" else ":",  # French puts a space before the colon
    }
    return TEMPLATES.TemplateResponse(request, name, {**base, **(context or {})}, status_code=status_code)

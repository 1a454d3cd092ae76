"""HTML pages (one testimony per file) and HTML e-mail bodies to text.

A saved page is read with trafilatura, which keeps the main text (the
article, the review) and drops menus, sidebars, footers and comments. It
works on the string it is given and never fetches anything: no URL is
passed to it. ``favor_precision=True`` because on a page that only holds
menus, the default mode returns the menu items as "text".

Metadata kept from the page: ``title``, ``author``, ``date`` (also the
record's date), ``url`` (canonical link or ``og:url``), plus ``filename``.

E-mail bodies are not articles (trafilatura returns nothing for a body
that is bare text, and would keep quoted replies), so :func:`html_to_text`
converts them with lxml instead, keeping paragraphs and line breaks, and
dropping quoted replies (``<blockquote>``, Gmail's ``gmail_quote``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ecoute.errors import EmptyInput, NoMainText
from ecoute.ingest.decoding import clean_text, clean_value, decode_document
from ecoute.ingest.model import RawRecord, Rejection
from ecoute.ingest.readers import FileContext

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"[ \t\r\n\f]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
_BLOCKS = (
    "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
    "section", "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt",
)  # fmt: skip
_PAGE_METADATA = ("title", "author", "date", "url")


def declared_charset(head: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag, if any."""
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def read_html(ctx: FileContext) -> Iterator[RawRecord | Rejection]:
    """Read a saved HTML page: its main text as one testimony."""
    import trafilatura  # lazily: heavy import, only HTML inputs need it

    data = ctx.path.read_bytes()
    page = decode_document(data, declared_charset(data[:4096]))
    if not page.strip():
        yield ctx.reject(EmptyInput(path=ctx.name))
        return
    document = trafilatura.bare_extraction(
        page,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        deduplicate=False,
    )
    # A Document object in trafilatura 2.x (a dict only with as_dict=True).
    text = clean_text(getattr(document, "text", None) or "")
    if not text:
        yield ctx.reject(NoMainText(path=ctx.name))
        return
    metadata: dict[str, Any] = {"filename": ctx.path.name}
    for key in _PAGE_METADATA:
        value = getattr(document, key, None)
        if isinstance(value, str) and (value := clean_value(value)):
            metadata[key] = value
    yield ctx.record(text, None, date=metadata.get("date"), metadata=metadata)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (an e-mail body), paragraphs and line breaks kept.

    Scripts, styles and quoted replies (``<blockquote>``, ``.gmail_quote``)
    are dropped.
    """
    import lxml.html
    from lxml import etree

    html = _XML_DECLARATION.sub("", html)  # lxml refuses str input with an encoding declaration
    if not html.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for element in root.xpath(
        "//script|//style|//head|//title|//blockquote|//*[contains(concat(' ', @class, ' '), ' gmail_quote ')]"
    ):
        element.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions
        if element.tag != "pre":
            # HTML source newlines are spaces; structure gives the line breaks.
            if element.text:
                element.text = _SPACES.sub(" ", element.text)
            if element.tail:
                element.tail = _SPACES.sub(" ", element.tail)
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif element.tag in _BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    text = root.text_content()
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()

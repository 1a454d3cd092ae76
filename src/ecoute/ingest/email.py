"""E-mails: ``.eml`` (one message) and ``mbox`` (one testimony per message).

The text is the body written by the sender: ``text/plain`` preferred, else
``text/html`` converted to text; then quoted replies and signatures are
removed by :func:`strip_quotes_and_signature`. Attachments are not read.

Metadata: ``subject``, ``date`` (also the record's date, raw header value)
and ``message_id`` (plus ``filename`` for ``.eml``). Sender and recipient
addresses are deliberately *not* kept: they are personal data, and the text
is pseudonymised later anyway.

The quote rules are our own: mail-parser-reply (PyPI) was evaluated and
missed Gmail's wrapped French attribution ("... a\\nécrit :") and "Envoyé de
mon iPhone", and rebuilds its regexes for every message.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage, MIMEPart
from typing import Any

from ecoute.errors import MalformedRecord, NoEmailBody, UnreadableFile
from ecoute.ingest.decoding import clean_text, clean_value, decode_document, repair_surrogates
from ecoute.ingest.html import html_to_text
from ecoute.ingest.model import RawRecord, Rejection
from ecoute.ingest.readers import FileContext, where

# "Le lun. 3 déc. 2024 à 10:12, X <x@y.fr> a écrit :" / "On Mon, Dec 3, 2024 at 10:12 AM X wrote:".
# A time, a year or an "@" is required, so that "Le 3 mai, le technicien a écrit :" in a
# testimony is no cut point.
_ATTRIBUTION = re.compile(
    r"^(?:(?:Le|On)\s.*?(?:\d{1,2}:\d{2}|\b(?:19|20)\d{2}\b|@).*?|.*@.*?)\s(?:a\s+écrit|wrote)\s*:?\s*$",
    re.IGNORECASE | re.DOTALL,
)
# mbox escapes body lines starting with "From " as ">From " (mboxrd: one more ">" each time).
_MBOX_FROM_ESCAPE = re.compile(rb"^>(>*From )", re.MULTILINE)
_ATTRIBUTION_START = re.compile(r"^(?:Le|On)\s|@", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:original message|message d.origine|forwarded message|message transf[ée]r[ée]"
    r"|message transmis|message réexpédié)\s*-{2,}\s*$"
    r"|^\s*(?:début du message réexpédié|begin forwarded message)\s*:\s*$",
    re.IGNORECASE,
)
# Outlook's quoted header block: "De : X" then "Envoyé : ..." / "From: X" then "Sent: ...".
_HEADER_FIRST = re.compile(r"^\s*\*?\s*(?:De|From)\s*\*?\s*:\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\s*\*?\s*(?:Envoyé|Sent|Date|À|To|Objet|Subject|Cc)\s*\*?\s*:", re.IGNORECASE)
_MOBILE_FOOTER = re.compile(
    r"^\s*(?:"
    r"envoy[ée] (?:de|depuis|à partir de|a partir de) (?:mon|ma|l['’]application|outlook|yahoo|mail)\b.{0,60}"
    r"|sent (?:from|with|via) (?:my|outlook|yahoo|mail|the)\b.{0,60}"
    r"|(?:get|obtenir|télécharger) outlook (?:for|pour)\b.{0,40}"
    r")\s*$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^\s*[_\-=*]{5,}\s*$")  # "________________" above Outlook headers


def strip_quotes_and_signature(text: str) -> str:
    """The part of an e-mail body its sender wrote: quotes, attributions and signatures removed.

    Rules, in French and English:

    * lines starting with ``>`` are dropped (interleaved replies keep the
      unquoted lines);
    * an attribution line ("Le … a écrit :", "On … wrote:", possibly wrapped
      on up to 3 lines) ends the text, unless ``>`` quotes follow it
      (bottom-posting: then only the line itself is dropped);
    * "-----Original Message-----", "-------- Message d'origine --------",
      forward markers, and Outlook header blocks ("De : … / Envoyé : …",
      "From: … / Sent: …") end the text;
    * the signature delimiter ``-- `` and mobile footers ("Envoyé de mon
      iPhone", "Sent from my iPhone", "Get Outlook for iOS"…) end the text.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").split("\n")
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped.startswith(">"):
            index += 1
            continue
        if line.rstrip() == "--" or _SEPARATOR.match(line) or _MOBILE_FOOTER.match(line):
            break
        if _HEADER_FIRST.match(line) and _header_block_follows(lines, index + 1):
            break
        attribution = _attribution_length(lines, index) if _ATTRIBUTION_START.search(stripped) else 0
        if attribution:
            following = next((later.strip() for later in lines[index + attribution :] if later.strip()), "")
            if following.startswith(">"):
                index += attribution  # bottom-posted reply: the quote is skipped line by line
                continue
            break
        kept.append(line.rstrip())
        index += 1
    while kept and (not kept[-1].strip() or _RULE.match(kept[-1])):
        kept.pop()  # blank lines and rules left above a cut point
    return "\n".join(kept).strip()


def _header_block_follows(lines: list[str], start: int) -> bool:
    """True when one of the next 4 non-blank lines is another quoted-header field."""
    seen = 0
    for line in lines[start:]:
        if not line.strip():
            continue
        if _HEADER_NEXT.match(line):
            return True
        seen += 1
        if seen == 4:
            break
    return False


def _attribution_length(lines: list[str], start: int) -> int:
    """How many lines (1-3) form an attribution starting at ``start``; 0 if none."""
    joined = ""
    for count, line in enumerate(lines[start : start + 3], 1):
        if not line.strip():
            return 0
        joined = f"{joined} {line.strip()}" if joined else line.strip()
        if _ATTRIBUTION.match(joined):
            return count
    return 0


# --- reading messages -----------------------------------------------------------


def read_eml(ctx: FileContext) -> Iterator[RawRecord | Rejection]:
    """Read one e-mail message (``.eml``)."""
    message = email.message_from_bytes(ctx.path.read_bytes(), policy=email.policy.default)
    yield message_record(ctx, message, None, {"filename": ctx.path.name})


def read_mbox(ctx: FileContext) -> Iterator[RawRecord | Rejection]:
    """Read an mbox mailbox, message by message (``row`` = message number, 1-based)."""
    import mailbox

    with ctx.open_binary() as stream:
        if stream.read(5) != b"From ":
            detail = "not an mbox mailbox: it does not start with a 'From ' line"
            yield ctx.reject(UnreadableFile(path=ctx.name, detail=detail))
            return
    box = mailbox.mbox(ctx.path, create=False)
    try:
        for number, key in enumerate(box.iterkeys(), 1):
            data = box.get_bytes(key)  # one message in memory at a time
            ctx.progress(len(data))
            data = _MBOX_FROM_ESCAPE.sub(rb"\1", data)
            try:
                message = email.message_from_bytes(data, policy=email.policy.default)
                yield message_record(ctx, message, number, {})
            except Exception as exc:  # one broken message must not stop the mailbox
                detail = f"{type(exc).__name__}: {exc}"
                yield ctx.reject(MalformedRecord(path=ctx.name, where=where(number), detail=detail), number)
    finally:
        box.close()


def message_record(
    ctx: FileContext, message: EmailMessage, row: int | None, metadata: dict[str, Any]
) -> RawRecord | Rejection:
    """The record for one parsed message, or its rejection."""
    body = body_text(message)
    if not body:
        names = attachment_names(message)
        attachments = f" (attachments: {', '.join(names)})" if names else ""
        return ctx.reject(NoEmailBody(path=ctx.name, where=where(row), attachments=attachments), row)
    for key, header in (("subject", "subject"), ("date", "date"), ("message_id", "message-id")):
        value = _header(message, header)
        if value:
            metadata[key] = value
    return ctx.record(strip_quotes_and_signature(body), row, date=metadata.get("date"), metadata=metadata)


def body_text(message: EmailMessage) -> str:
    """The message's body as clean text (before quote removal); ``""`` when it has none."""
    part = message.get_body(preferencelist=("plain",))
    if part is not None:
        text = clean_text(_part_text(part))
        if text:
            return text
    part = message.get_body(preferencelist=("html",))
    if part is not None:
        return clean_text(html_to_text(_part_text(part)))
    return ""


def attachment_names(message: EmailMessage) -> list[str]:
    """File names (or content types) of the message's attachments."""
    if not message.is_multipart():
        if message.get_content_maintype() == "text":
            return []
        return [message.get_filename() or message.get_content_type()]
    return [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]


def _part_text(part: MIMEPart) -> str:
    # Decoded by hand rather than get_content(): that falls back to ASCII
    # with replacement characters when the charset is missing or wrong.
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = decode_document(payload, part.get_content_charset())
    if part.get_content_type() == "text/plain" and str(part.get_param("format", "")).lower() == "flowed":
        text = _unflow(text, delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text


def _unflow(text: str, delsp: bool) -> str:
    """Join the soft line breaks of ``format=flowed`` text (RFC 3676)."""
    out: list[str] = []
    buffer = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.endswith(" ") and line != "-- ":
            buffer += line[:-1] if delsp else line
        else:
            out.append(buffer + line)
            buffer = ""
    if buffer:
        out.append(buffer)
    return "\n".join(out)


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        value = message.get(name)
    except Exception:  # a malformed header is metadata lost, not a message lost
        return None
    if value is None:
        return None
    return clean_value(repair_surrogates(str(value))) or None

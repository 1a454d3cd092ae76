"""Analysing and storing one text that arrives by the web: the API's
"create a testimony" and each survey answer's "why?".

It follows an import's rules (services/imports.py): the text is protected
(pseudonymised) before it is stored, the original is kept encrypted only
where the operator allows it, the id derives from the text so a duplicate is
recognised, and the analysis is stored as the current one with its
dashboard facts. The caller may pass a connection to make it part of a
larger transaction (a survey answer and its testimony are stored together):
:func:`prepare_text` analyses without holding a connection, then
:func:`write_prepared` writes in the caller's transaction.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from ecoute.config import Settings
from ecoute.errors import ComponentFailed, EmptyText, TextTooLong
from ecoute.pipeline import Item, Pipeline, get_pipeline
from ecoute.privacy.vault import original_encrypter
from ecoute.record import AnalysisRecord, Source
from ecoute.services.analysis import protected, store_analyses
from ecoute.store.models import OriginalRow, SourceRow, TestimonyRow, utcnow
from ecoute.text import testimony_id


@dataclass(slots=True)
class Intake:
    id: str
    duplicate: bool
    record: AnalysisRecord | None  # None for a duplicate: its stored record stands


@dataclass(slots=True)
class Prepared:
    """A text analysed and ready to be written (or a duplicate: nothing to write)."""

    id: str
    kind: str
    location: str
    when: str | None
    external_id: str | None
    item: Item | None = None
    record: AnalysisRecord | None = None
    pipeline_version: str = ""


# Components keep caches and models that are not made for concurrent use, and
# the analysis is CPU-bound under the GIL anyway: one analysis at a time.
_ANALYSIS_LOCK = threading.Lock()


def _source_id(connection, kind: str, location: str) -> int:
    found = connection.scalar(select(SourceRow.id).where(SourceRow.kind == kind, SourceRow.location == location))
    if found is None:
        found = connection.execute(insert(SourceRow).values(kind=kind, location=location, created_at=utcnow()).returning(SourceRow.id)).scalar_one()
    return found


def analyse_text(
    text: str,
    *,
    kind: str,
    metadata: dict | None = None,
    when: str | None = None,
    external_id: str | None = None,
    pipeline: Pipeline | None = None,
) -> tuple[Item, AnalysisRecord]:
    """Run the (protected) pipeline on one text; raises EmptyText, TextTooLong
    or ComponentFailed. Nothing is stored."""
    settings = Settings.from_env()
    if not text or not text.strip():
        raise EmptyText(path=kind, where="")
    if len(text) > settings.max_text_chars:
        raise TextTooLong(path=kind, where="", length=len(text), limit=settings.max_text_chars)
    pipeline = protected(pipeline or get_pipeline(settings.pipeline))
    item = Item(text=text, source=Source(kind=kind, external_id=external_id, metadata=dict(metadata or {})), date_hint=when)
    with _ANALYSIS_LOCK:
        result = pipeline.analyse([item])[0]
    if isinstance(result, ComponentFailed):
        raise result
    return item, result


def prepare_text(
    engine: Engine, text: str, *, kind: str, location: str, metadata: dict | None = None, when: str | None = None,
    external_id: str | None = None, pipeline: Pipeline | None = None,
) -> Prepared:  # fmt: skip
    """Analyse ``text`` unless it is already stored. Holds no database
    connection while the pipeline runs (many clients may be waiting)."""
    tid = testimony_id(text)
    prepared = Prepared(tid, kind, location, when, external_id)
    with engine.connect() as connection:
        if connection.scalar(select(TestimonyRow.id).where(TestimonyRow.id == tid)) is not None:
            return prepared
    pipeline = protected(pipeline or get_pipeline(Settings.from_env().pipeline))
    prepared.item, prepared.record = analyse_text(
        text, kind=kind, metadata=metadata, when=when or date.today().isoformat(), external_id=external_id, pipeline=pipeline
    )
    prepared.pipeline_version = pipeline.version
    return prepared


def write_prepared(connection, prepared: Prepared) -> Intake:
    """Write a prepared testimony and its analysis in the caller's transaction.
    A text stored meanwhile by another request is a duplicate."""
    tid = prepared.id
    if prepared.record is None or connection.scalar(select(TestimonyRow.id).where(TestimonyRow.id == tid)) is not None:
        return Intake(tid, True, None)
    record, item, now = prepared.record, prepared.item, utcnow()
    connection.execute(
        insert(TestimonyRow.__table__).values(
            id=tid, source_id=_source_id(connection, prepared.kind, prepared.location), import_run_id=None, format=prepared.kind[:16],
            row=None, external_id=prepared.external_id, date_hint=prepared.when, text=record.text, metadata=record.source.metadata, created_at=now,
        )
    )  # fmt: skip
    keep = original_encrypter(Settings.from_env())
    if keep is not None and "original_text" in item.shared:
        connection.execute(insert(OriginalRow).values(testimony_id=tid, ciphertext=keep(item.shared["original_text"]), created_at=now))
    store_analyses(connection, [record], prepared.pipeline_version)
    return Intake(tid, False, record)


def store_text(
    engine: Engine, text: str, *, kind: str, location: str, metadata: dict | None = None, when: str | None = None,
    external_id: str | None = None, pipeline: Pipeline | None = None,
) -> Intake:  # fmt: skip
    """Analyse ``text`` and store it as a testimony (unless the same text is
    already stored: then it is a duplicate and nothing is written)."""
    prepared = prepare_text(engine, text, kind=kind, location=location, metadata=metadata, when=when, external_id=external_id, pipeline=pipeline)
    try:
        with engine.begin() as connection:
            return write_prepared(connection, prepared)
    except IntegrityError:  # the same text stored by a concurrent request
        return Intake(prepared.id, True, None)

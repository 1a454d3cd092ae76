"""`ecoute show ID`: one stored testimony in the terminal.

Its pseudonymised text with the evidence highlighted, its journey as a
timeline, then what the analysis judged. :func:`render_record` renders any
:class:`~ecoute.record.AnalysisRecord` on any Rich console and is testable
alone; the command only finds the record and chooses the output.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import TYPE_CHECKING, Annotated, Iterable, Optional

import typer
from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ecoute.errors import BadOption
from ecoute.i18n import t

if TYPE_CHECKING:
    from ecoute.record import AnalysisRecord, Journey, JourneyEvent, Span

# One text attribute per kind, so that the kinds stay apart under NO_COLOR
# (Rich then drops the colours but keeps the attributes). Later kinds are
# drawn over earlier ones where spans overlap: a placeholder stays visible
# inside a theme's evidence.
HIGHLIGHT_STYLES: dict[str, str] = {
    "entity": "overline cyan",
    "journey": "underline green",
    "emotion": "italic magenta",
    "theme": "bold yellow",
    "pii": "reverse",
}
OUTCOME_STYLES = {"resolved": "green", "promised": "yellow", "pending": "yellow"}  # any other outcome: red
LEGEND_ORDER = ("theme", "emotion", "journey", "entity", "pii")
NONE = "—"
LABEL = {"style": "bold", "no_wrap": True}  # grid column options
RIGHT = {"justify": "right"}


def evidence_spans(record: AnalysisRecord) -> dict[str, list[tuple[int, int]]]:
    """The (start, end) offsets to highlight, by kind; spans that do not fit
    the text are left out rather than drawn at a wrong place."""
    spans = {
        "entity": [(entity.start, entity.end) for entity in record.entities],
        "journey": _offsets(span for event in record.journey.events for span in event.evidence),
        "emotion": _offsets(span for emotion in record.emotions for span in emotion.evidence),
        "theme": _offsets(span for theme in record.themes for span in theme.evidence),
        "pii": [(item.start, item.end) for item in record.pii],
    }
    size = len(record.text)
    return {kind: [(start, end) for start, end in pairs if 0 <= start < end <= size] for kind, pairs in spans.items()}


def _offsets(spans: Iterable[Span]) -> list[tuple[int, int]]:
    return [(span.start, span.end) for span in spans]


def highlighted_text(record: AnalysisRecord) -> tuple[Text, list[str]]:
    """The record's text with its evidence styled, and the kinds present."""
    text = Text(record.text)
    spans = evidence_spans(record)
    for kind, pairs in spans.items():
        for start, end in pairs:
            text.stylize(HIGHLIGHT_STYLES[kind], start, end)
    return text, [kind for kind in LEGEND_ORDER if spans[kind]]


def render_record(record: AnalysisRecord, console: Console) -> None:
    """Print one analysis record for a person, in the interface language."""
    _header(record, console)
    _text(record, console)
    _journey(record.journey, console)
    _effort(record, console)
    _risk(record, console)
    _facts(record, console)
    _scored(console, "show.themes", [(theme.code, theme.confidence, theme.evidence) for theme in record.themes])
    _scored(console, "show.emotions", [(e.emotion, e.intensity, e.evidence) for e in record.emotions], feminine=True)
    _scored(console, "show.root_causes", [(c.kind, c.confidence, c.evidence) for c in record.root_causes], feminine=True)
    _labels(record, console)


# --- small pieces ---------------------------------------------------------------


def _quote(text: str) -> str:
    return t("show.quote", text=text)


def _minutes(minutes: float) -> str:
    if minutes < 60:
        return f"{minutes:g} min"
    hours, rest = divmod(round(minutes), 60)
    return f"{hours} h" if rest == 0 else f"{hours} h {rest:02d}"


def _yes_no(value: bool | None) -> str:
    return t("show.unknown") if value is None else t("show.yes" if value else "show.no")


def _none(feminine: bool = False) -> str:
    return t("show.none_f" if feminine else "show.none")


def _line(console: Console, key: str, value: str | Text) -> None:
    """``Title : value`` on one line (French spacing before the colon)."""
    console.print(Text.assemble((t(key), "bold"), t("show.sep"), value))


def _title(console: Console, key: str) -> None:
    console.print()
    console.print(Text(t(key), style="bold"))


def _indented(renderable) -> Padding:
    """Indented by two columns, without padding lines to the full width."""
    return Padding(renderable, (0, 0, 0, 2), expand=False)


def _grid(rows: Iterable[tuple[str | Text, ...]], columns: tuple[dict, ...] = (LABEL, {})) -> Table:
    """Rows without borders; cells are plain text (never parsed as markup)."""
    grid = Table.grid(padding=(0, 2))
    for options in columns:
        grid.add_column(**options)
    for row in rows:
        grid.add_row(*(cell if isinstance(cell, Text) else Text(cell) for cell in row))
    return grid


def _headed(console: Console, key: str, value: str | Text, below=None) -> None:
    """``Title : value`` and, indented under it, what explains the value
    (an empty section is ``Title : aucun``)."""
    console.print()
    _line(console, key, value)
    if below is not None:
        console.print(_indented(below))


# --- sections -----------------------------------------------------------------------


def _header(record: AnalysisRecord, console: Console) -> None:
    console.rule(Text(t("show.testimony", id=record.id), style="bold"), align="left")
    source = record.source
    where = " ".join(part for part in (source.kind, source.path, t("show.row", row=source.row) if source.row else None) if part)
    parts = [record.date or t("show.unknown_date"), record.language or "?", where]
    if source.external_id:
        parts.append(t("show.external_id", id=source.external_id))
    console.print(Text(" · ".join(parts), style="dim"))
    if not record.pipeline:
        console.print(Text(t("show.not_analysed"), style="yellow"))


def _text(record: AnalysisRecord, console: Console) -> None:
    text, kinds = highlighted_text(record)
    console.print()
    console.print(text)
    if kinds:
        legend = [(t("show.legend"), "bold"), t("show.sep")]
        for kind in kinds:
            legend += [(t(f"show.kind.{kind}"), HIGHLIGHT_STYLES[kind]), "  "]
        console.print()
        console.print(Text.assemble(*legend[:-1]))


def _journey(journey: Journey, console: Console) -> None:
    summary = _journey_summary(journey)
    if not journey.events and not summary:
        _headed(console, "show.journey", _none())
        return
    _title(console, "show.journey")
    if journey.events:
        console.print(_indented(_timeline(journey.events)))
    if summary:
        if journey.events:
            console.print()
        console.print(_indented(_grid(summary)))


def _timeline(events: list[JourneyEvent]) -> Table:
    """One line per event (wrapped under itself when the terminal is narrow)."""
    return _grid(((f"{number}.", _event_line(event)) for number, event in enumerate(events, 1)), (RIGHT, {}))


def _event_line(event: JourneyEvent) -> Text:
    line = Text(event.when or t("show.unknown_date"), style="bold")
    if event.when_text:
        line.append(" " + _quote(event.when_text), style="dim")
    for part in (event.channel, event.actor, event.action):
        if part:
            line.append(" · ").append(part)
    if event.wait_minutes is not None:
        line.append(" · ").append(t("show.wait", duration=_minutes(event.wait_minutes)))
    if event.outcome:
        line.append(" → ").append(event.outcome, style=OUTCOME_STYLES.get(event.outcome, "red"))
    if event.steps:
        line.append(" · ").append(t("show.steps", steps=", ".join(event.steps)), style="dim")
    return line


def _journey_summary(journey: Journey) -> list[tuple[str, str | Text]]:
    rows: list[tuple[str, str | Text]] = []
    if journey.contacts is not None:
        rows.append((t("show.contacts"), str(journey.contacts)))
    if journey.channels:
        rows.append((t("show.channels"), " → ".join(journey.channels)))
    for key, value in (("show.transfers", journey.transfers), ("show.loops", journey.loops)):
        if value is not None:
            rows.append((t(key), str(value)))
    if journey.dead_ends or journey.contacts is not None:
        rows.append((t("show.dead_ends"), ", ".join(journey.dead_ends) or _none(feminine=True)))
    if journey.total_wait_minutes is not None:
        rows.append((t("show.total_wait"), _minutes(journey.total_wait_minutes)))
    if journey.elapsed_days is not None:
        rows.append((t("show.elapsed"), t("show.days", n=f"{journey.elapsed_days:g}")))
    if journey.resolved is not None:
        rows.append((t("show.resolved"), _yes_no(journey.resolved)))
    mediation = journey.mediation
    if mediation is not None:
        if mediation.written_complaint:
            facts = [t("show.mediation.written", date=mediation.written_complaint_on or t("show.unknown_date"))]
        else:
            facts = [t("show.mediation.no_written")]
        if mediation.eligible_from:
            facts.append(t("show.mediation.from", date=mediation.eligible_from))
        facts.append(t("show.mediation.eligible", value=_yes_no(mediation.eligible)))
        if mediation.deadline:
            facts.append(t("show.mediation.deadline", date=mediation.deadline))
        value = "\n".join(facts + [f"- {reason}" for reason in mediation.reasons])
        rows.append((t("show.mediation", sector=mediation.sector), value))
    return rows


def _effort(record: AnalysisRecord, console: Console) -> None:
    effort = record.effort
    if effort is None:
        _headed(console, "show.effort", _none())
        return
    score = t("show.effort.score", score=f"{effort.score:.1f}", basis=t(f"show.basis.{effort.basis}"))
    drivers = [(f"{driver.contribution:+.2f}", driver.driver, driver.explanation) for driver in effort.drivers]
    _headed(console, "show.effort", score, _grid(drivers, (RIGHT, LABEL, {})) if drivers else None)


def _risk(record: AnalysisRecord, console: Console) -> None:
    risk = record.risk
    values = t("show.risk.values", churn=f"{risk.churn:.2f}", escalation=f"{risk.escalation:.2f}") if risk else _none()
    reasons = "\n".join(f"- {reason}" for reason in risk.reasons) if risk else ""
    _headed(console, "show.risk", values, Text(reasons) if reasons else None)


def _facts(record: AnalysisRecord, console: Console) -> None:
    sentiment = record.sentiment
    pii = Counter(item.type for item in record.pii)
    entities = dict.fromkeys(f"{entity.text} ({entity.label})" for entity in record.entities)
    rows = [
        (t("show.sentiment"), f"{t(f'show.sentiment.{sentiment.label}')} ({sentiment.score:+.2f})" if sentiment else NONE),
        (t("show.role"), t(f"show.role.{record.author_role}")),
        (t("show.tenure"), t("show.years", n=f"{record.tenure_years:g}") if record.tenure_years is not None else NONE),
        (t("show.owner"), record.owner or NONE),
        (t("show.pii"), ", ".join(f"{kind} ×{count}" for kind, count in pii.items()) or _none(feminine=True)),
        (t("show.entities"), ", ".join(entities) or _none()),
    ]
    console.print()
    console.print(_grid(rows))


def _scored(console: Console, key: str, items: list[tuple[str, float, list[Span]]], feminine: bool = False) -> None:
    """Themes, emotions or root causes: code, confidence and quoted evidence."""
    if not items:
        _headed(console, key, _none(feminine))
        return
    _title(console, key)
    rows = [(code, f"{confidence:.2f}", " ".join(_quote(span.text) for span in evidence)) for code, confidence, evidence in items]
    console.print(_indented(_grid(rows, (LABEL, RIGHT, {}))))


def _labels(record: AnalysisRecord, console: Console) -> None:
    if not record.labels:
        _headed(console, "show.labels", _none(feminine=True))
        return
    _title(console, "show.labels")
    rows = [(name, f"{label.value} ({label.confidence:.2f}, {label.model})") for name, label in record.labels.items()]
    console.print(_indented(_grid(rows)))


# --- the command ----------------------------------------------------------------------


def show(
    testimony_id: Annotated[str, typer.Argument(metavar="ID", help=t("opt.testimony_id"), show_default=False)],
    external_id: Annotated[bool, typer.Option("--external-id", help=t("opt.external_id"))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=t("opt.record_json"))] = False,
    width: Annotated[Optional[int], typer.Option("--width", help=t("opt.width"))] = None,
    db: Annotated[Optional[str], typer.Option("--db", help=t("opt.db"), envvar="ECOUTE_DATABASE_URL", show_envvar=False)] = None,
) -> None:
    from ecoute.config import Settings
    from ecoute.record import dumps
    from ecoute.services.testimonies import get_record
    from ecoute.store.db import open_store

    if width is not None and width < 40:
        raise BadOption(option="--width", detail=f"{width}: give at least 40 columns", command="show")
    record = get_record(open_store(db or Settings.from_env().database_url), testimony_id, external=external_id)
    if as_json:
        sys.stdout.write(dumps(record) + "\n")
        return
    render_record(record, Console(width=width, highlight=False))

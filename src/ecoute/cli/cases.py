"""`ecoute cases …` and `ecoute worker`: closing the loop from the command line.

Commands adapt arguments and render; the work is in :mod:`ecoute.cases`,
shared with the web app and the scheduler.
"""

from __future__ import annotations

import getpass
import json
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from ecoute.i18n import current_language, t

cases = typer.Typer(name="cases", help=t("cmd.cases"), no_args_is_help=True)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[Optional[str], typer.Option("--db", help=t("opt.db"), envvar="ECOUTE_DATABASE_URL", show_envvar=False)]
CaseId = Annotated[int, typer.Argument(metavar="ID", help=t("opt.case_id"), show_default=False)]
Actor = Annotated[Optional[str], typer.Option("--as", help=t("opt.actor"))]
Version = Annotated[Optional[int], typer.Option("--version", help=t("opt.expected_version"))]
Reason = Annotated[Optional[str], typer.Option("--reason", help=t("opt.change_reason"))]
JsonOption = Annotated[bool, typer.Option("--json", help=t("opt.cases_json"))]


def _engine(db: str | None):
    from ecoute.config import Settings
    from ecoute.store.db import open_store

    return open_store(db or Settings.from_env().database_url)


def _actor(name: str | None) -> str:
    return name or f"{getpass.getuser()} (cli)"


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _changed(case: dict) -> None:
    from ecoute.cases.states import label

    out.print(t("cases.changed", id=case["id"], status=label(case["status"], current_language()), level=case["level"],
                level_label=case["level_label"], version=case["version"]))  # fmt: skip


@cases.command("list", help=t("cmd.cases.list"))
def list_(
    status: Annotated[str, typer.Option("--status", help=t("opt.case_status"))] = "open",
    team: Annotated[Optional[str], typer.Option("--team", help=t("opt.team"))] = None,
    assignee: Annotated[Optional[str], typer.Option("--assignee", help=t("opt.assignee"))] = None,
    unassigned: Annotated[bool, typer.Option("--unassigned", help=t("opt.unassigned"))] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help=t("opt.overdue"))] = False,
    page: Annotated[int, typer.Option("--page", min=1, help=t("opt.page"))] = 1,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    from ecoute.cases.queries import list_cases
    from ecoute.cases.states import label

    lang = current_language()
    result = list_cases(_engine(db), status=None if status == "all" else status, team=team, assignee=assignee, unassigned=unassigned,
                        overdue=overdue, page=page, lang=lang)  # fmt: skip
    if as_json:
        _print_json({"total": result.total, "page": result.page, "per_page": result.per_page, "items": result.items})
        return
    if not result.items:
        out.print(t("cases.none"))
        return
    table = Table(title=t("cases.title", total=result.total, page=result.page, pages=result.pages))
    for key in ("col.case", "col.status", "col.priority", "col.team", "col.assignee", "col.level", "cases.due", "col.excerpt"):
        table.add_column(t(key))
    for case in result.items:
        due = case["due_at"][:16].replace("T", " ") + (f" [red]({t('cases.overdue')})[/]" if case["overdue"] else "")
        table.add_row(str(case["id"]), label(case["status"], lang), case["priority"], case["team"], case["assignee"] or "—",
                      f"{case['level']} {case['level_label']}", due, (case["excerpt"] or "").replace("\n", " ")[:60])  # fmt: skip
    out.print(table)


@cases.command("show", help=t("cmd.cases.show"))
def show(case_id: CaseId, as_json: JsonOption = False, db: DbOption = None) -> None:
    from dataclasses import asdict

    from ecoute.cases.queries import get_case
    from ecoute.cases.states import label

    lang = current_language()
    detail = get_case(_engine(db), case_id, lang)
    if as_json:
        _print_json({**asdict(detail), "steps": [asdict(step) for step in detail.steps]})
        return
    case = detail.case
    sep = t("show.sep")
    out.print(f"[bold]{t('col.case')} {case['id']}[/] · {label(case['status'], lang)} · {case['priority']} · {case['team']} · v{case['version']}")
    out.print(f"{t('cases.due')}{sep}{case['due_at'][:16].replace('T', ' ')} UTC" + (f" [red]({t('cases.overdue')})[/]" if case["overdue"] else ""))
    out.print(t("cases.mediator", name=detail.mediator.get("name", "—"), start=case["mediator_from"], until=case["mediation_until"]))
    out.print(f"\n[bold]{t('cases.ladder', sector=case['sector'])}[/]")
    for step in detail.steps:
        mark = "●" if step.reached else "○"
        out.print(f"  {mark} {step.level}. {step.label} — {step.on.isoformat() if step.on else '—'}")
    out.print(f"\n{detail.text}\n", highlight=False, markup=False)
    table = Table(title=t("cases.history"))
    for key in ("col.when", "col.who", "col.what", "col.before", "col.after"):
        table.add_column(t(key))
    for event in reversed(detail.history):
        table.add_row(event["at"].strftime("%Y-%m-%d %H:%M"), event["actor"], event["kind"], event["before"] or "", event["after"] or "")
    out.print(table)
    if detail.notes:
        out.print(f"\n[bold]{t('cases.notes')}[/]")
        for note in detail.notes:
            out.print(f"  {note['at'].strftime('%Y-%m-%d %H:%M')} {note['author']} ({note['kind']}){sep}", end="")
            out.print(note["body"], markup=False, highlight=False)


@cases.command("open", help=t("cmd.cases.open"))
def open_(
    testimony_id: Annotated[str, typer.Argument(metavar="TESTIMONY_ID", help=t("opt.testimony_id"), show_default=False)],
    priority: Annotated[Optional[str], typer.Option("--priority", help=t("opt.priority"))] = None,
    team: Annotated[Optional[str], typer.Option("--team", help=t("opt.team"))] = None,
    note: Annotated[Optional[str], typer.Option("--note", help=t("opt.case_note"))] = None,
    actor: Actor = None,
    db: DbOption = None,
) -> None:
    from ecoute.cases.service import open_case
    from ecoute.services.testimonies import get_record

    engine = _engine(db)
    whole_id = get_record(engine, testimony_id).id  # a unique prefix is enough, as for `ecoute show`
    out.print(t("cases.opened", id=open_case(engine, whole_id, _actor(actor), priority=priority, team=team, note=note)))


@cases.command("assign", help=t("cmd.cases.assign"))
def assign(
    case_id: CaseId,
    username: Annotated[Optional[str], typer.Argument(metavar="USERNAME", help=t("opt.assign_to"), show_default=False)] = None,
    unassign: Annotated[bool, typer.Option("--unassign", help=t("opt.unassign"))] = False,
    reason: Reason = None, actor: Actor = None, version: Version = None, db: DbOption = None,
) -> None:  # fmt: skip
    from ecoute.cases.service import change
    from ecoute.errors import BadOption

    if (username is None) == (not unassign):
        raise BadOption(option="USERNAME", detail="give a user name, or --unassign", command="cases assign")
    _changed(change(_engine(db), case_id, _actor(actor), assignee=username, unassign=unassign, reason=reason, expected_version=version))


@cases.command("status", help=t("cmd.cases.status"))
def status(
    case_id: CaseId,
    new_status: Annotated[str, typer.Argument(metavar="STATUS", help=t("opt.new_status"), show_default=False)],
    priority: Annotated[Optional[str], typer.Option("--priority", help=t("opt.priority"))] = None,
    team: Annotated[Optional[str], typer.Option("--team", help=t("opt.team"))] = None,
    reason: Reason = None, actor: Actor = None, version: Version = None, db: DbOption = None,
) -> None:  # fmt: skip
    from ecoute.cases.service import change
    from ecoute.cases.states import STATUSES
    from ecoute.errors import BadOption

    if new_status not in STATUSES:
        raise BadOption(option="STATUS", detail=f"{new_status!r}: use one of {', '.join(STATUSES)}", command="cases status")
    _changed(change(_engine(db), case_id, _actor(actor), status=new_status, priority=priority, team=team, reason=reason, expected_version=version))


@cases.command("resolve", help=t("cmd.cases.resolve"))
def resolve(case_id: CaseId, reason: Reason = None, actor: Actor = None, version: Version = None, db: DbOption = None) -> None:
    from ecoute.cases.service import change

    _changed(change(_engine(db), case_id, _actor(actor), status="resolved", reason=reason, expected_version=version))


@cases.command("escalate", help=t("cmd.cases.escalate"))
def escalate(case_id: CaseId, reason: Reason = None, actor: Actor = None, version: Version = None, db: DbOption = None) -> None:
    from ecoute.cases.service import escalate as escalate_case

    _changed(escalate_case(_engine(db), case_id, _actor(actor), reason=reason, expected_version=version))


@cases.command("note", help=t("cmd.cases.note"))
def note(
    case_id: CaseId,
    body: Annotated[str, typer.Argument(metavar="TEXT", help=t("opt.note_text"), show_default=False)],
    reply: Annotated[bool, typer.Option("--reply", help=t("opt.reply"))] = False,
    actor: Actor = None, version: Version = None, db: DbOption = None,
) -> None:  # fmt: skip
    from ecoute.cases.service import add_note

    add_note(_engine(db), case_id, _actor(actor), body, kind="reply" if reply else "note", expected_version=version)
    out.print(t("cases.noted", id=case_id))


@cases.command("scan", help=t("cmd.cases.scan"))
def scan(db: DbOption = None) -> None:
    from ecoute.cases.service import scan as scan_analyses

    read, opened = scan_analyses(_engine(db))
    out.print(t("cases.scanned", read=read, opened=opened))


@cases.command("notifications", help=t("cmd.cases.notifications"))
def notifications(
    failed: Annotated[bool, typer.Option("--failed", help=t("opt.failed"))] = False,
    case: Annotated[Optional[int], typer.Option("--case", help=t("opt.case_id"))] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help=t("opt.limit"))] = 50,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:  # fmt: skip
    from ecoute.cases.notify import list_notifications

    rows = list_notifications(_engine(db), status="failed" if failed else None, case_id=case, limit=limit)
    if as_json:
        _print_json(rows)
        return
    table = Table(title=t("cases.notifications_title"))
    for key in ("col.id", "col.case", "col.event", "col.channel", "col.target", "col.status", "col.attempts", "col.error"):
        table.add_column(t(key))
    for row in rows:
        table.add_row(str(row["id"]), str(row["case_id"] or "—"), row["event"], row["channel"], row["target"][:50], row["status"],
                      str(row["tries"]), (row["last_error"] or "")[:60])  # fmt: skip
    out.print(table)


@cases.command("retry", help=t("cmd.cases.retry"))
def retry(
    notification_id: Annotated[Optional[int], typer.Argument(metavar="NOTIFICATION_ID", help=t("opt.notification_id"), show_default=False)] = None,
    all_failed: Annotated[bool, typer.Option("--all-failed", help=t("opt.all_failed"))] = False,
    db: DbOption = None,
) -> None:  # fmt: skip
    from ecoute.cases.notify import retry as retry_notifications
    from ecoute.errors import BadOption

    if (notification_id is None) == (not all_failed):
        raise BadOption(option="NOTIFICATION_ID", detail="give a notification number, or --all-failed", command="cases retry")
    out.print(t("cases.retried", count=retry_notifications(_engine(db), notification_id, all_failed=all_failed)))


def worker(
    once: Annotated[bool, typer.Option("--once", help=t("opt.once"))] = False,
    interval: Annotated[Optional[int], typer.Option("--interval", min=1, help=t("opt.interval"))] = None,
    db: DbOption = None,
) -> None:
    """`ecoute worker` (registered in cli/main.py): the scheduler, in the foreground."""
    from ecoute.cases.worker import run_forever, run_once
    from ecoute.config import Settings
    from ecoute.store.db import safe_url

    settings = Settings.from_env()
    url = db or settings.database_url
    engine = _engine(url)

    def report_round(report) -> None:
        figures = report.as_dict()
        err.print(t("cases.worker_round", **{key: figures[key] for key in ("escalated", "overdue", "sent", "retried", "failed")}))
        for line in figures["errors"]:
            err.print(f"  {line}", highlight=False, markup=False, style="red")

    if once:
        report_round(run_once(engine, settings))
        return
    every = interval or settings.worker_interval
    err.print(t("cases.worker_start", url=safe_url(url), interval=every))
    run_forever(engine, settings, interval=every, on_round=report_round)

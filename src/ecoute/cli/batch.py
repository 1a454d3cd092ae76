"""`ecoute batch INPUT OUTPUT`: the batch mode's command (docs/cli/batch.md).

Like every command, it only adapts arguments, calls the service
(:func:`ecoute.batch.job.run_batch`, then :func:`ecoute.batch.load.load_output`)
and renders the result.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from ecoute.i18n import t


def retry_notice(attempt: int, delay: float, detail: str) -> None:
    """Say on stderr that the database is being waited for (imports and loads)."""
    from ecoute.cli.main import err

    err.print(f"[yellow]{t('db.retry', attempt=attempt, delay=delay, detail=detail)}[/]", highlight=False)


def _progress():
    """Records done and elapsed time: the input's size in records is not known in advance."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ecoute.cli.main import err

    return Progress(
        SpinnerColumn(),
        TextColumn("[bold blue]{task.description}"),
        TextColumn("{task.completed:,.0f}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def batch(
    input_path: Annotated[str, typer.Argument(metavar="INPUT", help=t("opt.batch_input"), show_default=False)],
    output: Annotated[str, typer.Argument(metavar="OUTPUT", help=t("opt.batch_output"), show_default=False)],
    engine: Annotated[str, typer.Option("--engine", help=t("opt.engine"))] = "local",
    workers: Annotated[Optional[int], typer.Option("--workers", help=t("opt.workers"))] = None,
    part_size: Annotated[Optional[int], typer.Option("--part-size", help=t("opt.part_size"), show_default=False)] = None,
    into: Annotated[Optional[str], typer.Option("--into", metavar="DB_URL", help=t("opt.into"))] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help=t("opt.overwrite"))] = False,
    master: Annotated[Optional[str], typer.Option("--master", help=t("opt.master"))] = None,
    text_col: Annotated[Optional[str], typer.Option("--text-col", help=t("opt.text_col"))] = None,
    id_col: Annotated[Optional[str], typer.Option("--id-col", help=t("opt.id_col"))] = None,
    date_col: Annotated[Optional[str], typer.Option("--date-col", help=t("opt.date_col"))] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help=t("opt.batch_format"))] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON summary / résumé JSON.")] = False,
) -> None:
    from ecoute.batch.job import run_batch
    from ecoute.cli.main import _settings, err, out
    from ecoute.ingest.model import ReadOptions

    options = ReadOptions(text_col=text_col, id_col=id_col, date_col=date_col, format=fmt, max_text_chars=_settings().max_text_chars)
    with _progress() as progress:
        task = progress.add_task(t("batch.progress"), total=None)
        report = run_batch(
            [input_path], output, engine=engine, options=options, workers=workers, part_size=part_size,
            overwrite=overwrite, master=master, on_part=lambda marker: progress.advance(task, marker["input"]),
        )  # fmt: skip
    if report.already_done:
        err.print(t("batch.already", output=report.output), highlight=False)
    elif report.parts_resumed:
        err.print(t("batch.resumed", done=report.parts_resumed), highlight=False)
    if into:
        from ecoute.batch.load import load_output
        from ecoute.store.db import safe_url

        report.loaded = load_output(report.output, into, on_retry=retry_notice)
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    out.print(
        t("batch.summary", engine=report.engine, input=report.input, records=report.records, duplicate=report.duplicate,
          rejected=report.rejected, parts=report.parts, output=report.output),
        highlight=False,
    )  # fmt: skip
    if report.loaded:
        loaded = report.loaded
        out.print(t("batch.loaded", url=safe_url(into), run=loaded["run_id"], stored=loaded["stored"], duplicate=loaded["duplicate"], rejected=loaded["rejected"]))

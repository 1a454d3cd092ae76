"""The `ecoute` command. Commands only adapt arguments, call services and
render results; errors are rendered once, in :func:`main`."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ecoute import __version__
from ecoute.config import Settings
from ecoute.errors import BadOption, ComponentFailed, EcouteError
from ecoute.i18n import current_language, t

# The interface language must be known before help texts are built.
for _i, _arg in enumerate(sys.argv):
    if _arg == "--lang" and _i + 1 < len(sys.argv):
        os.environ["ECOUTE_LANG"] = sys.argv[_i + 1]
    elif _arg.startswith("--lang="):
        os.environ["ECOUTE_LANG"] = _arg.split("=", 1)[1]

out = Console()
err = Console(stderr=True, soft_wrap=True)
app = typer.Typer(
    help=t("app.help"),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
_state = {"debug": False}

DEMO_CORPUS = Path(__file__).resolve().parent.parent / "data" / "demo"

DbOption = Annotated[Optional[str], typer.Option("--db", help=t("opt.db"), envvar="ECOUTE_DATABASE_URL", show_envvar=False)]
TextCol = Annotated[Optional[str], typer.Option("--text-col", help=t("opt.text_col"))]
IdCol = Annotated[Optional[str], typer.Option("--id-col", help=t("opt.id_col"))]
DateCol = Annotated[Optional[str], typer.Option("--date-col", help=t("opt.date_col"))]
FormatOpt = Annotated[Optional[str], typer.Option("--format", help=t("opt.format"))]


def _version(value: bool) -> None:
    if value:
        out.print(f"ecoute {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help=t("opt.version"))] = False,
    debug: Annotated[bool, typer.Option("--debug", help=t("opt.debug"))] = False,
    lang: Annotated[str, typer.Option("--lang", help=t("opt.lang"), envvar="ECOUTE_LANG")] = "fr",
) -> None:
    _state["debug"] = debug
    if lang not in ("fr", "en"):
        raise BadOption(option="--lang", detail=f"{lang!r}: use fr or en", command="")
    os.environ["ECOUTE_LANG"] = lang
    if os.environ.get("ECOUTE_PRIVACY", "").strip().lower() == "off":
        err.print(f"[bold yellow]{t('privacy.off_warning')}[/]", highlight=False)
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def _settings() -> Settings:
    return Settings.from_env()


def _engine(db: str | None):
    from ecoute.store.db import open_store

    return open_store(db or _settings().database_url)


def _read_options(text_col, id_col, date_col, fmt, command: str):
    from ecoute.ingest.model import FORMATS, ReadOptions

    if fmt is not None and fmt not in FORMATS:
        raise BadOption(option="--format", detail=f"{fmt!r} is not one of {', '.join(FORMATS)}", command=command)
    return ReadOptions(text_col=text_col, id_col=id_col, date_col=date_col, format=fmt, max_text_chars=_settings().max_text_chars)


def _progress():
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    return Progress(
        TextColumn("[bold blue]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _rejection_table(rows, run_id: int) -> Table:
    from ecoute.errors import render

    table = Table(title=t("rejections.title", run=run_id))
    for key in ("col.file", "col.row", "col.code", "col.reason"):
        table.add_column(t(key))
    for row in rows:
        table.add_row(row.path, "" if row.row is None else str(row.row), row.code, render(row.code, row.params or {}))
    return table


@app.command("import", help=t("cmd.import"))
def import_(
    paths: Annotated[Optional[list[str]], typer.Argument(help=t("opt.paths"), show_default=False)] = None,
    db: DbOption = None,
    text_col: TextCol = None,
    id_col: IdCol = None,
    date_col: DateCol = None,
    fmt: FormatOpt = None,
    no_analyze: Annotated[bool, typer.Option("--no-analyze", help=t("opt.no_analyze"))] = False,
    rejections: Annotated[Optional[int], typer.Option("--rejections", metavar="RUN_ID", help=t("opt.rejections"))] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON summary / résumé JSON.")] = False,
) -> None:
    from ecoute.services.imports import list_rejections

    engine = _engine(db)
    if rejections is not None:
        rows = list_rejections(engine, rejections)
        if as_json:
            for row in rows:
                print(json.dumps({"path": row.path, "row": row.row, "code": row.code, "reason": row.reason}, ensure_ascii=False))
        elif rows:
            out.print(_rejection_table(rows, rejections))
        else:
            out.print(t("rejections.none", run=rejections))
        return
    if not paths:
        raise BadOption(option="PATH", detail="give at least one file or folder", command="import")
    report = _import(engine, paths, _read_options(text_col, id_col, date_col, fmt, "import"), analyse=not no_analyze)
    if as_json:
        print(json.dumps(report.as_dict()))
        return
    out.print(t("import.summary", run=report.run_id, input=report.input, stored=report.stored, duplicate=report.duplicate, rejected=report.rejected))
    if not no_analyze:
        out.print(t("import.analysed", count=report.analysed))
    if report.rejected:
        out.print(f"[yellow]{t('import.see_rejections', run=report.run_id)}[/]")


def _import(engine, paths, options, *, analyse: bool):
    from ecoute.ingest import resolve_inputs, total_bytes
    from ecoute.pipeline import get_pipeline
    from ecoute.services.imports import run_import

    settings = _settings()
    pipeline = get_pipeline(settings.pipeline) if analyse else None
    total = total_bytes(resolve_inputs(paths))
    with _progress() as progress:
        task = progress.add_task(t("import.reading"), total=total)
        options.on_bytes = lambda n: progress.advance(task, n)
        from ecoute.cli.batch import retry_notice

        def resumed(report) -> None:
            err.print(t("import.resumed", run=report.run_id, done=report.resumed), highlight=False)

        return run_import(engine, paths, options, pipeline=pipeline, batch_size=settings.batch_size, on_retry=retry_notice, on_resume=resumed)


@app.command(help=t("cmd.analyze"))
def analyze(
    paths: Annotated[list[str], typer.Argument(help=t("opt.paths"), show_default=False)],
    text_col: TextCol = None,
    id_col: IdCol = None,
    date_col: DateCol = None,
    fmt: FormatOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help=t("opt.json"))] = False,
) -> None:
    from ecoute.ingest import resolve_inputs
    from ecoute.ingest.model import Rejection
    from ecoute.pipeline import get_pipeline
    from ecoute.record import dumps
    from ecoute.services.analysis import AnalyseCounts, analyse_inputs

    resolve_inputs(paths)  # a missing path fails before any output
    options = _read_options(text_col, id_col, date_col, fmt, "analyze")
    counts = AnalyseCounts()
    table = None if as_json else _analysis_table()
    for result in analyse_inputs(paths, options, get_pipeline(_settings().pipeline), counts):
        if isinstance(result, Rejection):
            where = "" if result.row is None else f":{result.row}"
            err.print(f"[yellow]{result.code}[/] {result.path}{where} — {result.reason()}", highlight=False)
        elif isinstance(result, ComponentFailed):
            err.print(f"[red]{result.code}[/] {result.message()}", highlight=False)
        elif as_json:
            sys.stdout.write(dumps(result) + "\n")
        else:
            _add_analysis_row(table, result)
    if table is not None:
        out.print(table)
    err.print(t("analyze.summary", analysed=counts.analysed, duplicate=counts.duplicate, rejected=counts.rejected), highlight=False)


def _analysis_table() -> Table:
    table = Table()
    for title in ("id", "lang", "date", "sentences", "text"):
        table.add_column(title, overflow="fold")
    return table


def _add_analysis_row(table: Table, record) -> None:
    preview = record.text if len(record.text) <= 90 else record.text[:87] + "…"
    table.add_row(record.id, record.language or "?", record.date or "", str(len(record.sentences)), preview.replace("\n", " "))


@app.command(help=t("cmd.schema"))
def schema() -> None:
    from ecoute.record import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@app.command(help=t("cmd.reanalyze"))
def reanalyze(
    db: DbOption = None,
    everything: Annotated[bool, typer.Option("--all", help=t("opt.all"))] = False,
) -> None:
    from ecoute.pipeline import get_pipeline
    from ecoute.services.analysis import reanalyse

    engine = _engine(db)
    pipeline = get_pipeline(_settings().pipeline)
    with _progress() as progress:
        task = progress.add_task(t("import.analysing"), total=None)
        analysed, failed = reanalyse(
            engine, pipeline, everything=everything, on_progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
    out.print(t("reanalyze.done", count=analysed, version=pipeline.version))
    if failed:
        err.print(f"[red]{failed}[/] ECO401")
        raise typer.Exit(1)


@app.command(help=t("cmd.runs"))
def runs(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", help=t("opt.limit"))] = 20,
) -> None:
    from ecoute.services.imports import list_runs

    table = Table(title=t("runs.title"))
    for key in ("col.run", "col.started", "col.status", "col.input", "col.stored", "col.duplicate", "col.rejected"):
        table.add_column(t(key))
    for run in list_runs(_engine(db), limit):
        table.add_row(
            str(run.id), run.started_at.strftime("%Y-%m-%d %H:%M:%S"), run.status,
            str(run.input_count), str(run.stored_count), str(run.duplicate_count), str(run.rejected_count),
        )
    out.print(table)


@app.command(help=t("cmd.pipeline"))
def pipeline() -> None:
    from ecoute.pipeline import get_pipeline

    table = Table(title=t("pipeline.title"))
    for key in ("col.component", "col.version", "col.assigns"):
        table.add_column(t(key))
    for comp in get_pipeline(_settings().pipeline).components:
        table.add_row(comp.registered_name, str(comp.version), ", ".join(comp.assigns))
    out.print(table)


@app.command(help=t("cmd.db"))
def db(db: DbOption = None) -> None:
    from ecoute.store.db import safe_url, upgrade

    url = db or _settings().database_url
    out.print(t("db.ready", url=safe_url(url), revision=upgrade(_engine(url))))


@app.command(help=t("cmd.demo"))
def demo(db: DbOption = None) -> None:
    from ecoute.ingest.model import ReadOptions

    engine = _engine(db)
    report = _import(engine, [str(DEMO_CORPUS)], ReadOptions(max_text_chars=_settings().max_text_chars), analyse=True)
    out.print(t("import.summary", run=report.run_id, input=report.input, stored=report.stored, duplicate=report.duplicate, rejected=report.rejected))
    out.print(t("import.analysed", count=report.analysed))


@app.command(help=t("cmd.export"))
def export(
    path: Annotated[str, typer.Argument(metavar="PATH", help=t("opt.export_path"))],
    fmt: Annotated[Optional[str], typer.Option("--format", help=t("opt.export_format"))] = None,
    db: DbOption = None,
) -> None:
    from ecoute.services.export import export as export_store

    with _progress() as progress:
        task = progress.add_task(t("export.writing"), total=None)
        count = export_store(_engine(db), path, fmt, on_row=lambda: progress.advance(task))
    out.print(t("export.done", count=count, path=path))


@app.command(help=t("cmd.train"))
def train(
    paths: Annotated[list[str], typer.Argument(metavar="FILE...", help=t("opt.paths"), show_default=False)],
    label: Annotated[str, typer.Option("--label", help=t("opt.label"))],
    text_col: TextCol = None,
    fmt: FormatOpt = None,
    encoder: Annotated[str, typer.Option("--encoder", help=t("opt.encoder"))] = "none",
    out_path: Annotated[Optional[str], typer.Option("--out", help=t("opt.model_out"))] = None,
) -> None:
    from ecoute.services.training import dumps, train as train_label
    from ecoute.understanding.encoders import ENCODERS

    if encoder not in ("none", *ENCODERS):
        raise BadOption(option="--encoder", detail=f"{encoder!r}: use none or {', '.join(ENCODERS)}", command="train")
    options = _read_options(text_col, None, None, fmt, "train")
    with _progress() as progress:
        progress.add_task(t("train.running"), total=None)
        path, summary = train_label(paths, label, options, None if encoder == "none" else encoder, Path(out_path) if out_path else None)
    out.print(t("train.done", label=label, records=summary["records"], classes=summary["classes"], path=path))
    err.print(dumps(summary), highlight=False)


@app.command(help=t("cmd.evaluate"))
def evaluate(
    paths: Annotated[list[str], typer.Argument(metavar="FILE...", help=t("opt.paths"), show_default=False)],
    label: Annotated[str, typer.Option("--label", help=t("opt.label"))],
    model: Annotated[Optional[str], typer.Option("--model", help=t("opt.model"))] = None,
    text_col: TextCol = None,
    fmt: FormatOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON.")] = False,
) -> None:
    from ecoute.services.training import dumps, evaluate as evaluate_label

    result = evaluate_label(paths, label, _read_options(text_col, None, None, fmt, "evaluate"), Path(model) if model else None)
    if as_json:
        print(dumps(result))
        return
    out.print(t("evaluate.summary", accuracy=result["accuracy"], macro_f1=result["macro_f1"], records=result["records"], model=result["model"]))
    classes, matrix = result["classes"], result["confusion"]
    if len(classes) <= 12:
        table = Table(title=t("evaluate.confusion"))
        table.add_column("")
        for name in classes:
            table.add_column(name[:12])
        for name, row in zip(classes, matrix):
            table.add_row(name, *(str(v) for v in row))
        out.print(table)
    else:  # too many classes for a grid: the most frequent confusions
        pairs = sorted(((matrix[i][j], classes[i], classes[j]) for i in range(len(classes)) for j in range(len(classes)) if i != j and matrix[i][j]), reverse=True)[:15]
        table = Table(title=t("evaluate.top_confusions"))
        for column in (t("col.truth"), t("col.predicted"), "n"):
            table.add_column(column)
        for count, truth, predicted in pairs:
            table.add_row(truth, predicted, str(count))
        out.print(table)


@app.command(help=t("cmd.keygen"))
def keygen() -> None:
    from ecoute.privacy.vault import new_key

    print(new_key())


from ecoute.cli.show import show as show_command  # noqa: E402 (help texts need --lang first)

app.command("show", help=t("cmd.show"))(show_command)
app.command("batch", help=t("cmd.batch"))(__import__("ecoute.cli.batch", fromlist=["batch"]).batch)  # docs/cli/batch.md
app.add_typer(__import__("ecoute.cli.users", fromlist=["users"]).users)  # `ecoute users …` (web accounts)
app.add_typer(__import__("ecoute.cli.themes", fromlist=["themes"]).themes)  # `ecoute themes …` (imported here: help texts need --lang first)
app.add_typer(__import__("ecoute.cli.cases", fromlist=["cases"]).cases)  # `ecoute cases …` (docs/cli/cases.md)
app.command("worker", help=t("cmd.worker"))(__import__("ecoute.cli.cases", fromlist=["worker"]).worker)  # docs/cli/worker.md


@app.command(help=t("cmd.reveal"))
def reveal(
    testimony_id: Annotated[str, typer.Argument(metavar="ID", help="Testimony id / identifiant du témoignage.")],
    reason: Annotated[str, typer.Option("--reason", help=t("opt.reason"))],
    db: DbOption = None,
) -> None:
    import getpass

    from ecoute.privacy.vault import reveal as reveal_original

    text = reveal_original(_engine(db), testimony_id, getpass.getuser(), reason, _settings())
    err.print(f"[yellow]{t('reveal.audited')}[/]", highlight=False)
    print(text)


@app.command(help=t("cmd.serve"))
def serve(
    host: Annotated[str, typer.Option("--host", help=t("opt.host"))] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help=t("opt.port"))] = 8000,
    db: DbOption = None,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help=t("opt.workers"))] = 1,
) -> None:
    import os

    import uvicorn

    from ecoute.store.db import tune_sqlite_for_reads
    from ecoute.web.app import create_app

    tune_sqlite_for_reads()  # before the first connection of this process (create_app does it too, for embedders)
    url = db or _settings().database_url
    _engine(url)  # fail early, with a clear error, if the database is unreachable
    if _settings().serve_worker:  # the case scheduler in this process (docs/cli/worker.md)
        __import__("ecoute.cases.worker", fromlist=["start_in_thread"]).start_in_thread(url, _settings(), _settings().worker_interval)
    out.print(t("serve.start", host=host, port=port))
    if workers == 1:
        uvicorn.run(create_app(url, warm=True), host=host, port=port, log_level="warning")
        return
    os.environ["ECOUTE_DATABASE_URL"] = url  # each worker process builds its own app from the environment (docs/web.md)
    uvicorn.run("ecoute.web.app:worker_app", factory=True, host=host, port=port, workers=workers, log_level="warning")


def main() -> None:
    """Entry point: runs the app and renders ecoute errors without traceback."""
    try:
        app()
    except EcouteError as exc:
        if _state["debug"]:
            raise
        colon = " :" if current_language() == "fr" else ":"
        err.print(f"[bold red]{t('error.prefix')} {exc.code}{colon}[/] {escape(exc.message())}", highlight=False)
        err.print(f"[bold]{t('error.fix')}{colon}[/] {escape(exc.fix())}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrompu / interrupted")
        sys.exit(130)

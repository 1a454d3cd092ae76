"""`ecoute themes`: discover recurring themes the taxonomy lacks, accept one
into the operator's taxonomy, list the taxonomy.

Commands only adapt arguments, call :mod:`ecoute.services.themes` and render;
errors go up to the one renderer in :func:`ecoute.cli.main.main`.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from ecoute.i18n import current_language, t
from ecoute.understanding.discovery import DiscoveryParams

themes = typer.Typer(name="themes", help=t("cmd.themes"), no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]})
_DEFAULTS = DiscoveryParams()

DbOption = Annotated[Optional[str], typer.Option("--db", help=t("opt.db"), envvar="ECOUTE_DATABASE_URL", show_envvar=False)]


def _consoles() -> tuple[Console, Console]:
    return Console(), Console(stderr=True, soft_wrap=True)


def _progress(console: Console):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[bold blue]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    )  # fmt: skip


def _shorten(text: str, width: int = 110) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@themes.command("discover", help=t("cmd.themes_discover"))
def discover(
    db: DbOption = None,
    min_size: Annotated[int, typer.Option("--min-size", min=2, help=t("opt.min_size"))] = _DEFAULTS.min_size,
    min_testimonies: Annotated[int, typer.Option("--min-testimonies", min=1, help=t("opt.min_testimonies"))] = _DEFAULTS.min_testimonies,
    distance: Annotated[float, typer.Option("--distance", min=0.05, max=0.95, help=t("opt.distance"))] = _DEFAULTS.distance,
    most: Annotated[int, typer.Option("--max", min=1, help=t("opt.max_proposals"))] = _DEFAULTS.max_proposals,
    as_json: Annotated[bool, typer.Option("--json", help=t("opt.proposals_json"))] = False,
) -> None:
    from ecoute.config import Settings
    from ecoute.services.themes import discover_themes
    from ecoute.store.db import open_store, safe_url

    out, err = _consoles()
    settings = Settings.from_env()
    url = db or settings.database_url
    params = DiscoveryParams(min_size=min_size, min_testimonies=min_testimonies, distance=distance, max_proposals=most)
    with _progress(err) as progress:
        task = progress.add_task(t("themes.embedding"), total=None)
        result = discover_themes(
            open_store(url), params, settings, on_progress=lambda done, total: progress.update(task, completed=done, total=total), url=safe_url(url)
        )
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    err.print(t("themes.summary", testimonies=result.testimonies, sentences=result.sentences, count=len(result.proposals)), highlight=False)
    if not result.proposals:
        out.print(t("themes.none"))
        return
    table = Table(title=t("themes.title"), show_lines=True)
    for key in ("col.id", "col.label", "col.size", "col.testimonies", "col.examples"):
        table.add_column(t(key), overflow="fold")
    for proposal in result.proposals:
        examples = "\n".join(f"• {_shorten(example)}" for example in proposal.examples[:3])
        table.add_row(proposal.id, proposal.label, str(proposal.size), str(proposal.testimonies), examples)
    out.print(table)
    out.print(t("themes.accept_hint", path=str(result.path)), highlight=False)


@themes.command("accept", help=t("cmd.themes_accept"))
def accept(
    proposal_id: Annotated[str, typer.Argument(metavar="PROPOSAL_ID", help=t("opt.proposal_id"), show_default=False)],
    code: Annotated[str, typer.Option("--code", help=t("opt.theme_code"), show_default=False)],
    label_fr: Annotated[Optional[str], typer.Option("--label-fr", help=t("opt.label_fr"))] = None,
    label_en: Annotated[Optional[str], typer.Option("--label-en", help=t("opt.label_en"))] = None,
    group: Annotated[str, typer.Option("--group", help=t("opt.theme_group"))] = "customer",
) -> None:
    from ecoute.services.themes import accept_proposal

    out, _ = _consoles()
    accepted = accept_proposal(proposal_id, code, label_fr, label_en, group)
    out.print(t("themes.accepted", code=accepted.code, path=str(accepted.path), count=len(accepted.phrases), language=accepted.language), highlight=False)
    out.print(t("themes.reanalyze_hint"), highlight=False)


@themes.command("list", help=t("cmd.themes_list"))
def list_() -> None:
    from ecoute.services.themes import list_themes

    out, _ = _consoles()
    taxonomy = list_themes()
    table = Table(title=t("themes.list_title", files=", ".join(taxonomy.files)))
    for key in ("col.code", "col.group", "col.label", "col.phrases", "col.origin"):
        table.add_column(t(key))
    lang = current_language()
    for theme in taxonomy.themes.values():
        counts = ", ".join(f"{language} {len(phrases)}" for language, phrases in theme.phrases.items() if phrases)
        table.add_row(theme.code, theme.group, theme.label_for(lang), counts, theme.origin)
    out.print(table)

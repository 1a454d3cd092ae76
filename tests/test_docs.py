"""Docs are tested (STYLE.md point 8): every command, setting and error code
is documented, and the README starts with the two commands."""

import re
from pathlib import Path

import pytest

from ecoute.cli.main import app
from ecoute.config import SETTING_NAMES
from ecoute.errors import all_error_classes

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def command_names():
    return sorted(c.name or c.callback.__name__.rstrip("_") for c in app.registered_commands)


def test_there_are_commands():
    assert {"import", "analyze", "schema", "serve", "reanalyze", "runs", "demo", "pipeline", "db"} <= set(command_names())


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_a_page(name):
    page = DOCS / "cli" / f"{name}.md"
    assert page.exists(), f"docs/cli/{name}.md is missing"
    assert f"ecoute {name}" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", command_names())
def test_every_option_of_a_command_is_documented(name):
    command = next(c for c in app.registered_commands if (c.name or c.callback.__name__.rstrip("_")) == name)
    import inspect

    text = (DOCS / "cli" / f"{name}.md").read_text(encoding="utf-8")
    for parameter in inspect.signature(command.callback).parameters.values():
        default = parameter.default
        # typer.Option / Argument metadata sits in Annotated extras.
        for extra in getattr(parameter.annotation, "__metadata__", ()):
            for decl in getattr(extra, "param_decls", ()) or ():
                if decl.startswith("--"):
                    assert decl in text, f"{decl} of `ecoute {name}` is not in docs/cli/{name}.md"
        del default


@pytest.mark.parametrize("name", SETTING_NAMES)
def test_every_setting_is_documented(name):
    assert name in (DOCS / "configuration.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("cls", all_error_classes(), ids=lambda c: c.code)
def test_every_error_code_is_documented(cls):
    assert cls.code in (DOCS / "errors.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, flags=re.S)
    assert blocks, "README has no command block"
    assert blocks[0].split() == ["make", "run", "make", "test"]

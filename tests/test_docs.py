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
    import typer.main

    command = typer.main.get_command(app).commands[name]
    text = (DOCS / "cli" / f"{name}.md").read_text(encoding="utf-8")
    options = [opt for param in command.params for opt in param.opts if opt.startswith("--") and opt != "--help"]
    assert options or name in ("schema", "pipeline", "keygen")
    for option in options:
        assert option in text, f"{option} of `ecoute {name}` is not in docs/cli/{name}.md"


def test_global_options_are_documented():
    import typer.main

    text = (DOCS / "cli" / "index.md").read_text(encoding="utf-8")
    for param in typer.main.get_command(app).params:
        for option in param.opts:
            assert option in text, option


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

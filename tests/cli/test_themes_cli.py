"""`ecoute themes discover | accept | list`, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from ecoute.cli.main import app
from ecoute.cli.themes import themes
from ecoute.understanding.discovery import Proposal

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "understanding" / "discovery_corpus.csv"
PARKING = Proposal(
    id="p0123456789",
    label="parking · place · stationnement",
    phrases=["parking", "place de parking", "stationnement"],
    language="fr",
    size=9,
    testimonies=9,
    cohesion=0.71,
    examples=["Le parking de la clinique est toujours complet le matin.", "Le parking souterrain est sale et mal éclairé le soir."],
)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """ECOUTE_HOME with a proposals file holding PARKING."""
    path = tmp_path / "home"
    (path / "themes").mkdir(parents=True)
    (path / "themes" / "proposals.json").write_text(json.dumps({"version": 1, "proposals": [PARKING.as_dict()]}), encoding="utf-8")
    monkeypatch.setenv("ECOUTE_HOME", str(path))
    return path


def code_of(result) -> str | None:
    return getattr(result.exception, "code", None)


def test_the_sub_app_is_registered_and_french_first():
    result = runner.invoke(app, ["themes", "--help"])
    assert result.exit_code == 0
    assert "discover" in result.output and "accept" in result.output and "list" in result.output
    assert "taxonomie" in result.output


@pytest.mark.parametrize("name", ["discover", "accept", "list"])
def test_every_subcommand_and_option_is_documented(name):
    text = (ROOT / "docs" / "cli" / "themes.md").read_text(encoding="utf-8")
    assert f"ecoute themes {name}" in text
    command = typer.main.get_command(themes).commands[name]
    for param in command.params:
        for option in param.opts:
            if option.startswith("--") and option != "--help":
                assert option in text, f"{option} of `ecoute themes {name}` is not in docs/cli/themes.md"


def test_list_shows_the_built_in_taxonomy():
    result = runner.invoke(app, ["themes", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for code in ("ivr_maze", "long_wait", "ex_pay", "staff_praise"):
        assert code in result.output


def test_accept_writes_the_operator_file_and_the_theme_loads(home):
    from ecoute.understanding.taxonomy import load_taxonomy

    result = runner.invoke(app, ["themes", "accept", PARKING.id, "--code", "parking_access", "--label-en", "Parking"])
    assert result.exit_code == 0, result.output
    assert "parking_access" in result.output and "reanalyze" in result.output
    theme = load_taxonomy().themes["parking_access"]
    assert theme.group == "customer" and theme.origin == "operator"
    assert theme.label == {"fr": PARKING.label, "en": "Parking"}
    assert list(theme.phrases["fr"]) == PARKING.phrases
    assert list(theme.examples["fr"]) == PARKING.examples
    listed = runner.invoke(app, ["themes", "list"], env={"COLUMNS": "200"})
    assert "parking_access" in listed.output and "operator" in listed.output


def test_accept_keeps_what_the_operator_file_already_holds(home):
    from ecoute.understanding.taxonomy import load_taxonomy

    existing = (
        "# Taxonomie de l'agence Lyon : ne pas effacer ce commentaire.\n"
        "version: 1\n"
        "themes:\n"
        "  # nos propres formulations\n"
        "  - code: long_wait\n"
        "    phrases: {fr: [\"file d'attente\"]}\n"
        "rules:\n"
        "  fr:\n"
        "    negation: [\"nullement\"]\n"
    )
    (home / "taxonomy.yaml").write_text(existing, encoding="utf-8")
    result = runner.invoke(app, ["themes", "accept", PARKING.id, "--code", "parking_access", "--group", "positive"])
    assert result.exit_code == 0, result.output
    text = (home / "taxonomy.yaml").read_text(encoding="utf-8")
    assert text.startswith(existing.split("rules:")[0])
    assert "ne pas effacer ce commentaire" in text and "# nos propres formulations" in text
    taxonomy = load_taxonomy()
    assert "file d'attente" in taxonomy.themes["long_wait"].phrases["fr"]
    assert taxonomy.themes["parking_access"].group == "positive"
    assert "nullement" in taxonomy.rules["fr"].negation
    assert not list(home.glob(".taxonomy.yaml*")), "the temporary file is left behind"


def test_accept_follows_ecoute_taxonomy(home, tmp_path, monkeypatch):
    from ecoute.understanding.taxonomy import load_taxonomy

    elsewhere = tmp_path / "shared" / "taxo.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text("version: 1\nthemes: []\n", encoding="utf-8")
    monkeypatch.setenv("ECOUTE_TAXONOMY", str(elsewhere))
    assert runner.invoke(app, ["themes", "accept", PARKING.id, "--code", "parking_access"]).exit_code == 0
    assert "parking_access" in elsewhere.read_text(encoding="utf-8")
    assert not (home / "taxonomy.yaml").exists()
    assert "parking_access" in load_taxonomy().themes


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["p0123456789", "--code", "Parking"], "ECO603"),
        (["p0123456789", "--code", "9parking"], "ECO603"),
        (["p0123456789", "--code", "p"], "ECO603"),
        (["p0123456789", "--code", "parking-access"], "ECO603"),
        (["pffffffffff", "--code", "parking_access"], "ECO601"),
        (["p0123456789", "--code", "long_wait"], "ECO602"),
        (["p0123456789", "--code", "parking_access", "--group", "staff"], "ECO311"),
    ],
)
def test_accept_errors_have_their_codes(home, args, code):
    result = runner.invoke(app, ["themes", "accept", *args])
    assert code_of(result) == code, result.output
    assert not (home / "taxonomy.yaml").exists()


def test_a_code_accepted_once_cannot_be_accepted_again(home):
    assert runner.invoke(app, ["themes", "accept", PARKING.id, "--code", "parking_access"]).exit_code == 0
    again = runner.invoke(app, ["themes", "accept", PARKING.id, "--code", "parking_access"])
    assert code_of(again) == "ECO602"


def test_accept_without_any_discovery_is_an_unknown_proposal(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOUTE_HOME", str(tmp_path / "empty-home"))
    assert code_of(runner.invoke(app, ["themes", "accept", "p0123456789", "--code", "parking_access"])) == "ECO601"


def test_discover_on_an_empty_store_says_so(sqlite_url):
    result = runner.invoke(app, ["themes", "discover", "--db", sqlite_url])
    assert code_of(result) == "ECO600"


def test_errors_are_rendered_once_without_traceback_in_both_languages(home):
    import os
    import subprocess
    import sys

    def ecoute(*args):
        return subprocess.run([sys.executable, "-m", "ecoute", *args], capture_output=True, text=True, env={**os.environ}, timeout=120)

    french = ecoute("themes", "accept", PARKING.id, "--code", "Parking")
    assert french.returncode == 2 and "ECO603" in french.stderr and "Que faire" in french.stderr
    assert "Traceback" not in french.stderr
    english = ecoute("--lang", "en", "themes", "accept", "pffffffffff", "--code", "parking_access")
    assert english.returncode == 2 and "ECO601" in english.stderr and "ecoute themes discover" in english.stderr


@pytest.mark.slow
def test_discover_accept_list_end_to_end(tmp_path, sqlite_url):
    imported = runner.invoke(app, ["import", str(CORPUS), "--db", sqlite_url, "--text-col", "text", "--id-col", "id", "--no-analyze"])
    assert imported.exit_code == 0, imported.output
    assert runner.invoke(app, ["reanalyze", "--db", sqlite_url], env={"ECOUTE_PIPELINE": "language,pseudonymise,sentences"}).exit_code == 0
    args = ["themes", "discover", "--db", sqlite_url, "--min-size", "5", "--distance", "0.6"]
    first = runner.invoke(app, [*args, "--json"])
    assert first.exit_code == 0, first.output
    found = json.loads(first.stdout)
    assert found["testimonies"] == 45 and len(found["proposals"]) == 3
    again = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert again["proposals"] == found["proposals"]
    table = runner.invoke(app, args, env={"COLUMNS": "220"})
    assert table.exit_code == 0
    assert all(proposal["id"] in table.stdout for proposal in found["proposals"])
    assert "carte de fidélité" in table.stdout and "parking" in table.stdout
    card = next(p for p in found["proposals"] if "carte de fidélité" in p["label"])
    accepted = runner.invoke(app, ["themes", "accept", card["id"], "--code", "loyalty_card", "--label-fr", "Carte de fidélité"])
    assert accepted.exit_code == 0, accepted.output
    assert "loyalty_card" in runner.invoke(app, ["themes", "list"], env={"COLUMNS": "200"}).stdout
    after = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert len(after["proposals"]) == 2 and all("carte de fidélité" not in p["label"] for p in after["proposals"])

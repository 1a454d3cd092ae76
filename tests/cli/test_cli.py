"""The `ecoute` command, run as a user runs it (a subprocess for the error
shape, Typer's runner elsewhere)."""

import json
import subprocess
import sys

import jsonschema
import pytest
from typer.testing import CliRunner

from ecoute import __version__
from ecoute.cli.main import app
from ecoute.record import json_schema

runner = CliRunner()


def ecoute(*args, env=None):
    """Run the real command in a subprocess: exit codes and stderr as a user sees them."""
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "ecoute", *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"ecoute {__version__}"


def test_help_is_french_by_default_and_english_on_request():
    fr = ecoute("--help")
    assert fr.returncode == 0 and "Importer des témoignages" in fr.stdout
    en = ecoute("--lang", "en", "--help")
    assert en.returncode == 0 and "Import testimonies" in en.stdout


def test_missing_path_is_a_clear_error_without_traceback(tmp_path):
    result = ecoute("import", str(tmp_path / "nope.csv"), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.returncode == 2
    assert "ECO300" in result.stderr and "introuvable" in result.stderr
    assert "Traceback" not in result.stderr
    result = ecoute("--lang", "en", "analyze", str(tmp_path / "nope.csv"))
    assert result.returncode == 2 and "no such file" in result.stderr and "How to fix" in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = ecoute("--debug", "analyze", str(tmp_path / "nope.csv"))
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_unreachable_database(tmp_path):
    (tmp_path / "a.txt").write_text("Bonjour, ma box ne marche plus.", encoding="utf-8")
    result = ecoute("import", str(tmp_path / "a.txt"), "--db", "postgresql://postgres@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "ECO200" in result.stderr and "Traceback" not in result.stderr


def test_bad_format_option(tmp_path):
    (tmp_path / "a.txt").write_text("Bonjour.", encoding="utf-8")
    result = runner.invoke(app, ["analyze", str(tmp_path / "a.txt"), "--format", "pdf"])
    assert isinstance(result.exception, Exception) and getattr(result.exception, "code", None) == "ECO311"


@pytest.fixture
def reviews(tmp_path):
    path = tmp_path / "avis.csv"
    path.write_text(
        "ref;quand;agence;verbatim\n"
        "1;2025-02-01;Lyon;Le conseiller m'a raccroché au nez après 40 minutes d'attente.\n"
        "2;2025-02-02;Lyon;\n"
        "3;2025-02-03;Lille;Very quick answer, thank you.\n"
        "4;2025-02-04;Lille;Le conseiller m'a raccroché au nez après 40 minutes d'attente.\n",
        encoding="utf-8",
    )
    return path


def test_analyze_json_lines_validate_and_join_back(reviews):
    result = ecoute("analyze", str(reviews), "--text-col", "verbatim", "--id-col", "ref", "--date-col", "quand", "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    validator = jsonschema.Draft202012Validator(json_schema())
    for record in records:
        validator.validate(record)
    assert [(r["source"]["external_id"], r["source"]["metadata"], r["language"], r["date"]) for r in records] == [
        ("1", {"agence": "Lyon"}, "fr", "2025-02-01"),
        ("3", {"agence": "Lille"}, "en", "2025-02-03"),
    ]
    assert "ECO305" in result.stderr  # the empty row, reported
    assert "2 témoignages analysés, 1 doublons, 1 rejetés" in result.stderr


def test_import_prints_counts_that_add_up_and_lists_rejections(reviews, tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["--lang", "en", "import", str(reviews), "--text-col", "verbatim", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["input"], summary["stored"], summary["duplicate"], summary["rejected"]) == (4, 2, 1, 1)
    assert summary["analysed"] == 2
    listed = runner.invoke(app, ["import", "--rejections", str(summary["run_id"]), "--db", db, "--json"])
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert [(r["row"], r["code"]) for r in rows] == [(2, "ECO305")]
    runs = runner.invoke(app, ["--lang", "en", "runs", "--db", db])
    assert "done" in runs.output


def test_import_without_paths_is_refused(tmp_path):
    result = runner.invoke(app, ["import", "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert getattr(result.exception, "code", None) == "ECO311"


def test_schema_command_prints_the_schema():
    result = runner.invoke(app, ["schema"])
    assert json.loads(result.output) == json_schema()


def test_pipeline_command_lists_components():
    result = runner.invoke(app, ["--lang", "en", "pipeline"])
    for name in ("ecoute.language.v1", "ecoute.sentences.v1", "ecoute.date.v1"):
        assert name in result.output


def test_reanalyze_after_no_analyze(reviews, tmp_path):
    db = f"sqlite:///{tmp_path / 'r.db'}"
    runner.invoke(app, ["import", str(reviews), "--text-col", "verbatim", "--db", db, "--no-analyze"])
    result = runner.invoke(app, ["--lang", "en", "reanalyze", "--db", db])
    assert result.exit_code == 0
    assert "2 testimonies re-analysed" in result.output


def test_python_dash_m_works():
    result = ecoute("--version")
    assert result.returncode == 0 and __version__ in result.stdout

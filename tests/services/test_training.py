"""`ecoute train` / `ecoute evaluate`: any label from labelled history (issue 3)."""

import json

import pytest
from typer.testing import CliRunner

from ecoute.cli.main import app
from ecoute.errors import BadOption, NotFound
from ecoute.ingest.model import ReadOptions
from ecoute.services.training import evaluate, latest_model, train
from ecoute.understanding.textclf import load

TEAMS = {
    "facturation": ["facture trop élevée ce mois", "double prélèvement sur ma facture", "erreur de facturation encore",
                    "on m'a facturé deux fois", "remboursement du trop perçu sur facture", "prélèvement injustifié facture"],
    "technique": ["ma box ne se connecte plus", "coupure internet depuis hier", "la fibre ne marche pas",
                  "wifi très lent le soir", "box qui redémarre sans arrêt", "plus de réseau internet"],
    "resiliation": ["je veux résilier mon contrat", "demande de résiliation ignorée", "comment résilier mon abonnement",
                    "résiliation pas prise en compte", "je quitte votre offre, résiliez", "résilier sans frais svp"],
}


def write(path, rows):
    path.write_text("texte,equipe\n" + "".join(f'"{text} (client Mme Martin)",{team}\n' for text, team in rows), encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    rows = [(text, team) for team, texts in TEAMS.items() for text in texts]
    training = write(tmp_path / "history.csv", rows * 2)
    testing = write(tmp_path / "new.csv", [("ma facture est fausse", "facturation"), ("internet coupé ce matin", "technique"), ("je souhaite résilier", "resiliation")])
    return training, testing


def test_train_then_evaluate(files):
    training, testing = files
    path, summary = train([str(training)], "equipe", ReadOptions())
    assert path.name == "equipe-v1.joblib" and summary["classes"] == 3 and summary["records"] == 36
    result = evaluate([str(testing)], "equipe", ReadOptions())
    assert result["accuracy"] == 1.0 and result["classes"] == ["facturation", "resiliation", "technique"]
    assert latest_model("equipe") == path
    again, _ = train([str(training)], "equipe", ReadOptions())
    assert again.name == "equipe-v2.joblib"


def test_the_model_learns_no_names(files):
    path, _ = train([str(files[0])], "equipe", ReadOptions())
    vocabulary = " ".join(load(path).vectoriser.transformer_list[0][1].vocabulary_)
    assert "martin" not in vocabulary and "person_1" in vocabulary


def test_clear_errors(files, tmp_path):
    with pytest.raises(BadOption, match="no record has a value"):
        train([str(files[0])], "missing_column", ReadOptions())
    with pytest.raises(NotFound):
        evaluate([str(files[1])], "never_trained", ReadOptions())


def test_cli(files):
    runner = CliRunner()
    result = runner.invoke(app, ["--lang", "en", "train", "--label", "equipe", str(files[0])])
    assert result.exit_code == 0, result.output
    assert "learnt from 36 records (3 classes)" in result.output
    result = runner.invoke(app, ["evaluate", "--label", "equipe", str(files[1]), "--json"])
    assert json.loads(result.output)["accuracy"] == 1.0
    result = runner.invoke(app, ["--lang", "en", "evaluate", "--label", "equipe", str(files[1])])
    assert "Accuracy 1.000" in result.output and "Confusion matrix" in result.output


@pytest.mark.slow
def test_sentence_encoder_option(files):
    path, summary = train([str(files[0])], "equipe", ReadOptions(), encoder="use")
    assert summary["encoder"] == "use"
    assert evaluate([str(files[1])], "equipe", ReadOptions(), path)["accuracy"] >= 2 / 3


def test_the_pipeline_applies_the_latest_model_of_each_label(files):
    from ecoute.pipeline import Item, Pipeline
    from ecoute.record import Source

    train([str(files[0])], "equipe", ReadOptions())
    record = Pipeline(["language", "pseudonymise", "labels"]).analyse_one(Item(text="Ma box ne se connecte plus du tout", source=Source(kind="text")))
    assert record.labels["equipe"].value == "technique"
    assert record.labels["equipe"].model == "equipe-v1"



def test_no_model_no_label(tmp_path):
    from ecoute.pipeline import Item, Pipeline
    from ecoute.record import Source

    record = Pipeline(["labels"], config={"labels": {"models_dir": str(tmp_path / "none")}}).analyse_one(Item(text="x", source=Source(kind="text")))
    assert record.labels == {}

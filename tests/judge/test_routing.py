"""The routing table (issue 4 point 5): built-in mapping, priorities, the
operator's override in ECOUTE_HOME or ECOUTE_ROUTING, and clear errors."""

from __future__ import annotations

import pytest

from ecoute.errors import RulesFileError
from ecoute.judge.routing import CAUSE_KINDS, load_routing, route
from ecoute.understanding.taxonomy import load_taxonomy


def theme(code: str, confidence: float = 0.8) -> dict:
    return {"code": code, "confidence": confidence}


def cause(kind: str, confidence: float = 0.7) -> dict:
    return {"kind": kind, "confidence": confidence}


def test_every_problem_theme_and_root_cause_has_a_team():
    routing = load_routing()
    taxonomy = load_taxonomy()
    for code in taxonomy.codes("customer") + taxonomy.codes("employee"):
        assert routing.team_for_theme(code) in routing.teams, code
    for code in taxonomy.codes("positive"):
        assert routing.team_for_theme(code) is None, code
    assert set(routing.root_causes) == set(CAUSE_KINDS)
    for team, labels in routing.teams.items():
        assert labels.get("fr") and labels.get("en"), team


@pytest.mark.parametrize(
    "code, team",
    [("ex_wellbeing", "hr"), ("ex_tools", "hr"), ("billing_fees", "billing"), ("product_failure", "product_quality"), ("ivr_maze", "telephony"), ("long_wait", "telephony")],
)
def test_builtin_theme_routes(code, team):
    assert route(load_routing(), [theme(code)]).team == team


def test_themes_come_before_root_causes_and_the_role():
    routing = load_routing()
    decided = route(routing, [theme("billing_fees", 0.5)], [cause("tools", 0.9)], "employee")
    assert (decided.team, decided.source, decided.because) == ("billing", "themes", ("billing_fees",))
    assert route(routing, [], [cause("tools", 0.9)], "employee").team == "it"
    assert route(routing, [], [], "employee").team == "hr"
    assert route(routing, [], [], "customer") .source == "default"


def test_a_tie_goes_to_the_team_listed_first():
    routing = load_routing()
    assert list(routing.teams).index("billing") < list(routing.teams).index("customer_service")
    assert route(routing, [theme("rude_staff", 0.6), theme("billing_fees", 0.6)]).team == "billing"


def test_findings_under_the_floor_are_ignored():
    routing = load_routing()
    assert routing.min_confidence == 0.3
    assert route(routing, [theme("billing_fees", 0.2)], [cause("product", 0.6)]).team == "product_quality"


# --- the operator's file --------------------------------------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch):
    path = tmp_path / "ecoute-home"
    path.mkdir()
    monkeypatch.setenv("ECOUTE_HOME", str(path))
    monkeypatch.delenv("ECOUTE_ROUTING", raising=False)
    return path


def test_the_operator_overrides_in_ecoute_home(home):
    (home / "routing.yaml").write_text(
        "default: claims\n"
        "teams:\n  claims: {fr: Sinistres, en: Claims}\n  telephony: {fr: Plateau téléphonique}\n"
        "themes:\n  billing_fees: claims\n  ex_tools: it\n  long_wait: null\n"
        "root_causes:\n  policy: claims\n",
        encoding="utf-8",
    )
    routing = load_routing()
    assert routing.files == ("ecoute/data/routing.yaml", str(home / "routing.yaml"))
    assert route(routing, [theme("billing_fees")]).team == "claims"
    assert route(routing, [theme("ex_tools")]).team == "it"  # an exact code wins over ex_*
    assert route(routing, [theme("ex_pay")]).team == "hr"
    assert route(routing, [theme("long_wait")], [cause("process")]).team == "operations"  # unmapped theme: causes decide
    assert route(routing, [], [cause("policy")]).team == "claims"
    assert route(routing).team == "claims"
    assert routing.label("telephony", "fr") == "Plateau téléphonique" and routing.label("telephony", "en") == "Telephony and contact centre"
    # the teams the operator lists come first in the priority order
    assert list(routing.teams)[:2] == ["claims", "telephony"]


def test_ecoute_routing_names_another_file(home, tmp_path, monkeypatch):
    (home / "routing.yaml").write_text("default: billing\n", encoding="utf-8")
    other = tmp_path / "elsewhere.yaml"
    other.write_text("default: it\norder: [root_causes]\n", encoding="utf-8")
    monkeypatch.setenv("ECOUTE_ROUTING", str(other))
    routing = load_routing()
    assert routing.default == "it" and routing.order == ("root_causes",)
    assert route(routing, [theme("billing_fees")]).team == "it"  # themes are no longer a source


def test_a_changed_file_is_read_again(home):
    path = home / "routing.yaml"
    path.write_text("default: billing\n", encoding="utf-8")
    assert load_routing().default == "billing"
    path.write_text("default: sales\nmin_confidence: 0.9\n", encoding="utf-8")
    assert load_routing().default == "sales"


def test_a_missing_file_named_by_the_setting_is_an_error(home, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOUTE_ROUTING", str(tmp_path / "nowhere.yaml"))
    with pytest.raises(RulesFileError) as caught:
        load_routing()
    assert "ECOUTE_ROUTING" in caught.value.message("en") and "nowhere.yaml" in caught.value.message("fr")


@pytest.mark.parametrize(
    "content, key, detail",
    [
        ("default: [", "—", "not valid YAML"),
        ("- a list\n", "—", "must be a mapping"),
        ("teams:\n  claims: {fr: Sinistres}\nroutes: {}\n", "routes", "unknown key"),
        ("version: 2\n", "version", "not supported"),
        ("default: claims\n", "default", "'claims' is not a team"),
        ("themes:\n  billing_fees: finance\n", "themes.billing_fees", "'finance' is not a team"),
        ("themes:\n  billing_fee: billing\n", "themes.billing_fee", "did you mean billing_fees"),
        ("themes:\n  \"zz_*\": hr\n", "themes.zz_*", "matches no theme code"),
        ("root_causes:\n  money: billing\n", "root_causes.money", "is not one of process"),
        ("author_role:\n  manager: hr\n", "author_role.manager", "is not one of customer"),
        ("order: [themes, themes]\n", "order", "distinct sources"),
        ("order: [emotions]\n", "order", "distinct sources"),
        ("min_confidence: 1.5\n", "min_confidence", "not a weight"),
        ("teams:\n  Claims: {fr: Sinistres}\n", "teams.Claims", "not a name"),
        ("teams:\n  claims: {french: Sinistres}\n", "teams.claims.french", "not a language"),
    ],
)
def test_a_bad_file_names_the_file_the_key_and_the_fix(home, content, key, detail):
    (home / "routing.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(RulesFileError) as caught:
        load_routing()
    error = caught.value
    assert error.code == "ECO120"
    message = error.message("en")
    assert message.startswith(f"{home / 'routing.yaml'}: {key}: "), message
    assert detail in message
    assert "docs/root-causes.md" in error.fix("en")
    assert error.message("fr").startswith(f"{home / 'routing.yaml'} : {key} : ")
    assert error.to_dict("fr")["fix"].startswith("Corrigez")

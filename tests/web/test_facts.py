"""Dashboard facts (services/facts.py): what the SQL aggregates count."""

from collections import Counter

from ecoute.services.facts import MAX_TRANSITION_STEP, analysis_columns, facet_rows, meta_rows


def _record(channels, **journey):
    events = [{"channel": c, "wait_minutes": 10 if c == "phone_ivr" else None, "outcome": "redirected"} for c in channels]
    return {"id": "t1", "themes": [{"code": "long_wait", "confidence": 0.9}, {"code": "long_wait", "confidence": 0.5}],
            "journey": {"events": events, "dead_ends": ["no_escalation", "no_escalation"], **journey},
            "source": {"kind": "csv", "metadata": {"site": "Lyon", "empty": " ", "nested": {"a": 1}, "n": 3}}}  # fmt: skip


def test_one_row_per_code_but_one_per_wait():
    rows = facet_rows(_record(["phone_ivr", "phone_agent", "phone_ivr"]))
    counted = Counter((row["kind"], row["code"]) for row in rows)
    assert counted[("wait", "phone_ivr")] == 2
    assert all(n == 1 for (kind, _), n in counted.items() if kind != "wait")
    by_key = {(row["kind"], row["code"]): row["value"] for row in rows}
    assert by_key[("outcome", "redirected")] == 3 and by_key[("dead_end", "no_escalation")] == 2 and by_key[("channel", "phone_ivr")] == 2
    assert {code for kind, code in counted if kind == "transition"} == {"1|phone_ivr|phone_agent", "2|phone_agent|phone_ivr"}


def test_the_sankey_keeps_the_first_contacts_only():
    channels = ["phone_ivr", "phone_agent"] * 10
    steps = [int(row["code"].split("|")[0]) for row in facet_rows(_record(channels)) if row["kind"] == "transition"]
    assert sorted(steps) == list(range(1, MAX_TRANSITION_STEP + 1))


def test_metadata_and_columns():
    assert meta_rows(_record([])) == [{"testimony_id": "t1", "key": "site", "value": "Lyon"}, {"testimony_id": "t1", "key": "n", "value": "3"}]
    columns = analysis_columns(_record([], contacts=0, transfers=0))
    assert columns["source_kind"] == "csv" and columns["dead_ends"] is None  # no journey told: not "zero dead ends"
    assert analysis_columns({"id": "t2"})["churn"] is None

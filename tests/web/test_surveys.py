"""Two-question surveys (issue 6, point 3): create, public page and JSON,
one answer per token, the why analysed at once, NPS/eNPS/CSAT/CES in SQL,
abuse limits with clear errors."""

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from ecoute.errors import AlreadyAnswered, InvalidSurveyToken, PayloadTooLarge, ScoreOutOfRange, SurveyClosed
from ecoute.services import surveys
from ecoute.store.db import open_store
from tests.web.conftest import assert_error


def _answer(engine, survey, score, why=None, meta=None):
    return surveys.answer(engine, survey.public_id, surveys.new_token(survey.public_id, meta or {}), score, why, meta or {})


def test_scores_follow_the_standard_definitions(store_url):
    engine = open_store(store_url)
    nps = surveys.create_survey(engine, "nps", "Boutiques", "Telvia")
    for score in (10, 9, 9, 8, 7, 6, 0, 3, 10, 5):  # 4 promoters, 2 passives, 4 detractors
        _answer(engine, nps, score)
    csat = surveys.create_survey(engine, "csat", "SAV", "Telvia")
    for score in (5, 4, 3, 1):
        _answer(engine, csat, score)
    ces = surveys.create_survey(engine, "ces", "Effort", "Telvia")
    for score in (7, 5, 2):
        _answer(engine, ces, score)
    enps = surveys.create_survey(engine, "enps", "Baromètre", "Telvia")
    for score, site in ((9, "Lyon"), (10, "Lyon"), (2, "Lille"), (8, "Lille")):
        _answer(engine, enps, score, meta={"site": site})
    result = surveys.scores(engine)
    assert result["nps"] == {"answers": 10, "mean": 6.7, "promoters": 4, "passives": 2, "detractors": 4, "nps": 0.0}
    assert result["csat"]["csat"] == 50.0 and result["csat"]["satisfied"] == 2
    assert result["ces"]["ces"] == 4.67 and result["ces"]["easy_share"] == 66.7
    assert result["enps"]["nps"] == 25.0  # 2 promoters, 1 passive, 1 detractor
    by_site = surveys.scores(engine, kinds=("enps",), group_by="site")
    assert by_site["Lyon"]["enps"]["nps"] == 100.0 and by_site["Lille"]["enps"]["nps"] == -50.0
    assert surveys.scores(engine, survey=csat.id) == {"csat": result["csat"]}
    assert surveys.scores(engine, meta={"site": "Lille"})["enps"]["answers"] == 2
    assert surveys.scores(engine, date_from="2999-01-01") == {}


def test_an_answer_is_stored_once_with_its_why_analysed(store_url, pipeline):
    engine = open_store(store_url)
    survey = surveys.create_survey(engine, "nps", "Boutiques", "Telvia", metadata={"campagne": "printemps"})
    token = surveys.new_token(survey.public_id, {"site": "Lyon"})
    result = surveys.answer(engine, survey.public_id, token, "3", "Paul Durand m'a raccroché au nez après une heure d'attente.", {"site": "Lyon"})
    assert result.score == 3 and result.testimony_id
    assert "Paul Durand" not in result.record["text"] and result.record["source"]["kind"] == "survey"
    assert result.record["source"]["metadata"]["site"] == "Lyon" and result.record["source"]["metadata"]["score"] == 3
    assert result.metadata == {"campagne": "printemps", "site": "Lyon"}
    with pytest.raises(AlreadyAnswered):
        surveys.answer(engine, survey.public_id, token, 9, "autre chose", {"site": "Lyon"})
    with pytest.raises(InvalidSurveyToken):  # the link's metadata cannot be edited
        surveys.answer(engine, survey.public_id, surveys.new_token(survey.public_id, {"site": "Lyon"}), 9, None, {"site": "Paris"})
    other = surveys.create_survey(engine, "nps", "Autre", "Telvia")
    with pytest.raises(InvalidSurveyToken):  # nor used on another survey
        surveys.answer(engine, other.public_id, surveys.new_token(survey.public_id), 9)
    for bad in (11, -1, "dix", 7.5, None, True):
        with pytest.raises(ScoreOutOfRange):
            _answer(engine, survey, bad)
    with pytest.raises(PayloadTooLarge):
        _answer(engine, survey, 5, "x" * 5001)
    assert _answer(engine, survey, 10).testimony_id is None  # "why" is optional
    surveys.set_status(engine, survey.id, "closed")
    with pytest.raises(SurveyClosed):
        _answer(engine, survey, 10)
    total, answers = surveys.list_answers(engine, survey.id)
    assert total == 2 and answers[-1]["why"] and "Paul Durand" not in answers[-1]["why"]


def test_survey_api_public_json_and_nps_in_the_dashboards(app, api, agent_api):
    created = api.post("/api/v1/surveys", json={"kind": "nps", "title": "Boutiques", "company": "Telvia", "language": "fr"})
    assert created.status_code == 201, created.text
    survey = created.json()
    assert survey["question"] == "Quelle est la probabilité que vous recommandiez Telvia à un proche ?" and survey["why"] == "Pourquoi ?"
    assert survey["link"].endswith(f"/s/{survey['public_id']}") and (survey["low"], survey["high"]) == (0, 10)
    public = TestClient(app)
    for score in (10, 9, 4):
        form = public.get(f"/api/v1/public/surveys/{survey['public_id']}", params={"site": "Lyon"}).json()
        assert form["metadata"] == {"site": "Lyon"} and form["question"] == survey["question"]
        answered = public.post(f"/api/v1/public/surveys/{survey['public_id']}/answers",
                               json={"token": form["token"], "score": score, "why": "Accueil rapide.", "metadata": {"site": "Lyon"}})  # fmt: skip
        assert answered.status_code == 201, answered.text
    assert_error(public.post(f"/api/v1/public/surveys/{survey['public_id']}/answers", json={"token": form["token"], "score": 1, "metadata": {"site": "Lyon"}}), 409, "ECO810")
    assert_error(public.post(f"/api/v1/public/surveys/{survey['public_id']}/answers", json={"token": "abc.def", "score": 1}), 400, "ECO811")
    fresh = public.get(f"/api/v1/public/surveys/{survey['public_id']}").json()["token"]
    assert_error(public.post(f"/api/v1/public/surveys/{survey['public_id']}/answers", json={"token": fresh, "score": 11}), 422, "ECO812")
    assert_error(public.post(f"/api/v1/public/surveys/{survey['public_id']}/answers", json={"token": fresh, "score": 5, "why": "x" * 5001}), 422, "ECO806")
    assert_error(public.get("/api/v1/public/surveys/unknown1"), 404, "ECO202")
    scores = api.get(f"/api/v1/surveys/{survey['id']}/scores").json()["scores"]["nps"]
    assert (scores["answers"], scores["nps"]) == (3, 33.3)
    assert api.get("/api/v1/overview").json()["scores"]["nps"]["nps"] == 33.3
    assert api.get(f"/api/v1/surveys/{survey['id']}/scores", params={"by": "site"}).json()["scores"]["Lyon"]["nps"]["answers"] == 3
    answers = api.get(f"/api/v1/surveys/{survey['id']}/answers").json()
    assert answers["total"] == 3 and answers["items"][0]["metadata"] == {"site": "Lyon"}
    assert api.get("/api/v1/testimonies", params={"source": "survey"}).json()["total"] == 1  # the same why, stored once
    links = api.post(f"/api/v1/surveys/{survey['id']}/links", json={"count": 3, "metadata": {"site": "Lille", "team": "SAV"}}).json()["links"]
    assert len(set(links)) == 3 and all("site=Lille" in link and "team=SAV" in link and "t=" in link for link in links)
    assert_error(agent_api.post(f"/api/v1/surveys/{survey['id']}/links", json={"count": 1}), 403, "ECO801")
    assert api.patch(f"/api/v1/surveys/{survey['id']}", json={"status": "closed"}).json()["status"] == "closed"
    closed = public.get(f"/api/v1/public/surveys/{survey['public_id']}").json()
    assert_error(public.post(f"/api/v1/public/surveys/{survey['public_id']}/answers", json={"token": closed["token"], "score": 8}), 409, "ECO809")
    assert {s["id"] for s in api.get("/api/v1/surveys").json()["surveys"]} == {survey["id"]}
    assert_error(api.get("/api/v1/surveys/999"), 404, "ECO202")
    assert_error(api.post("/api/v1/surveys", json={"kind": "stars", "title": "t", "company": "c"}), 422, "ECO806")


def test_public_page_works_without_account_and_counts_once(app, api):
    survey = api.post("/api/v1/surveys", json={"kind": "enps", "title": "Baromètre", "company": "Maisonnia"}).json()
    public = TestClient(app)
    page = public.get(f"/s/{survey['public_id']}?team=Jardins", headers={"accept": "text/html"})
    assert page.status_code == 200 and 'name="viewport"' in page.text
    text = unescape(page.text)
    assert "comme employeur" in text and "Pourquoi ?" in text and text.count('type="radio"') == 11
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    form = {"token": token, "score": "2", "why": "Trop de formulaires, pas d'augmentation.", "team": "Jardins"}
    sent = public.post(f"/s/{survey['public_id']}", data=form, headers={"accept": "text/html"})
    assert sent.status_code == 200 and "Merci" in sent.text
    again = public.post(f"/s/{survey['public_id']}", data=form, headers={"accept": "text/html"})
    assert again.status_code == 409 and "ECO810" in again.text
    empty = public.post(f"/s/{survey['public_id']}", data={"token": token + "x"}, headers={"accept": "text/html"})
    assert empty.status_code == 400 and "ECO811" in empty.text
    english = public.get(f"/s/{survey['public_id']}?lang=en", headers={"accept": "text/html"})
    assert "as a place to work" in unescape(english.text) and "Why?" in english.text
    assert api.get(f"/api/v1/surveys/{survey['id']}/scores").json()["scores"]["enps"]["nps"] == -100.0


def test_abuse_limits_answer_with_clear_errors(monkeypatch, sqlite_url):
    monkeypatch.setenv("ECOUTE_SURVEY_RATE_LIMIT", "3")
    from ecoute.web.app import create_app

    engine = open_store(sqlite_url)
    survey = surveys.create_survey(engine, "csat", "SAV", "Telvia")
    client = TestClient(create_app(sqlite_url))
    url = f"/api/v1/public/surveys/{survey.public_id}/answers"
    for _ in range(3):
        assert client.post(url, json={"token": surveys.new_token(survey.public_id), "score": 4}).status_code == 201
    limited = client.post(url, json={"token": surveys.new_token(survey.public_id), "score": 4})
    error = assert_error(limited, 429, "ECO804")
    assert int(limited.headers["retry-after"]) >= 1 and error["details"]["scope"] == "IP"
    huge = client.post(url, content=b'{"token": "' + b"x" * 70_000 + b'"}', headers={"content-type": "application/json"})
    assert_error(huge, 413, "ECO805")


def test_one_token_is_tried_five_times_at_most(sqlite_url):
    from ecoute.web.app import create_app

    engine = open_store(sqlite_url)
    survey = surveys.create_survey(engine, "nps", "Boutiques", "Telvia")
    client = TestClient(create_app(sqlite_url))
    url = f"/api/v1/public/surveys/{survey.public_id}/answers"
    for _ in range(5):
        assert_error(client.post(url, json={"token": "guess.guess", "score": 4}), 400, "ECO811")
    assert_error(client.post(url, json={"token": "guess.guess", "score": 4}), 429, "ECO804")


def test_concurrent_answers_with_the_same_why_are_all_stored(store_url, pipeline):
    """Regression (issue 6): answers arriving together must neither exhaust
    the connection pool while the pipeline runs nor fail when two of them
    store the same "why" at the same moment."""
    from concurrent.futures import ThreadPoolExecutor

    engine = open_store(store_url)
    survey = surveys.create_survey(engine, "nps", "Charge", "Telvia")

    def one(k: int):
        return _answer(engine, survey, k % 11, "Toujours le même robot, toujours la même attente.")

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(one, range(24)))
    assert len({r.id for r in results}) == 24
    assert len({r.testimony_id for r in results}) == 1
    assert surveys.scores(engine)["nps"]["answers"] == 24

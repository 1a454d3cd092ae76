"""Server-rendered pages (issue 6, points 1, 2 and 5): login, roles, both
languages, each page, the testimony's evidence and timeline, report, import."""

import re
import time
from html import unescape

import pytest
from fastapi.testclient import TestClient

from ecoute.web.render import highlight
from tests.web.conftest import PASSWORD, assert_error, csrf_of, login

HTML = {"accept": "text/html"}
PAGES = {  # path: (French text, English text)
    "/": ("Vue d'ensemble", "Overview"),
    "/explorer": ("Explorateur de verbatims", "Verbatim explorer"),
    "/journeys": ("Parcours clients", "Customer journeys"),
    "/compare": ("Clients et salariés, côte à côte", "Customers and employees, side by side"),
    "/surveys": ("Enquêtes en deux questions", "Two-question surveys"),
    "/report": ("Rapport", "Report"),
    "/import": ("Importer un fichier", "Import a file"),
    "/themes/long_wait": ("Thème long_wait", "Theme long_wait"),
}


def test_pages_need_a_login_and_login_works(app):
    client = TestClient(app)
    first = client.get("/explorer", headers=HTML, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/login?next=/explorer"
    wrong = login(client, "admin", "not the password")
    assert wrong.status_code == 401 and "ECO802" in wrong.text
    assert login(client, "admin").headers["location"] == "/"
    assert client.get("/", headers=HTML).status_code == 200
    logout = client.post("/logout", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert logout.status_code == 303
    assert client.get("/", headers=HTML, follow_redirects=False).status_code == 303


def test_login_form_needs_its_csrf_cookie_and_next_stays_local(app):
    client = TestClient(app)
    refused = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": "x"}, headers=HTML)
    assert refused.status_code == 403 and "ECO803" in refused.text
    page = client.get("/login?next=//evil.example/x")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"}, follow_redirects=False)
    assert answer.headers["location"] == "/"


@pytest.mark.parametrize("path", sorted(PAGES))
def test_every_page_in_french_and_english(browser_client, path):
    french, english = PAGES[path]
    page = browser_client.get(path, headers=HTML)
    assert page.status_code == 200, page.text[:500]
    assert french in unescape(page.text) and 'lang="fr"' in page.text
    assert "/static/vendor/echarts.min.js" in page.text or path in ("/explorer", "/surveys", "/report", "/import")
    switched = browser_client.get(path + "?lang=en", headers=HTML)
    assert english in unescape(switched.text) and 'lang="en"' in switched.text
    assert switched.cookies.get("ecoute_lang") == "en" or browser_client.cookies.get("ecoute_lang") == "en"
    assert english in unescape(browser_client.get(path, headers=HTML).text)  # the choice sticks
    browser_client.get(path + "?lang=fr", headers=HTML)


def test_the_charting_library_is_served_from_the_package(browser_client):
    script = browser_client.get("/static/vendor/echarts.min.js")
    assert script.status_code == 200 and len(script.content) > 500_000
    page = browser_client.get("/", headers=HTML).text
    assert "http://" not in re.sub(r'href="http://testserver[^"]*"', "", " ".join(re.findall(r'(?:src|href)="[^"]*"', page)))


def test_agent_sees_no_import_no_export_and_pseudonymised_text(app):
    client = TestClient(app)
    login(client, "agent")
    assert "/import" not in client.get("/", headers=HTML).text
    page = client.get("/import", headers=HTML)
    assert page.status_code == 403 and "ECO801" in page.text
    explorer = client.get("/explorer", headers=HTML).text
    assert "export-csv" not in explorer and "Jean Dupont" not in explorer and "06 12 34 56 78" not in explorer


def test_testimony_page_highlights_evidence_and_draws_the_journey(browser_client, api):
    found = api.get("/api/v1/testimonies", params={"q": "robot"}).json()["items"][0]
    page = browser_client.get(f"/testimonies/{found['id']}", headers=HTML).text
    assert 'class="ev-pii"' in page and "Jean Dupont" not in page
    assert 'id="timeline"' in page and page.count('class="channel"') == len(found["record"]["journey"]["events"]) >= 1
    assert "phone_ivr" in page or "phone_agent" in page
    missing = browser_client.get("/testimonies/t000", headers=HTML)
    assert missing.status_code == 404 and "ECO202" in missing.text


def test_explorer_filters_sort_and_export_links(browser_client):
    page = browser_client.get("/explorer?meta.site=Lille&sort=sentiment&order=asc", headers=HTML).text
    assert "2 témoignages" in page
    assert 'href="/api/v1/export?meta.site=Lille&amp;format=csv"' in page
    assert "aucun témoignage ne correspond" not in page.lower()
    none = browser_client.get("/explorer?q=zzzzzz", headers=HTML).text
    assert "Aucun témoignage ne correspond" in none
    bad = browser_client.get("/explorer?date_from=yesterday", headers=HTML)
    assert bad.status_code == 400 and "ECO311" in bad.text


def test_report_as_html_and_pdf(browser_client):
    html = browser_client.get("/report?date_from=2025-01-01&date_to=2025-03-31", headers=HTML)
    assert "Période du 2025-01-01 au 2025-03-31" in html.text
    pdf = browser_client.get("/report.pdf?date_from=2025-01-01")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_import_a_file_from_the_web(browser_client, api):
    csv_text = "id,text,site\nW1,Le livreur a laissé le colis devant la porte sans sonner.,Nantes\nW2,,Nantes\n"
    started = api.post("/api/v1/imports", files={"file": ("retours.csv", csv_text.encode(), "text/csv")}, data={"id_col": "id"})
    assert started.status_code == 202, started.text
    job = started.json()
    for _ in range(200):
        job = api.get(f"/api/v1/imports/{job['id']}").json()
        if job["status"] != "running":
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert (job["report"]["input"], job["report"]["stored"], job["report"]["rejected"]) == (2, 1, 1)
    assert job["rejections"][0]["code"] == "ECO305" and job["rejections"][0]["row"] == 2
    assert api.get("/api/v1/testimonies", params={"meta.site": "Nantes"}).json()["total"] == 1
    assert_error(api.post("/api/v1/imports", files={"file": ("x.csv", b"a")}, data={"format": "doc"}), 400, "ECO311")
    assert_error(api.get("/api/v1/imports/nope"), 404, "ECO202")


def test_first_administrator_from_the_setup_page(sqlite_url):
    from ecoute.web.app import create_app

    client = TestClient(create_app(sqlite_url))
    assert client.get("/login", follow_redirects=False).headers["location"] == "/setup"
    page = client.get("/setup")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    weak = client.post("/setup", data={"username": "root", "password": "court", "csrf_token": token}, headers=HTML)
    assert weak.status_code == 400 and "ECO807" in weak.text
    made = client.post("/setup", data={"username": "root", "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303 and client.get("/api/v1/me").json()["role"] == "admin"
    closed = TestClient(create_app(sqlite_url)).get("/setup", headers=HTML)
    assert closed.status_code == 403 and "ECO815" in closed.text


def test_unknown_page_and_security_headers(browser_client):
    page = browser_client.get("/nowhere", headers=HTML)
    assert page.status_code == 404 and "ECO814" in page.text and "<html" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_highlight_nests_crossing_spans_and_escapes():
    record = {
        "text": "<b>Jean</b> a attendu longtemps",
        "pii": [{"type": "PERSON", "placeholder": "<PERSON_1>", "start": 3, "end": 7}],
        "themes": [{"code": "long_wait", "confidence": 1, "evidence": [{"start": 12, "end": 31, "text": "attendu longtemps"}, {"start": 0, "end": 99, "text": "out of range"}]}],
        "emotions": [{"emotion": "anger", "intensity": 0.5, "evidence": [{"start": 5, "end": 20, "text": "an</b> a attendu"}]}],
    }
    html = str(highlight(record))
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert html.count("<mark") == html.count("</mark>")
    assert '<mark class="ev-emotion" title="anger"><mark class="ev-pii" title="PERSON">an</mark></mark>' in html
    assert '<mark class="ev-theme" title="long_wait">' in html and "out of range" not in html


def test_overview_counts_open_cases_and_the_testimony_links_its_case(browser_client, api, store):
    from ecoute.cases.service import open_case
    from ecoute.store.db import open_store

    found = api.get("/api/v1/testimonies", params={"q": "résilier"}).json()["items"][0]
    before = api.get("/api/v1/overview").json()["cases"]["open"]
    page = browser_client.get(f"/testimonies/{found['id']}", headers=HTML).text
    if 'id="case-link"' not in page:  # the rules may already have opened one
        open_case(open_store(store), found["id"], "admin", priority="high")
        before += 1
        page = browser_client.get(f"/testimonies/{found['id']}", headers=HTML).text
    assert 'id="case-link"' in page and "/cases/" in page
    assert api.get("/api/v1/overview").json()["cases"]["open"] == before
    overview = browser_client.get("/", headers=HTML).text
    assert 'href="/cases?view=overdue"' in overview

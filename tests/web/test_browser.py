"""The web app in a real browser (issue 6, point 6): headless Chromium driven
by Playwright against a served app on the demo corpus. Log in, see the
overview, filter the explorer, open a testimony and its journey timeline,
create a survey, answer it from its public page on a phone, see the answer
counted in the NPS. Screenshots of each page go to ECOUTE_SCREENSHOTS (the
docs use ``make screenshots``, which writes docs/screenshots/)."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from ecoute.ingest.model import ReadOptions
from ecoute.services import users
from ecoute.services.imports import run_import
from ecoute.store.db import open_store

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
# Headless flags that keep Chromium off the network (shared/NOTES.md).
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
DEMO = Path(__file__).resolve().parents[2] / "src" / "ecoute" / "data" / "demo"
PASSWORD = "une phrase de passe"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(sqlite_url, pipeline):
    import uvicorn

    from ecoute.web.app import create_app

    engine = open_store(sqlite_url)
    run_import(engine, [str(DEMO)], ReadOptions(), pipeline=pipeline)
    users.create_user(engine, "camille", PASSWORD, "admin", "Camille Leroy")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(sqlite_url), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium is missing: apt-get install -y chromium (.ci/run does it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("ECOUTE_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return shot


def _charts_drawn(page, count: int = 1) -> None:
    page.locator("[data-ready]").nth(count - 1).wait_for(timeout=10_000)  # no eval(): the pages' CSP forbids it


def test_a_day_with_ecoute(server, browser, shots):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: errors.append("failed " + request.url))

    # Log in.
    page.goto(server + "/")
    assert "/login" in page.url
    shots(page, "login")
    page.fill("#username", "camille")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")

    # The overview, its charts drawn by the vendored library.
    page.wait_for_selector("#kpi-selected")
    assert int(page.inner_text("#kpi-selected .value")) >= 40
    _charts_drawn(page, 2)
    assert page.locator("#chart-volume svg").count() == 1

    # Filter the explorer: employees only, then words of the text.
    page.click("text=Explorateur")
    everything = int(re.search(r"\d+", page.inner_text("#found")).group())
    page.select_option("select[name=role]", "employee")
    page.click("#apply-filters")
    page.wait_for_url(re.compile(r"role=employee"))
    employees = int(re.search(r"\d+", page.inner_text("#found")).group())
    assert 0 < employees < everything
    assert "date_from" not in page.url  # empty fields are not sent
    page.fill("input[name=q]", "robot")
    page.click("#apply-filters")
    page.wait_for_url(re.compile(r"q=robot"))
    shots(page, "explorer")
    page.goto(server + "/explorer?q=quarante%20ans")

    # Open a testimony: its text with evidence, its journey as a timeline.
    page.locator(".verbatim .meta a").first.click()
    page.wait_for_selector("#timeline li")
    assert page.locator("#timeline li").count() >= 2
    assert page.locator("#testimony-text mark").count() >= 1
    shots(page, "testimony")

    for path, name, charts in (("/journeys", "journeys", 2), ("/compare", "compare", 1), ("/report", "report", 0), ("/import", "import", 0)):
        page.goto(server + path)
        if charts:
            _charts_drawn(page, charts)
        if name == "journeys":
            assert page.locator("#sankey svg").count() == 1
        shots(page, name)

    # Create a survey.
    page.goto(server + "/surveys")
    page.select_option("#survey-kind", "nps")
    page.fill("#survey-title", "Boutiques — printemps")
    page.fill("#survey-company", "Telvia")
    page.click("#survey-create")
    page.wait_for_selector("#public-link")
    link = page.inner_text("#public-link")
    shots(page, "surveys")

    # Answer it from its public page, on a phone, without an account.
    phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    public = phone.new_page()
    public.goto(link + "?site=Lyon")
    assert "Telvia" in public.inner_text("h1")
    public.click("label[for=score-10]")
    public.fill("#why", "Conseillère très aimable, problème réglé en cinq minutes. Merci Sophie Martin !")
    shots(public, "survey-public")
    public.click("#answer-submit")
    public.wait_for_selector("#thanks")
    phone.close()

    # The answer is counted in the NPS on the overview and on the survey's page.
    page.goto(server + "/")
    assert page.inner_text("#score-nps .value").strip() == "+100"
    assert "réponses : 1" in page.inner_text("#score-nps .sub")
    _charts_drawn(page, 3)
    shots(page, "overview")
    page.goto(server + "/surveys")
    page.locator("#surveys-table a").first.click()
    assert "Sophie Martin" not in page.inner_text("#answers")  # pseudonymised before storage
    assert errors == [], errors
    context.close()

"""API load (issue 8, point 6): what `bench/load.py` runs with locust.

Each simulated client writes new testimonies (unique texts) through the
REST API and reads lists, records and dashboards, with an API token from
ECOUTE_LOAD_TOKEN. Every write that the API acknowledged is remembered in
ECOUTE_LOAD_WRITES (one id per line, per process), so that bench/load.py can
check afterwards that none was lost.
"""

from __future__ import annotations

import itertools
import os
import random
import uuid

from locust import HttpUser, between, events, task

REVIEWS = [
    "J'ai appelé le service client {n} fois, attente de {m} minutes, puis on m'a raccroché au nez.",
    "Conseillère très aimable, dossier réglé en un appel, merci (dossier {n}, {m} minutes).",
    "Après {m} minutes de musique d'attente on me transfère au mauvais service, toujours rien ({n}).",
    "Le site ne donne aucune adresse pour écrire, j'ai envoyé un courrier recommandé le {m} mars ({n}).",
]
_counter = itertools.count()
_run = uuid.uuid4().hex[:8]
_written: list[str] = []


@events.quitting.add_listener
def _save(environment, **_kwargs):
    path = os.environ.get("ECOUTE_LOAD_WRITES")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.writelines(f"{testimony_id}\n" for testimony_id in _written)


class ApiClient(HttpUser):
    wait_time = between(0.05, 0.3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {os.environ['ECOUTE_LOAD_TOKEN']}"
        self.mine: list[str] = []

    @task(2)
    def write(self):
        n = next(_counter)
        text = random.choice(REVIEWS).format(n=f"{_run}-{n}", m=n % 90)
        with self.client.post("/api/v1/testimonies", json={"text": text, "external_id": f"load-{_run}-{n}"}, catch_response=True, name="POST /testimonies") as response:
            if response.status_code != 201:
                response.failure(f"status {response.status_code}: {response.text[:200]}")
                return
            body = response.json()
            if body.get("duplicate"):
                response.failure("a unique text was taken for a duplicate")
                return
            self.mine.append(body["id"])
            _written.append(body["id"])

    @task(3)
    def read_list(self):
        self.client.get("/api/v1/testimonies?per_page=20", name="GET /testimonies")

    @task(2)
    def read_record(self):
        if self.mine:
            self.client.get(f"/api/v1/records/{random.choice(self.mine)}", name="GET /records/{id}")

    @task(1)
    def dashboard(self):
        self.client.get("/api/v1/overview", name="GET /overview")

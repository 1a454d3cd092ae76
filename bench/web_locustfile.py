"""Survey answers under load (issue 6): what `bench/web.py` runs with locust.

Each simulated respondent opens the public survey ECOUTE_WEB_SURVEY through
its JSON endpoint (a fresh answer token), answers it with a score and a
"why" (a real review from ECOUTE_WEB_REVIEWS made unique), then reads the
thank-you page for 0.5–1.5 s before the next answer.
"""

from __future__ import annotations

import csv
import itertools
import os
import random
import uuid

from locust import HttpUser, between, task

SURVEY = os.environ["ECOUTE_WEB_SURVEY"]
with open(os.environ["ECOUTE_WEB_REVIEWS"], encoding="utf-8", newline="") as handle:
    WHYS = [row["text"] for row in csv.DictReader(handle) if 20 < len(row["text"]) < 400][:3000]
SITES = ("Lyon", "Lille", "Paris", "Nantes")
_counter = itertools.count()
_run = uuid.uuid4().hex[:6]


class Respondent(HttpUser):
    wait_time = between(0.5, 1.5)

    @task
    def answer(self):
        site = random.choice(SITES)
        with self.client.get(f"/api/v1/public/surveys/{SURVEY}?site={site}", name="GET survey (token)", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}: {response.text[:200]}")
                return
            form = response.json()
        n = next(_counter)
        body = {"token": form["token"], "score": random.randint(0, 10), "why": f"{random.choice(WHYS)} (réponse {_run}-{n})", "metadata": form["metadata"]}
        with self.client.post(f"/api/v1/public/surveys/{SURVEY}/answers", json=body, name="POST answer", catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"status {response.status_code}: {response.text[:200]}")
            elif not response.json().get("testimony_id") or not response.json().get("record"):
                response.failure("the why was not stored and analysed")

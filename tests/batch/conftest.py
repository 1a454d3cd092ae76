"""A fast environment for the batch tests (no model to load)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def fast_env(tmp_path, monkeypatch):
    """Privacy off and a two-component pipeline: workers start in a second."""
    env = {"ECOUTE_PRIVACY": "off", "ECOUTE_PIPELINE": "language,date", "ECOUTE_SECRET_KEY": "batch-test-key", "ECOUTE_LANG": "en"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return {**os.environ, **env, "ECOUTE_HOME": str(tmp_path / "home")}

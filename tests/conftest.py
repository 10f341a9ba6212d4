"""Shared fixtures: small corpora written to tmp_path, and the bundled seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Every test gets its own index cache, never the repository's `.cache/`."""
    monkeypatch.setenv("CHUCHU_CACHE_DIR", str(tmp_path / "chuchu-cache"))

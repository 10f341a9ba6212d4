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
    """Every test gets its own index cache and store, never the repository's or the user's."""
    monkeypatch.setenv("CHUCHU_CACHE_DIR", str(tmp_path / "chuchu-cache"))
    monkeypatch.setenv("CHUCHU_DATA_DIR", str(tmp_path / "chuchu-data"))


@pytest.fixture(autouse=True)
def _settled_files(monkeypatch):
    """Files a test has just written count as settled: the listing trusts their stat at once.

    Outside tests a file changed within a second of being read is read again next time
    (`cache.listing.RACY_NS`); tests/test_cache_trust.py checks that on its own.
    """
    import retrieval.cache.listing as listing

    monkeypatch.setattr(listing, "RACY_NS", 0)


# -- the Telegram tests' corpus, answerer and fake Bot API server ---------------------------
@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from fake_bot_api import write_corpus

    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def answerer(corpus: Path):
    from config.settings import load_settings
    from retrieval.answer import Answerer

    return Answerer.build(load_settings(documents_dir=corpus, cache_dir=corpus.parent / "cache"))


@pytest.fixture
async def server():
    from fake_bot_api import FakeBotApi

    fake = await FakeBotApi().start()
    yield fake
    await fake.stop()

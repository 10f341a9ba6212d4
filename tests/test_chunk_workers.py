"""Chunking on every core gives what chunking in one process gives, byte for byte."""

from __future__ import annotations

import os

from retrieval.store import IndexStore
from tests.answer_helpers import SPEECH, SYMPOSIUM
from tests.conftest import SEEDS
from tests.helpers import DOC_B, DOC_C, write


def _corpus(tmp_path, workers: int):
    store = IndexStore(tmp_path / f"cache-{workers}", progress=False, workers=workers)
    corpus = store.corpus(tmp_path / "docs")
    store.finish()
    return store, corpus


def test_chunking_on_two_processes_equals_one_process(tmp_path):
    docs = tmp_path / "docs"
    for seed in sorted(SEEDS.iterdir())[:3]:
        write(docs, f"seeds/{seed.name}", seed.read_text(encoding="utf-8"))
    for name, text in (("b.txt", DOC_B), ("c.txt", DOC_C), ("d/symposium.txt", SYMPOSIUM),
                       ("d/speech.txt", SPEECH), ("empty.txt", "# 空\n")):
        write(docs, name, text)
    alone_store, alone = _corpus(tmp_path, 1)
    pool_store, pooled = _corpus(tmp_path, 2)
    assert alone_store.stats["documents_cut"] == pool_store.stats["documents_cut"] == 8
    assert list(pooled.passages) == list(alone.passages) and pooled.spans == alone.spans
    assert [d.id for d in pooled.documents] == [d.id for d in alone.documents]
    for kind in ("passages", "records"):
        one = {p.name: p.read_bytes() for p in (alone_store.root / kind).iterdir()}
        two = {p.name: p.read_bytes() for p in (pool_store.root / kind).iterdir()}
        assert one == two and len(one) == 8
    ids = [p.id for p in pooled.passages]
    assert len(set(ids)) == len(ids)  # deterministic, and each passage once


def test_a_document_that_cannot_be_read_is_skipped_by_a_worker_too(tmp_path):
    docs = tmp_path / "docs"
    write(docs, "a.txt", DOC_B)
    (docs / "b.md").write_bytes(b"\x00\x01binary")
    write(docs, "c.txt", DOC_C)
    store, corpus = _corpus(tmp_path, 2)
    assert [d.id for d in corpus.documents] == ["a.txt", "c.txt"]
    assert [s.path for s in corpus.skipped] == ["b.md"] and os.path.exists(docs / "b.md")

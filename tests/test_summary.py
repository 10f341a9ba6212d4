"""The summary's one pass: the same whether it runs in this process or in forked workers."""

from __future__ import annotations

import retrieval.summary as summary_module
from retrieval.chunking import chunk_document
from retrieval.summary import index_text, summarise
from tests.answer_helpers import SPEECH, SYMPOSIUM
from tests.helpers import make_document


def _passages():
    """Both written texts, each twice under another name: duplicates across documents too."""
    passages = []
    for name, text in [("a.txt", SYMPOSIUM), ("b.txt", SPEECH), ("c.txt", SYMPOSIUM),
                       ("d.txt", SPEECH)]:
        passages += chunk_document(make_document(text, name))
    return passages


def test_summary_in_workers_equals_the_summary_in_one_process(monkeypatch):
    passages = _passages()
    alone, indexed = summarise(passages)
    monkeypatch.setattr(summary_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(summary_module, "_RANGE", 3)  # ranges that split documents
    together, indexed_together = summarise(passages, workers=2)
    assert together == alone
    assert indexed_together == indexed


def test_summary_indexes_each_paragraph_once_with_its_speakers():
    passages = _passages()
    summary, indexed = summarise(passages)
    searchable = [passages[i] for i in summary.searchable]
    assert indexed.texts == [index_text(p) for p in searchable]
    assert indexed.documents == [p.document_id for p in searchable]
    # The repeated paragraph, and every paragraph of the copies, is indexed once.
    assert len(set(indexed.texts)) == len(indexed.texts)
    assert {p.document_id for p in searchable} == {"a.txt", "b.txt"}
    assert any("郑一鸣" in text and "常务副主席" in text for text in indexed.texts)
    assert [summary.by_id.get(p.id) for p in passages] == list(range(len(passages)))
    assert summary.by_id.get("no-such-passage") is None
    names = [stat.name for stat in summary.stats]
    assert {"郑一鸣", "林晓燕", "陈立新", "方志远"} <= set(names)
    assert summary.examples[0] == "郑一鸣说了什么？"
    assert "郑一鸣" in summary.user_words


def test_id_table_finds_every_id_and_the_last_of_a_repeated_one():
    from retrieval.summary import IdTable

    ids = ["b2", "a1", "c3", "a1", "é9", "a10"]
    table = IdTable(ids)
    assert [table.get(i) for i in ["b2", "c3", "é9", "a10"]] == [0, 2, 4, 5]
    assert table.get("a1") == 3  # as a dict built in order would say
    assert table.get("a") is None and table.get("zz") is None and table.get("") is None
    assert IdTable([]).get("a1") is None

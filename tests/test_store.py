"""The persisted index: reused when nothing changed, rebuilt when damaged, updated piecewise.

Each test writes a small corpus of its own into tmp_path and keeps its cache there too.
"""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from config.settings import load_settings
from retrieval.answer import Answerer
from retrieval.build import build_answerer
from retrieval.cache import CacheUnavailable
from retrieval.index import BM25sIndex
from retrieval.store import IndexStore
from retrieval.tokenize import Tokenizer
from tests.helpers import DOC_B, DOC_C, cache_store, write

DOC_A = """# 职工之家建设

西湖市总工会党组书记、常务副主席郑一鸣表示，今年将新建职工之家五十个，让职工下班有去处。

大家认为，职工之家要办在职工身边。
"""


def _corpus(folder: Path) -> Path:
    write(folder, "a.txt", DOC_A)
    write(folder, "b.txt", DOC_B)
    return folder


def _build(docs: Path, cache: Path) -> Answerer:
    return build_answerer(load_settings(documents_dir=docs, cache_dir=cache))


def _texts(answer) -> list[str]:
    return [hit.passage.id for hit in answer.hits]


def test_unchanged_corpus_is_read_from_the_cache(tmp_path):
    docs = _corpus(tmp_path / "docs")
    first = cache_store(tmp_path)
    corpus = first.corpus(docs)
    assert first.stats["documents_cut"] == 2
    again = cache_store(tmp_path)
    cached = again.corpus(docs)
    assert again.stats == {"documents_read": 0, "documents_cut": 0, "index_built": 0, "rebuilt": 0}
    assert cached.passages == corpus.passages and cached.documents == corpus.documents


def test_answers_with_the_cache_equal_answers_without(tmp_path):
    docs = _corpus(tmp_path / "docs")
    plain = Answerer.from_passages(*_plain(docs))
    for _ in range(2):  # built, then read back
        cached = _build(docs, tmp_path / "cache")
        for question in ("新建多少个职工之家？", "劳模工匠创新工作室", "王小红说了什么"):
            assert _texts(cached.ask(question)) == _texts(plain.ask(question))


def _plain(docs: Path):
    from retrieval.chunking import chunk_document
    from retrieval.loading import load_documents

    documents = list(load_documents(docs))
    return [p for d in documents for p in chunk_document(d)], documents


def test_bm25s_index_is_persisted_and_reused(tmp_path):
    docs = _corpus(tmp_path / "docs")
    store = cache_store(tmp_path)
    corpus = store.corpus(docs)
    tokenizer = Tokenizer(["郑一鸣", "王小红"])
    tokens, index = store.prepare(tokenizer, corpus.passages, engine="bm25s")
    assert isinstance(index, BM25sIndex) and store.stats["index_built"] == 1
    again = cache_store(tmp_path)
    again.corpus(docs)
    tokens2, index2 = again.prepare(Tokenizer(["郑一鸣", "王小红"]), corpus.passages, engine="bm25s")
    assert again.stats["index_built"] == 0 and tokens2 == tokens
    query = tokenizer.tokens("职工之家")
    assert index2.search(query, 3) == index.search(query, 3)


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete_manifest", "other_size"])
def test_damaged_index_is_detected_and_rebuilt(tmp_path, caplog, damage):
    docs = _corpus(tmp_path / "docs")
    store = cache_store(tmp_path)
    corpus = store.corpus(docs)
    _, index = store.prepare(Tokenizer(), corpus.passages, engine="bm25s")
    folder = next((store.root / "index").iterdir())
    data = folder / "data.csc.index.npy"
    if damage == "flip":
        raw = bytearray(data.read_bytes())
        raw[-3] ^= 0xFF
        data.write_bytes(bytes(raw))
    elif damage == "truncate":
        data.write_bytes(data.read_bytes()[:-8])
    elif damage == "delete_manifest":
        (folder / "manifest.json").unlink()
    else:
        manifest = folder / "manifest.json"
        manifest.write_text(manifest.read_text().replace('"size": ', '"size": 1'))
    again = cache_store(tmp_path)
    again.corpus(docs)
    with caplog.at_level(logging.WARNING):
        _, rebuilt = again.prepare(Tokenizer(), corpus.passages, engine="bm25s")
    assert again.stats["index_built"] == 1
    if damage != "delete_manifest":
        assert "rebuilding" in caplog.text
    query = Tokenizer().tokens("职工之家")
    assert rebuilt.search(query, 3) == index.search(query, 3)


def test_damaged_passage_and_term_caches_are_rebuilt(tmp_path, caplog):
    docs = _corpus(tmp_path / "docs")
    store = cache_store(tmp_path)
    corpus = store.corpus(docs)
    expected = list(corpus.passages)
    tokens, _ = store.prepare(Tokenizer(), corpus.passages)
    for kind in ("passages", "tokens"):
        for entry in (store.root / kind).iterdir():
            raw = bytearray(entry.read_bytes())
            raw[len(raw) // 2] ^= 0x55
            entry.write_bytes(bytes(raw))
    again = cache_store(tmp_path)
    damaged = again.corpus(docs)  # each header is sound: the damage is inside a passage
    refused = set()
    for i in range(len(damaged.passages)):  # found when read: refused, and the entry removed
        try:
            damaged.passages[i]
        except CacheUnavailable:
            refused.add(expected[i].document_id)
    assert refused == {"a.txt", "b.txt"} and not list((again.root / "passages").iterdir())
    third = cache_store(tmp_path)
    with caplog.at_level(logging.WARNING):
        rebuilt = third.corpus(docs)
        assert list(rebuilt.passages) == expected
        assert third.prepare(Tokenizer(), rebuilt.passages)[0] == tokens
    assert third.stats["documents_cut"] == 2 and third.stats["rebuilt"] == 0
    assert "damaged" in caplog.text  # the term entries


def test_only_changed_added_or_removed_documents_are_redone(tmp_path):
    docs = _corpus(tmp_path / "docs")
    cache_store(tmp_path).corpus(docs)

    write(docs, "b.txt", DOC_B.replace("二十家", "三十家"))
    write(docs, "c.txt", DOC_C)
    changed = cache_store(tmp_path)
    corpus = changed.corpus(docs)
    assert changed.stats["documents_cut"] == 2  # b changed, c added; a reused
    assert any("三十家" in p.text for p in corpus.passages)

    changed.finish()
    (docs / "a.txt").unlink()
    removed = cache_store(tmp_path)
    corpus = removed.corpus(docs)
    removed.finish()
    assert removed.stats["documents_cut"] == 0
    assert {p.document_id for p in corpus.passages} == {"b.txt", "c.txt"}
    assert len(list((removed.root / "passages").iterdir())) == 2  # a's entry is gone


def test_terms_are_cut_again_only_for_changed_documents(tmp_path):
    docs = _corpus(tmp_path / "docs")
    store = cache_store(tmp_path)
    store.prepare(Tokenizer(), store.corpus(docs).passages)
    write(docs, "c.txt", DOC_C)
    again = cache_store(tmp_path)
    passages = again.corpus(docs).passages
    cut: list[str] = []

    class Counting(Tokenizer):
        def cut(self, text, hmm=None):  # what every cut comes to
            cut.append(text)
            return super().cut(text, hmm)

    again.prepare(Counting(), passages)
    # c.txt's one paragraph, and its speaker's name and title each on its own (`terms.Cutter`)
    assert len(cut) == 3 and {"李大同", "南湖县总工会副主席"} <= set(cut)
    assert any("农民工工资专项检查" in text for text in cut)


def test_another_tokenizer_gets_its_own_terms(tmp_path):
    docs = _corpus(tmp_path / "docs")
    store = cache_store(tmp_path)
    passages = store.corpus(docs).passages
    plain, _ = store.prepare(Tokenizer(), passages)
    named, _ = store.prepare(Tokenizer(["常务副主席郑一鸣"]), passages)
    assert plain != named
    assert any("常务副主席郑一鸣" in terms for terms in named)



def test_cutting_on_several_processes_gives_the_same_terms(tmp_path, monkeypatch):
    import retrieval.reading as reading

    docs = _corpus(tmp_path / "docs")
    write(docs, "c.txt", DOC_C)
    passages = cache_store(tmp_path).corpus(docs).passages
    alone, _ = IndexStore(tmp_path / "one", progress=False, workers=1).prepare(Tokenizer(), passages)
    monkeypatch.setattr(reading, "PARALLEL_FROM", 1)
    monkeypatch.setattr(reading, "_BATCH", 2)  # several batches, each of a few documents
    together, _ = IndexStore(tmp_path / "two", progress=False, workers=2).prepare(
        Tokenizer(), passages)
    assert together == alone


def test_a_restart_reads_no_passage_until_a_question_needs_one(tmp_path, monkeypatch):
    import retrieval.store as store_module

    monkeypatch.setattr(store_module, "BM25S_FROM", 1)  # rank-bm25 is built afresh each time
    docs = _corpus(tmp_path / "docs")
    write(docs, "c.txt", DOC_C)
    first = _build(docs, tmp_path / "cache")
    expected = list(first.passages)
    again = _build(docs, tmp_path / "cache")
    parts = again.passages._parts  # type: ignore[attr-defined]
    assert not len(parts._passages)  # the summary kept with the index was enough to start
    assert len(again.passages) == len(expected) and len(again.documents) == 3
    assert again.speakers() == first.speakers() and again.examples() == first.examples()
    answer = again.ask("劳模工匠创新工作室")
    assert _texts(answer) == _texts(first.ask("劳模工匠创新工作室"))
    assert 0 < len(parts._passages)  # only the pooled passages, read alone
    assert {i for i, _ in parts._passages._values} < {0, 1, 2}
    assert list(again.passages) == expected and again.passages == expected
    assert again.passages[-1] == expected[-1] and again.passages[1:4] == expected[1:4]
    assert again.passage(expected[2].id) == expected[2]
    assert again.neighbours(expected[2].id) == first.neighbours(expected[2].id)
    with pytest.raises(IndexError):
        again.passages[len(expected)]


def test_a_passage_entry_that_changes_its_count_is_not_trusted(tmp_path, monkeypatch):
    import retrieval.store as store_module
    from retrieval.cache import Writer, read_entry, write_entry
    from retrieval.errors import IndexError_

    monkeypatch.setattr(store_module, "BM25S_FROM", 1)
    docs = _corpus(tmp_path / "docs")
    _build(docs, tmp_path / "cache")
    again = _build(docs, tmp_path / "cache")
    part = again.passages._parts.parts[0]  # type: ignore[attr-defined]
    document, pickled, terms = read_entry(part.path, part.key)
    write_entry(Writer(tmp_path), part.path, part.key, document, [pickle.loads(pickled[0])],
                terms)
    with pytest.raises(IndexError_):
        list(again.passages)


def test_an_emptied_folder_keeps_the_entries_a_running_answerer_reads(tmp_path):
    docs = _corpus(tmp_path / "docs")
    store = cache_store(tmp_path)
    passages = store.corpus(docs).passages
    for path in docs.iterdir():
        path.unlink()
    assert not cache_store(tmp_path).corpus(docs).passages  # what a reload sees: nothing to index
    assert [p.text for p in passages] and all(p.text for p in passages)  # still readable


def test_a_build_after_chunking_reads_records_not_passages(tmp_path, monkeypatch, caplog):
    import shutil

    from retrieval.cache import Passages

    docs = _corpus(tmp_path / "docs")
    write(docs, "c.txt", DOC_C)
    settings = load_settings(documents_dir=docs, cache_dir=tmp_path / "cache")
    chunking = cache_store(tmp_path)
    chunking.corpus(docs)  # each document's entry, and its record while its passages are at hand
    records = sorted((chunking.root / "records").iterdir())
    assert len(records) == 3
    read: list[tuple[int, int]] = []
    whole = Passages.iter_range

    def watched(self, start, stop):
        read.append((start, stop))
        return whole(self, start, stop)

    monkeypatch.setattr(Passages, "iter_range", watched)
    built = build_answerer(settings, cache_store(tmp_path))
    assert read == []
    plain = Answerer.from_passages(*_plain(docs))
    questions = ("新建多少个职工之家？", "劳模工匠创新工作室", "农民工工资", "王小红说了什么")
    assert [_texts(built.ask(q)) for q in questions] == [_texts(plain.ask(q)) for q in questions]
    assert built.speakers() == plain.speakers()

    # A damaged record and a lost one: only their documents' passages are read again.
    raw = bytearray(records[0].read_bytes())
    raw[len(raw) // 2] ^= 0x55
    records[0].write_bytes(bytes(raw))
    records[1].unlink()
    for kind in ("summary", "tokens"):
        shutil.rmtree(chunking.root / kind)
    with caplog.at_level(logging.WARNING):
        again = build_answerer(settings, cache_store(tmp_path))
    assert len(read) == 2 and "damaged" in caplog.text
    assert [_texts(again.ask(q)) for q in questions] == [_texts(plain.ask(q)) for q in questions]
    assert sorted((chunking.root / "records").iterdir()) == records  # both made again
    for kind in ("summary", "tokens"):
        shutil.rmtree(chunking.root / kind)
    build_answerer(settings, cache_store(tmp_path))
    assert len(read) == 2

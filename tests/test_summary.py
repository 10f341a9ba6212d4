"""The summary and the terms of a corpus, read in one pass: the same in one process or in
forked workers, and the same as reading the passages one by one."""

from __future__ import annotations

from collections import Counter

import pytest

import retrieval.reading as reading
from retrieval.chunking import chunk_document
from retrieval.reading import Cache, read_corpus, spans_of
from retrieval.records import checked_record, index_text, people_of, record_of
from retrieval.summary import merge
from retrieval.terms import Cutter
from retrieval.tokenize import Tokenizer, normalize
from retrieval.vocabulary import corpus_terms
from tests.answer_helpers import SPEECH, SYMPOSIUM
from tests.helpers import make_document


def _passages():
    """Both written texts, each twice under another name: duplicates across documents too."""
    passages = []
    for name, text in [("a.txt", SYMPOSIUM), ("b.txt", SPEECH), ("c.txt", SYMPOSIUM),
                       ("d.txt", SPEECH)]:
        passages += chunk_document(make_document(text, name))
    return passages


def _summarise(passages):
    """The summary of `passages` scanned as one document, in this process."""
    return merge([record_of(passages)[0]], corpus_terms(passages))


def _read(passages, workers=1, **options):
    words = corpus_terms(passages)
    return read_corpus(passages, spans_of(passages), Tokenizer(words), words, workers=workers,
                       **options)


def test_reading_in_workers_equals_reading_in_one_process(monkeypatch):
    passages = _passages()
    alone, terms = _read(passages)
    monkeypatch.setattr(reading, "PARALLEL_FROM", 1)
    monkeypatch.setattr(reading, "_BATCH", 3)  # several batches, each of whole documents
    together, terms_together = _read(passages, workers=2)
    assert together == alone
    assert terms_together.tokens() == terms.tokens()
    assert alone == _summarise(passages)


def test_each_paragraph_is_indexed_once_with_its_speakers():
    passages = _passages()
    summary, terms = _read(passages)
    searchable = [passages[i] for i in summary.searchable]
    tokenizer = Tokenizer(summary.user_words)
    # The terms of what is indexed: the text, then its speakers' names and titles.
    assert [Counter(t) for t in terms.tokens()] \
        == [Counter(tokenizer.tokens(index_text(p))) for p in searchable]
    texts = [index_text(p) for p in searchable]
    # The repeated paragraph, and every paragraph of the copies, is indexed once.
    assert len(set(texts)) == len(texts)
    assert {p.document_id for p in searchable} == {"a.txt", "b.txt"}
    assert any("郑一鸣" in text and "常务副主席" in text for text in texts)
    assert [summary.by_id.get(p.id) for p in passages] == list(range(len(passages)))
    assert summary.by_id.get("no-such-passage") is None
    names = [stat.name for stat in summary.stats]
    assert {"郑一鸣", "林晓燕", "陈立新", "方志远"} <= set(names)
    assert summary.examples[0] == "郑一鸣说了什么？"
    assert "郑一鸣" in summary.user_words


class _Memory(Cache):
    """A cache in a dict, with what it is asked for left out."""

    def __init__(self, without=()):
        self.kept = {}
        self.without = set(without)

    def record(self, span):
        return None if ("record", span) in self.without else self.kept.get(("record", span))

    def keep_record(self, span, record):
        self.kept[("record", span)] = record

    def terms(self, span):
        return None if ("terms", span) in self.without else self.kept.get(("terms", span))

    def keep_terms(self, span, packed):
        self.kept[("terms", span)] = packed


class _Watched(list):
    """Passages, counting each one read."""

    def __init__(self, passages):
        super().__init__(passages)
        self.read = 0

    def __getitem__(self, item):
        found = super().__getitem__(item)
        self.read += len(found) if isinstance(found, list) else 1
        return found


def test_kept_records_and_terms_spare_reading_passages_again():
    passages = _passages()
    spans = spans_of(passages)
    words = corpus_terms(passages)
    tokenizer = Tokenizer(words)
    cache = _Memory()
    summary, terms = read_corpus(passages, spans, tokenizer, words, cache=cache)
    assert len(cache.kept) == 2 * len(spans)
    first = spans[1]
    # Terms missing, records kept: the document is cut again from its record alone.
    cache.without = {("terms", first)}
    watched = _Watched(passages)
    again, terms_again = read_corpus(watched, spans, tokenizer, words, summary, cache)
    assert again is summary and terms_again.tokens() == terms.tokens() and watched.read == 0
    # Its record missing too: only its passages are read.
    cache.without = {("terms", first), ("record", first)}
    watched = _Watched(passages)
    again, terms_again = read_corpus(watched, spans, tokenizer, words, cache=cache)
    assert again == summary and terms_again.tokens() == terms.tokens()
    assert watched.read == first.stop - first.start
    speaker = next(i for i, p in enumerate(passages) if people_of(p))
    span = next(s for s in spans if s.start <= speaker < s.stop)
    assert cache.kept[("terms", span)].tokens()[speaker - span.start] \
        == Cutter(tokenizer).terms(normalize(passages[speaker].text), people_of(passages[speaker]))


def test_a_record_that_does_not_fit_its_passages_is_refused():
    passages = _passages()[:5]
    record = record_of(passages)
    assert checked_record(record, 5) is record
    for wrong in [(record[0], record[1][:-1], record[2]), ("rows", [], []), None]:
        with pytest.raises(ValueError):
            checked_record(wrong, 5)
    with pytest.raises(ValueError):
        checked_record(record, 6)


def test_id_table_finds_every_id_and_the_last_of_a_repeated_one():
    from retrieval.summary import IdTable

    ids = ["b2", "a1", "c3", "a1", "é9", "a10"]
    table = IdTable(ids)
    assert [table.get(i) for i in ["b2", "c3", "é9", "a10"]] == [0, 2, 4, 5]
    assert table.get("a1") == 3  # as a dict built in order would say
    assert table.get("a") is None and table.get("zz") is None and table.get("") is None
    assert IdTable([]).get("a1") is None

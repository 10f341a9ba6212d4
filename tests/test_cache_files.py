"""Passage entries and blobs: each tied to its key, one passage read and checked alone, damage
found where it is, and the lazy sequences over a real store agreeing with what was chunked.

Each test writes a small corpus of its own into tmp_path and keeps its cache there too.
"""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from retrieval.cache import CacheUnavailable, Damaged, Writer, read_blob, read_entry, write_entry
from retrieval.cache.entries import read_item
from retrieval.cache.lazy import Lru
from tests.helpers import DOC_B, DOC_C, cache_store, make_document, passages_of, write

DOC_A = """# 职工之家建设

西湖市总工会党组书记、常务副主席郑一鸣表示，今年将新建职工之家五十个，让职工下班有去处。

大家认为，职工之家要办在职工身边。

郑一鸣说，职工之家的建设标准将在年内公布，经费由市总工会统筹。

各区县工会表示将按标准推进，年底前完成验收。
"""
KEY = "k" * 24


def _docs(folder: Path) -> Path:
    write(folder, "a.txt", DOC_A)
    write(folder, "b.txt", DOC_B)
    write(folder, "c.txt", DOC_C)
    return folder


def _flip(path: Path, position: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[position] ^= 0x55
    path.write_bytes(bytes(raw))


def _write(path: Path, document, passages, terms, key: str = KEY):
    written, entry = write_entry(Writer(path.parent), path, key, document, passages, terms)
    assert written
    return entry


# -- the format -----------------------------------------------------------------------------
def test_each_passage_reads_back_exactly_as_written(tmp_path):
    document = make_document(DOC_A, "a.txt")
    passages = passages_of(DOC_A, "a.txt")
    entry = tmp_path / "entry"
    assert len(passages) > 3
    written = _write(entry, document, passages, {"郑一鸣", "职工之家"})
    assert written == (document, [pickle.dumps(p, pickle.HIGHEST_PROTOCOL) for p in passages],
                       ["职工之家", "郑一鸣"])
    assert read_entry(entry, KEY) == written
    header = None
    for k in reversed(range(len(passages))):  # the header read with the last, reused after
        header, pickled = read_item(entry, KEY, header, k + 1)
        assert pickled == written[1][k] and pickle.loads(pickled) == passages[k]
    assert header.count == len(passages)
    assert pickle.loads(read_item(entry, KEY, None, 0)[1]) == document
    assert pickle.loads(read_item(entry, KEY, None, len(passages) + 1)[1]) == ["职工之家", "郑一鸣"]


def test_a_document_without_passages_is_an_entry_too(tmp_path):
    document = make_document("# 空\n", "empty.txt")
    _write(tmp_path / "entry", document, [], [])
    assert read_entry(tmp_path / "entry", KEY) == (document, [], [])


def test_a_flipped_byte_fails_only_the_item_it_is_in(tmp_path):
    entry = tmp_path / "entry"
    passages = passages_of(DOC_A, "a.txt")
    _write(entry, make_document(DOC_A, "a.txt"), passages, [])
    header = read_item(entry, KEY, None, 0)[0]
    _flip(entry, (header.offsets[3] + header.offsets[4]) // 2)  # inside passage 2
    header = read_item(entry, KEY, None, 1)[0]  # the header and passage 0 are intact
    assert pickle.loads(read_item(entry, KEY, header, 4)[1]) == passages[3]
    with pytest.raises(Damaged, match="item 3"):
        read_item(entry, KEY, header, 3)
    with pytest.raises(Damaged):
        read_entry(entry, KEY)


@pytest.mark.parametrize("damage", ["header", "digest", "truncated", "grown", "blob", "empty",
                                    "another key"])
def test_a_damaged_or_foreign_file_is_no_entry(tmp_path, damage):
    entry = tmp_path / "entry"
    document = make_document(DOC_A, "a.txt")
    written = _write(entry, document, passages_of(DOC_A, "a.txt"), ["郑一鸣"])
    start = read_item(entry, KEY, None, 0)[0].offsets[0]  # where the header ends
    key = KEY
    if damage == "header":
        _flip(entry, 60)  # inside the offsets
    elif damage == "digest":
        _flip(entry, start - 3)  # the header's own digest
    elif damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:-5])
    elif damage == "grown":
        entry.write_bytes(entry.read_bytes() + b"\0")
    elif damage == "blob":  # what format 3 wrote: a checked pickle of the whole document
        Writer(tmp_path).write_blob(entry, KEY, written)
    elif damage == "empty":
        entry.write_bytes(b"")
    else:  # an entry renamed over another one's name: sound, but not this key's
        key = "j" * 24
    with pytest.raises(Damaged):
        read_entry(entry, key)
    with pytest.raises(Damaged):
        read_item(entry, key, None, 1)


def test_a_blob_is_read_only_under_its_own_key(tmp_path):
    path = tmp_path / "blob"
    Writer(tmp_path).write_blob(path, "summary-a", {"passages": 3})
    assert read_blob(path, "summary-a") == {"passages": 3}
    with pytest.raises(Damaged):  # a summary of another corpus copied over this one's
        read_blob(path, "summary-b")
    _flip(path, len(path.read_bytes()) - 2)
    with pytest.raises(Damaged):
        read_blob(path, "summary-a")


# -- through the store ----------------------------------------------------------------------
def _restarted(tmp_path: Path):
    """The passages chunked by a first store, and a second store's lazy corpus of the same."""
    docs = _docs(tmp_path / "docs")
    expected = list(cache_store(tmp_path).corpus(docs).passages)
    store = cache_store(tmp_path)
    corpus = store.corpus(docs)  # the listing knows every file: no document is read
    return docs, expected, store, corpus


def test_a_restart_reads_no_document_and_checks_every_entry_header(tmp_path):
    docs, expected, store, corpus = _restarted(tmp_path)
    assert store.stats["documents_cut"] == 0
    parts = corpus.passages._parts  # type: ignore[attr-defined]
    assert len(parts._headers) == 3  # each entry's key and count checked when listed
    assert list(corpus.passages) == expected


def test_a_flipped_byte_under_a_running_answerer_is_refused_in_chinese(tmp_path, caplog):
    docs, expected, store, corpus = _restarted(tmp_path)
    parts = corpus.passages._parts  # type: ignore[attr-defined]
    last = parts.parts[0].count - 1
    entry = parts.parts[0].path
    offsets = read_item(entry, parts.parts[0].key, None, 0)[0].offsets
    _flip(entry, (offsets[last + 1] + offsets[last + 2]) // 2)
    assert corpus.passages[0] == expected[0]  # its own bytes are intact
    assert corpus.documents[0].id == "a.txt"
    with caplog.at_level(logging.ERROR), pytest.raises(CacheUnavailable) as refused:
        corpus.passages[last]
    message = str(refused.value)
    assert "缓存" in message and "a.txt" not in message and entry.name not in message
    words = message.replace("Telegram", "").replace("/reload", "")
    assert not any("a" <= ch.lower() <= "z" for ch in words)  # Chinese, but for the command
    assert "cannot be read" in caplog.text  # the details go to the log
    assert not entry.exists()  # removed: the next build chunks the document again
    again = cache_store(tmp_path)
    rebuilt = again.corpus(docs)
    assert again.stats["documents_cut"] == 1 and list(rebuilt.passages) == expected


@pytest.mark.parametrize("damage", ["header", "truncated", "blob", "deleted", "swapped"])
def test_an_entry_damaged_before_a_build_is_chunked_again(tmp_path, caplog, damage):
    docs = _docs(tmp_path / "docs")
    first = cache_store(tmp_path).corpus(docs)
    expected = list(first.passages)
    entries = [part.path for part in first.passages._parts.parts]  # type: ignore[attr-defined]
    entry = entries[1]  # b.txt's
    if damage == "header":
        _flip(entry, 60)
    elif damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:-1])
    elif damage == "blob":
        Writer(tmp_path).write_blob(entry, entry.name, read_entry(entry, entry.name))
    elif damage == "deleted":
        entry.unlink()
    else:  # two entries with different counts swapped on disk
        a, b = entries[0].read_bytes(), entry.read_bytes()
        entries[0].write_bytes(b)
        entry.write_bytes(a)
    store = cache_store(tmp_path)
    with caplog.at_level(logging.WARNING):
        corpus = store.corpus(docs)
    assert store.stats["documents_cut"] == (2 if damage == "swapped" else 1)
    assert store.stats["rebuilt"] == {"deleted": 0, "swapped": 2}.get(damage, 1)
    assert ("damaged" in caplog.text) == (damage != "deleted")
    assert list(corpus.passages) == expected
    assert [d.id for d in corpus.documents] == ["a.txt", "b.txt", "c.txt"]


def test_iteration_and_indexing_agree(tmp_path):
    _, expected, _, corpus = _restarted(tmp_path)
    passages = corpus.passages
    assert list(passages) == expected
    assert [passages[i] for i in range(len(passages))] == expected
    assert passages[-1] == expected[-1] and passages[2:5] == expected[2:5]
    assert [d.id for d in corpus.documents] == ["a.txt", "b.txt", "c.txt"]


def test_each_entry_records_its_corpus_terms(tmp_path):
    from retrieval.vocabulary import corpus_terms

    _, expected, store, corpus = _restarted(tmp_path)
    terms = corpus.passages.corpus_terms()
    assert terms == corpus_terms(expected) and "郑一鸣" in terms
    assert store.stats["documents_cut"] == 0  # from the entries' last items
    part = corpus.passages._parts.parts[0]  # type: ignore[attr-defined]
    offsets = read_item(part.path, part.key, None, 0)[0].offsets
    _flip(part.path, (offsets[-2] + offsets[-1]) // 2)  # inside a.txt's terms
    with pytest.raises(CacheUnavailable):
        corpus.passages.corpus_terms()


def test_the_headers_kept_stay_within_their_budget(tmp_path):
    _, expected, _, corpus = _restarted(tmp_path)
    parts = corpus.passages._parts  # type: ignore[attr-defined]
    parts._headers = Lru(1, lambda header: header.memory)  # room for only the last header read
    for i in reversed(range(len(expected))):
        assert corpus.passages[i] == expected[i]
        assert len(parts._headers) == 1 and parts._headers.held < 1000  # a few passages'


def test_passages_read_last_are_kept_once_their_entries_are_gone(tmp_path):
    docs, expected, store, corpus = _restarted(tmp_path)
    asked = [1, len(expected) - 1]
    assert [corpus.passages[i] for i in asked] == [expected[i] for i in asked]
    for entry in (store.root / "passages").iterdir():
        entry.unlink()
    for path in docs.iterdir():
        path.unlink()
    assert [corpus.passages[i] for i in asked] == [expected[i] for i in asked]


def test_passages_in_a_range_are_those_of_indexing(tmp_path):
    from retrieval.store import IndexStore
    from tests.answer_helpers import SPEECH, SYMPOSIUM

    write(tmp_path / "docs", "a.txt", SYMPOSIUM)
    write(tmp_path / "docs", "b.txt", SPEECH)
    write(tmp_path / "docs", "c.txt", "# 空\n")
    passages = IndexStore(tmp_path / "cache", progress=False).corpus(tmp_path / "docs").passages
    every = [passages[i] for i in range(len(passages))]
    assert list(passages) == every
    for start in range(len(passages) + 1):
        for stop in range(start, len(passages) + 2):
            assert list(passages.iter_range(start, stop)) == every[start:stop]

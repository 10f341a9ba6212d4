"""Passage entries: one passage read and checked alone, damage found where it is, and the lazy
sequences over a real store agreeing with what was chunked.

Each test writes a small corpus of its own into tmp_path and keeps its cache there too.
"""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import pytest

from retrieval.cache_files import _read_item, _write_blob, read_entry, write_entry
from retrieval.errors import IndexError_
from tests.helpers import DOC_B, DOC_C, cache_store, make_document, passages_of, write

DOC_A = """# 职工之家建设

西湖市总工会党组书记、常务副主席郑一鸣表示，今年将新建职工之家五十个，让职工下班有去处。

大家认为，职工之家要办在职工身边。

郑一鸣说，职工之家的建设标准将在年内公布，经费由市总工会统筹。

各区县工会表示将按标准推进，年底前完成验收。
"""


def _docs(folder: Path) -> Path:
    write(folder, "a.txt", DOC_A)
    write(folder, "b.txt", DOC_B)
    write(folder, "c.txt", DOC_C)
    return folder


def _flip(path: Path, position: int) -> None:
    raw = bytearray(path.read_bytes())
    raw[position] ^= 0x55
    path.write_bytes(bytes(raw))


# -- the format -----------------------------------------------------------------------------
def test_each_passage_reads_back_exactly_as_written(tmp_path):
    document = make_document(DOC_A, "a.txt")
    passages = passages_of(DOC_A, "a.txt")
    entry = tmp_path / "entry"
    assert len(passages) > 3
    written = write_entry(entry, document, passages, {"郑一鸣", "职工之家"})
    assert written == (document, [pickle.dumps(p, pickle.HIGHEST_PROTOCOL) for p in passages],
                       ["职工之家", "郑一鸣"])
    assert read_entry(entry) == written
    header = None
    for k in reversed(range(len(passages))):  # the header read with the last, reused after
        header, pickled = _read_item(entry, header, k + 1)
        assert pickled == written[1][k] and pickle.loads(pickled) == passages[k]
    assert header.count == len(passages)
    assert pickle.loads(_read_item(entry, None, 0)[1]) == document
    assert pickle.loads(_read_item(entry, None, len(passages) + 1)[1]) == ["职工之家", "郑一鸣"]


def test_a_document_without_passages_is_an_entry_too(tmp_path):
    document = make_document("# 空\n", "empty.txt")
    write_entry(tmp_path / "entry", document, [], [])
    assert read_entry(tmp_path / "entry") == (document, [], [])


def test_a_flipped_byte_fails_only_the_item_it_is_in(tmp_path):
    entry = tmp_path / "entry"
    passages = passages_of(DOC_A, "a.txt")
    write_entry(entry, make_document(DOC_A, "a.txt"), passages, [])
    header = _read_item(entry, None, 0)[0]
    _flip(entry, (header.offsets[3] + header.offsets[4]) // 2)  # inside passage 2
    header = _read_item(entry, None, 1)[0]  # the header and passage 0 are intact
    assert pickle.loads(_read_item(entry, header, 4)[1]) == passages[3]
    with pytest.raises(IndexError_, match="item 3"):
        _read_item(entry, header, 3)
    with pytest.raises(IndexError_):
        read_entry(entry)


@pytest.mark.parametrize("damage", ["header", "digest", "truncated", "grown", "blob", "empty"])
def test_a_damaged_or_foreign_file_is_no_entry(tmp_path, damage):
    entry = tmp_path / "entry"
    document = make_document(DOC_A, "a.txt")
    written = write_entry(entry, document, passages_of(DOC_A, "a.txt"), ["郑一鸣"])
    start = _read_item(entry, None, 0)[0].offsets[0]  # where the header ends
    if damage == "header":
        _flip(entry, 30)  # inside the offsets
    elif damage == "digest":
        _flip(entry, start - 3)  # the header's own digest
    elif damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:-5])
    elif damage == "grown":
        entry.write_bytes(entry.read_bytes() + b"\0")
    elif damage == "blob":  # what format 3 wrote: a checked pickle of the whole document
        _write_blob(entry, written)
    else:
        entry.write_bytes(b"")
    with pytest.raises(IndexError_):
        read_entry(entry)
    with pytest.raises(IndexError_):
        _read_item(entry, None, 1)


# -- through the store ----------------------------------------------------------------------
def _restarted(tmp_path: Path):
    """The passages chunked by a first store, and a second store's lazy corpus of the same."""
    docs = _docs(tmp_path / "docs")
    expected = list(cache_store(tmp_path).corpus(docs).passages)
    store = cache_store(tmp_path)
    corpus = store.corpus(docs)  # `files.json` knows every count: no entry is read
    return docs, expected, store, corpus


def test_a_flipped_byte_in_a_passage_is_found_when_that_passage_is_read(tmp_path, caplog):
    _, expected, store, corpus = _restarted(tmp_path)
    parts = corpus.passages._parts  # type: ignore[attr-defined]
    last = parts.parts[0].count - 1
    entry = parts.parts[0].entry
    offsets = _read_item(entry, None, 0)[0].offsets
    _flip(entry, (offsets[last + 1] + offsets[last + 2]) // 2)
    assert corpus.passages[0] == expected[0]  # its own bytes are intact
    assert corpus.documents[0].id == "a.txt"
    assert store.stats["rebuilt"] == 0 and store.stats["documents_cut"] == 0
    with caplog.at_level(logging.WARNING):
        assert corpus.passages[last] == expected[last]
    assert store.stats["rebuilt"] == 1 and store.stats["documents_cut"] == 1
    assert "damaged" in caplog.text
    assert pickle.loads(read_entry(entry)[1][last]) == expected[last]  # rewritten, whole
    assert list(corpus.passages) == expected and store.stats["rebuilt"] == 1


@pytest.mark.parametrize("damage", ["header", "truncated", "blob", "deleted"])
def test_a_damaged_entry_is_chunked_again_when_first_read(tmp_path, caplog, damage):
    _, expected, store, corpus = _restarted(tmp_path)
    parts = corpus.passages._parts  # type: ignore[attr-defined]
    entry = parts.parts[1].entry  # b.txt's
    if damage == "header":
        _flip(entry, 40)  # inside the offsets
    elif damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:-1])
    elif damage == "blob":
        _write_blob(entry, read_entry(entry))
    else:
        entry.unlink()
    first_of_b = next(i for i, p in enumerate(expected) if p.document_id == "b.txt")
    with caplog.at_level(logging.WARNING):
        assert corpus.passages[first_of_b + 1] == expected[first_of_b + 1]
    assert store.stats["documents_cut"] == 1
    assert store.stats["rebuilt"] == (0 if damage == "deleted" else 1)
    assert ("damaged" in caplog.text) == (damage != "deleted")
    assert corpus.documents[1].id == "b.txt" and list(corpus.passages) == expected


def test_a_damaged_passage_of_a_file_that_changed_is_refused(tmp_path):
    docs, expected, _, corpus = _restarted(tmp_path)
    parts = corpus.passages._parts  # type: ignore[attr-defined]
    offsets = _read_item(parts.parts[0].entry, None, 0)[0].offsets
    _flip(parts.parts[0].entry, (offsets[1] + offsets[2]) // 2)  # inside passage 0
    write(docs, "a.txt", DOC_A + "\n会议还通过了新的章程。\n")  # after the listing was read
    with pytest.raises(IndexError_):
        corpus.passages[0]


def test_iteration_and_indexing_agree(tmp_path):
    _, expected, _, corpus = _restarted(tmp_path)
    passages = corpus.passages
    parts = passages._parts  # type: ignore[attr-defined]
    assert list(passages) == expected
    assert not parts._headers  # iteration reads each entry whole, once
    assert [passages[i] for i in range(len(passages))] == expected
    assert passages[-1] == expected[-1] and passages[2:5] == expected[2:5]
    assert [d.id for d in corpus.documents] == ["a.txt", "b.txt", "c.txt"]
    assert len(parts._headers) == 3


def test_each_entry_records_its_corpus_terms(tmp_path, caplog):
    from retrieval.vocabulary import corpus_terms

    _, expected, store, corpus = _restarted(tmp_path)
    terms = corpus.passages.corpus_terms()
    assert terms == corpus_terms(expected) and "郑一鸣" in terms
    assert store.stats["documents_cut"] == 0  # from the entries' last items
    entry = corpus.passages._parts.parts[0].entry  # type: ignore[attr-defined]
    offsets = _read_item(entry, None, 0)[0].offsets
    _flip(entry, (offsets[-2] + offsets[-1]) // 2)  # inside a.txt's terms
    with caplog.at_level(logging.WARNING):
        assert corpus.passages.corpus_terms() == terms
    assert store.stats["rebuilt"] == 1 and store.stats["documents_cut"] == 1
    assert read_entry(entry)[2] == sorted(corpus_terms(expected[:offsets.__len__() - 3]))


def test_the_headers_kept_stay_within_their_budget(tmp_path):
    _, expected, _, corpus = _restarted(tmp_path)
    parts = corpus.passages._parts  # type: ignore[attr-defined]
    parts._headers.budget = 1  # room for only the last header read
    for i in reversed(range(len(expected))):
        assert corpus.passages[i] == expected[i]
        assert len(parts._headers) == 1 and parts._headers.held < 1000  # a few passages'


def test_passages_read_last_are_kept_once_their_entries_are_gone(tmp_path):
    docs, expected, store, corpus = _restarted(tmp_path)
    asked = [1, len(expected) - 1]
    assert [corpus.passages[i] for i in asked] == [expected[i] for i in asked]
    for entry in (store.root / "passages").iterdir():  # as a reload that found no document does
        entry.unlink()
    for path in docs.iterdir():
        path.unlink()
    assert [corpus.passages[i] for i in asked] == [expected[i] for i in asked]


def test_passages_in_a_range_are_those_of_indexing(tmp_path):
    from retrieval.store import IndexStore
    from tests.answer_helpers import SPEECH, SYMPOSIUM
    from tests.helpers import write

    write(tmp_path / "docs", "a.txt", SYMPOSIUM)
    write(tmp_path / "docs", "b.txt", SPEECH)
    write(tmp_path / "docs", "c.txt", "# 空\n")
    passages = IndexStore(tmp_path / "cache", progress=False).corpus(tmp_path / "docs").passages
    every = [passages[i] for i in range(len(passages))]
    assert list(passages) == every
    for start in range(len(passages) + 1):
        for stop in range(start, len(passages) + 2):
            assert list(passages.iter_range(start, stop)) == every[start:stop]

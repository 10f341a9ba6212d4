"""Cache keys come from explicit versions: this says when a stage's output changed and its
version did not.

Each stage's output on fixed texts (the seeds and the tests' own pages) is digested and compared
with the digest recorded beside the version it was recorded at. When a change of code changes
what a stage computes, the cached results of the old code must not be served: bump the stage's
version constant (named in the failure) and record the new digest printed there.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import pytest

from tests.answer_helpers import SPEECH, SYMPOSIUM
from tests.conftest import SEEDS
from tests.helpers import DOC_B, DOC_C, make_document

# stage -> (the version its digest was recorded at, the digest)
RECORDED = {
    "chunking": (21, "69de6dbe236ece8d"),
    "vocabulary": (2, "54a0af9c5563dbd6"),
    "records": (3, "29df3dc2f70a6ed1"),
    "summary": (3, "7d675c413b5417b6"),
    "tokenizer": (2, "77d33776e43c3c3b"),
    "terms": (3, "7bdf280b79220880"),
    "index": (3, "ee92462c27f4606f"),
}
CONSTANTS = {
    "chunking": ("retrieval.chunking", "CHUNKING_VERSION"),
    "vocabulary": ("retrieval.vocabulary", "VOCABULARY_VERSION"),
    "records": ("retrieval.records", "RECORDS_VERSION"),
    "summary": ("retrieval.summary", "SUMMARY_VERSION"),
    "tokenizer": ("retrieval.tokenize", "TOKENIZER_VERSION"),
    "terms": ("retrieval.terms", "TERMS_VERSION"),
    "index": ("retrieval.index", "INDEX_VERSION"),
}


def _digest(parts) -> str:
    found = hashlib.sha256()
    for part in parts:
        found.update(part if isinstance(part, bytes) else repr(part).encode())
        found.update(b"\x00")
    return found.hexdigest()[:16]


@lru_cache(maxsize=1)
def _passages() -> tuple:
    from retrieval.chunking import chunk_document
    from retrieval.loading import load_documents

    documents = [d for d in load_documents(SEEDS) if not isinstance(d, Exception)]
    documents += [make_document(text, f"{n}.txt") for n, text in
                  enumerate((DOC_B, DOC_C, SYMPOSIUM, SPEECH))]
    return tuple(tuple(chunk_document(document)) for document in documents)


def _outputs() -> dict[str, str]:
    from retrieval.index import BM25sIndex
    from retrieval.records import record_of
    from retrieval.summary import merge
    from retrieval.terms import Cutter
    from retrieval.tokenize import Tokenizer
    from retrieval.vocabulary import corpus_terms

    documents = _passages()
    every = [p for passages in documents for p in passages]
    words = corpus_terms(every)
    records = [record_of(passages) for passages in documents]
    summary = merge((record[0] for record in records), words)
    tokenizer = Tokenizer(words)
    cutter = Cutter(tokenizer)
    packed = [cutter.pack(normals, peoples) for _, normals, peoples in records]
    from retrieval.terms import Joiner

    joiner = Joiner()
    for number, part in enumerate(packed):
        joiner.add(number, part)
    joined = joiner.join(range(len(packed))).select(summary.searchable)
    index = BM25sIndex.from_arrays(joined.lengths, joined.ids, joined.vocabulary)
    matrix = index._bm25.scores  # type: ignore[attr-defined]
    return {
        "chunking": _digest(every),
        "vocabulary": _digest(sorted(words)),
        "records": _digest(records),
        "summary": _digest([list(summary.searchable), summary.stats, summary.examples,
                            sorted((k, list(v)) for k, v in summary.spoken.items()),
                            sorted((k, list(v)) for k, v in summary.ranked.items())]),
        "tokenizer": _digest([tokenizer.tokens(p.text) for p in every[:60]]),
        "terms": _digest([(p.vocabulary, p.lengths.tobytes(), p.ids.tobytes()) for p in packed]),
        "index": _digest([matrix["data"].tobytes(), matrix["indices"].tobytes(),
                          matrix["indptr"].tobytes()]),
    }


@pytest.mark.parametrize("stage", list(RECORDED))
def test_a_stage_whose_output_changed_has_a_new_version(stage):
    import importlib

    module, name = CONSTANTS[stage]
    version = getattr(importlib.import_module(module), name)
    recorded_version, recorded = RECORDED[stage]
    found = _cached_outputs()[stage]
    if found != recorded:
        hint = (f"what {stage} computes changed: bump {name} in {module} (now {version}) and "
                f"record RECORDED[{stage!r}] = ({version}, {found!r})")
        assert version != recorded_version, hint
        pytest.fail(f"{name} was bumped; record RECORDED[{stage!r}] = ({version}, {found!r})")
    assert version == recorded_version, f"{name} is {version}; its digest was recorded at " \
        f"{recorded_version}: record RECORDED[{stage!r}] = ({version}, {found!r})"


@lru_cache(maxsize=1)
def _cached_outputs() -> dict[str, str]:
    return _outputs()


def test_the_chunking_version_read_from_its_source_is_the_one_imported():
    from retrieval.chunking import CHUNKING_VERSION
    from retrieval.versions import declared

    assert declared("retrieval.chunking", "CHUNKING_VERSION") == CHUNKING_VERSION

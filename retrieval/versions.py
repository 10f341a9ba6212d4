"""The key of each kind of cache entry, from the versions of the code that makes it.

A passages entry is keyed by the document exactly as it was read (`keys.document_digest`: the
text chunked is the text keyed, so an edit made while a file is read can never store new text
under the old text's key), the chunking and vocabulary versions, jieba's dictionary and the
libraries chunking uses. Everything after it is keyed by what it derives from: a record by its
entry, term ids by the record and the tokenizer's own fingerprint, the summary and the index
by every entry of the corpus, in order.

`CHUNKING_VERSION` is read from its declaration in `chunking.py` rather than imported: the
chunking modules import jieba and the layout rules (0.2 s), which a start over an unchanged
corpus never needs (tests/test_versions.py checks that the two agree).
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from retrieval.cache.keys import document_digest, key_of, package_version
from retrieval.index import INDEX_VERSION
from retrieval.models import Document
from retrieval.records import RECORDS_VERSION
from retrieval.segmenter import dictionary_version
from retrieval.summary import SUMMARY_VERSION
from retrieval.terms import TERMS_VERSION
from retrieval.tokenize import TOKENIZER_VERSION
from retrieval.vocabulary import VOCABULARY_VERSION


@lru_cache(maxsize=None)
def declared(module: str, name: str) -> int:
    """The integer constant `name` as declared in `module`'s source, without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"{module} not found")
    found = re.search(rf"^{name}\s*=\s*(\d+)\b", Path(spec.origin).read_text(encoding="utf-8"),
                      re.MULTILINE)
    if found is None:
        raise RuntimeError(f"{module} declares no {name}")
    return int(found.group(1))


@lru_cache(maxsize=1)
def word_lists_digest() -> str:
    """The word lists chunking reads (lexicon.toml and the common words it ships), read as
    files: a word a linguist adds changes who speaks, so it must change the key."""
    digest = hashlib.sha256()
    for part in (("lexicon.toml",), ("data", "common_words.txt")):
        digest.update(files("retrieval").joinpath(*part).read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def chunking_version() -> str:
    """Everything but the document that decides its passages and their corpus terms."""
    return "|".join((f"chunking {declared('retrieval.chunking', 'CHUNKING_VERSION')}",
                     f"vocabulary {VOCABULARY_VERSION}", f"words {word_lists_digest()}",
                     dictionary_version(), package_version("jieba"), package_version("opencc")))


def passages_key(document: Document) -> str:
    """The key of `document`'s passages entry."""
    return key_of("passages", chunking_version(), document_digest(document))


def record_key(entry: str) -> str:
    """The key of the record of the passages in the entry `entry` (`records.record_of`)."""
    return key_of("record", str(RECORDS_VERSION), str(TOKENIZER_VERSION), entry)


def terms_key(fingerprint: str, entry: str) -> str:
    """The key of the term ids of the passages of `entry`, cut by the tokenizer `fingerprint`."""
    return key_of("terms", str(TERMS_VERSION), str(RECORDS_VERSION), fingerprint, entry)


def summary_key(entries: Iterable[tuple[str, int]]) -> str:
    """The key of the summary of the corpus whose entries (key, passages) are `entries`."""
    return key_of("summary", str(SUMMARY_VERSION), str(RECORDS_VERSION), str(TOKENIZER_VERSION),
                  *(f"{key}:{count}" for key, count in entries))


def index_key(engine: str, fingerprint: str, entries: Iterable[tuple[str, int]]) -> str:
    """The key of the index of the corpus `entries`, cut by the tokenizer `fingerprint`."""
    return key_of("index", engine, package_version(engine), str(INDEX_VERSION),
                  str(SUMMARY_VERSION), str(TERMS_VERSION), fingerprint,
                  *(f"{key}:{count}" for key, count in entries))

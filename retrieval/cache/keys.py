"""What keys the persisted index: explicit versions of the code behind each kind of entry.

Each stage declares its version next to its code (`chunking.CHUNKING_VERSION`,
`records.RECORDS_VERSION`, `summary.SUMMARY_VERSION`, `terms.TERMS_VERSION`,
`index.INDEX_VERSION`, `vocabulary.VOCABULARY_VERSION`, `Tokenizer.fingerprint()`), and is
bumped when what the stage computes changes; editing a comment or moving code no longer
throws a million chunked passages away. `tests/test_versions.py` holds a digest of what each
stage computes on fixed texts with the version it was recorded at, so a change of output
without a change of version fails there.

A passages entry is keyed by the document as it was read (every field of the `Document`,
whatever reader made it: the text indexed is the text keyed), the chunking version and the
versions of the libraries chunking uses; a record, a term entry, the summary and the index by
the entries they derive from and their own versions.
"""

from __future__ import annotations

import dataclasses
import hashlib
from functools import lru_cache

from retrieval.models import Document

FORMAT = 6  # the cache's own layout: 6: every file tied to its key, generations and leases
KEY_LENGTH = 24  # hex digits of a key: 96 bits


def digest(*parts: str | bytes) -> str:
    """The SHA-256 of `parts`, each delimited, hex."""
    found = hashlib.sha256()
    for part in parts:
        found.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogatepass"))
        found.update(b"\x00")
    return found.hexdigest()


def key_of(*parts: str | bytes) -> str:
    """A cache key: the first `KEY_LENGTH` hex digits of `digest(parts)`."""
    return digest(str(FORMAT), *parts)[:KEY_LENGTH]


def document_digest(document: Document) -> str:
    """A digest of everything chunking reads of `document`: each of its fields."""
    return digest(*(part for field in dataclasses.fields(document)
                    for part in (field.name, repr(getattr(document, field.name)))))


@lru_cache(maxsize=None)
def package_version(name: str) -> str:
    """`name==version` of an installed distribution (`none` when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{name}=={version(name)}"
    except PackageNotFoundError:
        return f"{name}==none"

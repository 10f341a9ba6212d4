"""The persisted index's files: what is kept on disk between runs, and how it is trusted.

Under the cache folder, one folder per documents folder (`IndexStore.use_folder`) holds:

- `passages/`: each document's entry (`entries`): the document as read, its chunked and
  attributed passages (each readable and checked alone) and its corpus terms;
- `records/`, `tokens/`, `summary/`: checked blobs (`files`) of what a build derives from
  the entries; `index/`: the bm25s arrays with a manifest;
- `listing`: each file's stat when read and its entry's key (`listing`);
- `generations/`: which files each build used, locked by the answerers that read them
  (`generations`), so that pruning never takes an entry from under a running answerer.

Every file is tied to the key it was written under and checked when read; a file that fails
is rebuilt at build time from the document (whose text is checked against the key) and, at
answer time, refused with a message in Chinese (`lazy.CacheUnavailable`). Every write is
atomic, and a cache that cannot be written is used read-only, or not at all, with one warning
(`files.Writer`).

This package only stores and reads; `retrieval.store` decides what to build and keep.
"""

from retrieval.cache.entries import Entry, Header, encode_entry, read_entry, read_header, write_entry
from retrieval.cache.files import Damaged, Writer, file_digest, read_blob
from retrieval.cache.generations import BuildLock, Files, Lease, prune, seal
from retrieval.cache.keys import FORMAT, document_digest, key_of, package_version
from retrieval.cache.lazy import CacheUnavailable, Corpus, Documents, Part, Parts, Passages
from retrieval.cache.listing import Stat, read_listing, settled, stat_of, write_listing

__all__ = [
    "FORMAT", "BuildLock", "CacheUnavailable", "Corpus", "Damaged", "Documents", "Entry",
    "Files", "Header", "Lease", "Part", "Parts", "Passages", "Stat", "Writer", "document_digest",
    "encode_entry", "file_digest", "key_of", "package_version", "prune", "read_blob",
    "read_entry", "read_header", "read_listing", "seal", "settled", "stat_of", "write_entry",
    "write_listing",
]

"""The documents folder's reading, under its former name: see `retrieval.readers`.

Kept so that code written against `retrieval.loading` (the cache's listing and reading of the
folder) keeps working; new code imports `retrieval.readers`.
"""

from retrieval.readers import (
    MAX_BYTES,
    SUFFIXES,
    decode,
    document_paths,
    load_documents,
    read_document,
)

__all__ = ["MAX_BYTES", "SUFFIXES", "decode", "document_paths", "load_documents", "read_document"]

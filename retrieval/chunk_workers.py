"""Reading and chunking the documents a build has no entry for, on every core.

Each document is read once: its key is the digest of the `Document` read (`versions`), so the
passages chunked are always those of the text that keyed them, even when the file is edited
meanwhile. A document whose entry exists under that key (its file was touched, or the listing
was lost) is not chunked again. Chunking is pure Python and runs at some hundreds to a few
thousand passages a second, so a first build shares the documents out between forked workers,
in file order (`Pool.imap`): passage ids come from each document alone, so the result is the
same as in one process (tests/test_chunk_workers.py). Workers write each entry, and its record
while the passages are at hand, atomically, and send back only the key and the count; what a
worker could not write (a read-only or full disk) it sends back whole, for the parent to keep in
memory.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.cache import (
    Damaged,
    Entry,
    Stat,
    Writer,
    read_header,
    settled,
    stat_of,
    write_entry,
)
from retrieval.errors import DocumentError
from retrieval.models import Document, Passage
from retrieval.records import record_of
from retrieval.versions import passages_key, record_key
from retrieval.vocabulary import corpus_terms

logger = logging.getLogger(__name__)

PARALLEL_FROM = 2  # documents left to chunk before a second process pays for its start
PARALLEL_BYTES = 32 << 10  # ... and bytes left: the seeds' five pages (80 kB) gain 0.5 s


@dataclass(frozen=True)
class Job:
    """A document to read, and the key the listing gave it when its entry was missing."""

    name: str
    path: Path
    hint: str | None = None
    damaged: bool = False  # the hint's entry failed its check (already logged and counted)


@dataclass
class Resolved:
    """What reading (and, when needed, chunking) one document gave."""

    name: str
    key: str = ""
    count: int = 0
    stat: Stat | None = None  # the file before it was read, when it did not change meanwhile
    memory: Entry | None = None  # the entry, when it could not be written
    chunked: bool = False
    damaged: bool = False  # an entry was there under its key but failed its check
    error: tuple[str, str] | None = None  # the path and reason of a `DocumentError`
    write_failure: OSError | None = None


def write_document(writer: Writer, root: Path, key: str, document: Document,
                   passages: Sequence[Passage]) -> tuple[bool, Entry]:
    """Write the entry of a chunked document, and its record while its passages are at hand
    (a build would otherwise read them back to make it). Returns whether the entry was
    written, and the entry."""
    written, entry = write_entry(writer, root / "passages" / key, key, document, passages,
                                 corpus_terms(passages))
    if written:
        record = record_key(key)
        writer.write_blob(root / "records" / record, record, record_of(passages))
    return written, entry


def resolve(job: Job, folder: Path, root: Path, writer: Writer) -> Resolved:
    """Read `job`'s document, and chunk it unless its entry is there and sound."""
    from retrieval.loading import read_document

    found = Resolved(job.name)
    try:
        before = stat_of(job.path.stat())
        document = read_document(job.path, folder)
        after = stat_of(job.path.stat())
    except DocumentError as error:  # sent as strings: the exception does not unpickle
        found.error = (error.path, error.reason)
        return found
    except OSError as error:
        found.error = (job.name, f"无法读取（{error.strerror or error}）")
        return found
    found.key = key = passages_key(document)
    if job.hint is not None and job.hint != key:
        logger.info("%s changed since it was listed: indexed as it reads now", job.name)
    entry = root / "passages" / key
    try:
        if job.damaged and key == job.hint:
            raise FileNotFoundError  # known damaged: its document is chunked again
        found.count = read_header(entry, key).count
    except FileNotFoundError:
        found.chunked = True
    except (Damaged, OSError) as error:
        logger.warning("passage cache %s of %s is damaged (%s); chunking the document again",
                       key, job.name, error)
        found.chunked = found.damaged = True
    if found.chunked:
        from retrieval.chunking import chunk_document

        passages = chunk_document(document)
        written, made = write_document(writer, root, key, document, passages)
        found.count = len(passages)
        if not written:
            found.memory = made
            found.write_failure = writer.failed
    if before == after and settled(before):  # else read again next time
        found.stat = before
    return found


# What the workers need, set in the parent right before the fork: inherited, not pickled.
_FORK: tuple[Path, Path, bool] | None = None


def _work(job: Job) -> Resolved:
    assert _FORK is not None
    folder, root, enabled = _FORK
    writer = Writer(root, quiet=True)
    if not enabled:
        writer.failed = OSError("the cache is not written this run")
    try:
        return resolve(job, folder, root, writer)
    except Exception as error:  # a bug: sent back as text, since not every exception unpickles
        import traceback

        raise RuntimeError(f"chunking {job.name} failed:\n{traceback.format_exc()}") from error


def resolve_all(jobs: Sequence[Job], folder: Path, root: Path, writer: Writer,
                workers: int) -> Iterator[Resolved]:
    """`resolve` each of `jobs`, in order, on `workers` processes when there are several."""
    global _FORK
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for job in jobs:
            yield resolve(job, folder, root, writer)
        return
    # The first document is chunked here: what chunking loads on first use (jieba's
    # dictionary for the column model, 0.7 s; the layout rules) is then shared by the forked
    # workers instead of loaded again by each.
    rest = list(jobs)
    while rest:
        job, rest = rest[0], rest[1:]
        found = resolve(job, folder, root, writer)
        yield found
        if found.chunked:
            break
    if len(rest) < PARALLEL_FROM or sum(_size(job.path) for job in rest) < PARALLEL_BYTES:
        for job in rest:
            yield resolve(job, folder, root, writer)
        return
    _FORK = (folder, root, writer.enabled)
    gc.freeze()  # the workers' collector would otherwise touch, and so copy, the parent's pages
    try:
        # The workers collect cycles whatever the parent does (`bot.cli` pauses its collector
        # while it builds): chunking a document may leave some.
        with multiprocessing.get_context("fork").Pool(min(workers, len(rest)),
                                                      initializer=gc.enable) as pool:
            for found in pool.imap(_work, rest):
                if found.write_failure is not None:
                    writer.fail(found.write_failure)  # said once, by the parent
                yield found
    finally:
        _FORK = None
        gc.unfreeze()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1

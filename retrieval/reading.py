"""One pass over a corpus, a document at a time: the summary and the index terms.

What a build needs of a document's passages is its record (`records.record_of`): the
summary's scan (ids, letter hashes, speakers and their positions), and each passage's
normalised text and the names and titles indexed with it. The store writes it when the
document is chunked, while the passages are at hand; a build then cuts the record's texts
(`terms.Cutter`) into packed term ids, and reads the passages themselves only for a
document whose record is missing. Unpickling a million passages and scanning them again cost
about a third of a build. On a large corpus the documents are shared out between forked
workers, which send back scans and id arrays but never texts; the parent merges the scans in
corpus order and renumbers the arrays into one vocabulary as they arrive (`terms.Joiner`).

This needs the tokenizer before the first text is cut. Its user dictionary is built from the
whole corpus's terms (speakers' names, quoted terms), so each document's terms are recorded
when it is chunked too (the last item of its passages entry) and gathered from there. Reading
every passage first to find them, then cutting, crossed every text between processes twice.

A document's terms cover all its passages, in order, whatever deduplication keeps (which
depends on the documents before it); the searchable ones are selected afterwards
(`Packed.select`). So a document's kept terms depend on its own contents alone.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

import numpy as np

from retrieval.models import Passage
from retrieval.records import Record, Scanned, people_of, record_of
from retrieval.summary import Summary, merge
from retrieval.terms import Cutter, Joiner, Packed, arrays

PARALLEL_FROM = 20_000  # passages to read before a second process pays for its start
_BATCH = 2_000  # passages a worker reads at a time (about a third of a second)


class Span(NamedTuple):
    """One document's passages, `start` to `stop` in the corpus, and what keys its terms."""

    key: str  # its passages entry, or a hash of its passages (`spans_of`)
    start: int
    stop: int


def spans_of(passages: Sequence[Passage]) -> list[Span]:
    """The spans of passages that did not come from a store: runs of one document, each keyed
    by a hash of what decides its terms and its share of the summary."""
    spans: list[Span] = []
    start = 0
    for end in range(1, len(passages) + 1):
        if end == len(passages) or passages[end].document_id != passages[start].document_id:
            digest = hashlib.sha256()
            for passage in passages[start:end]:
                digest.update(f"{passage.id}\t{passage.kind}\t{passage.text}\t"
                              f"{people_of(passage)}\x00".encode())
            spans.append(Span(digest.hexdigest(), start, end))
            start = end
    return spans


class Cache:
    """Where a build keeps each document's record and terms between builds; this one keeps
    nothing (the store's keeps them on disk). Its methods run in the workers too."""

    def record(self, span: Span) -> Record | None:
        """The kept record of `span`'s passages (`records.record_of`), or None."""
        return None

    def keep_record(self, span: Span, record: Record) -> None:
        pass

    def terms(self, span: Span) -> Packed | None:
        """The kept terms of `span`'s passages, or None."""
        return None

    def keep_terms(self, span: Span, packed: Packed) -> None:
        pass


# What the workers need, set in the parent right before the fork: inherited, not pickled.
# (passages, what cuts them, spans to cut, whether to scan, the cache)
_FORK: tuple[Sequence[Passage], Cutter, set[int], bool, Cache] | None = None
# (scans, [(document, its vocabulary in the cutter's term ids, lengths, ids)], the cutter
# (its process), the id of its first new term, its new terms)
_Read = tuple[list[Scanned], list[tuple[int, np.ndarray, bytes, bytes]], int, int, list[str]]


def _read(batch: list[tuple[int, Span]]) -> _Read:
    """The scans of the documents of `batch` (when scanning) and the terms of those to cut.

    A document's terms are sent as id arrays, its vocabulary as the ids this process's cutter
    gave its terms, and the cutter's new terms once (`terms.Joiner.learn`).
    """
    assert _FORK is not None
    passages, cutter, cutting, scan, cache = _FORK
    ranged = getattr(passages, "iter_range", None)  # the store's: an entry read once, whole
    scanned: list[Scanned] = []
    done = []
    for number, span in _uncollected(batch):
        record = cache.record(span)
        if record is None:
            record = record_of(ranged(span.start, span.stop) if ranged
                               else passages[span.start:span.stop])
            cache.keep_record(span, record)
        part, normals, peoples = record
        if scan:
            scanned.append(part)
        if number in cutting:
            packed, vocabulary = cutter.pack_with_ids(normals, peoples)
            cache.keep_terms(span, packed)
            done.append((number, vocabulary, packed.lengths.tobytes(), packed.ids.tobytes()))
    first, terms = cutter.new_terms()
    return scanned, done, os.getpid(), first, terms


def _uncollected(items: Iterable) -> Iterator:
    """`items`, with the cyclic garbage collector paused while they are worked on.

    Cutting and merging make millions of small lists and tuples, none of them in a cycle; the
    collector's passes over them took about 8% of the workers' time (measured at 200,000
    passages). A bot that reloads meanwhile collects its cycles once the build is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield from items
    finally:
        if enabled:
            gc.enable()


def _batches(spans: Iterable[tuple[int, Span]]) -> list[list[tuple[int, Span]]]:
    batches: list[list[tuple[int, Span]]] = [[]]
    size = 0
    for number, span in spans:
        if size >= _BATCH:
            batches.append([])
            size = 0
        batches[-1].append((number, span))
        size += span.stop - span.start
    return batches


def _pass(passages: Sequence[Passage], spans: Sequence[Span], tokenizer: object, cut: set[int],
          scan: bool, cache: Cache, workers: int, bar: Callable) -> Iterator[_Read]:
    global _FORK
    chosen = [(n, s) for n, s in enumerate(spans) if scan or n in cut]
    batches = _batches(chosen)
    total = sum(span.stop - span.start for _, span in chosen)
    _FORK = (passages, Cutter(tokenizer), cut, scan, cache)
    try:
        if workers < 2 or total < PARALLEL_FROM \
                or "fork" not in multiprocessing.get_all_start_methods():
            yield from bar(map(_read, batches), len(batches))
            return
        # Without this the workers' garbage collector touches every object the parent holds
        # and the kernel copies those pages: memory doubles.
        gc.freeze()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            yield from bar(pool.imap(_read, batches), len(batches))
    finally:
        _FORK = None
        gc.unfreeze()


def read_corpus(
    passages: Sequence[Passage], spans: Sequence[Span], tokenizer: object,
    user_words: Iterable[str], summary: Summary | None = None, cache: Cache | None = None,
    workers: int = 1, bar: Callable = lambda items, total: items,
) -> tuple[Summary, Packed]:
    """The summary of `passages` and the terms of its searchable passages, in one pass.

    Args:
        passages: the corpus, read by `spans` (`Passages.iter_range` when it has one).
        spans: the corpus's documents, in order, one after the other.
        tokenizer: a `Tokenizer` whose user dictionary is `user_words`.
        summary: the corpus's summary when it is already known: then only the documents
            whose terms are not cached are read.
        cache: keeps each document's record and terms between builds (default: none).
        workers: processes to read in, on a large corpus.
        bar: may wrap the batches of documents in a progress bar (`bar(items, total)`).
    Returns:
        The summary and the searchable passages' terms (`Packed.select`), in index order.
    """
    cache = cache or Cache()
    joiner = Joiner()
    cut: set[int] = set()
    for number, span in enumerate(spans):
        found = cache.terms(span)
        if found is None:
            cut.add(number)
        else:
            joiner.add(number, found)
    scan = summary is None

    def scanned() -> Iterator[Scanned]:
        if not (scan or cut):
            return
        for parts, done, cutter, first, terms in _pass(passages, spans, tokenizer, cut, scan,
                                                       cache, workers, bar):
            joiner.learn(cutter, first, terms)
            for number, vocabulary, lengths, ids in done:
                span = spans[number]
                joiner.add_cut(number, cutter, vocabulary,
                               *arrays(lengths, ids, span.stop - span.start, len(vocabulary)))
            yield from parts

    if summary is None:
        summary = merge(_uncollected(scanned()), user_words)
    else:
        for _ in scanned():
            pass
    return summary, joiner.join(range(len(spans))).select(summary.searchable)

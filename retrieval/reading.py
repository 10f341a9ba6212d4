"""One pass over a corpus, a document at a time: the summary's rows and the index terms.

A build reads every passage once. For each document it scans the passages into the summary's
rows (`summary.Scanner`) and, unless its terms are cached, cuts each passage's text with its
speakers' names and titles (`terms.text_terms`) into packed term ids. On a large corpus the
documents are shared out between forked workers, which send back rows and id arrays but never
texts; the parent merges the rows in corpus order and renumbers the arrays into one vocabulary
as they arrive (`terms.Joiner`).

This needs the tokenizer before the first passage is read. Its user dictionary is built from
the whole corpus's terms (speakers' names, quoted terms), so each document's terms are recorded
when it is chunked (the last item of its passages entry) and gathered from there. Reading every
passage first to find them, then cutting, crossed every text between processes twice and made
a million passages take 142-176 s on two cores.

A document's terms cover all its passages, in order, whatever deduplication keeps (which
depends on the documents before it); the searchable ones are selected afterwards
(`Packed.select`). So a document's cached terms are keyed by its own contents alone.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from retrieval.models import Passage
from retrieval.summary import Scanned, Scanner, Summary, merge, people_of
from retrieval.terms import Joiner, Packed, text_terms

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


# What the workers need, set in the parent right before the fork: inherited, not pickled.
# (passages, tokenizer, spans to cut, whether to scan, how to keep a span's terms)
_FORK: tuple[Sequence[Passage], object, set[int], bool, Callable[[Span, Packed], None]] | None \
    = None
_Read = tuple["Scanned | None", list[tuple[int, tuple]]]


def _read(batch: list[tuple[int, Span]]) -> _Read:
    """Rows of the passages of `batch` (when scanning) and the packed terms of those to cut."""
    assert _FORK is not None
    passages, tokenizer, cutting, scan, keep = _FORK
    scanner = Scanner() if scan else None
    ranged = getattr(passages, "iter_range", None)  # the store's: an entry read once, whole
    done = []
    for number, span in batch:
        cut = number in cutting
        terms = []
        for passage in (ranged(span.start, span.stop) if ranged
                        else passages[span.start:span.stop]):
            people = scanner.add(passage) if scanner else people_of(passage)
            if cut:
                terms.append(text_terms(tokenizer, passage.text, people))
        if cut:
            packed = Packed.of(terms)
            keep(span, packed)
            done.append((number, packed.to_value()))
    return (scanner.result() if scanner else None), done


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
          scan: bool, keep: Callable[[Span, Packed], None], workers: int,
          bar: Callable) -> Iterator[_Read]:
    global _FORK
    chosen = [(n, s) for n, s in enumerate(spans) if scan or n in cut]
    batches = _batches(chosen)
    total = sum(span.stop - span.start for _, span in chosen)
    _FORK = (passages, tokenizer, cut, scan, keep)
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
    user_words: Iterable[str], summary: Summary | None = None,
    cached: Callable[[Span], Packed | None] = lambda span: None,
    keep: Callable[[Span, Packed], None] = lambda span, packed: None,
    workers: int = 1, bar: Callable = lambda items, total: items,
) -> tuple[Summary, Packed]:
    """The summary of `passages` and the terms of its searchable passages, in one pass.

    Args:
        passages: the corpus, read by `spans` (`Passages.iter_range` when it has one).
        spans: the corpus's documents, in order, one after the other.
        tokenizer: a `Tokenizer` whose user dictionary is `user_words`.
        summary: the corpus's summary when it is already known: then only the documents
            whose terms are not cached are read.
        cached: a span's terms when they are kept from an earlier build, or None.
        keep: called with a span's terms as it is cut (in the worker that cut it).
        workers: processes to read in, on a large corpus.
        bar: may wrap the batches of documents in a progress bar (`bar(items, total)`).
    Returns:
        The summary and the searchable passages' terms (`Packed.select`), in index order.
    """
    joiner = Joiner()
    cut: set[int] = set()
    for number, span in enumerate(spans):
        found = cached(span)
        if found is None:
            cut.add(number)
        else:
            joiner.add(number, found)
    scan = summary is None

    def scanned() -> Iterator[Scanned]:
        if not (scan or cut):
            return
        for part, done in _pass(passages, spans, tokenizer, cut, scan, keep, workers, bar):
            for number, value in done:
                span = spans[number]
                joiner.add(number, Packed.from_value(value, span.stop - span.start))
            if part is not None:
                yield part

    if summary is None:
        summary = merge(scanned(), user_words)
    else:
        for _ in scanned():
            pass
    return summary, joiner.join(range(len(spans))).select(summary.searchable)

"""What the answer core needs to know of every passage, gathered in one pass.

`summarise(passages)` reads each passage once and returns the `Summary` (speakers, ids,
searchable positions, corpus terms for the user dictionary) and what is indexed for each
searchable passage. The pass has two halves: `_scan` looks at passages one at a time and keeps
only small rows, `_merge` combines the rows in corpus order. On a large corpus the scan runs
in forked workers over ranges of the corpus, which gives the same rows (tested): unpickling and
normalising a million passages takes about two minutes on one core.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.models import Passage, Speaker, SpeakerStat
from retrieval.keys import IndexContents
from retrieval.tokenize import normalize
from retrieval.vocabulary import quoted_terms, speaker_terms

PARALLEL_FROM = 20_000  # passages to scan before a second process pays for its start
_RANGE = 25_000  # passages a worker scans at a time (bounded results, a progress step each)
_NON_WORD = re.compile(r"\W+")


def _people(members: Iterable[Speaker]) -> str:
    return " ".join(f"{member.name} {member.title}" for member in members)


def _indexed(text: str, people: str) -> str:
    """The text, then its speakers' names and titles after a space (`terms.text_terms`)."""
    return f"{text} {people}" if people else text


def people_of(passage: Passage) -> str:
    """The names and titles of a passage's speakers, as they are indexed with its text."""
    return _people(m for speaker in passage.speakers for m in (speaker.members or (speaker,)))


def index_text(passage: Passage) -> str:
    """What is indexed for a passage: its text, then its speakers' names and titles."""
    return _indexed(passage.text, people_of(passage))


class IdTable:
    """Passage id -> position, as two arrays: a million ids unpickle in milliseconds, where a
    dict of them took 0.55 s of every restart."""

    def __init__(self, ids: Sequence[str]) -> None:
        encoded = np.array([i.encode() for i in ids] or [b""], dtype=bytes)[:len(ids)]
        self._order = np.argsort(encoded, kind="stable")  # equal ids keep their order
        self._ids = encoded[self._order]

    def get(self, passage_id: str) -> int | None:
        """The position of `passage_id` (the last, if several passages share it), or None."""
        key = passage_id.encode()
        at = int(np.searchsorted(self._ids, key, side="right")) - 1
        return int(self._order[at]) if at >= 0 and self._ids[at] == key else None

    def __len__(self) -> int:
        return len(self._ids)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdTable) and np.array_equal(self._ids, other._ids) \
            and np.array_equal(self._order, other._order)

    __hash__ = None  # type: ignore[assignment]


def _positions(values: Iterable[int]) -> array:
    """Passage positions as a compact array (pickled as raw bytes, read back as ints)."""
    return array("q", values)


@dataclass(frozen=True)
class Summary:
    """What the answer core needs to know of every passage, kept with the index.

    Built in one pass over the passages; `Answerer.build` keeps it on disk beside the index,
    so that a restart over an unchanged corpus reads neither the passages nor their terms.
    """

    user_words: frozenset[str]  # corpus terms for the tokenizer's user dictionary
    searchable: Sequence[int]  # positions of the indexed passages (text, deduplicated)
    contents: dict[str, str]  # per document, a hash of what is indexed (keys the index)
    by_id: IdTable
    speakers: dict[str, Speaker]  # normalised name -> speaker, for reading questions
    stats: list[SpeakerStat]
    spoken: dict[str, Sequence[int]]  # speaker name -> positions of the passages they speak in
    ranked: dict[str, Sequence[int]]  # the same, searchable only, most characters spoken first
    examples: list[str]


@dataclass(frozen=True)
class Indexed:
    """What is indexed for each searchable passage, in the order of `Summary.searchable`."""

    texts: list[str]
    documents: list[str]  # the document id of each
    people: list[str]  # the end of each text that names its speakers (`index_text`)


# One passage as `_scan` sees it, all `_merge` needs without the passage itself: its id,
# document id, a hash of its letters and digits (None when it is never searched), text, the
# names and titles indexed with it, its speakers (positions in the scan's table of distinct
# members), the characters each distinct member name speaks, and the names that could give an
# example question. Plain tuples and a table of speakers: sending rows of dataclasses back
# from the workers took longer than the scan itself.
_Row = tuple[str, str, "bytes | None", str, str, tuple[int, ...], tuple[int, ...], tuple[str, ...]]
_Scanned = tuple[list[_Row], list[tuple[str, Speaker]], set[str]]


def _scan(passages: Iterable[Passage]) -> _Scanned:
    """A row per passage, the table of (normalised name, member) the rows point into, and
    the corpus terms of them all (`corpus_terms`)."""
    rows: list[_Row] = []
    terms: set[str] = set()
    table: list[tuple[str, Speaker]] = []
    numbers: dict[Speaker, int] = {}  # each member is normalised and looked at once
    for passage in passages:
        speakers = passage.speakers
        members: list[int] = []
        for speaker in speakers:
            for member in speaker.members or (speaker,):
                number = numbers.get(member)
                if number is None:
                    number = numbers[member] = len(table)
                    table.append((normalize(member.name), member))
                    terms.update(speaker_terms(member))
                members.append(number)
        terms.update(quoted_terms(passage.text))
        key = None
        if passage.kind == "text":  # captions are listed, never quoted as answers
            letters = _NON_WORD.sub("", normalize(passage.text))
            key = hashlib.blake2b(letters.encode(), digest_size=16).digest() if letters else None
        names = dict.fromkeys(table[n][1].name for n in members)
        spoken: tuple[int, ...] = ()
        if key and names:  # characters each name speaks: most substance first, not greetings
            chars = dict.fromkeys(names, 0)
            for segment in passage.segments:
                if segment.speaker is not None:
                    for name in dict.fromkeys(
                            m.name for m in segment.speaker.members or (segment.speaker,)):
                        chars[name] += len(segment.text)
            spoken = tuple(chars.values())
        people = _people(table[n][1] for n in members)
        rows.append((passage.id, passage.document_id, key, passage.text, people, tuple(members),
                     spoken, tuple(s.name for s in speakers if not s.members)))
    return rows, table, terms


def _merge(parts: Iterable[_Scanned]) -> tuple[Summary, Indexed]:
    """The `Summary` of scanned rows, in corpus order."""
    searchable: list[int] = []
    texts: list[str] = []
    documents: list[str] = []
    people_of_texts: list[str] = []
    seen: set[bytes] = set()
    ids: list[str] = []
    speakers: dict[str, Speaker] = {}
    titles: dict[str, dict[str, None]] = {}
    spoken: dict[str, list[int]] = {}
    examples: list[str] = []
    named: set[str] = set()
    ranked: dict[str, list[tuple[int, int]]] = {}
    contents = IndexContents()
    user_words: set[str] = set()
    i = -1
    for rows, table, terms in parts:
        user_words |= terms
        for passage_id, document_id, key, text, people, members, chars, example in rows:
            i += 1
            ids.append(passage_id)
            names: dict[str, None] = {}
            for number in members:
                normalised, member = table[number]
                speakers.setdefault(normalised, member)
                names.setdefault(member.name, None)
                known = titles.setdefault(member.name, {})
                if member.title:
                    known.setdefault(member.title, None)
            for name in names:
                spoken.setdefault(name, []).append(i)
            if len(examples) < 3:  # one question about each of the first speakers
                for name in example:
                    if name not in named:
                        named.add(name)
                        examples.append(f"{name}说了什么？")
                        break
            # Identical paragraphs (pages repeat some) are indexed once.
            if key is None or key in seen:
                continue
            seen.add(key)
            searchable.append(i)
            indexed = _indexed(text, people)
            texts.append(indexed)
            documents.append(document_id)
            people_of_texts.append(people)
            contents.add(document_id, passage_id, text, indexed)
            for name, count in zip(names, chars):  # most substance first, not greetings
                ranked.setdefault(name, []).append((-count, i))
    stats = [
        SpeakerStat(name, tuple(titles[name]), len(positions))
        for name, positions in sorted(spoken.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    summary = Summary(
        frozenset(user_words), _positions(searchable), contents.result(), IdTable(ids), speakers,
        stats, {name: _positions(p) for name, p in spoken.items()},
        {name: _positions(i for _, i in sorted(r)) for name, r in ranked.items()}, examples,
    )
    return summary, Indexed(texts, documents, people_of_texts)


# Set in the parent right before the fork; the workers inherit it instead of unpickling it.
_FORK_PASSAGES: Sequence[Passage] | None = None


def _scan_range(bounds: tuple[int, int]) -> _Scanned:
    assert _FORK_PASSAGES is not None
    start, stop = bounds
    ranged = getattr(_FORK_PASSAGES, "iter_range", None)  # the store's: a document at a time
    return _scan(ranged(start, stop) if ranged else _FORK_PASSAGES[start:stop])


def summarise(passages: Sequence[Passage], workers: int = 1,
              progress: bool = False) -> tuple[Summary, Indexed]:
    """The `Summary` of `passages` and what is indexed for each searchable one.

    With `workers` > 1 and a large corpus, ranges of it are scanned in forked processes.
    """
    global _FORK_PASSAGES
    if workers < 2 or len(passages) < PARALLEL_FROM \
            or "fork" not in multiprocessing.get_all_start_methods():
        return _merge([_scan(passages)])
    from retrieval.cache_files import _bar

    ranges = [(start, min(start + _RANGE, len(passages)))
              for start in range(0, len(passages), _RANGE)]
    _FORK_PASSAGES = passages
    gc.freeze()  # keeps the workers from touching (and so copying) the parent's objects
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.imap(_scan_range, ranges)
            return _merge(_bar(parts, progress, "reading", len(ranges)))
    finally:
        _FORK_PASSAGES = None
        gc.unfreeze()

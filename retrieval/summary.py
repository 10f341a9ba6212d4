"""What the answer core needs to know of every passage, gathered in one pass.

The `Summary` holds the speakers, ids and searchable positions of every passage. It is built in
two halves: a `Scanner` looks at passages one at a time and keeps only small rows, `merge`
combines the rows in corpus order. On a large corpus the scanning runs in forked workers, over
ranges of documents, together with cutting their texts (`retrieval.reading`); `summarise` is the
same in one process.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.models import Passage, Speaker, SpeakerStat
from retrieval.tokenize import normalize
from retrieval.vocabulary import corpus_terms

_NON_WORD = re.compile(r"\W+")


def _people(members: Iterable[Speaker]) -> str:
    return " ".join(f"{member.name} {member.title}" for member in members)


def people_of(passage: Passage) -> str:
    """The names and titles of a passage's speakers, as they are indexed with its text."""
    return _people(m for speaker in passage.speakers for m in (speaker.members or (speaker,)))


def index_text(passage: Passage) -> str:
    """What is indexed for a passage: its text, then its speakers' names and titles.

    Its terms are `terms.text_terms(tokenizer, passage.text, people_of(passage))`.
    """
    people = people_of(passage)
    return f"{passage.text} {people}" if people else passage.text


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
    by_id: IdTable
    speakers: dict[str, Speaker]  # normalised name -> speaker, for reading questions
    stats: list[SpeakerStat]
    spoken: dict[str, Sequence[int]]  # speaker name -> positions of the passages they speak in
    ranked: dict[str, Sequence[int]]  # the same, searchable only, most characters spoken first
    examples: list[str]


# One passage as a `Scanner` sees it, all `merge` needs without the passage itself: its id, a
# hash of its letters and digits (None when it is never searched), its speakers (positions in
# the scanner's table of distinct members), the characters each distinct member name speaks,
# and the names that could give an example question. Plain tuples and a table of speakers:
# sending rows of dataclasses back from the workers took longer than the scan itself.
_Row = tuple[str, "bytes | None", tuple[int, ...], tuple[int, ...], tuple[str, ...]]
Scanned = tuple[list[_Row], list[tuple[str, Speaker]]]


class Scanner:
    """Rows of passages scanned one at a time, and the table of (normalised name, member) the
    rows point into."""

    def __init__(self) -> None:
        self.rows: list[_Row] = []
        self.table: list[tuple[str, Speaker]] = []
        self._numbers: dict[Speaker, int] = {}  # each member is normalised and looked at once

    def add(self, passage: Passage) -> tuple[str, str]:
        """Scan `passage`; returns the names and titles indexed with it (`people_of`) and its
        normalised text (`tokenize.normalize`), which cutting needs too."""
        table = self.table
        members: list[int] = []
        for speaker in passage.speakers:
            for member in speaker.members or (speaker,):
                number = self._numbers.get(member)
                if number is None:
                    number = self._numbers[member] = len(table)
                    table.append((normalize(member.name), member))
                members.append(number)
        key = None
        normal = normalize(passage.text)
        if passage.kind == "text":  # captions are listed, never quoted as answers
            letters = _NON_WORD.sub("", normal)
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
        self.rows.append((passage.id, key, tuple(members), spoken,
                          tuple(s.name for s in passage.speakers if not s.members)))
        return _people(table[n][1] for n in members), normal

    def result(self) -> Scanned:
        return self.rows, self.table


# What a build needs of one document's passages: their rows (`Scanned`), and each passage's
# normalised text and the names and titles indexed with it, which are what is cut.
Record = tuple[Scanned, list[str], list[str]]


def record_of(passages: Iterable[Passage]) -> Record:
    """The `Record` of one document's passages."""
    scanner = Scanner()
    normals: list[str] = []
    peoples: list[str] = []
    for passage in passages:
        people, normal = scanner.add(passage)
        normals.append(normal)
        peoples.append(people)
    return scanner.result(), normals, peoples


def checked_record(value: object, passages: int) -> Record:
    """`value` if it is the `Record` of `passages` passages; ValueError otherwise."""
    if not (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], tuple)
            and len(value[0]) == 2 and isinstance(value[0][0], list)
            and isinstance(value[0][1], list) and isinstance(value[1], list)
            and isinstance(value[2], list)):
        raise ValueError("not a record of passages")
    (rows, table), normals, peoples = value
    if not len(rows) == len(normals) == len(peoples) == passages:
        raise ValueError(f"a record of {len(rows)} passages, not {passages}")
    if any(not 0 <= n < len(table) for row in rows for n in row[2]):
        raise ValueError("a record whose speakers are not in its table")
    return value  # type: ignore[return-value]


def merge(parts: Iterable[Scanned], user_words: Iterable[str]) -> Summary:
    """The `Summary` of scanned rows, in corpus order, with the corpus's terms `user_words`."""
    searchable: list[int] = []
    seen: set[bytes] = set()
    ids: list[str] = []
    speakers: dict[str, Speaker] = {}
    titles: dict[str, dict[str, None]] = {}
    spoken: dict[str, list[int]] = {}
    examples: list[str] = []
    named: set[str] = set()
    ranked: dict[str, list[tuple[int, int]]] = {}
    i = -1
    for rows, table in parts:
        # The table holds each member in the order the rows first name them: looking at it
        # instead of at every row's members gives the same speakers and titles, in the same
        # order, once per member rather than once per mention.
        name_of: list[str] = []
        for normalised, member in table:
            speakers.setdefault(normalised, member)
            known = titles.setdefault(member.name, {})
            if member.title:
                known.setdefault(member.title, None)
            name_of.append(member.name)
        for passage_id, key, members, chars, example in rows:
            i += 1
            ids.append(passage_id)
            names = dict.fromkeys([name_of[n] for n in members]) if members else {}
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
            for name, count in zip(names, chars):  # most substance first, not greetings
                ranked.setdefault(name, []).append((-count, i))
    stats = [
        SpeakerStat(name, tuple(titles[name]), len(positions))
        for name, positions in sorted(spoken.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    return Summary(
        frozenset(user_words), _positions(searchable), IdTable(ids), speakers, stats,
        {name: _positions(p) for name, p in spoken.items()},
        {name: _positions(i for _, i in sorted(r)) for name, r in ranked.items()}, examples,
    )


def summarise(passages: Iterable[Passage]) -> Summary:
    """The `Summary` of `passages`, in this process (`retrieval.reading` runs it in workers)."""
    passages = list(passages)
    return merge([record_of(passages)[0]], corpus_terms(passages))

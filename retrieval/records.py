"""A document's record: what a build needs of its passages, without the passages.

The record holds, for each passage, the row the summary is merged from (`summary.merge`) and
what is cut into its index terms: its normalised text and its speakers' names and titles. The
store writes a document's record when it chunks the document, while the passages are at hand
(`IndexStore.write_document`), so that a build neither unpickles nor scans the passages again:
at a million passages that was about a third of a build.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from retrieval.models import Passage, Speaker
from retrieval.tokenize import normalize

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

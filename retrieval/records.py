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
from typing import NamedTuple

from retrieval.models import Passage, Speaker
from retrieval.tokenize import normalize

# Bump when a record (`record_of`) changes for the same passages (tests/test_versions.py).
RECORDS_VERSION = 3
_NON_WORD = re.compile(r"\W+")


def _people(members: Iterable[Speaker]) -> str:
    return " ".join(f"{member.name} {member.title}" for member in members)


def people_of(passage: Passage) -> str:
    """The names and titles of a passage's speakers, as they are indexed with its text."""
    return _people(m for speaker in passage.speakers for m in (speaker.members or (speaker,)))


def index_text(passage: Passage) -> str:
    """What is indexed for a passage: its text, then its speakers' names and titles.

    Its terms are `terms.Cutter(tokenizer).terms(normalize(passage.text), people_of(passage))`.
    """
    people = people_of(passage)
    return f"{passage.text} {people}" if people else passage.text


class Scanned(NamedTuple):
    """What `summary.merge` needs of one document's passages, without the passages.

    Positions are the passages' within the document. Gathered per document rather than as a
    row per passage, so that merging costs the parent a pass over the ids and hashes, not a
    dict of names for each passage (a quarter less of the parent's time at 200,000 passages).
    """

    ids: list[str]
    keys: list[bytes | None]  # a hash of each passage's letters and digits; None: never searched
    examples: list[tuple[str, ...]]  # each passage's speakers that could give an example question
    spoken: dict[str, list[int]]  # name -> the passages it speaks in
    ranked: dict[str, list[tuple[int, int]]]  # name -> (passage, characters it speaks), keyed ones
    table: list[tuple[str, Speaker]]  # each member (normalised name first), as first mentioned


class Scanner:
    """One document's passages, scanned one at a time into a `Scanned`."""

    def __init__(self) -> None:
        self.scanned = Scanned([], [], [], {}, {}, [])
        self._numbers: dict[Speaker, int] = {}  # each member is normalised and looked at once

    def add(self, passage: Passage) -> tuple[str, str]:
        """Scan `passage`; returns the names and titles indexed with it (`people_of`) and its
        normalised text (`tokenize.normalize`), which cutting needs too."""
        scanned = self.scanned
        table = scanned.table
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
        position = len(scanned.ids)
        names = dict.fromkeys(table[n][1].name for n in members)
        for name in names:
            scanned.spoken.setdefault(name, []).append(position)
        if key and names:  # characters each name speaks: most substance first, not greetings
            chars = dict.fromkeys(names, 0)
            for segment in passage.segments:
                if segment.speaker is not None:
                    for name in dict.fromkeys(
                            m.name for m in segment.speaker.members or (segment.speaker,)):
                        chars[name] += len(segment.text)
            for name, count in chars.items():
                scanned.ranked.setdefault(name, []).append((position, count))
        scanned.ids.append(passage.id)
        scanned.keys.append(key)
        scanned.examples.append(tuple(s.name for s in passage.speakers if not s.members))
        return _people(table[n][1] for n in members), normal


# What a build needs of one document's passages: their scan (`Scanned`), and each passage's
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
    return scanner.scanned, normals, peoples


def checked_record(value: object, passages: int) -> Record:
    """`value` if it is the `Record` of `passages` passages; ValueError otherwise."""
    if not (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], Scanned)
            and all(isinstance(part, list) for part in value[1:])):
        raise ValueError("not a record of passages")
    scanned, normals, peoples = value
    if not len(scanned.ids) == len(scanned.keys) == len(scanned.examples) == len(normals) \
            == len(peoples) == passages:
        raise ValueError(f"a record of {len(scanned.ids)} passages, not {passages}")
    if any(not 0 <= p < passages for found in scanned.spoken.values() for p in found) \
            or any(not 0 <= p < passages for found in scanned.ranked.values() for p, _ in found):
        raise ValueError("a record whose speakers speak outside its passages")
    return value  # type: ignore[return-value]

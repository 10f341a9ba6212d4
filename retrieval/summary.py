"""What the answer core needs to know of every passage, merged from the documents' records.

The `Summary` holds the speakers, ids and searchable positions of every passage. `merge`
combines the scans in the documents' records (`records.record_of`) in corpus order; a build
reads the records in forked workers (`retrieval.reading`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.models import Speaker, SpeakerStat
from retrieval.records import Scanned


# Bump when `merge` gives another summary for the same records (tests/test_versions.py).
SUMMARY_VERSION = 3


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

    Built in one pass over the passages; `build.build_answerer` keeps it on disk beside the index,
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


def merge(parts: Iterable[Scanned], user_words: Iterable[str]) -> Summary:
    """The `Summary` of the documents' scans, in corpus order; `user_words` are its terms."""
    searchable: list[int] = []
    seen: set[bytes] = set()
    ids: list[str] = []
    speakers: dict[str, Speaker] = {}
    titles: dict[str, dict[str, None]] = {}
    spoken: dict[str, list[int]] = {}
    examples: list[str] = []
    named: set[str] = set()
    ranked: dict[str, list[tuple[int, int]]] = {}
    for part in parts:
        start = len(ids)
        ids.extend(part.ids)
        for normalised, member in part.table:
            speakers.setdefault(normalised, member)
            known = titles.setdefault(member.name, {})
            if member.title:
                known.setdefault(member.title, None)
        for name, positions in part.spoken.items():
            found = spoken.get(name)
            if found is None:
                found = spoken[name] = []
            found.extend([start + p for p in positions])
        if len(examples) < 3:  # one question about each of the first speakers
            for example in part.examples:
                for name in example:
                    if name not in named:
                        named.add(name)
                        examples.append(f"{name}说了什么？")
                        break
                if len(examples) >= 3:
                    break
        # Identical paragraphs (pages repeat some) are indexed once.
        kept: set[int] = set()
        for position, key in enumerate(part.keys):
            if key is None or key in seen:
                continue
            seen.add(key)
            kept.add(position)
            searchable.append(start + position)
        for name, pairs in part.ranked.items():  # most substance first, not greetings
            chosen = [(-count, start + p) for p, count in pairs if p in kept]
            if chosen:
                ranked.setdefault(name, []).extend(chosen)
    stats = [
        SpeakerStat(name, tuple(titles[name]), len(positions))
        for name, positions in sorted(spoken.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    return Summary(
        frozenset(user_words), _positions(searchable), IdTable(ids), speakers, stats,
        {name: _positions(p) for name, p in spoken.items()},
        {name: _positions(i for _, i in sorted(r)) for name, r in ranked.items()}, examples,
    )

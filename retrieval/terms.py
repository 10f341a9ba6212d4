"""The index terms of many passages, kept as arrays of term ids.

A document's terms are packed as its distinct terms and two int32 arrays (each passage's number
of terms, then every term id in order). Workers cut whole documents (`retrieval.reading`) and
hand back packed arrays, never lists of strings: at a million passages the lists alone took
gigabytes and most of a minute to send between processes. `Joiner` renumbers each document's
arrays into one vocabulary as they arrive and puts them side by side; `Packed.select` keeps the
searchable passages, which is what `BM25sIndex.from_arrays` indexes.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from retrieval.tokenize import abbreviations, normalize

@dataclass(frozen=True)
class Packed:
    """One document's terms: its distinct terms, terms per passage, and term ids in order."""

    vocabulary: list[str]
    lengths: np.ndarray  # int32, one per passage
    ids: np.ndarray  # int32, indices into `vocabulary`

    @classmethod
    def of(cls, tokens: Sequence[Sequence[str]]) -> Packed:
        vocabulary = _numbering()
        ids = np.fromiter(map(vocabulary.__getitem__, chain.from_iterable(tokens)),
                          dtype=np.int32)
        lengths = np.fromiter(map(len, tokens), dtype=np.int32, count=len(tokens))
        return cls(list(vocabulary), lengths, ids)

    def to_value(self) -> tuple[list[str], bytes, bytes]:
        """A plain value to pickle into a cache entry."""
        return self.vocabulary, self.lengths.tobytes(), self.ids.tobytes()

    @classmethod
    def from_value(cls, value: object, passages: int) -> Packed:
        """The `Packed` of `to_value()`; ValueError when it is not one for `passages` passages."""
        if not (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], list)):
            raise ValueError("not packed terms")
        vocabulary, lengths_raw, ids_raw = value
        lengths = np.frombuffer(lengths_raw, dtype=np.int32)
        ids = np.frombuffer(ids_raw, dtype=np.int32)
        if len(lengths) != passages or int(lengths.sum()) != len(ids) \
                or (len(ids) and not 0 <= int(ids.min()) <= int(ids.max()) < len(vocabulary)):
            raise ValueError("term arrays do not agree")
        return cls(vocabulary, lengths, ids)

    def select(self, positions: Sequence[int]) -> Packed:
        """The terms of the passages at `positions` (ascending), numbered among themselves."""
        keep = np.zeros(len(self.lengths), dtype=bool)
        keep[np.asarray(positions, dtype=np.int64)] = True
        ids = self.ids[np.repeat(keep, self.lengths)]
        used = np.bincount(ids, minlength=len(self.vocabulary)) > 0
        renumber = np.cumsum(used, dtype=np.int64).astype(np.int32) - 1
        vocabulary = [word for word, kept in zip(self.vocabulary, used.tolist()) if kept]
        return Packed(vocabulary, self.lengths[keep], renumber[ids])

    def tokens(self) -> list[list[str]]:
        """The term lists that were packed."""
        words = np.array(self.vocabulary or [""], dtype=object)
        flat = words[self.ids].tolist()
        ends = np.cumsum(self.lengths).tolist()
        return [flat[start:end] for start, end in zip([0, *ends[:-1]], ends)]


def _numbering() -> defaultdict[str, int]:
    """A dict that numbers each new key in order of first appearance, looked up from C.

    `map(numbering.__getitem__, terms)` numbers a document's terms three times faster than a
    `setdefault(term, len(...))` per term (a fifth of the time cutting spent outside
    `tokens()`).
    """
    numbering: defaultdict[str, int] = defaultdict()
    numbering.default_factory = numbering.__len__
    return numbering


class Joiner:
    """Documents' terms renumbered into one vocabulary as they arrive, then put side by side.

    A document's own vocabulary is dropped as soon as it is renumbered: kept until the end, the
    5,000 documents of a million passages held fifteen million short strings (about 1 GB).
    """

    def __init__(self) -> None:
        self._ids = _numbering()
        self._parts: dict[object, tuple[np.ndarray, np.ndarray]] = {}

    def add(self, key: object, packed: Packed) -> None:
        remap = np.fromiter(map(self._ids.__getitem__, packed.vocabulary), dtype=np.int32,
                            count=len(packed.vocabulary))
        self._parts[key] = packed.lengths, remap[packed.ids] if len(packed.ids) else packed.ids

    def join(self, keys: Sequence[object]) -> Packed:
        """The parts of `keys`, in that order, as one `Packed` (and forgotten)."""
        empty = np.zeros(0, dtype=np.int32)
        parts = [self._parts.pop(key) for key in keys]
        lengths = np.concatenate([p[0] for p in parts] or [empty])
        ids = np.concatenate([p[1] for p in parts] or [empty])
        return Packed(list(self._ids), lengths, ids)


# Per tokenizer, the terms of speakers' names and titles, which repeat from passage to passage:
# of each whole string, and of each name and title in it.
_PEOPLE: weakref.WeakKeyDictionary[object, dict[str, list[str]]] = weakref.WeakKeyDictionary()
_PIECES: weakref.WeakKeyDictionary[object, dict[str, tuple[bool, list[str], list[str]]]] \
    = weakref.WeakKeyDictionary()
_PEOPLE_KEPT = 100_000
_JOINING = frozenset("、，,和与及")  # `tokenize._SEPARATOR`: what an enumeration is joined by


def _people_terms(tokenizer: object, people: str) -> list[str]:
    """`tokenizer.tokens(people)`, put together from the terms of each name and title alone.

    Speakers come in many combinations (46 distinct strings for the seeds' 164 passages with
    speakers; new ones with almost every synthetic passage) but from few names and titles.
    jieba cuts either side of a space apart, and a numbered enumeration
    (`tokenize.abbreviations`) can run across a space only when what follows it starts with
    one of its separators (`和平` as a name): then the string is cut whole. Otherwise the
    words' terms of each piece, then each piece's abbreviations, are the whole string's, in the
    same order (tests/test_terms.py).
    """
    known = _PIECES.get(tokenizer)
    if known is None or len(known) >= _PEOPLE_KEPT:
        known = _PIECES[tokenizer] = {}
    parts = []
    for piece in people.split(" "):
        found = known.get(piece)
        if found is None:
            normal = normalize(piece)
            found = known[piece] = (normal[:1] in _JOINING,
                                    tokenizer.word_terms(normal),  # type: ignore[attr-defined]
                                    abbreviations(normal))
        if found[0]:
            return tokenizer.tokens(people)  # type: ignore[attr-defined]
        parts.append(found)
    words = [term for _, found, _ in parts for term in found]
    words.extend(term for _, _, found in parts for term in found)
    return words


def text_terms(tokenizer: object, normal: str, people: str = "") -> list[str]:
    """The index terms of a passage's normalised text `normal` (`tokenize.normalize`, as its
    record holds it) and of `people`, its speakers' names and titles.

    They are the terms of the whole indexed text (`records.index_text`): jieba cuts text on
    either side of a space apart (tests/test_terms.py). The names and titles repeat from
    passage to passage, so their terms are cut once and remembered.
    """
    cut_text = tokenizer.normalized_tokens  # type: ignore[attr-defined]
    if not people:
        return cut_text(normal)
    known = _PEOPLE.get(tokenizer)
    if known is None or len(known) >= _PEOPLE_KEPT:
        known = _PEOPLE[tokenizer] = {}
    found = known.get(people)
    if found is None:
        found = known[people] = _people_terms(tokenizer, people)
    return cut_text(normal) + found

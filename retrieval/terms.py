"""The index terms of many passages, kept as arrays of term ids.

A document's terms are packed as its distinct terms and two int32 arrays (each passage's number
of terms, then every term id in order). Workers cut whole documents with a `Cutter`
(`retrieval.reading`), which remembers the ids of each word it has cut and packs a document's
passages straight from those ids, and hand back packed arrays, never lists of strings: at a
million passages the lists alone took gigabytes and most of a minute to send between
processes. `Joiner` renumbers each document's arrays into one vocabulary as they arrive and puts
them side by side; `Packed.select` keeps the searchable passages, which is what
`BM25sIndex.from_arrays` indexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from retrieval.tokenize import abbreviations, normalize


# Bump when `Cutter` gives other term ids for the same tokenizer and record
# (tests/test_versions.py).
TERMS_VERSION = 3


class _Ids(dict):
    """Term -> id, numbered in order of first appearance; `terms[id]` is the term.

    `map(ids.__getitem__, terms)` looks terms up from C, and a new term costs one call: a
    document's terms were numbered three times faster than with a `setdefault` per term.
    """

    def __init__(self) -> None:
        super().__init__()
        self.terms: list[str] = []

    def __missing__(self, term: str) -> int:
        number = self[term] = len(self.terms)
        self.terms.append(term)
        return number


@dataclass(frozen=True)
class Packed:
    """One document's terms: its distinct terms, terms per passage, and term ids in order."""

    vocabulary: list[str]
    lengths: np.ndarray  # int32, one per passage
    ids: np.ndarray  # int32, indices into `vocabulary`

    @classmethod
    def of(cls, tokens: Sequence[Sequence[str]]) -> Packed:
        vocabulary = _Ids()
        ids = np.fromiter(map(vocabulary.__getitem__, chain.from_iterable(tokens)),
                          dtype=np.int32)
        lengths = np.fromiter(map(len, tokens), dtype=np.int32, count=len(tokens))
        return cls(vocabulary.terms, lengths, ids)

    def to_value(self) -> tuple[list[str], bytes, bytes]:
        """A plain value to pickle into a cache entry."""
        return self.vocabulary, self.lengths.tobytes(), self.ids.tobytes()

    @classmethod
    def from_value(cls, value: object, passages: int) -> Packed:
        """The `Packed` of `to_value()`; ValueError when it is not one for `passages` passages."""
        if not (isinstance(value, tuple) and len(value) == 3 and isinstance(value[0], list)):
            raise ValueError("not packed terms")
        vocabulary, lengths_raw, ids_raw = value
        return cls(vocabulary, *arrays(lengths_raw, ids_raw, passages, len(vocabulary)))

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


def arrays(lengths_raw: bytes, ids_raw: bytes, passages: int,
           vocabulary: int) -> tuple[np.ndarray, np.ndarray]:
    """The lengths and ids arrays of `Packed.to_value()`'s bytes; ValueError when they are not
    those of `passages` passages over a vocabulary of `vocabulary` terms."""
    lengths = np.frombuffer(lengths_raw, dtype=np.int32)
    ids = np.frombuffer(ids_raw, dtype=np.int32)
    if len(lengths) != passages or int(lengths.sum()) != len(ids) \
            or (len(ids) and not 0 <= int(ids.min()) <= int(ids.max()) < vocabulary):
        raise ValueError("term arrays do not agree")
    return lengths, ids


class Joiner:
    """Documents' terms renumbered into one vocabulary as they arrive, then put side by side.

    A document's own vocabulary is dropped as soon as it is renumbered: kept until the end, the
    5,000 documents of a million passages held fifteen million short strings (about 1 GB).

    A document cut by a `Cutter` in a worker may come as its vocabulary in that cutter's own
    term ids (`add_cut`), with the cutter's new terms sent once (`learn`): a worker's terms
    are then looked up by their string once each, not once for every document that uses them
    (a million passages hold thirty million document-vocabulary strings, and looking each up
    in a vocabulary of a million terms was most of the parent's time).
    """

    def __init__(self) -> None:
        self._ids = _Ids()
        self._parts: dict[object, tuple[np.ndarray, np.ndarray]] = {}
        # per cutter: its term id -> the id here (-1: not known yet), and the strings of those
        # not known yet
        self._mapped: dict[object, np.ndarray] = {}
        self._pending: dict[object, dict[int, str]] = {}

    def add(self, key: object, packed: Packed) -> None:
        remap = np.fromiter(map(self._ids.__getitem__, packed.vocabulary), dtype=np.int32,
                            count=len(packed.vocabulary))
        self._parts[key] = packed.lengths, remap[packed.ids] if len(packed.ids) else packed.ids

    def learn(self, cutter: object, first: int, terms: Sequence[str]) -> None:
        """The terms `cutter` numbered `first`, `first + 1`, … (after those learnt before)."""
        mapped = self._mapped.get(cutter, np.zeros(0, dtype=np.int32))
        if first != len(mapped):
            raise ValueError(f"terms of a cutter from {first}, expected from {len(mapped)}")
        get = self._ids.get
        found = np.fromiter((get(term, -1) for term in terms), dtype=np.int32, count=len(terms))
        pending = self._pending.setdefault(cutter, {})
        for offset in np.flatnonzero(found < 0).tolist():
            pending[first + offset] = terms[offset]
        self._mapped[cutter] = np.concatenate([mapped, found])

    def add_cut(self, key: object, cutter: object, vocabulary: np.ndarray, lengths: np.ndarray,
                ids: np.ndarray) -> None:
        """`add` a document whose vocabulary is given in `cutter`'s term ids (`learn`)."""
        mapped = self._mapped[cutter]
        remap = mapped[vocabulary]
        missing = np.flatnonzero(remap < 0)
        if len(missing):
            # New here: numbered in the document's order, as `add` numbers them.
            pending = self._pending[cutter]
            number = self._ids.__getitem__
            for position in missing.tolist():
                remap[position] = number(pending.pop(int(vocabulary[position])))
            mapped[vocabulary[missing]] = remap[missing]
        self._parts[key] = lengths, remap[ids] if len(ids) else ids

    def join(self, keys: Sequence[object]) -> Packed:
        """The parts of `keys`, in that order, as one `Packed` (and forgotten)."""
        empty = np.zeros(0, dtype=np.int32)
        parts = [self._parts.pop(key) for key in keys]
        lengths = np.concatenate([p[0] for p in parts] or [empty])
        ids = np.concatenate([p[1] for p in parts] or [empty])
        return Packed(list(self._ids.terms), lengths, ids)


_JOINING = frozenset("、，,和与及")  # `tokenize._SEPARATOR`: what an enumeration is joined by
_KEPT = 500_000  # cut words, or speakers' strings, whose term ids are remembered


class _WordIds(dict):
    """Cut word -> the ids of its index terms (`Tokenizer.terms_of`), found the first time."""

    def __init__(self, tokenizer: object, ids: _Ids) -> None:
        super().__init__()
        self._terms_of = tokenizer.terms_of  # type: ignore[attr-defined]
        self._ids = ids

    def __missing__(self, word: str) -> tuple[int, ...]:
        found = self[word] = tuple(map(self._ids.__getitem__, self._terms_of(word)))
        return found


class Cutter:
    """The index terms of passages, cut by one tokenizer and numbered as they are cut.

    A passage's terms are those of its whole indexed text (`records.index_text`): its
    normalised text, then its speakers' names and titles (jieba cuts text on either side of a
    space apart, tests/test_terms.py). The few tens of thousands of distinct words are each
    looked at once and remembered as term ids, so a document's terms become a `Packed` without
    looking each term up again: numbering them afterwards (`Packed.of`) took a tenth of
    cutting's time. One `Cutter` serves one pass: its numbering grows with the terms it meets.
    """

    def __init__(self, tokenizer: object) -> None:
        self.tokenizer = tokenizer
        self._ids = _Ids()
        self._sent = 0  # terms handed on by `new_terms`
        self._words = _WordIds(tokenizer, self._ids)
        self._people: dict[str, list[int]] = {}
        # name or title -> (whether it starts with a separator, its words' ids, its abbreviations')
        self._pieces: dict[str, tuple[bool, list[int], list[int]]] = {}

    def ids(self, normal: str, people: str = "") -> list[int]:
        """The term ids of a passage's normalised text `normal` (`tokenize.normalize`, as its
        record holds it) and of `people`, its speakers' names and titles (`records.people_of`)."""
        if len(self._words) >= _KEPT:
            self._words.clear()
        found = list(chain.from_iterable(map(self._words.__getitem__,
                                              self.tokenizer.cut(normal))))  # type: ignore[attr-defined]
        found.extend(map(self._ids.__getitem__, abbreviations(normal)))
        if people:
            spoken = self._people.get(people)
            if spoken is None:
                if len(self._people) >= _KEPT:
                    self._people.clear()
                spoken = self._people[people] = self._people_ids(people)
            found.extend(spoken)
        return found

    def terms(self, normal: str, people: str = "") -> list[str]:
        """The terms whose ids `ids` gives."""
        return [self._ids.terms[number] for number in self.ids(normal, people)]

    def pack(self, normals: Sequence[str], peoples: Sequence[str]) -> Packed:
        """One document's terms (`ids` of each of its passages), numbered among themselves as
        `Packed.of` numbers them: in order of first appearance."""
        return self.pack_with_ids(normals, peoples)[0]

    def pack_with_ids(self, normals: Sequence[str],
                      peoples: Sequence[str]) -> tuple[Packed, np.ndarray]:
        """`pack`, and the packed vocabulary as this cutter's term ids (see `Joiner.learn`)."""
        cut = list(map(self.ids, normals, peoples))
        lengths = np.fromiter(map(len, cut), dtype=np.int32, count=len(cut))
        ids = np.fromiter(chain.from_iterable(cut), dtype=np.int32, count=int(lengths.sum()))
        distinct, first, local = np.unique(ids, return_index=True, return_inverse=True)
        order = np.argsort(first)  # the distinct ids as they first appear
        renumber = np.empty(len(order), dtype=np.int32)
        renumber[order] = np.arange(len(order), dtype=np.int32)
        terms = self._ids.terms
        vocabulary = distinct[order]
        return Packed([terms[number] for number in vocabulary.tolist()], lengths,
                      renumber[local.reshape(-1)]), vocabulary.astype(np.int32)

    def new_terms(self) -> tuple[int, list[str]]:
        """The terms this cutter numbered since the last call, and the id of the first."""
        first = self._sent
        self._sent = len(self._ids.terms)
        return first, self._ids.terms[first:]

    def _people_ids(self, people: str) -> list[int]:
        """The ids of `tokenizer.tokens(people)`, put together from each name and title alone.

        Speakers come in many combinations (46 distinct strings for the seeds' 164 passages
        with speakers; new ones with almost every synthetic passage) but from few names and
        titles. jieba cuts either side of a space apart, and a numbered enumeration
        (`tokenize.abbreviations`) can run across a space only when what follows it starts
        with one of its separators (`和平` as a name): then the string is cut whole. Otherwise
        the words' terms of each piece, then each piece's abbreviations, are the whole
        string's, in the same order (tests/test_terms.py).
        """
        number = self._ids.__getitem__
        parts = []
        for piece in people.split(" "):
            found = self._pieces.get(piece)
            if found is None:
                if len(self._pieces) >= _KEPT:
                    self._pieces.clear()
                normal = normalize(piece)
                found = self._pieces[piece] = (
                    normal[:1] in _JOINING,
                    list(map(number, self.tokenizer.word_terms(normal))),  # type: ignore[attr-defined]
                    list(map(number, abbreviations(normal))))
            if found[0]:
                return list(map(number, self.tokenizer.tokens(people)))  # type: ignore[attr-defined]
            parts.append(found)
        words = [term for _, found, _ in parts for term in found]
        words.extend(term for _, _, found in parts for term in found)
        return words

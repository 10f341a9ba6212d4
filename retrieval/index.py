"""The BM25 index over passages: one small interface, two engines behind it.

`Index.search(tokens, k)` returns (position, score) pairs, best first; `Index.idf(token)` the
term's weight. rank-bm25 is the design card's engine and the reference; it scores every passage
in Python, which is fine up to some ten thousand passages. bm25s precomputes every (term,
passage) score into a sparse matrix, so a query only adds up the columns of its terms: a few
milliseconds at a million passages. `build_index` picks one by corpus size (see
docs/performance.md for the measurements behind the threshold).

bm25s is set up to score as rank-bm25 does: its "atire" term frequency is BM25Okapi's
`tf·(k1+1)/(tf + k1·(1-b+b·dl/avgdl))`, with the same k1 and b, and each entry of the matrix
is that times rank-bm25's idf `log((N-n+0.5)/(n+0.5))`, including rank-bm25's floor (0.25 ×
the mean idf) for a term in more than half of the passages. That floor matters here: in a
union newspaper 工会 and 职工 are in most paragraphs. The scores then agree to float32
precision (tests/test_index.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, Protocol

import numpy as np

from retrieval.progress import progress as progress_bar
from retrieval.terms import Packed

logger = logging.getLogger(__name__)

# The persisted index's version: bump it when the arrays `from_arrays` writes or `save` keeps
# change (tests/test_versions.py holds a digest of them).
INDEX_VERSION = 3
K1 = 1.5  # rank-bm25's defaults, kept on both engines
B = 0.75
EPSILON = 0.25
# Below this many passages rank-bm25 answers within a few milliseconds and builds without the
# bm25s import (0.2 s of a cold start); above it bm25s is faster (docs/performance.md).
BM25S_FROM = 5_000
# Work in steps of this size in `BM25sIndex.from_arrays`: larger steps hold more memory at once.
_PASSAGES_PER_STEP = 1 << 16
_KEYS_PER_STEP = 1 << 21

EngineName = Literal["rank-bm25", "bm25s"]


class Index(Protocol):
    """What the answer core needs from a retrieval engine."""

    def search(self, tokens: Sequence[str], k: int,
               among: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The `k` best (position, score) pairs, best first; `among`: only these positions
        (ascending), scored without sorting the rest of the corpus."""
        ...

    def idf(self, token: str) -> float: ...

    def __len__(self) -> int: ...

    def df(self, token: str) -> int:
        """How many passages hold `token`."""
        ...

    def postings(self, token: str) -> list[int]:
        """The positions of the passages that hold `token`, in order."""
        ...

    def present(self, tokens: Sequence[str], positions: Sequence[int]) -> list[set[str]]:
        """For each of `positions`, which of `tokens` its passage holds."""
        ...


def _bm25s():  # noqa: ANN202 - the module, imported late: 0.2 s that small corpora never pay
    import bm25s

    # bm25s sets its own logger to DEBUG at import, which would print through any root
    # handler; put it back to the default so that our entry points' logging settings apply.
    logging.getLogger("bm25s").setLevel(logging.NOTSET)
    return bm25s


def _top(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best positive scores, ties in position order (as a stable argsort would give).

    On a large array a sample's k-th best score comes first: it is at most the whole array's
    k-th best, so every passage at or above it is a candidate and none of the best is lost,
    while the exact selection runs over a few hundred candidates instead of a million.
    """
    k = min(k, len(scores))
    if k <= 0:
        return []
    floor = 0.0
    if len(scores) > 64 * k:
        sample = scores[::16]
        floor = float(np.partition(sample, len(sample) - k)[len(sample) - k])
    candidates = np.flatnonzero(scores >= floor) if floor > 0 else np.flatnonzero(scores > 0)
    values = scores[candidates]
    if len(candidates) > k:
        threshold = np.partition(values, len(values) - k)[len(values) - k]
        above = candidates[values > threshold]
        tied = candidates[values == threshold][: k - len(above)]  # the first positions win
        candidates = np.concatenate([above, tied])
        values = scores[candidates]
    order = candidates[np.lexsort((candidates, -values))]
    return [(int(i), float(scores[i])) for i in order if scores[i] > 0]


def _top_among(scores: np.ndarray, k: int, among: np.ndarray | None) -> list[tuple[int, float]]:
    """`_top(scores, k)`, or the same among the positions `among` only."""
    if among is None:
        return _top(scores, k)
    among = among[among < len(scores)]
    return [(int(among[i]), score) for i, score in _top(scores[among], k)]


class RankBM25Index:
    """rank-bm25's BM25Okapi: scores every passage in Python; simple and exact."""

    engine: EngineName = "rank-bm25"

    def __init__(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        from rank_bm25 import BM25Okapi

        self._size = len(corpus_tokens)
        # rank-bm25 divides by zero on an empty corpus; keep one empty document instead.
        self._bm25 = BM25Okapi([list(t) or [""] for t in corpus_tokens] or [[""]], k1=K1, b=B,
                               epsilon=EPSILON)
        self._terms: list[dict[str, int]] = self._bm25.doc_freqs[: self._size]
        self._df: dict[str, int] = {}
        for terms in self._terms:
            for term in terms:
                self._df[term] = self._df.get(term, 0) + 1

    def __len__(self) -> int:
        return self._size

    def search(self, tokens: Sequence[str], k: int,
               among: np.ndarray | None = None) -> list[tuple[int, float]]:
        tokens = [t for t in tokens if t]  # "" stands for an empty passage, never a term
        if not tokens or self._size == 0:
            return []
        return _top_among(np.asarray(self._bm25.get_scores(tokens))[: self._size], k, among)

    def idf(self, token: str) -> float:
        return float(self._bm25.idf.get(token, 0.0))

    def df(self, token: str) -> int:
        return self._df.get(token, 0) if token else 0

    def postings(self, token: str) -> list[int]:
        if not token or token not in self._df:
            return []
        return [i for i, terms in enumerate(self._terms) if token in terms]

    def present(self, tokens: Sequence[str], positions: Sequence[int]) -> list[set[str]]:
        return [{t for t in tokens if t and t in self._terms[p]} for p in positions]


class BM25sIndex:
    """bm25s: BM25 scores precomputed into a sparse matrix; a query sums a few columns.

    The matrix is bm25s's, filled in with numpy (`from_arrays`): bm25s's term-frequency part
    ("atire", as BM25Okapi's) times rank-bm25's idf, floor for very common terms included, so
    that both engines give the same scores. Saved as plain .npy
    arrays and JSON, loaded with `mmap` so that a restart reads only the columns it touches.
    """

    engine: EngineName = "bm25s"

    def __init__(self, retriever: object, size: int, idf: np.ndarray) -> None:
        self._bm25 = retriever
        self._size = size
        self._vocab: dict[str, int] = retriever.vocab_dict  # type: ignore[attr-defined]
        self._idf = idf

    @classmethod
    def build(cls, corpus_tokens: Sequence[Sequence[str]], progress: bool = False) -> BM25sIndex:
        """Index `corpus_tokens` (one token list per passage)."""
        packed = Packed.of(corpus_tokens)  # ids in order of first appearance
        return cls.from_arrays(packed.lengths, packed.ids, packed.vocabulary, progress=progress)

    @classmethod
    def from_arrays(cls, lengths: np.ndarray, ids: np.ndarray, vocabulary: Sequence[str],
                    progress: bool = False) -> BM25sIndex:
        """Index passages given as term ids, with numpy: as `build` on their token lists.

        Args:
            lengths: the number of terms of each passage (0 for an empty passage).
            ids: every passage's term ids, concatenated in passage order; a passage may hold
                a term more than once.
            vocabulary: `vocabulary[id]` is the term of `id`.

        bm25s's `index` counts terms with a set and a Counter per passage in Python (5 s for
        100,000 passages); here one sort of (column, passage) keys gives every term frequency
        in the matrix's order: 0.3 s, and 4-6 s and 1.1 GB for a million passages of 70 terms.
        """
        bm25s = _bm25s()
        from bm25s.scoring import _score_tfc_atire

        lengths = np.asarray(lengths, dtype=np.int32)
        ids = np.asarray(ids, dtype=np.int32)
        size = len(lengths)
        if int(lengths.sum(dtype=np.int64)) != len(ids) or (size and int(lengths.min()) < 0) \
                or (len(ids) and not 0 <= int(ids.min()) <= int(ids.max()) < len(vocabulary)) \
                or len(set(vocabulary)) != len(vocabulary):
            raise ValueError("lengths, ids and vocabulary do not describe the same passages")
        # As RankBM25Index: an empty passage is one "" term long; an empty corpus is one such.
        if size == 0:
            lengths = np.zeros(1, dtype=np.int32)
        empty = np.flatnonzero(lengths == 0)
        blank = next((i for i, term in enumerate(vocabulary) if term == ""), len(vocabulary))
        # Columns for the terms that occur, in id order: an unused term would change the
        # idf floor (a mean over the columns), and bm25s's own vocabulary has none.
        used = np.bincount(ids, minlength=len(vocabulary) + 1) > 0
        used[blank] |= len(empty) > 0
        terms = [vocabulary[i] if i < len(vocabulary) else ""
                 for i in np.flatnonzero(used).tolist()]
        column = (np.cumsum(used) - 1).astype(np.uint64)

        # One key per term occurrence, column << 32 | passage: sorted, equal keys are one
        # (term, passage) pair, their count its term frequency, in CSC order.
        keys = np.empty(len(ids) + len(empty), dtype=np.uint64)
        offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        for start in progress_bar(range(0, len(lengths), _PASSAGES_PER_STEP), progress, "keys"):
            stop = min(start + _PASSAGES_PER_STEP, len(lengths))
            part = keys[offsets[start]:offsets[stop]]
            np.take(column, ids[offsets[start]:offsets[stop]], out=part, mode="clip")
            part <<= 32
            part |= np.repeat(np.arange(start, stop, dtype=np.uint64), lengths[start:stop])
        keys[len(ids):] = column[blank] << 32 | empty.astype(np.uint64)
        keys.sort()
        del part  # a view: it would keep `keys` alive after its `del` below

        starts = np.empty(len(keys) + 1, dtype=bool)  # where a pair starts; the last ends all
        starts[0] = starts[-1] = True
        np.not_equal(keys[1:], keys[:-1], out=starts[1:-1])
        pairs = int(np.count_nonzero(starts)) - 1
        indices = np.empty(pairs, dtype=np.int32)
        data = np.empty(pairs, dtype=np.float32)
        df = np.zeros(len(terms), dtype=np.int64)
        dl = np.maximum(lengths, 1)
        avgdl = dl.mean(dtype=np.float64)
        done = 0
        for start in progress_bar(range(0, len(keys), _KEYS_PER_STEP), progress, "scores"):
            stop = min(start + _KEYS_PER_STEP, len(keys))
            first = np.flatnonzero(starts[start:stop]) + start
            if not len(first):  # one pair's occurrences fill this whole step
                continue
            tf = np.diff(first, append=stop + int(np.argmax(starts[stop:])))
            pair = keys[first]
            rows = (pair & 0xFFFFFFFF).astype(np.int32)
            df += np.bincount((pair >> 32).astype(np.intp), minlength=len(terms))
            indices[done:done + len(rows)] = rows
            data[done:done + len(rows)] = _score_tfc_atire(tf, dl[rows], avgdl, K1, B)
            done += len(rows)
        del keys, starts, first, tf, pair, rows  # the idf pass below needs room too

        n = len(lengths)
        idf = np.log(n - df + 0.5) - np.log(df + 0.5)  # rank-bm25's, then its floor
        idf = np.where(idf < 0, EPSILON * idf.mean(), idf)
        data *= np.repeat(idf.astype(np.float32), df)
        indptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])

        # What bm25s's `index` leaves on the retriever, so that its own scoring, `save` and
        # `load` work. Its idf_method is not used here but goes into the saved parameters.
        retriever = bm25s.BM25(k1=K1, b=B, method="atire", idf_method="lucene")
        retriever.scores = {"data": data, "indices": indices, "indptr": indptr, "num_docs": n}
        retriever.nonoccurrence_array = None
        retriever.vocab_dict = dict(zip(terms, range(len(terms))))
        retriever.vocab_dict.setdefault("", len(terms))  # bm25s's empty token, past the matrix
        retriever.unique_token_ids_set = set(retriever.vocab_dict.values())
        return cls(retriever, size, idf)

    def save(self, folder: Path) -> None:
        """Write the index's arrays and vocabulary into `folder`."""
        self._bm25.save(str(folder), show_progress=False)  # type: ignore[attr-defined]
        np.save(folder / "idf.npy", self._idf)
        (folder / "size.json").write_text(json.dumps({"size": self._size}))

    @classmethod
    def load(cls, folder: Path, mmap: bool = True) -> BM25sIndex:
        """Read an index written by `save`; raises ValueError when its arrays do not agree."""
        bm25s = _bm25s()
        retriever = bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False)
        size = int(json.loads((folder / "size.json").read_text())["size"])
        idf = np.load(folder / "idf.npy", mmap_mode="r" if mmap else None)
        scores = retriever.scores
        indptr, indices, data = scores["indptr"], scores["indices"], scores["data"]
        columns = max((i for t, i in retriever.vocab_dict.items() if t), default=-1) + 1
        if len(indptr) - 1 < columns or len(idf) != len(indptr) - 1 \
                or int(indptr[-1]) != len(indices) or len(indices) != len(data) \
                or scores["num_docs"] != max(size, 1):
            raise ValueError(f"bm25s arrays in {folder} do not agree with each other")
        return cls(retriever, size, idf)

    def __len__(self) -> int:
        return self._size

    def search(self, tokens: Sequence[str], k: int,
               among: np.ndarray | None = None) -> list[tuple[int, float]]:
        ids = [self._vocab[t] for t in tokens if t and t in self._vocab]
        if not ids or self._size == 0:
            return []
        return _top_among(self.scores(ids)[: self._size], k, among)

    def scores(self, ids: Sequence[int]) -> np.ndarray:
        """Every passage's score for the term ids `ids`: the sum of their matrix columns.

        bm25s adds columns up with `np.add.at`, which is slow on long columns; `np.bincount`
        gives the same sums three to four times faster (60 against 220 ms for a question
        touching 3.4 million postings). The BM25 arithmetic stays bm25s's own; the tests
        compare this with bm25s's `get_scores_from_ids`.
        """
        matrix = self._bm25.scores  # type: ignore[attr-defined]
        data, indices, indptr = matrix["data"], matrix["indices"], matrix["indptr"]
        columns = [slice(int(indptr[i]), int(indptr[i + 1])) for i in ids]
        if len(columns) == 1:
            rows, weights = indices[columns[0]], data[columns[0]]
        else:
            rows = np.concatenate([indices[c] for c in columns])
            weights = np.concatenate([data[c] for c in columns])
        return np.bincount(rows, weights=weights, minlength=matrix["num_docs"])

    def idf(self, token: str) -> float:
        """rank-bm25's idf for `token` (with its floor for very common terms)."""
        token_id = self._vocab.get(token) if token else None
        if token_id is None or token_id >= len(self._idf):
            return 0.0
        return float(self._idf[token_id])

    def _column(self, token: str) -> np.ndarray | None:
        """The rows (passage positions) of `token`'s column, in ascending order."""
        token_id = self._vocab.get(token) if token else None
        indptr = self._bm25.scores["indptr"]  # type: ignore[attr-defined]
        if token_id is None or token_id + 1 >= len(indptr):
            return None
        return self._bm25.scores["indices"][int(indptr[token_id]):int(indptr[token_id + 1])]  # type: ignore[attr-defined]

    def df(self, token: str) -> int:
        """The length of the term's column: every passage that holds it has a score there."""
        column = self._column(token)
        return 0 if column is None else len(column)

    def postings(self, token: str) -> list[int]:
        column = self._column(token)
        if column is None:
            return []
        column = np.asarray(column)  # one read of the mapped column, not one per element
        return column[column < self._size].tolist()

    def present(self, tokens: Sequence[str], positions: Sequence[int]) -> list[set[str]]:
        """Looked up in the matrix: bm25s sorts each column's rows, so a binary search finds them."""
        found: list[set[str]] = [set() for _ in positions]
        wanted = np.asarray(positions, dtype=np.int64)
        for token in dict.fromkeys(tokens):
            column = self._column(token)
            if column is None or not len(column) or not len(wanted):
                continue
            at = np.searchsorted(column, wanted)
            hit = (at < len(column)) & (column[np.minimum(at, len(column) - 1)] == wanted)
            for i in np.flatnonzero(hit):
                found[i].add(token)
        return found


def build_index(
    corpus_tokens: Sequence[Sequence[str]],
    engine: EngineName | None = None,
    progress: bool = False,
) -> RankBM25Index | BM25sIndex:
    """The index for `corpus_tokens`: rank-bm25 for small corpora, bm25s for large ones."""
    if engine is None:
        engine = "bm25s" if len(corpus_tokens) >= BM25S_FROM else "rank-bm25"
    if engine == "bm25s":
        return BM25sIndex.build(corpus_tokens, progress=progress)
    return RankBM25Index(corpus_tokens)

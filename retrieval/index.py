"""The BM25 index over passages: one small interface, rank-bm25 behind it.

`Index.search(tokens, k)` returns (position, score) pairs, best first. rank-bm25 is the design
card's engine and the reference for any faster engine put behind the same interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from rank_bm25 import BM25Okapi


class Index(Protocol):
    """What the answer core needs from a retrieval engine."""

    def search(self, tokens: Sequence[str], k: int) -> list[tuple[int, float]]: ...

    def idf(self, token: str) -> float: ...


class RankBM25Index:
    """rank-bm25's BM25Okapi: scores every passage in Python; simple and exact."""

    def __init__(self, corpus_tokens: Sequence[Sequence[str]]) -> None:
        self._size = len(corpus_tokens)
        # rank-bm25 divides by zero on an empty corpus; keep one empty document instead.
        self._bm25 = BM25Okapi([list(t) or [""] for t in corpus_tokens] or [[""]])

    def search(self, tokens: Sequence[str], k: int) -> list[tuple[int, float]]:
        if not tokens or self._size == 0:
            return []
        scores = np.asarray(self._bm25.get_scores(list(tokens)))
        k = min(k, self._size)
        top = np.argsort(-scores, kind="stable")[:k]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def idf(self, token: str) -> float:
        return float(self._bm25.idf.get(token, 0.0))

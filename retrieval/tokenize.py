"""Cutting Chinese text into the words that are indexed and searched.

One `Tokenizer` serves passages and questions alike, so both are cut the same way: Unicode
normalisation (full-width to half-width), traditional to simplified characters (OpenCC), lower
case, jieba's search-engine cut with the corpus's own terms added, and stop words and
punctuation dropped.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import jieba

from retrieval.vocabulary import STOP_WORDS

logger = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)


@lru_cache(maxsize=1)
def _converter() -> object | None:
    try:
        import opencc
    except ImportError:  # the tokenizer still works, only 繁體 questions match less well
        logger.warning("opencc is not installed; traditional characters are not converted")
        return None
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), traditional to simplified, lower case."""
    text = unicodedata.normalize("NFKC", text)
    converter = _converter()
    if converter is not None:
        text = converter.convert(text)  # type: ignore[attr-defined]
    return text.lower()


class Tokenizer:
    """jieba with a user dictionary of corpus terms and a stop-word list."""

    def __init__(self, user_words: Iterable[str] = (), stop_words: frozenset[str] = STOP_WORDS):
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.user_words = sorted({normalize(w) for w in user_words if w.strip()})
        for word in self.user_words:
            self._jieba.add_word(word, freq=max(self._jieba.suggest_freq(word, tune=False), 1000))
        self.stop_words = stop_words

    def words(self, text: str) -> list[str]:
        """All words of `text` in order, stop words included (for highlighting)."""
        return [w for w in self._jieba.cut(normalize(text), HMM=True) if _WORD.search(w)]

    def tokens(self, text: str) -> list[str]:
        """Index terms of `text`: search-mode cut, without stop words and punctuation."""
        out = []
        for word in self._jieba.cut_for_search(normalize(text), HMM=True):
            word = word.strip()
            if word and _WORD.search(word) and word not in self.stop_words:
                out.append(word)
        return out

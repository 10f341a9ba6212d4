"""Cutting Chinese text into the words that are indexed and searched.

One `Tokenizer` serves passages and questions alike, so both are cut the same way: Unicode
normalisation (full-width to half-width), traditional to simplified characters (OpenCC), lower
case, jieba's cut with the corpus's own terms added, and stop words and punctuation dropped.
Latin words and numbers inside Chinese text (`G20峰会`, `85%`) stay whole.

Place names are also indexed by their stem (`柯桥区` as `柯桥区` and `柯桥`), because people drop
the administrative suffix when they ask (`柯桥的…`) and jieba keeps `柯桥区` as one word.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from functools import lru_cache

from retrieval.lexicon import DIGEST as LEXICON_DIGEST
from retrieval.lexicon import PLACE_RE, VARIANT_RE, VARIANTS
from retrieval.segmenter import Segmenter
from retrieval.vocabulary import STOP_WORDS

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W_]", re.UNICODE)
_PLACE = PLACE_RE
# An enumeration of words that share their last character: `学习型、创新型、…、和谐型`.
_ENUMERATION = re.compile(r"(?:[\u4e00-\u9fff]{1,5}?(.)[、，,和与及]){1,9}[\u4e00-\u9fff]{1,5}?\1")
# How every match of `_ENUMERATION` ends: its last repetition's `(.)` and separator, the final
# item's Han characters and `\1`.
_ENUMERATION_END = re.compile(r"(.)[、，,和与及][\u4e00-\u9fff]{1,5}?\1")
# Separators in text read backwards, while at most 6 other characters stand between two.
_SEPARATOR_CHAIN_BACKWARDS = re.compile(r"[、，,和与及](?:[^、，,和与及]{0,6}[、，,和与及])*")
_SEPARATOR = re.compile(r"[、，,和与及]")
_NUMERALS = "一二三四五六七八九十"
# Full-width punctuation and each character's compatibility decomposition (one ASCII character).
# CPython's NFKC takes its slow path over a whole text as soon as one `，` needs it (19.5 µs for
# a 150-character passage); after these replacements every synthetic passage passes its quick
# check (1.5 µs in all). NFKC depends only on the full decomposition, which the replacement
# keeps, so the result is the same.
_FULL_WIDTH = tuple((wide, unicodedata.normalize("NFKD", wide)) for wide in "，；：（）！？％\u3000")
# jieba cuts mixed text at script changes; keep `g20`, `5·1`, `85%` together as written.
_LATIN_RUN = re.compile(r"[a-z0-9][a-z0-9.+%·\-]*[a-z0-9%]|[a-z0-9]")
_TERMS_KEPT = 500_000  # distinct cut words whose terms are remembered
# Bump when `normalize`, `cut`, `terms_of` or `abbreviations` give other results for the same
# text and words: cached records and terms are keyed by it (`Tokenizer.fingerprint`).
TOKENIZER_VERSION = 2


@lru_cache(maxsize=1)
def _converter() -> object | None:
    try:
        import opencc
    except ImportError:  # the tokenizer still works, only 繁體 questions match less well
        logger.warning("opencc is not installed; traditional characters are not converted")
        return None
    return opencc.OpenCC("t2s")


def _enumerations(text: str) -> Iterator[re.Match[str]]:
    """`_ENUMERATION.finditer(text)`, each search started where a match can first be.

    A match is its own ending (`_ENUMERATION_END`) and what leads to it, so without an ending
    after the last match there is no further match. Its repetitions are at most 7 characters:
    its separators are a chain with at most 6 other characters between two, whose first is at
    most 6 characters after its start. The first ending found lies within the match or before
    it, so the chain of the ending's separator reaches back at least as far as the match's own.
    The pattern has no anchors or lookarounds: a search started there finds what the whole
    search finds. On 150-character synthetic passages this takes 4 µs instead of 27 for the half
    without an enumeration, 8 µs instead of 33 for the others.
    """
    backwards = text[::-1]
    position = 0
    while (ending := _ENUMERATION_END.search(text, position)) is not None:
        chain = _SEPARATOR_CHAIN_BACKWARDS.match(backwards, len(text) - ending.start() - 2)
        chain_start = len(text) - chain.end() if chain else 0  # always found: it is a separator
        match = _ENUMERATION.search(text, max(position, chain_start - 6))
        if match is None:
            return
        yield match
        position = match.end()


def abbreviations(text: str) -> list[str]:
    """Numeric abbreviations (`六型`, `三性`, `四化`) of the enumerations in normalised `text`.

    Party and union writing names a list by its length and shared last character: `三性` is
    政治性、先进性、群众性. Indexing the abbreviation with the list lets `哪“六型”工会` find
    the paragraph that spells the six out.
    """
    found = []
    for match in _enumerations(text):
        suffix = match.group(1)
        items = [item for item in _SEPARATOR.split(match.group()) if item.endswith(suffix)]
        if 2 <= len(items) <= len(_NUMERALS) and suffix not in "的了和与及":
            found.append(_NUMERALS[len(items) - 1] + suffix)
    return found


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), traditional to simplified, variant characters to their
    standard form (the lexicon's `[variants]`), lower case.

    Documents and questions both go through it, so a 繁體 question finds a 繁體 document, a
    simplified question a 繁體 one, and the other way round.
    """
    for wide, narrow in _FULL_WIDTH:
        if wide in text:
            text = text.replace(wide, narrow)
    text = unicodedata.normalize("NFKC", text)
    converter = _converter()
    if converter is not None:
        text = converter.convert(text)  # type: ignore[attr-defined]
    if VARIANT_RE.search(text):
        text = text.translate(VARIANTS)
    return text.lower()


def normalize_aligned(text: str) -> tuple[str, list[int]]:
    """`normalize(text)` and, for each of its characters, the index of the source character.

    Used to mark matched words in the original text: NFKC may change lengths (`㈠` → `(一)`).
    """
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        piece = unicodedata.normalize("NFKC", char)
        out.append(piece)
        origin.extend([i] * len(piece))
    joined = "".join(out)
    converter = _converter()
    if converter is not None:
        converted = converter.convert(joined)  # type: ignore[attr-defined]
        if len(converted) == len(joined):  # t2s is character for character for nearly all text
            joined = converted
    if VARIANT_RE.search(joined):
        joined = joined.translate(VARIANTS)
    return joined.lower(), origin


class _Terms(dict):
    """Cut word -> its index terms, computed by `terms_of` the first time a word is looked up.

    Looked up with `map(terms.__getitem__, words)`, the loop over a passage's words runs in C.
    """

    def __init__(self, terms_of: Callable[[str], tuple[str, ...]]) -> None:
        super().__init__()
        self._terms_of = terms_of

    def __missing__(self, word: str) -> tuple[str, ...]:
        found = self[word] = self._terms_of(word)
        return found


class Tokenizer:
    """jieba with a user dictionary of corpus terms and a stop-word list.

    Args:
        user_words: corpus terms kept as whole words (names, quoted terms, places).
        stop_words: words that say how a question is asked, not what it is about.
        search_mode: also emit the shorter words inside long ones (jieba's search cut).
        hmm: let jieba guess unknown words from character statistics.
    """

    def __init__(
        self,
        user_words: Iterable[str] = (),
        stop_words: frozenset[str] = STOP_WORDS,
        search_mode: bool = True,
        hmm: bool = True,
    ):
        self._jieba = Segmenter()  # jieba's cut, on rjieba when installed
        self._jieba.initialize()
        self.user_words = sorted({normalize(w).strip() for w in user_words if w.strip()})
        for word in self.user_words:
            self._jieba.add_word(word, freq=max(self._jieba.suggest_freq(word, tune=False), 1000))
        self.stop_words = stop_words
        self.search_mode = search_mode
        self.hmm = hmm
        self._terms = _Terms(self.terms_of)  # cut word -> its index terms

    def fingerprint(self) -> str:
        """Everything about this tokenizer that changes the terms it gives: its version, its
        options, the word lists (lexicon.toml), its stop words and its segmenter's dictionary and
        added words."""
        digest = hashlib.sha256(
            f"{TOKENIZER_VERSION} {self.search_mode} {self.hmm} {LEXICON_DIGEST}".encode())
        digest.update(self._jieba.fingerprint().encode())
        for word in sorted(self.stop_words):
            digest.update(f"\x00{word}".encode())
        return digest.hexdigest()[:24]

    def cut(self, text: str, hmm: bool | None = None) -> list[str]:
        """The words of normalised `text` as jieba cuts them, Latin runs kept whole; each gives
        the index terms `terms_of(word)`."""
        hmm = self.hmm if hmm is None else hmm
        cut = self._jieba.cutter(text, self.search_mode)
        words: list[str] = []
        position = 0
        for match in _LATIN_RUN.finditer(text):
            han = text[position:match.start()]
            if han.strip():
                words.extend(cut(han, hmm))
            words.append(match.group())
            position = match.end()
        han = text[position:]
        if han.strip():
            words.extend(cut(han, hmm))
        return words

    def terms_of(self, word: str) -> tuple[str, ...]:
        """The index terms one cut word gives: none, itself, or itself and its place stem."""
        word = word.strip()
        if not word or not _WORD.search(word) or word in self.stop_words:
            return ()
        place = _PLACE.match(word)
        if place and place.group(1) not in self.stop_words:
            return (word, place.group(1))
        return (word,)

    def tag(self, word: str) -> str | None:
        """jieba's part of speech for a word of its dictionary (`n`, `v`, `nr`…), else None."""
        return self._jieba.tag(word)

    def words(self, text: str) -> list[str]:
        """All words of `text` in order, stop words included (for highlighting)."""
        return [w for w in self._jieba.cut(normalize(text), HMM=True) if _WORD.search(w)]

    def tokens(self, text: str, hmm: bool | None = None) -> list[str]:
        """Index terms of `text`: without stop words and punctuation, place stems added.

        `hmm=False` cuts by the dictionary alone, to re-cut a word jieba guessed wrongly.
        """
        return self.normalized_tokens(normalize(text), hmm)

    def normalized_tokens(self, text: str, hmm: bool | None = None) -> list[str]:
        """`tokens(text)` of text already normalised (`normalize`), which it then is not again."""
        out = self.word_terms(text, hmm)
        out.extend(abbreviations(text))
        return out

    def word_terms(self, text: str, hmm: bool | None = None) -> list[str]:
        """The terms of the words of normalised `text`: `normalized_tokens` without the numeric
        abbreviations it ends with."""
        # Cutting a million passages spent most of its time in Python around the segmenter;
        # the few tens of thousands of distinct words are each looked at once (`_terms`).
        if len(self._terms) >= _TERMS_KEPT:
            self._terms.clear()
        return list(chain.from_iterable(map(self._terms.__getitem__, self.cut(text, hmm))))

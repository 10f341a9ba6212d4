"""Quotation structure of a paragraph: where each quotation starts and ends, and its nesting.

Chinese text quotes with `“…”`, `「…」`, inner `‘…’` / `『…』`, and sometimes ASCII `"…"`.
A quotation still open at the end of a paragraph runs on into the next one (the convention for
a quotation of several paragraphs). A short quoted phrase without punctuation (`“三唯观念”`) is
a term, not somebody's words; `Quote.speechlike` tells them apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.lexicon import QUOTE_PAIRS

_OPENERS = {opener: closer for opener, closer in QUOTE_PAIRS}
_CLOSERS = {closer: opener for opener, closer in QUOTE_PAIRS}
_MARKS = re.compile("[" + re.escape("".join(_OPENERS) + "".join(_CLOSERS) + '"') + "]")
_INNER_PUNCTUATION = re.compile(r"[，。！？；：,!?;…]")
TERM_LENGTH = 14  # a quotation without punctuation this long or longer is still words said
MASK = "〇"  # what masked words are replaced by: no rule matches it


@dataclass(frozen=True)
class Quote:
    """One quotation: `start` at its opening mark, `end` after its closing mark (or the
    paragraph's end when it runs on), its nesting depth and its parent's index."""

    start: int
    end: int
    depth: int
    parent: int | None
    closed: bool

    def inner(self, text: str) -> str:
        """The quoted words, without the marks."""
        return text[self.start + 1:self.end - 1 if self.closed else self.end]

    def speechlike(self, text: str) -> bool:
        """Whether the quotation reads as words said rather than a quoted term, a title or a
        list of terms (`“创新、协调、绿色、开放、共享”`)."""
        inner = self.inner(text)
        if _INNER_PUNCTUATION.search(inner):
            return True
        return len(inner) >= TERM_LENGTH and "、" not in inner


def find_quotes(text: str) -> list[Quote]:
    """Every quotation of `text`, outer ones before the ones they hold, in order of start."""
    found: list[Quote] = []
    stack: list[tuple[int, str, int]] = []  # (start, expected closer, index in found)
    for mark in _MARKS.finditer(text):
        position, char = mark.start(), mark.group()
        if char == '"':
            if stack and stack[-1][1] == '"':
                _close(found, stack, position)
            else:
                _open(found, stack, position, '"')
        elif char in _OPENERS:
            _open(found, stack, position, _OPENERS[char])
        elif char in _CLOSERS:
            depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][1] == char), None)
            if depth is None:
                continue  # a stray closing mark: no quotation to end
            while len(stack) > depth + 1:  # inner quotations left open end here too
                _close(found, stack, position, closed=False)
            _close(found, stack, position)
    while stack:
        _close(found, stack, len(text), closed=False)
    return found


def _open(found: list[Quote], stack: list[tuple[int, str, int]], position: int, closer: str) -> None:
    parent = stack[-1][2] if stack else None
    found.append(Quote(position, position, len(stack), parent, False))
    stack.append((position, closer, len(found) - 1))


def _close(found: list[Quote], stack: list[tuple[int, str, int]], position: int,
           closed: bool = True) -> None:
    start, _, index = stack.pop()
    quote = found[index]
    end = position + 1 if closed else position
    found[index] = Quote(start, end, quote.depth, quote.parent, closed)


_FINAL = re.compile(r"[。！？!?…]+$")


def mask(text: str, quotes: list[Quote]) -> str:
    """`text` as narration reads it: the words of each outermost quotation replaced by `MASK`.

    Rules that read narration (who is named, which verb follows) then never see a name or a
    verb inside somebody's quoted words, and an adverbial may run past a quoted term
    (`在目睹“国帜三易”的屈辱后，立志…`). Positions stay where they were. A speechlike
    quotation keeps its marks and the punctuation that ends its last sentence, so sentences
    still end where the quoted words end (`“…。”李明说。` is two sentences); a quoted term is
    masked whole.
    """
    pieces: list[str] = []
    position = 0
    for quote in quotes:
        if quote.depth:
            continue
        if not quote.speechlike(text):
            pieces.append(text[position:quote.start])
            pieces.append(MASK * (quote.end - quote.start))
            position = quote.end
            continue
        inner_start = quote.start + 1
        inner_end = quote.end - 1 if quote.closed else quote.end
        final = _FINAL.search(text, inner_start, inner_end)
        masked_end = final.start() if final else inner_end
        pieces.append(text[position:inner_start])
        pieces.append(MASK * (masked_end - inner_start))
        position = masked_end
    pieces.append(text[position:])
    return "".join(pieces)

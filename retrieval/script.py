"""Reading traditional and simplified documents alike: a simplified shadow of the same length.

The rules of layout and attribution are written once, in simplified characters (`lexicon.toml`).
A traditional document (說, 強調, 「…」) is read through its *shadow*: the same text converted to
simplified characters one for one, so every position in the shadow is the same position in the
original. Rules find speakers and segment boundaries in the shadow; passages quote the original
characters at those positions, and speakers' names are shown as the document writes them.
"""

from __future__ import annotations

import logging
from functools import lru_cache

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _converter() -> object | None:
    try:
        import opencc
    except ImportError:  # documents are still read, only traditional ones less well
        logger.warning("opencc 未安装：繁体文档按原文处理")
        return None
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional() -> frozenset[str]:
    """Every CJK character that the t2s conversion changes on its own."""
    converter = _converter()
    if converter is None:
        return frozenset()
    block = "".join(chr(code) for code in range(0x3400, 0xA000))
    converted = converter.convert(block)  # type: ignore[attr-defined]
    if len(converted) != len(block):
        converted = "".join(_one(converter, ch) for ch in block)
    return frozenset(a for a, b in zip(block, converted) if a != b)


def _one(converter: object, char: str) -> str:
    out = converter.convert(char)  # type: ignore[attr-defined]
    return out if len(out) == 1 else char


def simplified(text: str) -> str:
    """`text` in simplified characters, character for character (same length, same spaces).

    Phrase-level conversion is used when it keeps the length (nearly always); otherwise each
    character is converted on its own. Text with no traditional character is returned as is,
    at the cost of one set operation.
    """
    traditional = _traditional()
    if not traditional or traditional.isdisjoint(text):
        return text
    converter = _converter()
    converted = converter.convert(text)  # type: ignore[union-attr]
    if len(converted) == len(text):
        return converted
    return "".join(_one(converter, ch) if ch in traditional else ch for ch in text)


class Shadow:
    """A document's text and its simplified shadow, to show what was found in the shadow."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.plain = simplified(original)
        self.same = self.plain is original or self.plain == original

    def restore(self, plain: str) -> str:
        """The document's own characters for `plain`, a piece of the shadow (else `plain`)."""
        if self.same or not plain:
            return plain
        at = self.plain.find(plain)
        return self.original[at:at + len(plain)] if at >= 0 else plain


def align(derived: str, source_plain: str, source: str) -> str:
    """The characters of `source` behind `derived`, a text made from `source_plain` by cutting
    pieces away (stripping, removing markup): `derived` itself when it cannot be aligned."""
    if source_plain == source:
        return derived
    at = source_plain.find(derived)
    if at >= 0:
        return source[at:at + len(derived)]
    out: list[str] = []
    position = 0
    for char in derived:
        found = source_plain.find(char, position)
        if found < 0:
            return derived
        out.append(source[found])
        position = found + 1
    return "".join(out)

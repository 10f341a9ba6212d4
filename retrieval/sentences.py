"""The one sentence splitter of the house: where a sentence of Chinese text ends.

A sentence ends after 。！？!? or ；; (a run of them stays together, `？！`), and a closing
quotation mark right after the end belongs to the sentence it closes (`…精神财富。”`). Snippets,
the Telegram chunker of long paragraphs and the console all cut with it, so a quote, a chunk
and a highlighted snippet agree on what a sentence is.
"""

from __future__ import annotations

import re

ENDERS = "。！？!?；;"
CLOSERS = "”’」』\""
_SENTENCE = re.compile(rf"[^{ENDERS}]*[{ENDERS}]*[{re.escape(CLOSERS)}]?")


def sentences(text: str) -> list[str]:
    """`text` cut after each sentence end, closing quotes kept; the pieces join to `text`."""
    return [s for s in _SENTENCE.findall(text) if s]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of `sentences(text)` starts and ends in `text`."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.end() > m.start()]

"""Reading a question: cleaning what people type, and telling what kind of answer it wants.

Three kinds: `who` (谁提出了…, …是谁说的, 谁认为…) wants the speaker first; `speaker`
(郑荣胜说了什么, 吕文明有哪些观点, 沈利农怎么看…) wants one person's words only, the person
being one of the index's own speakers; `plain` wants the passages that hold the content.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from retrieval.lexicon import ASKS_FOR_WORDS_RE, WHO
from retrieval.models import Speaker
from retrieval.tokenize import normalize

MAX_QUESTION = 500  # characters of a question that are read; the rest is ignored

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_TAG = re.compile(r"<[^<>]{0,200}>")
_MARKDOWN = re.compile(r"[*_`#>\[\]|~]|\]\([^)]{0,200}\)")
_URL = re.compile(r"https?://\S+")
_WHO = WHO
# Cues that a question asks for a person's words, not about the person.
_SPEECH = ASKS_FOR_WORDS_RE

# The asking part of a who question, with its cue: 谁说, 是谁提出的, 哪位…讲过.
_WHO_ASKING = re.compile(rf"是?(?:{_WHO.pattern})(?:{_SPEECH.pattern})?[了过的到]?")


@dataclass(frozen=True)
class Intent:
    """What a question asks: its kind, the speaker it names, and the words to search for."""

    kind: Literal["who", "speaker", "plain"]
    text: str  # the cleaned question
    topic: str  # what to search for (for a speaker question: without the name and the cue)
    speaker: Speaker | None = None


def clean_question(text: str) -> str:
    """The question without control characters, markup, links and excess length or whitespace."""
    text = _CONTROL.sub(" ", text or "")[:MAX_QUESTION]
    text = _URL.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _MARKDOWN.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def read_question(question: str, speakers: Mapping[str, Speaker]) -> Intent:
    """The intent of `question`; `speakers` maps normalised names to the index's speakers."""
    text = clean_question(question)
    normal = normalize(text)
    if _WHO.search(normal):
        # Cut the content apart from the asking: 谁说书要… would otherwise cut as 说书 + 要….
        return Intent("who", text, _WHO_ASKING.sub(" ", text))
    name = _named_speaker(normal, speakers)
    if name is None:
        return Intent("plain", text, text)
    rest = normal.replace(name, " ")
    asks_for_words = _SPEECH.search(rest) is not None
    content = re.sub(r"[\W_]+", "", _SPEECH.sub("", rest))
    if not asks_for_words and content:
        return Intent("plain", text, text)  # the name is part of the content (`郑荣胜的职务`)
    topic = _SPEECH.sub(" ", rest)
    return Intent("speaker", text, topic, speakers[name])


def _named_speaker(normal: str, speakers: Mapping[str, Speaker]) -> str | None:
    """The longest known speaker name in the (normalised) question."""
    found = [name for name in speakers if len(name) >= 2 and name in normal]
    return max(found, key=len) if found else None

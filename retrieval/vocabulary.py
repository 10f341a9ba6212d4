"""Words for retrieval: the stop words to ignore and the corpus's own terms to keep whole.

jieba's dictionary does not know the names, places and coined terms of a particular corpus
(郑荣胜, 甬工惠, 一都三城); the user dictionary is built from the corpus at index time so that
passages and questions are cut the same way.

The stop words are function words and the words that say how a question is asked (请问, 是谁,
说了什么); they are kept with the other word lists in the lexicon (`[search] stop_words`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retrieval.lexicon import STOP_WORDS as _STOP_WORDS
from retrieval.models import Passage, Speaker

# Function words and question words: they say how a question is asked, not what it is about
# (`[search] stop_words` in the lexicon).
STOP_WORDS = _STOP_WORDS

# Bump when `corpus_terms` gives other terms for the same passages: each passages entry records
# them (tests/test_versions.py).
VOCABULARY_VERSION = 2

_OPENING_MARKS = "“「『\""
_QUOTED_TERM = re.compile(r"[“「『\"]([\u4e00-\u9fff0-9A-Za-z·+\-]{2,12})[”」』\"]")
# A place at the start of a title, or after 、/，: `台州市总工会…`, `绍兴柯桥区总工会主席`.
_TITLE_PLACE = re.compile(r"(?:^|[、，,；])([\u4e00-\u9fff]{2,3}(?:省|市|县|区))")


def corpus_terms(passages: Iterable[Passage]) -> set[str]:
    """Speaker names, places in their titles and terms in quotation marks, kept as whole words."""
    terms: set[str] = set()
    for passage in passages:
        terms.update(quoted_terms(passage.text))
        for speaker in passage.speakers:
            for member in speaker.members or (speaker,):
                terms.update(speaker_terms(member))
    return terms


def quoted_terms(text: str) -> list[str]:
    """Terms in quotation marks: `“暖心驿站”`."""
    if not any(mark in text for mark in _OPENING_MARKS):  # most paragraphs quote nothing
        return []
    return _QUOTED_TERM.findall(text)


def speaker_terms(member: Speaker) -> list[str]:
    """A speaker's name (when it looks like one) and the places at the start of their title."""
    terms = _TITLE_PLACE.findall(member.title)
    if 2 <= len(member.name) <= 4:
        terms.append(member.name)
    return terms

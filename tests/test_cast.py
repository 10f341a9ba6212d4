"""The cast's finder of known names and short forms (`cast.Words`) against the regex it replaced."""

from __future__ import annotations

import random
import re

from retrieval.cast import Words
from retrieval.lexicon import alternation


def _regex_spans(words: list[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(alternation(words), text)]


def test_longest_word_first_without_overlaps() -> None:
    words = ["王明", "王明华", "老王", "明华", "李主席"]
    text = "老王明华说，王明华表示，李主席和王明；最后是王明"
    assert Words(words).spans(text) == _regex_spans(words, text)
    assert Words(words).spans(text)[0] == (0, 2)  # 老王, then 明华 after it


def test_a_longer_word_cut_off_by_the_end_of_the_text() -> None:
    words = ["王明", "王明华"]
    assert Words(words).spans("他是王明") == [(2, 4)]


def test_same_spans_as_the_alternation_on_random_texts() -> None:
    rng = random.Random(15)
    alphabet = "王李明华老小主席说，。张三丰"
    for _ in range(500):
        words = ["".join(rng.choices(alphabet, k=rng.randint(1, 4))) for _ in range(rng.randint(1, 8))]
        text = "".join(rng.choices(alphabet, k=rng.randint(0, 40)))
        assert Words(words).spans(text) == _regex_spans(words, text), (words, text)

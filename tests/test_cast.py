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


def test_words_added_and_discarded_find_what_a_new_set_finds() -> None:
    rng = random.Random(16)
    alphabet = "王李明华老小主席说"
    words = Words([])
    kept: set[str] = set()
    for _ in range(400):
        word = "".join(rng.choices(alphabet, k=rng.randint(1, 4)))
        if rng.random() < 0.6:
            words.add(word)
            kept.add(word)
        else:
            words.discard(word)
            kept.discard(word)
        text = "".join(rng.choices(alphabet, k=30))
        assert words.words == kept
        assert words.spans(text) == (_regex_spans(sorted(kept), text) if kept else [])


def test_the_cast_pattern_is_the_one_a_rebuild_would_give() -> None:
    # The cast updates its pattern from the names and forms changed since it last grew; a
    # rebuild from every name and usable form, whenever the cast's size changed, is the rule.
    from retrieval.cast import Cast
    from retrieval.models import Speaker

    rng = random.Random(17)
    cast = Cast()
    expected: set[str] = set()
    size = -1
    for _ in range(300):
        name = rng.choice("王李张刘陈") + "".join(rng.choices("明华伟芳娜强", k=rng.randint(0, 2)))
        title = rng.choice(["", "", "主席", "局长", "副署长", "记者"])
        cast.remember(Speaker(name, title))
        if len(cast.known) + len(cast.aliases) != size:
            size = len(cast.known) + len(cast.aliases)
            expected = {n for n in cast.known if len(n) >= 2}
            expected |= {a for a, full in cast.aliases.items() if full}
        pattern = cast._known_pattern()
        assert (pattern.words if pattern is not None else set()) == expected

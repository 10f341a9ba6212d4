"""Common words that look like personal names (周边, 许多; 建国 as a given name).

A surname followed by one or two characters is name-shaped, but many such strings are ordinary
words. Without a title to vouch for it, a name-shaped word is taken for a name only when it is
rare as a word. The frequencies are jieba's dictionary's; the words that matter are extracted
once into `data/common_words.txt` (`python -m retrieval.commonwords` writes it again), so reading
documents never loads jieba's whole dictionary (half a second and 100 MB per process).
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from retrieval.lexicon import COMPOUND_SURNAMES, SINGLE_SURNAMES

NAME_WORD_FREQUENCY = 120  # a name-shaped string used more often than this is a word
GIVEN_NAME_WORD_FREQUENCY = 1000  # a given name used more often than this is a word (建国)
_FILE = "common_words.txt"


def _name_shaped_start(word: str) -> bool:
    return word[:1] in SINGLE_SURNAMES or word.startswith(COMPOUND_SURNAMES)


def extract(dictionary: Path) -> str:
    """The shipped file's text from jieba's `dict.txt` (word, frequency, tag per line)."""
    names: list[str] = []
    given: list[str] = []
    with dictionary.open(encoding="utf-8") as lines:
        for line in lines:
            word, frequency, *_ = line.split()
            count = int(frequency)
            if 2 <= len(word) <= 4 and count > NAME_WORD_FREQUENCY and _name_shaped_start(word):
                names.append(word)
            if len(word) == 2 and count > GIVEN_NAME_WORD_FREQUENCY:
                given.append(word)
    return "".join(f"n {w}\n" for w in sorted(set(names))) + "".join(
        f"g {w}\n" for w in sorted(set(given)))


def jieba_dictionary() -> Path:
    """jieba's dictionary file, found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    assert spec is not None and spec.submodule_search_locations
    return Path(list(spec.submodule_search_locations)[0]) / "dict.txt"


@lru_cache(maxsize=1)
def _load() -> tuple[frozenset[str], frozenset[str]]:
    text = files("retrieval").joinpath("data", _FILE).read_text("utf-8")
    names = frozenset(line[2:] for line in text.splitlines() if line.startswith("n "))
    given = frozenset(line[2:] for line in text.splitlines() if line.startswith("g "))
    return names, given


def is_common_word(candidate: str) -> bool:
    """Whether a name-shaped `candidate` is a frequent word (周边, 许多, 常务)."""
    return candidate in _load()[0]


def is_common_given_name(given: str) -> bool:
    """Whether a two-character given name is also a frequent word (建国, 基础)."""
    return given in _load()[1]


if __name__ == "__main__":
    target = Path(__file__).with_name("data") / _FILE
    target.write_text(extract(jieba_dictionary()), encoding="utf-8")
    print(f"wrote {target}")

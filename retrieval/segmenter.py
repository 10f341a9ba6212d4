"""A word segmenter that cuts exactly as jieba does, fast when rjieba is installed.

jieba needs about 0.6 s to load its dictionary and cuts about 1.3 MB of text a second; rjieba
(a binding of jieba-rs, the same dictionary and the same HMM model) starts in about 0.2 s and
cuts twenty times faster. `Segmenter` offers the part of `jieba.Tokenizer` that chuchu uses
(`initialize`, `suggest_freq`, `add_word`, `cut`, `cut_for_search`) on either engine; the
parity tests in `tests/test_segmenter.py` prove the two cut alike, user words included.

Three differences between the engines are bridged here so that both cut alike:

- jieba's `suggest_freq` multiplies probabilities where jieba-rs adds logarithms, so the two
  can differ by one; and jieba counts a word that is not in the dictionary but is the prefix of
  one as frequency 0 where jieba-rs counts 1. The frequency is computed here with jieba's own
  formula, looking frequencies up in a sorted copy of jieba's dictionary that is built once
  (0.5 s) and then read through `mmap` without loading it.
- jieba adds a re-added word's new frequency to its total without taking the old one off;
  jieba-rs replaces it. The total enters every cut (the cost of each word), so the difference is
  put back as the frequency of one private-use character that no text can reach.
- jieba's HMM step splits a run of unknown letters and digits at every joiner (`1-1` as
  1 / - / 1); jieba-rs keeps it whole. Such runs are split here as jieba does, and for texts
  that hold a joiner jieba's search-mode loop is run over the corrected cut.

One difference cannot be bridged from outside: when two cuts use the same words in another
order (一|一一 against 一一|一), their costs are equal and floating-point rounding picks one, each
engine in its own way. Words can be reordered like that only within a repetition (a unit
said three times, `一一一`), so a text with one is cut by jieba itself, loaded the first time
such a text comes (0.7 s) with the same words added.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import importlib.util
import logging
import mmap
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

logger = logging.getLogger(__name__)

Engine = Literal["rjieba", "jieba"]
# A private-use character outside jieba's word pattern: no text is ever looked up against it.
_BALLAST = "\U000f0000"
_LOOKUP_FORMAT = "chuchu-jieba-dict 2"  # 2: each line also holds the word's part of speech
# The characters other than letters and digits that jieba's word pattern takes in.
_JOINERS = frozenset("+#&._%-")
# `_JOINERS.isdisjoint(text)` makes a string of each character: 6 µs for a 150-character
# passage, where this search takes 1 µs.
_JOINER = re.compile("[" + re.escape("".join(sorted(_JOINERS))) + "]")
_NON_HAN = re.compile(r"[a-zA-Z0-9+#&._%\-]+")
_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba.finalseg's re_skip
_REPEAT = re.compile(r"([\u4e00-\u9fd5a-zA-Z0-9]{1,4})\1\1")  # a unit three times in a row


def _jieba_dictionary() -> Path:
    """jieba's bundled dict.txt, found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jieba is required for its dictionary")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


def dictionary_version() -> str:
    """A short fingerprint of jieba's dictionary, for cache keys."""
    path = _jieba_dictionary()
    stat = path.stat()
    return f"jieba-dict-{stat.st_size}-{int(stat.st_mtime)}"


def rjieba_available() -> bool:
    return importlib.util.find_spec("rjieba") is not None


@functools.cache
def _rjieba_class() -> type:
    """rjieba's `Jieba` class, loaded from its extension module alone when possible.

    Importing the `rjieba` package builds a default segmenter (0.12 s of a cold start) that
    chuchu never uses; its compiled module holds the class on its own.
    """
    spec = importlib.util.find_spec("rjieba")
    folder = Path(next(iter(spec.submodule_search_locations or ()), "")) if spec else None
    for path in sorted(folder.glob("rjieba*.so")) if folder else ():
        try:
            module_spec = importlib.util.spec_from_file_location("rjieba.rjieba", path)
            if module_spec is None or module_spec.loader is None:
                continue
            module = importlib.util.module_from_spec(module_spec)
            module_spec.loader.exec_module(module)
            return module.Jieba
        except (ImportError, AttributeError, OSError):
            continue
    import rjieba  # the package's own way, should its layout change

    return rjieba.Jieba


@functools.cache
def _plain_jieba() -> object:
    """jieba over its own dictionary alone, loaded once in a process (0.8 s)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    plain = jieba.Tokenizer()
    plain.initialize()
    return plain


def jieba_frequencies() -> tuple[dict[str, int], int]:
    """jieba's own word frequencies (prefixes at 0) and their total, without user words; read,
    never changed. The column model (`retrieval.columns`) and `Segmenter`'s jieba for texts
    with a repetition share them: loaded once, in the parent when chunking needed them there,
    and inherited by the forked workers."""
    plain = _plain_jieba()
    return plain.FREQ, plain.total  # type: ignore[attr-defined]


class _SortedDictionary:
    """jieba's dictionary as sorted `word freq` lines, read by binary search through mmap.

    A binary search in Python over the mapped file costs about 40 µs a word, which is nothing
    for the seeds' few hundred user words and seconds for an archive's tens of thousands (three
    or four look-ups a word). After `LOAD_AFTER` look-ups the sorted words are read into a list
    once (about 0.1 s) and searched with `bisect` instead: the same answers, from the same
    lines, in a microsecond.
    """

    LOAD_AFTER = 2_000

    def __init__(self, cache_dir: Path | None = None) -> None:
        source = _jieba_dictionary()
        folder = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir())
        key = hashlib.sha1(f"{dictionary_version()}|{source}".encode()).hexdigest()[:12]
        self.path = folder / f"chuchu-jieba-dict-{key}.txt"
        if not self._open():
            self._build(source)
            if not self._open():
                raise RuntimeError(f"cannot read the sorted jieba dictionary {self.path}")

    def _open(self) -> bool:
        try:
            with open(self.path, "rb") as handle:
                data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):
            return False
        header_end = data.find(b"\n")
        header = data[:header_end].decode("utf-8", "replace").split("\t")
        footer = data[-len(b"#end\n"):]
        if header_end < 0 or header[0] != _LOOKUP_FORMAT or footer != b"#end\n":
            return False  # written by another version, or cut short: rebuild
        self.total = int(header[1])
        self._data = data
        self._start = header_end + 1
        self._end = len(data) - len(b"#end\n")
        self._searches = 0
        self._found: dict[str, int | None] = {}  # every word looked up, and its entry
        self._lines: list[str] | None = None  # every `word freq tag` line, once loaded
        self._words: list[str] = []  # their words, in the same (sorted) order
        return True

    def _loaded(self) -> list[str] | None:
        """The dictionary's lines once enough look-ups were made to pay for reading them all."""
        if self._lines is None:
            self._searches += 1
            if self._searches <= self.LOAD_AFTER:
                return None
            lines = self._data[self._start:self._end].decode("utf-8").split("\n")
            lines.pop()  # the body ends with a line break
            self._words = [line.partition(" ")[0] for line in lines]
            self._lines = lines
        return self._lines

    def _first_line_at_or_after(self, word: str) -> str | bytes:
        """The first line whose word is not before `word` ('' or b'' when there is none)."""
        lines = self._loaded()
        if lines is None:
            return self._first_at_or_after(word.encode("utf-8"))
        # Code-point order is the UTF-8 byte order the file was searched in.
        at = bisect.bisect_left(self._words, word)
        return lines[at] if at < len(lines) else ""

    def _build(self, source: Path) -> None:
        freq: dict[str, int] = {}
        tags: dict[str, str] = {}
        total = 0
        with open(source, encoding="utf-8") as handle:
            for line in handle:
                parts = line.strip().split(" ")
                if len(parts) < 2:
                    continue
                freq[parts[0]] = int(parts[1])  # jieba: the last line of a word wins
                tags[parts[0]] = parts[2] if len(parts) > 2 else "x"
                total += int(parts[1])  # ... but every line counts in the total
        body = "".join(f"{word} {freq[word]} {tags[word]}\n" for word in sorted(freq))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(f"{_LOOKUP_FORMAT}\t{total}\n{body}#end\n", encoding="utf-8")
        os.replace(temporary, self.path)

    def _line_at(self, position: int) -> tuple[int, bytes]:
        """The start and text of the first whole line at or after `position`."""
        if position > self._start:
            position = self._data.find(b"\n", position - 1, self._end) + 1
        end = self._data.find(b"\n", position, self._end)
        return position, self._data[position:end]

    def _first_at_or_after(self, key: bytes) -> bytes:
        lo, hi = self._start, self._end
        while lo < hi:
            mid = (lo + hi) // 2
            start, line = self._line_at(mid)
            if start >= self._end:
                hi = mid
            elif line.split(b" ", 1)[0] < key:
                lo = start + len(line) + 1
            else:
                hi = mid
        return self._line_at(lo)[1] if lo < self._end else b""

    def lookup(self, word: str) -> int | None:
        """jieba's FREQ entry for `word`: its frequency, 0 for a mere prefix, None if absent."""
        try:
            return self._found[word]  # user words share their segments (…区, …县, …市)
        except KeyError:
            pass
        line = self._first_line_at_or_after(word)
        if isinstance(line, bytes):
            line = line.decode("utf-8")
        found, _, freq = line.partition(" ")
        if found == word:
            entry: int | None = int(freq.partition(" ")[0])
        else:
            entry = 0 if found.startswith(word) else None
        self._found[word] = entry
        return entry

    def tag(self, word: str) -> str | None:
        """jieba's part of speech for `word` (`n`, `v`, `nr`…), None when it is not a word."""
        line = self._first_line_at_or_after(word)
        if isinstance(line, bytes):
            line = line.decode("utf-8")
        found, _, rest = line.partition(" ")
        return rest.partition(" ")[2] or None if found == word else None


class Segmenter:
    """jieba's cut and search cut with a user dictionary, on rjieba when it is installed.

    Args:
        engine: "rjieba", "jieba", or None for rjieba when installed, else jieba.
        cache_dir: where the sorted dictionary used for word frequencies is kept (jieba keeps
            its own cache in the temporary folder too).
    """

    def __init__(self, engine: Engine | None = None, cache_dir: Path | None = None) -> None:
        self.engine: Engine = engine or ("rjieba" if rjieba_available() else "jieba")
        self._cache_dir = cache_dir
        self._dictionary: _SortedDictionary | None = None
        self._user_freq: dict[str, int] = {}  # words added, as jieba's FREQ holds them
        self._user_prefixes: set[str] = set()
        self._added = 0  # frequencies added, as jieba counts them into its total
        self._ballast = 0
        self.added: list[tuple[str, int]] = []  # every (word, freq) added, in order
        self._mirror: object | None = None  # jieba itself, for texts rjieba may cut otherwise
        if self.engine == "rjieba":
            self._rs = _rjieba_class()()
        else:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            self._py = jieba.Tokenizer()

    def fingerprint(self) -> str:
        """What decides this segmenter's cuts: jieba's dictionary and every word added, with
        its frequency, in order (the engine is left out: the two are proven to cut alike)."""
        digest = hashlib.sha256(dictionary_version().encode())
        for word, freq in self.added:
            digest.update(f"\x00{word} {freq}".encode())
        return digest.hexdigest()[:24]

    def initialize(self) -> None:
        """Load the dictionary now rather than at the first cut (jieba's API)."""
        if self.engine == "jieba":
            self._py.initialize()

    # -- user dictionary -------------------------------------------------------------------
    def _base(self) -> _SortedDictionary:
        if self._dictionary is None:
            self._dictionary = _SortedDictionary(self._cache_dir)
        return self._dictionary

    def _freq(self, word: str) -> int | None:
        """jieba's `FREQ.get(word)` with the user words added so far."""
        if word in self._user_freq:
            return self._user_freq[word]
        found = self._base().lookup(word)
        if found is None and word in self._user_prefixes:
            return 0
        return found

    def suggest_freq(self, word: str, tune: bool = False) -> int:
        """jieba's `suggest_freq` for one word: the frequency that keeps it whole."""
        if self.engine == "jieba":
            return int(self._py.suggest_freq(word, tune=tune))
        total = self._base().total + self._added
        freq = 1.0
        for segment in self._rs.cut(word, False):
            found = self._freq(segment)
            freq *= (1 if found is None else found) / float(total)
        found = self._freq(word)
        suggested = max(int(freq * total) + 1, 1 if found is None else found)
        if tune:
            self.add_word(word, suggested)
        return suggested

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        """Add `word` to the dictionary with `freq` (jieba's `suggest_freq` when None)."""
        freq = int(freq) if freq is not None else self.suggest_freq(word)
        self.added.append((word, freq))
        if self.engine == "jieba":
            self._py.add_word(word, freq, tag)
            return
        replaced = self._freq(word) or 0  # jieba-rs takes this off its total; jieba does not
        self._rs.add_word(word, freq, tag)
        if self._mirror is not None:
            self._mirror.add_word(word, freq, tag)  # type: ignore[attr-defined]
        self._user_freq[word] = freq
        self._added += freq
        self._user_prefixes.update(word[:i] for i in range(1, len(word)))
        if replaced:
            self._ballast += replaced
            self._rs.add_word(_BALLAST, self._ballast, None)

    # -- cutting ---------------------------------------------------------------------------
    def cutter(self, text: str, search: bool) -> Callable[[str, bool], Iterator[str] | list[str]]:
        """The cut (`search`: the search cut) for `text` and any part of it, taken as
        `cutter(text, search)(part, HMM)` (positionally: rjieba names it `hmm`).

        A text without a repetition or a joiner is cut by rjieba directly: each part is
        searched for them once for the whole text (a tenth of cutting's time went to searching
        each part of a passage again).
        """
        if self.engine == "jieba" or _REPEAT.search(text) or _JOINER.search(text):
            return self.cut_for_search if search else self.cut
        return self._rs.cut_for_search if search else self._rs.cut

    def cut(self, text: str, HMM: bool = True) -> Iterator[str] | list[str]:  # noqa: N803
        """jieba's precise-mode cut."""
        if self.engine == "jieba":
            return self._py.cut(text, HMM=HMM)
        if _REPEAT.search(text):
            return list(self._jieba_mirror().cut(text, HMM=HMM))  # type: ignore[attr-defined]
        words = self._rs.cut(text, HMM)
        if not HMM or _JOINER.search(text) is None:
            return words
        split = self._split_joined(words)
        return words if split is None else split

    def _split_joined(self, words: list[str]) -> list[str] | None:
        """`words` with each run of unknown non-Chinese characters split at its joiners as
        jieba's HMM step splits it (`1-1` as 1 / - / 1, `1.2.3` as 1.2 / . / 3; jieba-rs keeps
        the run whole); None when no word is such a run."""
        out: list[str] | None = None
        for position, word in enumerate(words):
            if len(word) > 1 and not _JOINERS.isdisjoint(word) and _NON_HAN.fullmatch(word) \
                    and not self._is_word(word):
                if out is None:
                    out = words[:position]
                out.extend(piece for piece in _SKIP.split(word) if piece)
            elif out is not None:
                out.append(word)
        return out

    def cut_for_search(self, text: str, HMM: bool = True) -> Iterator[str] | list[str]:  # noqa: N803
        """jieba's search-engine cut: words, then the dictionary words inside long ones."""
        if self.engine == "jieba":
            return self._py.cut_for_search(text, HMM=HMM)
        if _REPEAT.search(text):
            return list(self._jieba_mirror().cut_for_search(text, HMM=HMM))  # type: ignore[attr-defined]
        if not HMM or _JOINER.search(text) is None:
            return self._rs.cut_for_search(text, HMM)
        split = self._split_joined(self._rs.cut(text, HMM))
        if split is None:  # the same cut: jieba-rs's search loop is jieba's (parity tests)
            return self._rs.cut_for_search(text, HMM)
        out: list[str] = []  # jieba's own loop, over the corrected cut
        for word in split:
            if len(word) > 2:
                out.extend(word[i:i + 2] for i in range(len(word) - 1)
                           if self._is_word(word[i:i + 2]))
            if len(word) > 3:
                out.extend(word[i:i + 3] for i in range(len(word) - 2)
                           if self._is_word(word[i:i + 3]))
            out.append(word)
        return out

    def _jieba_mirror(self) -> object:
        """jieba with the same words added, built the first time it is needed."""
        if self._mirror is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            mirror = jieba.Tokenizer()
            # What `initialize` would load again: a copy, since words are added to it.
            freq, total = jieba_frequencies()
            mirror.FREQ, mirror.total, mirror.initialized = dict(freq), total, True
            for word, freq in self.added:
                mirror.add_word(word, freq)
            self._mirror = mirror
        return self._mirror

    def tag(self, word: str) -> str | None:
        """jieba's part of speech for a word of its dictionary (`n`, `v`, `nr`…), else None."""
        return self._base().tag(word)

    def _is_word(self, word: str) -> bool:
        """jieba's `FREQ.get(word)` is truthy: a word with a frequency above 0."""
        if word in self._user_freq:
            return self._user_freq[word] > 0
        return bool(self._rs.has_word(word))

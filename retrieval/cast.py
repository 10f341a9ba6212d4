"""The cast of a document: who it has named so far, how it may refer to them again, and whom
the narration is about.

Attribution reads a document paragraph by paragraph and keeps this memory:
- every person named with something to vouch for them, with the latest title seen
  (`市总工会主席吴红梅` makes a later bare `吴红梅表示` hers, with her title);
- the short forms the document may use for them once introduced: `老王`/`小尹` (a familiar
  prefix before a surname), `唐政委`/`林副署长` (surname and title), and the surname alone
  (`林：`, `何又说`) — each only while no other person of the cast shares the surname;
- who spoke last and who the narration is about (the subject of the last sentence that named
  someone), which is whom a `他说` or `她表示` can mean;
- who spoke through a letter (`在贺函中说`), for a later `贺函说`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.lexicon import (
    COMPOUND_SURNAMES,
    FAMILIAR_PREFIXES,
    SURNAME_HONORIFICS,
    TITLE_WORDS,
)
from retrieval.models import Speaker
from retrieval.names import Mention, find_people, find_untitled_speakers

PRONOUN_REACH = 1  # paragraphs back a pronoun may reach for its person



def surname_of(name: str) -> str:
    """The surname of a Chinese name (two characters for 欧阳, 司马…)."""
    return name[:2] if name.startswith(COMPOUND_SURNAMES) and len(name) > 2 else name[:1]


@dataclass
class Cast:
    """What attribution remembers across the paragraphs of one document."""

    known: dict[str, Speaker] = field(default_factory=dict)
    aliases: dict[str, str | None] = field(default_factory=dict)  # None: ambiguous
    surnames: dict[str, str | None] = field(default_factory=dict)  # None: ambiguous
    last: Speaker | None = None
    focus: Speaker | None = None
    focus_paragraph: int = -10
    letters: dict[str, tuple[Speaker, int]] = field(default_factory=dict)
    polite: set[str] = field(default_factory=set)  # surname + 先生/大妈… forms among `aliases`
    _pattern: Words | None = field(default=None, repr=False)
    _pattern_size: int = field(default=-1, repr=False)
    _touched: set[str] = field(default_factory=set, repr=False)  # changed since `_pattern`

    # -- who has been named -------------------------------------------------------------
    def remember(self, speaker: Speaker) -> Speaker:
        """Register a person; a later title for the same name in this document wins."""
        for member in speaker.members or (speaker,):
            if member.title or member.name not in self.known:
                self.known[member.name] = member
                self._touched.add(member.name)
            self._short_forms(member)
        return speaker

    def _short_forms(self, person: Speaker) -> None:
        if "·" in person.name or len(person.name) < 2:
            return
        surname = surname_of(person.name)
        _claim(self.surnames, surname, person.name)
        forms = [prefix + surname for prefix in FAMILIAR_PREFIXES]
        # `蔡伯`, `蔡先生`, `蔡师傅` for 蔡文雄, once the document has named him.
        polite = [surname + honorific for honorific in SURNAME_HONORIFICS]
        self.polite.update(polite)
        forms += polite
        title_word = _last_title_word(person.title)
        if title_word:
            forms.append(surname + title_word)
            if title_word.startswith("副") and len(title_word) > 2:
                forms.append(surname + title_word[1:])  # a deputy is addressed as 庞主任
        for form in forms:
            if form != person.name:
                _claim(self.aliases, form, person.name)
                self._touched.add(form)

    def resolve(self, name: str) -> Speaker:
        """The speaker a name or short form stands for (a new untitled speaker if unknown)."""
        if name in self.known:
            return self.known[name]
        full = self.aliases.get(name) or (self.surnames.get(name) if len(name) <= 2 else None)
        if full:
            return self.known[full]
        return Speaker(name)

    def by_surname(self, surname: str) -> Speaker | None:
        """The one person of the cast with this surname, if exactly one."""
        full = self.surnames.get(surname)
        return self.known[full] if full else None

    def by_title(self, title: str) -> Speaker | None:
        """The one person of the cast introduced with this title (`医务卫生局局长`), if exactly
        one; a title with its organisation (four characters or more) may be the end of theirs
        (`局长` is nobody's in particular)."""
        people = {s.name: s for s in self.known.values() if s.title == title}
        if not people and len(title) >= 4:
            people = {s.name: s for s in self.known.values() if s.title.endswith(title)}
        return next(iter(people.values())) if len(people) == 1 else None

    # -- finding them in text -----------------------------------------------------------
    def mentions(self, text: str) -> list[Mention]:
        """Every person `text` names: with a title, an honorific or a dot (remembered as they
        are found), by a name or short form the document introduced, or by an untitled name
        right before a speech verb. Left to right, without overlaps."""
        found = find_people(text)
        for mention in found:
            self.speaker_of(mention)
        extra: list[Mention] = []
        pattern = self._known_pattern()
        if pattern is not None:
            for start, end in pattern.spans(text):
                extra.append(Mention(start, end, text[start:end], ""))
        for mention in find_untitled_speakers(text):
            if mention.name not in self.known and mention.name not in self.aliases:
                extra.append(mention)
        for mention in extra:
            if not any(m.start < mention.end and mention.start < m.end for m in found):
                found.append(mention)
        found.sort(key=lambda m: m.start)
        return found

    def _known_pattern(self) -> Words | None:
        """The names and usable short forms of the cast, as they were when it last grew (an
        alias that became ambiguous stays until then). Only the names and forms changed since
        are looked at again: a document names dozens of people, one at a time."""
        size = len(self.known) + len(self.aliases)
        if size != self._pattern_size:
            if self._pattern is None:
                self._pattern = Words([])
            for word in self._touched:
                if (len(word) >= 2 and word in self.known) or self.aliases.get(word):
                    self._pattern.add(word)
                else:
                    self._pattern.discard(word)
            self._touched.clear()
            self._pattern_size = size
        return self._pattern if self._pattern.words else None

    def speaker_of(self, mention: Mention) -> Speaker:
        """The speaker a mention names: its own title if it has one, else the cast's; a short
        form (`快递员小刘`) is the person the document introduced."""
        full = self.aliases.get(mention.name)
        if full and mention.name not in self.known and not (
                mention.title and mention.name in self.polite):
            # (`总工会主席刘大妈` is a titled person of their own, not the 刘 named before)
            return self.known[full]
        if mention.title:
            return self.remember(Speaker(mention.name, mention.title))
        return self.resolve(mention.name)

    # -- who is speaking, and whom the narration is about ------------------------------
    def spoke(self, speaker: Speaker, paragraph: int) -> None:
        """`speaker` said something: they are whom a following 他说 means, and the cast knows
        them by name from now on."""
        self.remember(speaker)
        self.last = speaker
        self.focus, self.focus_paragraph = speaker, paragraph

    def narrated(self, subject: Speaker | None, paragraph: int) -> None:
        """A sentence named people: its subject (or nobody, when it is not one of them) is
        whom a following 他说 means."""
        self.focus, self.focus_paragraph = subject, paragraph

    def pronoun(self, paragraph: int) -> Speaker | None:
        """Whom a 他/她 in this paragraph means, when it can be told."""
        if self.focus is not None and paragraph - self.focus_paragraph <= PRONOUN_REACH:
            return self.focus
        return None

    def wrote(self, letter: str, speaker: Speaker, paragraph: int) -> None:
        """`speaker` said something in a letter (`在贺函中说`)."""
        self.letters[letter] = (speaker, paragraph)

    def letter_sender(self, letter: str, paragraph: int) -> Speaker | None:
        sent = self.letters.get(letter)
        if sent is None or paragraph - sent[1] > 2:
            return None
        return sent[0]


class Words:
    """Finds the words of a set in a text as `re.finditer(alternation(words))` does: from left
    to right, without overlaps, the longest word at each place where one starts.

    The cast grows a name at a time and a document names dozens of people, so compiling that
    alternation each time the cast grew (about 2.5 ms for a few hundred words) cost more than
    all of a news report's attribution; this finds the same spans from the words' first
    characters and a set lookup per length.
    """

    def __init__(self, words: list[str]) -> None:
        self.words: set[str] = set()
        self._counts: dict[str, dict[int, int]] = {}  # first character -> length -> words
        self.lengths: dict[str, list[int]] = {}  # first character -> lengths, longest first
        for word in words:
            self.add(word)

    def add(self, word: str) -> None:
        if word in self.words:
            return
        self.words.add(word)
        counts = self._counts.setdefault(word[0], {})
        counts[len(word)] = counts.get(len(word), 0) + 1
        self.lengths[word[0]] = sorted(counts, reverse=True)

    def discard(self, word: str) -> None:
        if word not in self.words:
            return
        self.words.remove(word)
        counts = self._counts[word[0]]
        counts[len(word)] -= 1
        if not counts[len(word)]:
            del counts[len(word)]
        if counts:
            self.lengths[word[0]] = sorted(counts, reverse=True)
        else:
            del self._counts[word[0]], self.lengths[word[0]]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every word found, left to right."""
        firsts = self.lengths.keys() & set(text)
        if not firsts:
            return []
        starts: list[int] = []
        for first in firsts:
            at = text.find(first)
            while at >= 0:
                starts.append(at)
                at = text.find(first, at + 1)
        starts.sort()
        found: list[tuple[int, int]] = []
        reached = 0
        words = self.words
        size = len(text)
        for start in starts:
            if start < reached:
                continue
            for length in self.lengths[text[start]]:
                if start + length <= size and text[start:start + length] in words:
                    reached = start + length
                    found.append((start, reached))
                    break
        return found


def _claim(table: dict[str, str | None], form: str, name: str) -> None:
    """Map `form` to `name`, or to None once two people could be meant."""
    if form not in table:
        table[form] = name
    elif table[form] != name:
        table[form] = None


_LONGEST_FIRST = tuple(sorted(TITLE_WORDS, key=len, reverse=True))


def _last_title_word(title: str) -> str:
    """The title word a title ends with (`副署长` for `CDC 副署长`), or ''."""
    return next((word for word in _LONGEST_FIRST if title.endswith(word)), "")

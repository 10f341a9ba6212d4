"""Who is who among the corpus's speakers: finding the person a question means.

People rarely type a name exactly as the document prints it. A question may name someone by
their post (`宁波市总工会主席说了什么`), by surname and title (`郑主席`), by given name alone, or
with a typo (`郑荣盛` for 郑荣胜). The `Directory` holds every speaker with the titles seen for
them and resolves such references to people; everything it finds by anything but the exact name
is marked as a guess, so the answer can say 您是不是要找.

Lookups cost what the question's length costs, never the corpus's: names are keyed once by
themselves and by each one-character edit, and posts by their title word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from retrieval.lexicon import COMPOUND_SURNAMES, SINGLE_SURNAMES, TITLE_END_RE
from retrieval.models import Speaker, SpeakerStat
from retrieval.tokenize import normalize

_POST_BREAK = re.compile(r"[、，,；;／/\s]+|兼任?")
# A level of government or of a union written without its place (`市总工会`, `省委`): the place
# is the one the title starts with (`杭州市人大常委会副主任、市总工会主席`).
_BARE_LEVEL = re.compile(r"^[省市县区]")
_LEADING_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,3}?)(?:省|市|县|区)")
SURE = 0.9  # a post that fits at least this well is not a guess
MIN_TYPO_NAME = 3  # a two-character name with one character wrong is half a guess: not tried
ALTERNATIVES = 3  # other people named when a reference fits several


@dataclass(frozen=True)
class Post:
    """One post of a title: `宁波市总工会` + `主席`; `head` is the title word it ends with."""

    organisation: str
    head: str


@dataclass(frozen=True)
class Person:
    """A speaker of the corpus, the posts of every title seen for them, and how much they speak."""

    speaker: Speaker
    key: str  # the normalised name
    posts: tuple[Post, ...]
    passages: int


@dataclass(frozen=True)
class Found:
    """The people a reference may mean, best first, and whether the first is a guess."""

    people: tuple[Speaker, ...]
    guess: bool
    how: str  # "name", "typo", "role", "surname", "given"

    @property
    def speaker(self) -> Speaker:
        return self.people[0]


def posts_of(title: str) -> tuple[Post, ...]:
    """The posts of a title: `宁波市总工会党组书记、主席` gives 宁波市总工会 书记 and 宁波市总工会 主席.

    A post that is a title word alone (`、主席`) belongs to the organisation before it; one whose
    organisation starts with a bare level (`市总工会`) gets the place of the post before it
    (`宁波市人大常委会副主任、市总工会主席`).
    """
    posts: list[Post] = []
    organisation = place = ""
    for part in _POST_BREAK.split(normalize(title)):
        head = TITLE_END_RE.search(part)
        if not part or head is None:
            continue
        own = part[:head.start()]
        if own:
            organisation = own
            named = _LEADING_PLACE.match(own)
            if named:
                place = named.group(1)  # the place of this and the later bare posts
            elif place and _BARE_LEVEL.match(own):
                organisation = place + own
        posts.append(Post(organisation, head.group()))
    return tuple(posts)


def _head_fits(asked: str, held: str) -> float:
    """How well a post titled `held` answers a question about `asked` (主席 vs 常务副主席)."""
    if held == asked:
        return 1.0
    extra = held[:-len(asked)] if held.endswith(asked) else None
    if extra is None:
        return 0.0
    # 常务副主席 is a 副主席, but a 副主席 is not the 主席 a question asks for.
    return 0.8 if "副" not in extra or "副" in asked else 0.0


def _subsequence(short: str, long: str) -> bool:
    """Whether the characters of `short` stand in `long` in order (省总 in 省总工会)."""
    rest = iter(long)
    return all(char in rest for char in short)


def _organisation_fits(asked: str, held: str) -> float:
    """How well a post's organisation answers the organisation asked for: contained, or
    abbreviated (`宁波总工会`, `省总` for 省总工会)."""
    if not asked or asked in held:
        return 1.0
    if _BARE_LEVEL.match(held) and asked.endswith(held):
        return SURE  # 海州市总工会 asked, 市总工会 printed: the title left its place unsaid
    return 0.7 if len(asked) >= 2 and _subsequence(asked, held) else 0.0


def holds_post(text: str, phrase: str) -> bool:
    """Whether normalised `text` names the post `phrase` asks for: its title word standing
    where it is not part of a deputy's (主席 in 副主席 is not the chair)."""
    head = TITLE_END_RE.search(phrase)
    if head is None:
        return True
    asked = head.group()
    start = text.find(asked)
    while start >= 0:
        if "副" in asked or not text[max(0, start - 2):start].endswith(("副", "副总")):
            return True
        start = text.find(asked, start + 1)
    return False


def is_surname(text: str) -> bool:
    return text in SINGLE_SURNAMES or text in COMPOUND_SURNAMES


def _given_name(name: str) -> str:
    return name[2:] if name.startswith(COMPOUND_SURNAMES) else name[1:]


class Directory:
    """Every named speaker of the corpus, found by name, typo, post, surname and title."""

    def __init__(self, speakers: Mapping[str, Speaker], stats: Iterable[SpeakerStat]) -> None:
        counts = {stat.name: stat for stat in stats}
        self.people: dict[str, Person] = {}
        self._by_head: dict[str, list[Person]] = {}  # title word -> people holding such a post
        self._edits: dict[str, list[str]] = {}  # a name with one character edited -> names
        self._given: dict[str, list[str]] = {}  # given name -> names
        for key, speaker in speakers.items():
            if speaker.members or len(key) < 2:
                continue
            stat = counts.get(speaker.name)
            titles = (stat.titles if stat else ()) or ((speaker.title,) if speaker.title else ())
            posts = tuple(dict.fromkeys(p for title in titles for p in posts_of(title)))
            person = Person(speaker, key, posts, stat.passages if stat else 0)
            self.people[key] = person
            for head in dict.fromkeys(post.head for post in posts):
                self._by_head.setdefault(head, []).append(person)
            if len(key) >= MIN_TYPO_NAME:
                for edited in _edits(key):
                    self._edits.setdefault(edited, []).append(key)
            given = _given_name(key)
            if len(given) >= 2:
                self._given.setdefault(given, []).append(key)

    def __len__(self) -> int:
        return len(self.people)

    def named(self, text: str) -> list[str]:
        """The known names standing in normalised `text`, longest first, not overlapping."""
        found: list[tuple[int, int, str]] = []
        for length in (4, 3, 2):
            for start in range(len(text) - length + 1):
                piece = text[start:start + length]
                if piece in self.people and not any(s < start + length and start < e
                                                    for s, e, _ in found):
                    found.append((start, start + length, piece))
        return [name for _, _, name in sorted(found)]

    def _ranked(self, keys: Iterable[str]) -> list[Person]:
        people = [self.people[key] for key in dict.fromkeys(keys)]
        return sorted(people, key=lambda p: -p.passages)

    def typo(self, candidate: str) -> Found | None:
        """Known names one character edit away from `candidate` (郑荣盛 → 郑荣胜)."""
        if candidate in self.people or len(candidate) < MIN_TYPO_NAME - 1:
            return None
        keys: list[str] = []
        for edited in (candidate, *_edits(candidate)):
            keys.extend(self._edits.get(edited, ()))
            if edited in self.people:  # the candidate has one character too many
                keys.append(edited)
        # Two different names sharing an edit with the candidate: keep those at one edit only.
        people = [p for p in self._ranked(keys) if _one_edit(candidate, p.key)]
        return _found(people, "typo") if people else None

    def given(self, candidate: str) -> Found | None:
        """People called `candidate` by their given name alone (荣胜 for 郑荣胜)."""
        people = self._ranked(self._given.get(candidate, ()))
        return _found(people, "given") if people else None

    def role(self, phrase: str) -> Found | None:
        """The people whose posts fit `phrase`: `宁波市总工会主席`, `省总工会主席`, `郑主席`."""
        head = TITLE_END_RE.search(phrase)
        if head is None:
            return None
        asked, organisation = head.group(), phrase[:head.start()]
        surname = organisation if is_surname(organisation) else ""
        best: dict[str, tuple[float, Person]] = {}
        for held, holders in self._by_head.items():
            if not held.endswith(asked):
                continue
            for person in holders:
                if surname and not person.key.startswith(surname):
                    continue
                score = max((self._post_fits(asked, organisation, surname, post)
                             for post in person.posts if post.head == held), default=0.0)
                if score > best.get(person.key, (0.0,))[0]:
                    best[person.key] = (score, person)
        if not best:
            return None
        ranked = sorted(best.values(), key=lambda row: (-row[0], -row[1].passages))
        top = ranked[0][0]
        tied = sum(1 for score, _ in ranked if score == top)
        people = tuple(person.speaker for _, person in ranked[:1 + ALTERNATIVES])
        return Found(people, top < SURE or tied > 1, "surname" if surname else "role")

    @staticmethod
    def _post_fits(asked: str, organisation: str, surname: str, post: Post) -> float:
        fits = _head_fits(asked, post.head)
        if surname:
            # 郑主席 is said politely of a 副主席 too, but less surely.
            return fits or 0.5
        return fits * _organisation_fits(organisation, post.organisation)


def _found(people: list[Person], how: str) -> Found:
    return Found(tuple(p.speaker for p in people[:1 + ALTERNATIVES]), True, how)


def _edits(word: str) -> list[str]:
    """`word` with one character replaced by `?`, and with one character left out."""
    wild = [word[:i] + "?" + word[i + 1:] for i in range(len(word))]
    shorter = [word[:i] + word[i + 1:] for i in range(len(word))]
    return wild + shorter


def _one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of exactly one between two short strings."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))

"""Reading a question: cleaning what people type, and what it asks about and how.

A question is read into an `Intent`: how it is asked (its `kind`), whom it is about, and the
text whose content is searched for. The kinds:

- `who`: who said something (谁提出了…, …是谁说的): the speaker comes first;
- `who_is`: who holds a post (省总工会主席是谁？) or what someone is (郑荣胜是谁？), answered
  from the speakers' titles;
- `speaker`: what one person said, in any speech verb of the lexicon (郑荣胜说了什么,
  郑荣胜透露了什么, 郑荣胜如何反驳, 郑荣胜对…有什么看法), the person named exactly, by a typo, by
  post or by surname and title;
- `plain`: the passages that hold the content (a person it names is remembered in `people`);
- `foreign`: no Chinese at all (English, pinyin);
- `unresolved`: 他/她 with no earlier answer to point back to.

Follow-ups are read against the `Context` of the last answer: `他还说了什么` is a speaker
question about the last speaker without the passages already given, `她呢` the same, and
`郑荣胜呢` the last question asked about 郑荣胜.

Every word list comes from the lexicon (`[questions]`, `[speech] verbs`, `[people]`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import Literal

from retrieval.asked import Asked, asked_for
from retrieval.dates import DateRange
from retrieval.directory import Directory, Found
from retrieval.lexicon import (
    ASKED_QUESTIONS_RE,
    ASKING_RE,
    ASKS_FOR_POST_RE,
    ASKS_FOR_SPEECH_RE,
    FOLLOW_UP_MORE_RE,
    FOLLOW_UP_PRONOUN_RE,
    FOLLOW_UP_TAIL_RE,
    PLAIN_CUES,
    RELATIVE_RE,
    RELATIVE_WORDS,
    SETTING_RE,
    TITLE_END_RE,
    TITLE_RE,
    WHO,
    WHO_IS_RE,
)
from retrieval.models import Context, Speaker
from retrieval.tokenize import normalize

MAX_QUESTION = 500  # characters of a question that are read; the rest is ignored
MAX_NAME = 8  # characters of a name a question may mistype (苏哈迪约诺 for 苏哈尔迪约诺)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_TAG = re.compile(r"<[^<>]{0,200}>")
_MARKDOWN = re.compile(r"[*_`#>\[\]|~]|\]\([^)]{0,200}\)")
_URL = re.compile(r"https?://\S+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[a-zA-Z]")
_NOT_WORD = re.compile(r"[\W_]+")
# The asking part of a who question, with its cue: 谁说, 是谁提出的, 哪位…讲过.
_WHO_ASKING = re.compile(rf"是?(?:{WHO.pattern})(?:{ASKS_FOR_SPEECH_RE.pattern})?[了过的到]?")
# Where the subject of `X对…怎么看`, `X在会上说了什么`, `X就…表态` ends: these start what X
# spoke about or where. A subject is at most a title and a name: 40 characters.
_SUBJECT_END = re.compile(r"对|就|在|关于|针对|围绕|向|给|跟|同|谈及|有关")
_OPENING = re.compile(rf"^(?:{ASKING_RE.pattern}|那么|那|另外|还有)+")
_CLOSING = re.compile(rf"(?:{ASKING_RE.pattern}|是|都|又|也|还|曾|曾经|分别)+$")
_POSSESSIVE = re.compile(r"的$")
# A year or a month of one a question names: 2024年, 2024年3月 (not 2024级, 2024届).
_PERIOD = re.compile(r"((?:19|20)\d{2})年(?:(\d{1,2})月)?")

Kind = Literal["who", "who_is", "speaker", "plain", "foreign", "unresolved"]


@dataclass(frozen=True)
class Intent:
    """What a question asks: its kind, the person it is about, and the words to search for.

    `guess` holds the people a person reference may mean when it is not an exact name (the
    first is `speaker`); `people` the known speakers a plain question names; `exclude` the
    passages a follow-up asking for more must not give again.
    """

    kind: Kind
    text: str  # the cleaned question
    topic: str  # what to search for: without the person, the cue and the asking words
    speaker: Speaker | None = None
    guess: tuple[Speaker, ...] = ()
    role: str = ""  # the post a who_is question asks about
    setting: str = ""  # where a speaker question's words were said (在记者会上)
    people: tuple[Speaker, ...] = ()
    exclude: frozenset[str] = field(default_factory=frozenset)
    also: tuple[str, ...] = ()  # other words for what the topic names (父亲 for 爸爸), if used
    cue: str = ""  # a speaker question's telling speech verb (透露, 反驳), not a plain 说

    @functools.cached_property
    def about_questions(self) -> bool:
        """Whether the question asks what someone asked (`梁家豪议员问了什么问题`): their
        questions answer it, not the replies after them."""
        return ASKED_QUESTIONS_RE.search(normalize(self.text)) is not None

    @functools.cached_property
    def period(self) -> tuple[DateRange, tuple[str, ...]] | None:
        """The year or month the question names (`2024年`, `2024年3月`), as a range, with the
        words that name it; None when it names none. Answers prefer documents dated within
        it where some are; elsewhere the date is only words to search for."""
        found = _PERIOD.search(normalize(self.text))
        if found is None:
            return None
        year, month = found.group(1), found.group(2)
        value = f"{year}-{int(month):02d}" if month and 1 <= int(month) <= 12 else year
        words = (year, f"{year}年", "年") + ((f"{month}月", month, "月") if month else ())
        return DateRange.parse(value, value), words

    @functools.cached_property
    def asked(self) -> Asked | None:
        """The kind of answer the question asks for (a count, a year, a place…), if any."""
        return asked_for(normalize(self.text))


def clean_question(text: str) -> str:
    """The question without control characters, markup, links and excess length or whitespace."""
    text = _CONTROL.sub(" ", text or "")[:MAX_QUESTION]
    text = _URL.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _MARKDOWN.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def _letters(text: str) -> str:
    return _NOT_WORD.sub("", text)


def read_question(question: str, directory: Directory, context: Context | None = None) -> Intent:
    """The intent of `question`, its people looked up in `directory`, read after `context`."""
    text = clean_question(question)
    normal = normalize(text)
    if not _HAN.search(normal):
        return Intent("foreign" if _LATIN.search(normal) else "plain", text, text)
    follow = _follow_up(text, normal, directory, context)
    if follow is not None:
        return follow
    if WHO.search(normal):
        who_is = _who_is(text, normal, directory)
        if who_is is not None:
            return who_is
        if ASKS_FOR_SPEECH_RE.search(normal) is None:
            # 会议由谁主持？ 偶像是谁？ Asks who did or is something, not whose words: the
            # passage that says it, not a speaker, answers.
            return Intent("plain", text, WHO.sub(" ", normal))
        # Cut the content apart from the asking: 谁说书要… would otherwise cut as 说书 + 要….
        return Intent("who", text, _WHO_ASKING.sub(" ", normal))
    names = directory.named(normal)
    relative = RELATIVE_RE.match(normal[normal.find(names[0]) + len(names[0]):]) \
        if names else None
    if relative is not None:
        # 柯雨桐的父亲怎么看…: about the father's words, wherever the text names him, and
        # however (爸爸 asked, 父亲 written).
        said = relative.group().lstrip("的")
        also = tuple(w for group in RELATIVE_WORDS if said in group for w in group if w != said)
        return Intent("plain", text, normal, also=also)
    if names:
        return _about(text, normal, names[0], directory.people[names[0]].speaker, (), directory)
    found = _reference(normal, directory)
    if found is not None:
        reference, match = found
        return _about(text, normal, reference, match.speaker,
                      match.people if match.guess else (), directory)
    return Intent("plain", text, text)


def _about(text: str, normal: str, reference: str, speaker: Speaker,
           guess: tuple[Speaker, ...], directory: Directory) -> Intent:
    """A question naming `speaker` (written `reference` in it): their words, what they are, or
    content in which they are named."""
    rest = normal.replace(reference, " ", 1)
    if ASKS_FOR_POST_RE.search(rest) and not _letters(ASKING_RE.sub("", ASKS_FOR_POST_RE.sub("", rest))):
        return Intent("who_is", text, reference, speaker, guess)
    cue = ASKS_FOR_SPEECH_RE.search(rest)
    content = _letters(ASKING_RE.sub("", ASKS_FOR_SPEECH_RE.sub("", rest)))
    if cue is None and content:
        # The name is part of the content (`郑荣胜的职务`, `高凡乔为什么选择学哲学`): search it all,
        # preferring the passages where that person speaks.
        return Intent("plain", text, normal, people=(speaker,) + tuple(
            directory.people[n].speaker for n in directory.named(rest)))
    setting = SETTING_RE.search(rest)
    if setting is not None:
        rest = rest[:setting.start()] + " " + rest[setting.end():]
    # Only the cue that asks is dropped: a speech word after it is what they spoke of
    # (`对新生提出了哪些希望`).
    told = cue.group() if cue is not None and cue.group() not in PLAIN_CUES else ""
    return Intent("speaker", text, ASKS_FOR_SPEECH_RE.sub(" ", rest, count=1), speaker, guess,
                  setting=setting.group(1) if setting else "", cue=told)


def _subject(normal: str) -> str | None:
    """The words before a question's speech cue (`宁波市总工会主席` of `宁波市总工会主席说了什么`),
    without its opening (请问) and what follows an 对/就/在."""
    cue = ASKS_FOR_SPEECH_RE.search(normal)
    if cue is None:
        return None
    subject = _OPENING.sub("", normal[:cue.start()])
    end = _SUBJECT_END.search(subject, 2)
    subject = _CLOSING.sub("", _letters(subject[:end.start()] if end else subject))
    return _POSSESSIVE.sub("", subject) if 2 <= len(subject) <= 40 else None


def _reference(normal: str, directory: Directory) -> tuple[str, Found] | None:
    """A person a question about someone's words names otherwise than by exact name: by post
    (宁波市总工会主席, 郑主席), by a typo (郑荣盛) or by given name; with what stands for them."""
    subject = _subject(normal)
    if subject is None:
        return None
    if TITLE_END_RE.search(subject):
        # A title alone (`校长希望…`) names no one in a corpus of many organisations.
        found = directory.role(subject) if not TITLE_RE.fullmatch(subject) else None
        if found is not None:
            return subject, found
    # A name after the title (`杭州市总工会主席郑荣盛`), or before one (`郑荣盛主席`).
    name = TITLE_END_RE.sub("", subject)
    titles = list(TITLE_RE.finditer(name))
    if titles:
        name = name[titles[-1].end():]
    if not 2 <= len(name) <= MAX_NAME:
        return None
    # A transliterated name (苏哈尔迪约诺) is long: only a typo of one is looked for.
    found = directory.typo(name) or (directory.given(name) if len(name) <= 4 else None)
    return (name, found) if found is not None else None


def _who_is(text: str, normal: str, directory: Directory) -> Intent | None:
    """`省总工会主席是谁？`, `谁是宁波市总工会主席`: a post asked for, not words."""
    if not WHO_IS_RE.search(normal):
        return None
    phrase = _letters(ASKING_RE.sub("", WHO.sub("", WHO_IS_RE.sub(" ", normal))))
    phrase = _POSSESSIVE.sub("", phrase.replace("的", ""))
    names = directory.named(phrase)
    if names and _letters(phrase.replace(names[0], "")) == "":
        return Intent("who_is", text, names[0], directory.people[names[0]].speaker)
    if not phrase or not TITLE_END_RE.search(phrase):
        return None
    found = directory.role(phrase)
    if found is None:
        return Intent("who_is", text, phrase, role=phrase)  # no such post among the speakers
    return Intent("who_is", text, phrase, found.speaker, found.people if found.guess else (),
                  role=phrase)


def _follow_up(text: str, normal: str, directory: Directory,
               context: Context | None) -> Intent | None:
    """`他还说了什么`, `她呢`, `这位主席怎么看…`, `郑荣胜呢`: a question read after the last one."""
    opened = _OPENING.sub("", normal)
    pronoun = FOLLOW_UP_PRONOUN_RE.match(opened)
    if pronoun is not None:
        rest = opened[pronoun.end():]
        title = TITLE_RE.match(rest)  # 这位主席还说了什么
        if title is not None:
            rest = rest[title.end():]
        alone = FOLLOW_UP_TAIL_RE.fullmatch(_letters(rest)) is not None or not _letters(rest)
        more = alone or FOLLOW_UP_MORE_RE.search(rest) is not None
        about_words = ASKS_FOR_SPEECH_RE.search(rest) or ASKS_FOR_POST_RE.search(rest)
        if context is None or context.speaker is None:
            # 他还说了什么 asks about someone; 她家有几亩茶园 can still be searched for.
            return Intent("unresolved", text, text) if alone or about_words else None
        speaker = context.speaker
        if alone:
            return Intent("speaker", text, "", speaker, exclude=frozenset(context.shown))
        intent = _about(text, speaker.name + rest, speaker.name, speaker, (), directory)
        if intent.kind == "who_is":
            return intent
        return replace(intent, topic=FOLLOW_UP_MORE_RE.sub(" ", intent.topic),
                       exclude=frozenset(context.shown) if more else frozenset())
    tail = FOLLOW_UP_TAIL_RE.search(_letters(opened))
    if tail is None:
        return None
    subject = _letters(opened)[:tail.start()]
    names = directory.named(subject)
    if names and names[0] == subject:
        found: Found | None = Found((directory.people[subject].speaker,), False, "name")
    else:
        found = directory.role(subject) if TITLE_END_RE.search(subject) else None
        found = found or directory.typo(subject) or directory.given(subject)
    if found is None:
        return None
    return Intent("speaker", text, context.topic if context else "", found.speaker,
                  found.people if found.guess else ())

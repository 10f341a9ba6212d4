"""Speaker labels of transcripts: `问：`, `答：`, `赵立新：`, `林：`, `【李明】`,
`王芳（市总工会副主席）：`, `…村村民 尹春云：`, `媒体提问：`, a label alone on its line.

`read_label` reads what a line's label says, without deciding whether to believe it: a genre
decides that (a line-initial `X：` is strong evidence in an interview, weak in a report).
Every word list is in `lexicon.toml`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from retrieval.lexicon import (
    ANSWERERS,
    ASKERS,
    COLLECTIVE,
    CREDIT_MARKS,
    CUE_ALT,
    HONORIFICS,
    NARRATION_MARKS,
    NOT_LABELS,
    PERSON_NOUNS,
    SINGLE_SURNAMES,
    SOUND_MARKS,
    TEXTS,
    TITLE_ALT,
    alternation,
)
from retrieval.names import (
    Mention,
    find_people,
    find_titled_mentions,
    looks_like_foreign_name,
    looks_like_name,
    looks_like_untitled_name,
)


class Role(enum.Enum):
    PERSON = "person"  # a named person (full name, or name and title)
    SHORT = "short"  # a surname alone (`林：`): someone the document introduced
    ASKER = "asker"  # 问, 记者, 主持人, 媒体提问: asks, says nothing of the documents
    NARRATOR = "narrator"  # a broadcast's voice-over (`【解说】`): narration, nobody's words
    ANSWER = "answer"  # 答: whoever the interview's introduction names
    ANONYMOUS = "anonymous"  # `…村村民：`: a person the text does not name
    QUESTION = "question"  # an unlabelled, numbered question (`2.目前…有什么不同？`)
    TITLE = "title"  # a title alone (`醫務衞生局局長：`): the one person introduced with it


@dataclass(frozen=True)
class Label:
    """What a line's label says: who, with what title, and where the words start."""

    role: Role
    name: str = ""
    title: str = ""
    end: int = 0  # where the words after the label start in the line
    alone: bool = False  # nothing follows the label on its line


_NUMBER = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})[.．、)）]\s*"
_COLON = re.compile(rf"^\s*(?:{_NUMBER})?(?P<who>[^：:。！？!?，,“”「」『』《》]{{1,32}}?)\s*[：:]")
_BRACKET = re.compile(rf"^\s*(?:{_NUMBER})?【(?P<who>[^】]{{1,24}})】\s*[：:]?")
_PARENTHESIZED = re.compile(r"^(?P<name>[^（(]{2,8})[（(](?P<title>[^）)]{1,30})[）)]$")
_NUMBERED_QUESTION = re.compile(rf"^\s*{_NUMBER}[^：:]{{4,}}[？?]\s*$")
_SPEECH_VERB_END = re.compile(f"(?:{CUE_ALT})$")
# A date or a number opening a sentence (`2月25日：`, `2023：`), not a floor or a room in a
# description (`6楼居民 蒋国庆：`).
_DATE_OR_NUMBER = re.compile(r"[\d０-９]+[年月日时点号:：.．]|^[\d０-９]+$|[一二三四五六七八九十]+[年月日时点号]")
_PERSON_NOUN_END = re.compile(f"(?:{alternation(PERSON_NOUNS)})$")
_SPACE = re.compile(r"[\s　]+")
_SENTENCE_MARKS = re.compile(r"[。！？!?，,；;]")
# `梁家豪议员：`, `王芳委员：`, `欧阳秀梅司长：`: a full name, then a title or an honorific.
_NAME_THEN_TITLE = re.compile(
    rf"^(?P<name>[\u4e00-\u9fff·]{{2,8}}?)(?P<title>{TITLE_ALT}|{alternation(HONORIFICS)})$")
# `医务卫生局局长：`: a title alone, with its organisation or not.
_TITLE_ALONE = re.compile(rf"^[\u4e00-\u9fff、]{{0,24}}(?:{TITLE_ALT})$")


def read_label(line: str) -> Label | None:
    """The speaker label a line starts with, if it has one."""
    match = _BRACKET.match(line) or _COLON.match(line)
    if match is None:
        if _NUMBERED_QUESTION.match(line):
            return Label(Role.QUESTION)
        return None
    label = _who(match.group("who").strip())
    if label is None:
        return None
    end = match.end()
    return Label(label.role, label.name, label.title, end, alone=not line[end:].strip())


def _who(who: str) -> Label | None:
    compact = _SPACE.sub("", who)
    if not compact or compact in NOT_LABELS or compact in TEXTS:
        return None
    if compact in ASKERS:
        return Label(Role.ASKER, title=compact)
    if compact in ANSWERERS:
        return Label(Role.ANSWER)
    if _SPEECH_VERB_END.search(compact) or _DATE_OR_NUMBER.search(compact):
        return None  # `贺函说：`, `习总书记说：`, `2月25日：` open sentences, not turns
    if COLLECTIVE.fullmatch(compact):
        return None
    parenthesized = _PARENTHESIZED.match(compact)
    if parenthesized and _is_name(parenthesized.group("name")):
        return Label(Role.PERSON, parenthesized.group("name"), parenthesized.group("title"))
    titled = find_titled_mentions(compact, strict=True)
    if len(titled) == 1 and titled[0].end == len(compact) and titled[0].start <= 2:
        mention = titled[0]
        return Label(Role.PERSON, mention.name, mention.title)
    named = _NAME_THEN_TITLE.match(compact)
    if named and _is_name(named.group("name")):
        return Label(Role.PERSON, named.group("name"), named.group("title"))
    if _is_name(compact):
        return Label(Role.PERSON, compact)
    if _TITLE_ALONE.match(compact) and not _PERSON_NOUN_END.search(compact):
        return Label(Role.TITLE, title=compact)
    if len(compact) == 1 and compact in SINGLE_SURNAMES:
        return Label(Role.SHORT, compact)
    pieces = _SPACE.split(who)
    if len(pieces) >= 2 and _is_name(pieces[-1]):
        # A caption-style label: a description, a space, the name (`…扶贫工作队 王恩东`).
        return Label(Role.PERSON, pieces[-1], "".join(pieces[:-1]))
    if len(compact) <= 30 and _PERSON_NOUN_END.search(compact):
        return Label(Role.ANONYMOUS, title=compact)
    return None


def _is_name(candidate: str) -> bool:
    return looks_like_untitled_name(candidate) or (
        looks_like_name(candidate) and len(candidate) == 3) or looks_like_foreign_name(candidate)


_CREDIT_LINE = re.compile(rf"^\s*(?:{alternation(CREDIT_MARKS)})\s*(?P<who>.+?)\s*$")


def read_credit(line: str) -> Mention | None:
    """The one person a credit line under a quotation names, title and all
    (`——全国人大代表、青山村党支部书记贾明亮`); None for any other line."""
    match = _CREDIT_LINE.match(line)
    if match is None:
        return None
    who = match.group("who")
    people = find_people(who)
    if len(people) != 1 or people[0].start > 0 or people[0].end < len(who.rstrip("。 ")):
        return None
    return people[0]


_MARK = re.compile(r"^\s*[【\[（(](?P<mark>[^】\]）)]{1,6})[】\]）)]\s*")


def read_mark(line: str) -> tuple[str, Label | None] | None:
    """A broadcast script's mark opening a line, or None: `【同期】保定市热力公司维修班班长 葛志强`
    gives the line without its mark and that person's label (alone on the line: their words
    follow); `【解说】在保定市…` gives the line and a narrator's label (nobody's words)."""
    match = _MARK.match(line)
    if match is None:
        return None
    mark, rest = match.group("mark").strip(), line[match.end():]
    if mark in NARRATION_MARKS:
        return line, Label(Role.NARRATOR, title=mark, end=match.end(), alone=not rest.strip())
    if mark not in SOUND_MARKS:
        return None
    label = read_label(rest)
    if label is None and rest.strip() and not _SENTENCE_MARKS.search(rest):
        label = read_label(rest.strip() + "：")  # `…班长 葛志强` alone: a caption's label
        if label is not None:
            label = Label(label.role, label.name, label.title, len(rest), alone=True)
    return rest, label


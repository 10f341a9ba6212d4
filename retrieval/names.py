"""Recognising people in Chinese newspaper text: a title followed by a personal name.

Officials are written as their full title run straight into their name
(`杭州市人大常委会副主任、市总工会主席郑荣胜`). A name is found after the last title word of such a
run and is accepted only when the text after it is something that can follow a name (a cue verb
such as 表示, 等, 在, a comma, the end of the line…). No dictionary of people is needed, which is
what lets the same rules work on documents the project has never seen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.lexicon import (
    ADVERBIAL as _ADVERBIAL,
    BRIDGE as _BRIDGE,
    CJK,
    COLLECTIVE,
    COMPOUND_SURNAMES as _COMPOUND_SURNAMES,
    CUE_ALT as _CUE_ALT,
    NAME_STOP as _NAME_STOP,
    NOT_IN_NAMES as _NOT_IN_NAMES,
    SINGLE_SURNAMES as _SINGLE_SURNAMES,
    TITLE_ALT as _TITLE_ALT,
    TITLE_LEAD_IN as _LEAD_IN,
    TITLE_WORDS,
)

__all__ = ["COLLECTIVE", "TITLE_WORDS", "Mention", "find_titled_mentions", "parse_byline"]


def looks_like_name(candidate: str) -> bool:
    """Whether `candidate` can be a Chinese personal name (a known surname, 2–4 characters)."""
    if candidate.startswith(_COMPOUND_SURNAMES):
        return 3 <= len(candidate) <= 4
    return candidate[:1] in _SINGLE_SURNAMES and 2 <= len(candidate) <= 3


# A candidate jieba's dictionary counts more often than this is a word (周边, 许多), not a name;
# so is a surname before a common two-character word (强基础: 强 + 基础, a list's item).
_NAME_WORD_FREQUENCY = 120
_GIVEN_NAME_WORD_FREQUENCY = 1000


def looks_like_untitled_name(candidate: str) -> bool:
    """Whether `candidate`, standing with no title, is a name: name-shaped and rare as a word.

    Loads jieba's dictionary on first use (about half a second), so it is called only once the
    cheaper tests have passed. Names whose given name is also a common word (王建国) fail too:
    with no title to vouch for them, an unknown speaker is better than a word read as a name.
    """
    if not looks_like_name(candidate):
        return False
    import jieba

    jieba.dt.check_initialized()
    if (jieba.dt.FREQ.get(candidate) or 0) > _NAME_WORD_FREQUENCY:
        return False
    given = candidate[2:] if candidate.startswith(_COMPOUND_SURNAMES) else candidate[1:]
    return len(given) < 2 or (jieba.dt.FREQ.get(given) or 0) <= _GIVEN_NAME_WORD_FREQUENCY


@dataclass(frozen=True)
class Mention:
    """A person named in text: where the mention starts and ends, the name, and the title."""

    start: int
    end: int
    name: str
    title: str


# What follows a name: strong followers (a cue verb, a list separator, the end) are tried for
# every name length before the weak ones, so that 朱红认为 splits as 朱红 + 认为, not 朱红认 + 为.
_STRONG_FOLLOWERS = re.compile(
    rf"(?:{_BRIDGE}{_ADVERBIAL}(?:{_CUE_ALT}))|等|、|，|,|$|\s|：|:|。|）|\)|\*"
)
_WEAK_FOLLOWERS = re.compile(
    r"和|及|与|也|还|在|从|结合|率先|的|同志|宣布|主持|听取|参加|出席|到|率|带领|作|做|发表|"
    r"代表|致辞|讲话|宣读|通报|先后|分别|各|都|均|一行|先生|女士|补充|评价|谈|就|对|为|向|指|称"
)


def split_name(after_title: str, strict: bool = False) -> str | None:
    """The personal name at the start of `after_title`, or None when none can be told apart.

    `strict` accepts a name only before a cue verb, a separator or the end of the text.
    """
    strong = _split_name(after_title, _STRONG_FOLLOWERS)
    if strong or strict:
        return strong
    return _split_name(after_title, _WEAK_FOLLOWERS)


def _split_name(after_title: str, followers: re.Pattern[str]) -> str | None:
    for length in (3, 2, 4):
        if len(after_title) < length:
            continue
        candidate = after_title[:length]
        if not re.fullmatch(rf"[{CJK}]+", candidate):
            continue
        if candidate[-1] in _NAME_STOP or candidate[0] in _NAME_STOP:
            continue
        if _NOT_IN_NAMES & set(candidate) or _TITLE_RUN.search(candidate):
            continue
        if not looks_like_name(candidate):
            continue
        if followers.match(after_title[length:]):
            return candidate
    return None


_TITLE_RUN = re.compile(rf"(?:{_TITLE_ALT})")
_TITLE_BREAK = re.compile(r"[。！？!?；;：:“”\"「」『』（）()\n，,]")


def _title_start(text: str, title_end: int, lower: int) -> int:
    """Index where the title ending at `title_end` begins: back to a clause break or `lower`.

    A comma ends a title, except where the clause before it is itself a title
    (`文成县政协副主席,县总工会主席刘建华`).
    """
    start = title_end
    while start > lower and not _TITLE_BREAK.match(text[start - 1]):
        start -= 1
    while start - 1 > lower and text[start - 1] in "，,":
        before = start - 1
        prev = before
        while prev > lower and not _TITLE_BREAK.match(text[prev - 1]):
            prev -= 1
        clause = text[prev:before]
        if clause.endswith(TITLE_WORDS) and len(clause) <= 30:
            start = prev
        else:
            break
    return start


def find_titled_mentions(text: str, strict: bool = False) -> list[Mention]:
    """Every `title + name` mention in `text`, left to right, not overlapping."""
    mentions: list[Mention] = []
    lower = 0
    for match in _TITLE_RUN.finditer(text):
        if match.start() < lower:
            continue
        name = split_name(text[match.end():], strict)
        if name is None:
            continue
        start = _title_start(text, match.end(), lower)
        title = text[start:match.end()].strip(" 　*、")
        title = _LEAD_IN.sub("", title)
        if not title or len(title) > 60:
            continue
        mentions.append(Mention(start=start, end=match.end() + len(name), name=name, title=title))
        lower = match.end() + len(name)
    return mentions


_TITLE_SPACE = re.compile(rf"({_TITLE_ALT})\s+(?=[{CJK}])")


def parse_byline(line: str) -> list[Mention] | None:
    """People named by a byline line that holds nothing but titles and names.

    `杭州市人大常委会副主任、市总工会主席郑荣胜` gives one mention, as does the typeset
    `…市总工会主席 郑荣胜` (positions are then in the line without that space); a list of such
    runs separated by 、 or spaces gives several. Anything else in the line (a verb, a
    sentence) gives None.
    """
    text = line.strip().strip("*").strip()
    if not text or len(text) > 80 or re.search(r"[。！？；，,:：“”]", text):
        return None
    text = _TITLE_SPACE.sub(r"\1", text)  # typeset `市总工会副主席 刘芳`
    mentions = find_titled_mentions(text)
    if not mentions:
        return None
    covered = "".join(text[m.start:m.end] for m in mentions)
    leftover = text
    for m in mentions:
        leftover = leftover.replace(text[m.start:m.end], "", 1)
    if re.sub(r"[\s、和及与]", "", leftover):
        return None
    return mentions if covered else None

"""Recognising people in Chinese text from the evidence around a name.

No dictionary of people is needed, which is what lets the rules work on documents the project
has never seen. A string is taken for a person's name when something vouches for it:
- a title run straight into it (`杭州市人大常委会副主任、市总工会主席郑荣胜`, `总统梅德韦杰夫`),
  with the name accepted only where the text after it can follow a name (a speech verb, 等, a
  comma, the end of the line…);
- a title or an honorific after it (`司马红委员`, `严修先生`, `陈赓院长`);
- a middle dot between transliterated parts (`劳尔·卡斯特罗`);
- or, with nothing to vouch for it, a known surname before one or two characters that are not a
  common word (`李明说`, but not `周边表示`).
Every word list is in `lexicon.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.commonwords import is_common_given_name, is_common_word
from retrieval.lexicon import (
    ADVERB_ENDS,
    AGE_ENDS,
    MANNER,
    BRIDGE,
    CJK,
    COMPOUND_SURNAMES,
    CUE_ALT,
    DESCRIPTOR_ENDINGS,
    FAMILIAR_PREFIXES,
    HONORIFICS,
    SURNAME_HONORIFICS,
    NAME_FOLLOWERS,
    TIME_FOLLOWERS,
    NAME_STOP,
    REACTIONS,
    ORGANISATION_SUFFIXES,
    NOT_IN_NAMES,
    SINGLE_SURNAMES,
    SPEECH_TAIL,
    TEXTS,
    TITLE_ALT,
    TITLE_CUTS,
    TITLE_LEAD_IN,
    AGENT_WORDS,
    TITLE_WORDS,
    TRANSLITERATION,
    alternation,
)


@dataclass(frozen=True)
class Mention:
    """A person named in text: where the mention starts and ends, the name, and the title."""

    start: int
    end: int
    name: str
    title: str = ""


def looks_like_name(candidate: str) -> bool:
    """Whether `candidate` can be a Chinese personal name: a known surname and 1–2 characters
    (2–3 after a two-character surname), or two surnames and a given name (`范徐丽泰`)."""
    if candidate.startswith(COMPOUND_SURNAMES):
        return 3 <= len(candidate) <= 4
    if candidate[:1] not in SINGLE_SURNAMES:
        return False
    return 2 <= len(candidate) <= 3 or (len(candidate) == 4 and candidate[1] in SINGLE_SURNAMES)


def looks_like_untitled_name(candidate: str) -> bool:
    """Whether `candidate`, standing with no title, is a name: name-shaped and rare as a word.

    Names whose given name is also a common word (王建国) fail too: with nothing to vouch for
    them, an unknown speaker is better than a word read as a name.
    """
    if not looks_like_name(candidate) or len(candidate) == 4 and not candidate.startswith(
            COMPOUND_SURNAMES) or not _plausible(candidate):
        return False  # nor `经发局`: no name holds an organisation's character
    if is_common_word(candidate) or candidate in TEXTS or candidate[:2] in TEXTS:
        return False
    given = candidate[2:] if candidate.startswith(COMPOUND_SURNAMES) else candidate[1:]
    return len(given) < 2 or not is_common_given_name(given)


def looks_like_foreign_name(candidate: str) -> bool:
    """Whether `candidate` reads as a transliterated name: dotted parts, or 2–8 characters all
    of the transliteration alphabet (`梅德韦杰夫`, `本扬`)."""
    parts = candidate.split("·")
    if len(parts) > 1:
        return all(1 <= len(part) <= 10 and _HAN.fullmatch(part) for part in parts)
    return 2 <= len(candidate) <= 8 and all(ch in TRANSLITERATION for ch in candidate)


_HAN = re.compile(f"[{CJK}]+")


def _plausible(candidate: str) -> bool:
    """No character of an organisation or a title in the name (司马's 司 excepted)."""
    given = candidate[2:] if candidate.startswith(COMPOUND_SURNAMES) else candidate
    return bool(_HAN.fullmatch(candidate)) and NOT_IN_NAMES.isdisjoint(given)


_SPEECH_AFTER = SPEECH_TAIL
# What follows a name: strong followers (a speech verb, a list separator, the end) are tried
# for every name length before the weak ones, so that 朱红认为 splits as 朱红 + 认为.
_STRONG_FOLLOWERS = re.compile(rf"(?:{_SPEECH_AFTER})|等|、|，|,|$|\s|：|:|。|）|\)|\*")
# What may follow a name after a title: the lexicon's followers, and how someone took words
# just quoted (`村民苗秀英心有余悸`).
_WEAK_FOLLOWERS = re.compile(f"(?:{alternation(NAME_FOLLOWERS + REACTIONS)})")
_TITLE_RUN = re.compile(f"(?:{TITLE_ALT})")
_VOUCHING_FOLLOWER = re.compile(rf"(?:{_SPEECH_AFTER})|等|、|{alternation(TIME_FOLLOWERS)}")
# Words that make the person after them an agent or a source, not the sentence's subject.
_AGENT = re.compile(f"(?:{alternation(AGENT_WORDS)})")
_TITLE_BREAK = re.compile(r"[。！？!?；;：:“”\"「」『』（）()\n，,—｜|]")
_DOTTED = re.compile(rf"[{CJK}]{{1,10}}(?:·[{CJK}]{{1,10}})+")
_TRANSLITERATED = re.compile(f"[{''.join(sorted(TRANSLITERATION))}]{{2,8}}")


def split_name(after_title: str, strict: bool = False) -> str | None:
    """The personal name at the start of `after_title`, or None when none can be told apart.

    `strict` accepts a name only before a speech verb, a separator or the end of the text.
    """
    strong = _split_name(after_title, _STRONG_FOLLOWERS)
    if strong or strict:
        return strong
    return _split_name(after_title, _WEAK_FOLLOWERS)


def _split_name(after_title: str, followers: re.Pattern[str]) -> str | None:
    dotted = _DOTTED.match(after_title)
    if dotted:
        last_dot = dotted.group().rindex("·")
        for end in range(last_dot + 2, dotted.end() + 1):  # the shortest name that reads on
            if followers.match(after_title, end):
                return after_title[:end]
    for length in (3, 2, 4):
        if len(after_title) < length:
            continue
        candidate = after_title[:length]
        if not _plausible(candidate) or _TITLE_RUN.search(candidate):
            continue
        if candidate[-1] in NAME_STOP or candidate[0] in NAME_STOP:
            continue
        if not looks_like_name(candidate):
            continue
        follower = followers.match(after_title, length)
        if follower is None:
            continue
        if is_common_word(candidate) and not _VOUCHING_FOLLOWER.match(after_title, length):
            # `青年教师成长，`: a word after a title is a name only where a speech verb or a
            # list of names follows it (`讲解员甘露说`, `主席高峰、…`).
            continue
        return candidate
    familiar = after_title[:2]
    if len(familiar) == 2 and familiar[0] in FAMILIAR_PREFIXES and familiar[1] in SINGLE_SURNAMES \
            and followers.match(after_title, 2):
        return familiar  # `快递员小刘说`: the cast may know whom 小刘 stands for
    if followers is _STRONG_FOLLOWERS:
        # A transliterated name (`总统梅德韦杰夫在贺电中说`): the longest run of the
        # transliteration alphabet that a speech verb or a separator follows.
        run = _TRANSLITERATED.match(after_title)
        if run:
            for end in range(run.end(), 1, -1):
                if followers.match(after_title, end) and not _TITLE_RUN.search(run.group()[:end]):
                    return after_title[:end]
    return None


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
        agent = _AGENT.search(text, start, min(match.start(), start + 4))
        if agent:
            start = agent.end()  # `会议由市总工会副主席陈立主持`: the title starts after 由
        while start < match.start() and text[start] in " 　*、":
            start += 1
        lead_in = TITLE_LEAD_IN.match(text, start)
        if lead_in and lead_in.end() <= match.start():
            start = lead_in.end()
        for cut in TITLE_CUTS.finditer(text, start, match.start()):
            if "的" not in text[cut.end():match.start()]:  # not `守了三十年渡口的船工`
                start = cut.end()
        title = text[start:match.end()].strip(" 　*、")
        if not title or len(title) > 60:
            continue
        end = match.end() + len(name)
        honorific = _AFTER_NAME.match(text, end)
        if honorific and not _ORGANISATION.match(text, honorific.end()):
            end = honorific.end()  # `老校长司马蕴章先生`: the honorific belongs to the mention
        mentions.append(Mention(start=start, end=end, name=name, title=title))
        lower = end
    return mentions


# A name vouched for by what follows it: `司马红委员`, `严修先生`, `陈赓院长`, `唐凤政委`.
_AFTER_NAME = re.compile(f"(?:{alternation(TITLE_WORDS + HONORIFICS)})")


def name_starting(text: str) -> str | None:
    """The untitled personal name `text` starts with, if one can be told (`甘露说`: not a name
    of three characters)."""
    for length in (4, 3, 2) if text[:2] in COMPOUND_SURNAMES else (3, 2):
        candidate = text[:length]
        if len(candidate) == length and _plausible(candidate) and candidate[-1] not in NAME_STOP \
                and looks_like_untitled_name(candidate):
            return candidate
    return None


_TITLE_BEFORE = re.compile(f"(?:{TITLE_ALT})$")
_TITLE_REACH = max(map(len, TITLE_WORDS))  # the longest title word: how far back one may start


def name_ending_at(text: str, end: int, lower: int = 0) -> str | None:
    """The untitled personal name that ends at `end` in `text`, if one can be told: a name with
    a two-character surname first (`司马蕴章`, not `马蕴章`), then three characters, then two;
    never one whose first character ends the word before it (`老师李明`: 李明)."""
    for length in _lengths(text, end):
        start = end - length
        if start < lower:
            continue
        candidate = text[start:end]
        if not _plausible(candidate) or candidate[-1] in NAME_STOP or candidate[0] in NAME_STOP:
            continue
        if start > 0 and is_common_given_name(text[start - 1:start + 1]) \
                and not _TITLE_BEFORE.search(text, max(0, start - _TITLE_REACH), start):
            # the first character ends the word before (`老师李明教授`), unless a title ends
            # right before the name (`主任何嘉欣警司`: 何 is no part of 主任)
            continue
        if looks_like_untitled_name(candidate):
            return candidate
    return None


def _lengths(text: str, end: int) -> tuple[int, ...]:
    for length in (4, 3):
        if text[max(0, end - length):end - length + 2] in COMPOUND_SURNAMES:
            return (length,)
    return (3, 2)


def find_honorific_mentions(text: str) -> list[Mention]:
    """Every `name + title or honorific` mention (`司马红委员`, `严修先生`), left to right, and
    a surname with 先生/女士 (`鄺先生`), which is how a report names someone in part."""
    mentions: list[Mention] = []
    lower = 0
    for match in _AFTER_NAME.finditer(text):
        end = match.start()
        if _ORGANISATION.match(text, match.end()):
            continue  # `龙江工程师学院`: a title word inside an organisation's name
        name = name_ending_at(text, end, lower)
        if name is not None:
            mentions.append(Mention(end - len(name), match.end(), name, match.group()))
            lower = match.end()
        elif match.group() in SURNAME_HONORIFICS and end > lower and text[end - 1] in \
                SINGLE_SURNAMES and (end < 2 or not _HAN.match(text[end - 2])
                                     or text[end - 2] in DESCRIPTOR_ENDINGS
                                     or text[end - 2] in AGE_ENDS
                                     or is_common_given_name(text[end - 3:end - 1])):
            mentions.append(Mention(end - 1, match.end(), text[end - 1:match.end()], ""))
            lower = match.end()
    return mentions


def find_dotted_names(text: str) -> list[Mention]:
    """Transliterated names written with a middle dot (`劳尔·卡斯特罗`), without a title run
    into them on either side (`总统劳尔·卡斯特罗`, `阿依古丽·买买提委员`: the title after the
    name belongs to the mention, as an honorific's does)."""
    found: list[Mention] = []
    if "·" not in text:
        return found
    for match in _DOTTED.finditer(text):
        start, end = match.start(), match.end()
        first_dot = text.index("·", start)
        for title in _TITLE_RUN.finditer(text, start, first_dot):
            start = title.end()  # the name starts after the last title before the dot
        last_dot = text.rindex("·", start, end)
        title = ""
        after = _AFTER_NAME.search(text, last_dot + 2, end)
        cue = _SPEECH_AFTER_RE.search(text, last_dot + 2, end)
        if after and (cue is None or after.start() <= cue.start()):
            end, mention_end, title = after.start(), after.end(), after.group()
        elif cue:
            end = mention_end = cue.start()
        else:
            mention_end = end
        name = text[start:end]
        if name and looks_like_foreign_name(name):
            found.append(Mention(start, mention_end, name, title))
    return found


_SPEECH_AFTER_RE = re.compile(_SPEECH_AFTER)
_ORGANISATION = re.compile(f"(?:{alternation(ORGANISATION_SUFFIXES)})")


# An untitled name right before a speech verb: the name is the longest run of characters in
# front of the verb; `name_ending_at` then keeps only the name itself (`蕉农郗永福跟我说`).
_BEFORE_SPEECH = re.compile(rf"[{CJK}]{{2,5}}(?={_SPEECH_AFTER})")


def find_described_names(text: str) -> list[Mention]:
    """Untitled names right after a description of the person (`蕉农郗永福`, `街坊麦志荣`,
    `求职者聂小勇`): the description ends in a character of a person noun."""
    found: list[Mention] = []
    position = 0
    for match in _DESCRIBED.finditer(text):
        start = match.end()
        if start < position:
            continue
        name = name_starting(text[start:start + 4])
        if name is not None:
            found.append(Mention(start, start + len(name), name))
            position = start + len(name)
    return found


_DESCRIBED = re.compile(f"[{''.join(sorted(DESCRIPTOR_ENDINGS))}]")


def find_untitled_speakers(text: str) -> list[Mention]:
    """Untitled names right before a speech verb (`李明说`, `蕉农郗永福跟我说`), which are
    taken only when rare as words (so 周边表示 or 许多人认为 name nobody)."""
    found: list[Mention] = []
    searched = 0
    for verb in _ANY_SPEECH_VERB.finditer(text):
        # Only the stretch before each verb can hold its speaker: the costly pattern is run
        # there, not over the whole text.
        window_start = max(searched, verb.start() - _VERB_REACH)
        for match in _BEFORE_SPEECH.finditer(text, window_start, verb.end()):
            # The run may end in an adverb of the bridge (`李明也说`): try the ends before it.
            for end in range(match.end(), max(match.start() + 1, match.end() - 3), -1):
                if end < match.end() and not _BRIDGE_ONLY.fullmatch(text, end, match.end()):
                    continue  # `戴小` + `龙坦言`: what is left before the verb must be a bridge
                name = name_ending_at(text, end, match.start()) or _described(text, end,
                                                                              match.start())
                if name is None:
                    continue
                start = end - len(name)
                before = text[start - 1] if start else ""
                if before and _HAN.match(before) and before not in DESCRIPTOR_ENDINGS:
                    continue  # `在贺函中说`, `信仰时曾说`: the word runs on from the one before
                if not any(m.start == start for m in found):
                    found.append(Mention(start, end, name))
                break
        searched = verb.end()
    return found


_ANY_SPEECH_VERB = re.compile(f"(?:{CUE_ALT})")
# What may stand between a name and its speech verb when the name is read back from the verb:
# a bridge (`也`, `等`), a manner (`笑着`), or what follows names (`一边`, `又`).
_BRIDGE_ONLY = re.compile(f"(?:{BRIDGE}|{MANNER}|{alternation(NAME_FOLLOWERS)})+")


def _described(text: str, end: int, lower: int) -> str | None:
    """A three-character name ending at `end` right after a description (`分拣员戴小龙`,
    `…的王建国`): the description vouches for it even where its given name is a common one."""
    start = end - 3
    if start <= lower or text[start - 1] not in DESCRIPTOR_ENDINGS:
        return None
    candidate = text[start:end]
    if candidate[0] not in SINGLE_SURNAMES or not looks_like_name(candidate) \
            or not _plausible(candidate) or candidate[-1] in NAME_STOP \
            or candidate[-1] in ADVERB_ENDS or is_common_word(candidate):
        return None  # nor `金光党`, `冯保便`, `龙树著`: a name's end is no adverb or particle
    return candidate
_VERB_REACH = 40  # characters before a speech verb where its speaker's name may start

def find_people(text: str) -> list[Mention]:
    """Every person `text` names with something to vouch for them, left to right, without
    overlaps: titled first, then honorifics, then dotted names."""
    found = find_titled_mentions(text)
    for extra in (find_honorific_mentions(text), find_dotted_names(text)):
        for mention in extra:
            if not any(m.start < mention.end and mention.start < m.end for m in found):
                found.append(mention)
    found.sort(key=lambda m: m.start)
    return found


_TITLE_SPACE = re.compile(rf"({TITLE_ALT})\s+(?=[{CJK}])")


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

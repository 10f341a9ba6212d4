"""Who says each quotation: the person its own words introduce, not whoever holds the floor.

A quotation belongs to the speaker the text gives it, whatever the enclosing byline, speech or
interview answer: `张三同志说：“…”` in a speech is 张三's, `“…”景区讲解员周小燕说` is 周小燕's.
A quotation inside a quotation belongs to the innermost speaker introduced for it (`“…他喊
‘快跑’…”`: not the outer speaker's, and unknown when 他 cannot be told). The rules of
`QUOTE_RULES` are tried in order for each quotation; the first that decides wins:

1. `introduced`      `X说：“`, `X在贺函中说：“`, `X曾勉励学子，“`, `X的比喻：“`;
2. `named_after`     `”X说。`, `”X表示，“…` (split quotations), `”…的X说`;
3. `words_of`        `用X的话讲，就是要“…”`, `X“…”的嘱托`;
4. `subject_after`   `“…”守了三十年渡口的船工陈阿根，是…`: a quotation opening its sentence
                     and the person the next words are about;
5. `runs_on`         a quotation that opens a paragraph after a quotation left open.
A quotation no rule decides keeps the voice of its sentence (a byline's author, a turn's
speaker, `X表示，“…”`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.cast import Cast
from retrieval.lexicon import (
    ADDRESSED_RE,
    AFTER_QUOTE_VERBS,
    COLLECTIVE,
    CUE_ALT,
    FIRST_PERSON_RE,
    HEARD,
    NOT_ALONE_AFTER,
    REACTIONS,
    IN_WORDS_OF,
    LETTERS,
    MANNER,
    PRONOUNS,
    QUOTED_AS,
    REQUESTED,
    SPEECH_TAIL,
    SPEECH_VERBS,
    TEXTS as TEXT_WORDS,
    UNNAMED_VOICES,
    VERB_ENDING,
    alternation,
)
from retrieval.models import Speaker
from retrieval.names import Mention, find_described_names, name_starting
from retrieval.quotes import Quote

NOBODY = Speaker("\u0000nobody")  # a decision that the words are nobody's we can name

_TAIL = SPEECH_TAIL
# After the speaker, up to the opening mark: the verb, an object (`勉励南开学子`), a colon.
_INTRODUCING = re.compile(rf"{_TAIL}[^。！？“”「」：:，,]{{0,12}}?[：:，,]?\s*$")
# A speech verb right before the opening mark.
_VERB_AT_END = re.compile(rf"(?:{CUE_ALT}){VERB_ENDING}[：:，,]?\s*$")
_PUNCTUATION = re.compile(r"[。！？，,；;：:“”「」]")
_TEXT_INTRODUCING = re.compile(
    rf"(?:{alternation(set(TEXT_WORDS) - set(LETTERS))})(?:[（(][^）)]{{0,12}}[）)])?》?"
    rf"(?:中|里)?{MANNER}(?:{CUE_ALT})"
    rf"{VERB_ENDING}[：:，,]?\s*$")
LOOSE_REACH = 20  # characters between a speaker and the verb that introduces their quotation
# After a closing mark, up to the speaker: a comma, a setting (`在推进会上，`).
_SETTING = r"(?:[，,]?\s*(?:在|于)[^。！？“”]{1,20}(?:上|中|时|后|里|间)\s*[，,]?)?"
_CLOSING = re.compile(_TAIL)
# `”蔡文雄一边擦拭座钟，一边对记者说。`: the sentence after the quotation opens with its
# speaker and ends with the speech verb, what they did on the way in between.
_SAYS_AT_SENTENCE_END = re.compile(
    rf"(?:{alternation(SPEECH_VERBS + AFTER_QUOTE_VERBS)}){VERB_ENDING}\s*$")
_SENTENCE_TERMINATOR = re.compile(r"[。！？!?]")
_HEARD = re.compile(f"(?:{alternation(HEARD)})")
_NOT_ALONE = re.compile(f"(?:{alternation(NOT_ALONE_AFTER)})")
_COMMA = re.compile(r"[，,]")
_LETTER = re.compile(f"(?:{alternation(LETTERS)})")
SAYS_LATER_REACH = 30  # characters from the speaker to the verb that ends their sentence
_PRONOUN = re.compile(f"(?:{alternation(PRONOUNS)})(?:们)?")
_UNNAMED = re.compile(f"(?:{alternation(UNNAMED_VOICES)})")
_SENTENCE_END = re.compile(r"[。！？!?…][”’」』]?")
_QUOTED_AS = re.compile(rf"^的?(?:{alternation(QUOTED_AS)})")
_IN_WORDS_OF = re.compile(f"^(?:{alternation(IN_WORDS_OF)})")
_AFTER_SUBJECT = re.compile(rf"^(?:[，,是在也还则就又已今曾从]|{_TAIL}|{alternation(REACTIONS)})")
SUBJECT_REACH = 20  # characters after a quotation within which its subject may be named


@dataclass
class QuoteView:
    """What the rules see of one quotation."""

    quote: Quote
    text: str  # the paragraph (simplified)
    narration: str  # the paragraph as narration reads it (`quotes.mask`)
    paragraph: int
    cast: Cast
    nested: bool
    lower: int  # where the quotation's clause may start (its parent's words, or the paragraph)
    upper: int  # where the text after it ends
    first: bool  # the quotation opens the paragraph
    focus: Speaker | None  # whom a 他/她 means where the quotation's sentence starts


Rule = Callable[[QuoteView], Speaker | None]


def quote_speakers(text: str, narration: str, quotes: list[Quote], paragraph: int,
                   cast: Cast, runs_on: Speaker | None,
                   focus_at: Callable[[int], Speaker | None]) -> dict[int, Speaker]:
    """Each quotation's speaker, by index, where a rule decides (`NOBODY`: explicitly none).

    `runs_on` is the speaker of a quotation the previous paragraph left open; `focus_at` tells
    whom a pronoun means at a position of the paragraph.
    """
    decided: dict[int, Speaker] = {}
    for index, quote in enumerate(quotes):
        rules = QUOTE_RULES
        if not quote.speechlike(text):
            # A quoted term is somebody's words only where a verb introduces it (`他喊‘快跑’`)
            # or a speaker follows it at the start of a sentence (`“高度、务实”，王益琪评价…`).
            if _introduced_term(text, narration, quote):
                rules = (introduced,)
            elif quote.parent is None and not narration[
                    _clause_start(narration, 0, quote.start):quote.start].strip():
                rules = (named_after, words_of)
            else:
                rules = (words_of,)
        if quote.parent is None:
            lower, upper = 0, len(text)
        else:
            parent = quotes[quote.parent]
            lower, upper = parent.start + 1, parent.end - (1 if parent.closed else 0)
        view = QuoteView(quote, text, narration if quote.parent is None else text, paragraph,
                         cast, quote.parent is not None, lower, upper,
                         quote.start == len(text) - len(text.lstrip()), focus_at(quote.start))
        for rule in rules:
            speaker = rule(view)
            if speaker is not None:
                decided[index] = speaker
                if speaker is not NOBODY and not view.nested:
                    cast.spoke(speaker, paragraph)
                break
        else:
            if index == 0 and view.first and runs_on is not None:
                decided[index] = runs_on
    return decided


def _introduced_term(text: str, narration: str, quote: Quote) -> bool:
    """A short quotation a speech verb introduces is words said (`他喊‘快跑’`)."""
    before = (narration if quote.parent is None else text)[max(0, quote.start - 6):quote.start]
    return bool(re.search(rf"(?:{CUE_ALT}){VERB_ENDING}[：:，,]?$", before))


# -- the rules ----------------------------------------------------------------------------
def introduced(view: QuoteView) -> Speaker | None:
    """The speaker whose verb (or colon) leads into the quotation within its clause."""
    clause_start = _clause_start(view.narration, view.lower, view.quote.start)
    clause = view.narration[clause_start:view.quote.start]
    if not clause.strip():
        return None
    mentions = view.cast.mentions(clause)
    for mention in reversed(mentions):
        if _INTRODUCING.match(clause, mention.end):
            if REQUESTED.search(clause, 0, mention.start):
                return None  # `请陈处长说明：` asks; the words are not theirs yet
            return view.cast.speaker_of(mention)
    if _TEXT_INTRODUCING.search(clause):
        return NOBODY  # `《…报告》指出：“…”`: a text, nobody we can quote
    verb = _VERB_AT_END.search(clause)
    if verb and mentions and _opens_and_says(clause, mentions, verb.start()):
        # `校长潘志远站在操场上，望着远处的山说：「…」`: the sentence's one person opens it.
        return view.cast.speaker_of(mentions[0])
    if verb:
        # `蕉农郗永福指着倒成一片的蕉园跟我说：「…」`: the verb right before the mark, its
        # subject the last person named before it, with no punctuation in between.
        before = [m for m in mentions if m.end <= verb.start()] or [
            m for m in find_described_names(clause) if m.end <= verb.start()]
        if before and verb.start() - before[-1].end <= LOOSE_REACH \
                and not _PUNCTUATION.search(clause, before[-1].end, verb.start()) \
                and not _NOT_ALONE.match(clause, before[-1].end) \
                and not REQUESTED.search(clause, 0, before[-1].start):
            return view.cast.speaker_of(before[-1])
    for match in reversed(list(_PRONOUN.finditer(clause))):
        if _INTRODUCING.match(clause, match.end()) and not _later_mention(mentions, match.end()):
            if view.nested:
                return NOBODY  # 他 inside somebody's words: not ours to resolve
            earlier = {m.name: m for m in mentions if m.end <= match.start()}
            if len(earlier) == 1 and match.group().endswith(("他", "她")):
                # `屋主是八十多岁的陈阿公，他说：「…」`: the one person the sentence named
                return view.cast.speaker_of(next(iter(earlier.values())))
            return view.focus or NOBODY
    for match in _UNNAMED.finditer(clause):
        if _INTRODUCING.match(clause, match.end()) or _INTRODUCING.match(
                clause, _skip_modifiers(clause, match.end())):
            return NOBODY
    for match in COLLECTIVE.finditer(clause):
        if _INTRODUCING.match(clause, match.end()):
            return NOBODY
    if verb and view.nested:
        return NOBODY  # `“…老郑喊‘…’…”`: somebody shouted it, whom we cannot tell
    if verb and not mentions and not FIRST_PERSON_RE.search(ADDRESSED_RE.sub("", clause)) \
            and not _PRONOUN.search(clause) and not _LETTER.search(clause):
        # `老一辈劳模常说：“…”`, `俗话说：“…”`: someone the text does not name says it, and
        # not the narrator: under a byline or a turn, not the floor's words either. (A 他
        # or a letter is read by the other rules: `她们都表示：`, `贺函说：`.)
        return NOBODY
    if clause.rstrip().endswith(("：", ":")):
        # `陈赓院长曾作过一个生动的比喻：“…”`: the clause's subject introduces the words.
        if mentions and mentions[0].start <= 1 and len({m.name for m in mentions}) == 1 \
                and not _NOT_ALONE.match(clause, mentions[0].end):
            return view.cast.speaker_of(mentions[0])  # not `柯雨桐的母亲孟淑华说：`
        # `谈起退休后的打算，老单笑了：“…”`: the subject of the last clause before the colon.
        last = max(clause.rfind("，"), clause.rfind(","))
        tail = [m for m in mentions if m.start > last]
        if last >= 0 and tail and tail[0].start <= last + 2 and len({m.name for m in tail}) == 1:
            return view.cast.speaker_of(tail[0])
        if _PRONOUN.match(clause.lstrip()) and not mentions and not view.nested:
            return view.focus  # `他对…赞不绝口：“…”`
        if _UNNAMED.search(clause[:12]) or _UNNAMED.search(clause[last + 1:][:12]):
            return NOBODY  # `…，一位乡干部向我诉苦：“…”`
    return None


def named_after(view: QuoteView) -> Speaker | None:
    """`”X说。`, `”X表示，“…”`, `”在推进会上，…的X说`: the speaker named after it."""
    if not view.quote.closed:
        return None
    after = view.narration[view.quote.end:view.upper]
    setting = re.match(_SETTING, after)
    start = setting.end() if setting and setting.end() else len(after) - len(after.lstrip("，, "))
    clause_end = _clause_end(after, start)
    clause = after[:clause_end]
    mentions = [m for m in view.cast.mentions(clause) if m.start >= start]
    for mention in mentions:
        if _CLOSING.match(clause, mention.end) and not re.search(r"[。！？，,]", clause[start:mention.start]):
            return view.cast.speaker_of(mention)
    if mentions and mentions[0].start == start and _says_later(after, clause, mentions):
        return view.cast.speaker_of(mentions[0])
    head = clause[start:]
    pronoun = _PRONOUN.match(head)
    if pronoun and _CLOSING.match(head, pronoun.end()):
        return NOBODY if view.nested else (view.focus or NOBODY)
    unnamed = _UNNAMED.search(head[:12])
    if unnamed and (_CLOSING.match(head, unnamed.end()) or re.match(
            rf"^[^。！？，,]{{0,6}}?{_TAIL}", head[unnamed.end():])):
        return NOBODY
    return None


def _opens_and_says(clause: str, mentions: list[Mention], verb: int) -> bool:
    """Whether `clause` opens with its one person, whose verb at `verb` ends it within reach
    (`校长潘志远站在操场上，望着远处的山说：`)."""
    first = mentions[0]
    return (first.start <= 1 and all(m.name == first.name for m in mentions)
            and _alone_until_verb(clause[first.end:verb]))


def _says_later(after: str, clause: str, mentions: list[Mention]) -> bool:
    """Whether the sentence `clause` of `after` (the text after a quotation) opens with its one
    person and ends with a speech verb within reach, the sentence ending there (not before
    another quotation)."""
    first = mentions[0]
    rest = clause[first.end:]
    ends = len(clause) == len(after) or _SENTENCE_TERMINATOR.match(after, len(clause))
    return bool(ends and _SAYS_AT_SENTENCE_END.search(rest)
                and all(m.name == first.name for m in mentions[1:])
                and _alone_until_verb(rest))


def _alone_until_verb(between: str) -> bool:
    """Whether what stands between a sentence's opening person and its speech verb keeps them
    its subject: within reach, nobody else made the subject right after them (`高凡乔的爸爸说`)
    or after a comma (`…，王强对记者说`, `…，他说`), and no words heard or read (`听了`)."""
    return (len(between) <= SAYS_LATER_REACH and not _NOT_ALONE.match(between)
            and not _PRONOUN.search(between) and not _HEARD.search(between)
            and not any(name_starting(piece.strip()) for piece in _COMMA.split(between)[1:]))


def words_of(view: QuoteView) -> Speaker | None:
    """`用张伯苓先生的话讲，就是要“…”` and `习近平总书记“…”的嘱托`."""
    clause_start = _clause_start(view.narration, view.lower, view.quote.start)
    clause = view.narration[clause_start:view.quote.start]
    mentions = view.cast.mentions(clause)
    for mention in reversed(mentions):
        if _IN_WORDS_OF.match(clause[mention.end:]) and not _later_mention(mentions, mention.end):
            return view.cast.speaker_of(mention)
    if mentions and mentions[-1].end == len(clause) and view.quote.closed:
        after = view.narration[view.quote.end:view.upper]
        if _QUOTED_AS.match(after):
            return view.cast.speaker_of(mentions[-1])
    return None


def subject_after(view: QuoteView) -> Speaker | None:
    """`“…”高凡乔是沈阳一中的高三毕业生。`: a quotation that opens its sentence, followed by
    the person the sentence is about."""
    if view.nested or not view.quote.closed:
        return None
    if view.narration[_clause_start(view.narration, view.lower, view.quote.start):
                      view.quote.start].strip():
        return None
    after = view.narration[view.quote.end:view.upper]
    clause = after[:_clause_end(after, 0)]
    mentions = view.cast.mentions(clause[:SUBJECT_REACH + 8])
    if not mentions:
        name = name_starting(after)
        if name is None or not _AFTER_SUBJECT.match(after[len(name):]):
            return None
        return view.cast.remember(view.cast.resolve(name))
    if len({m.name for m in mentions}) > 1:
        return None
    first = mentions[0]
    if first.start > SUBJECT_REACH or re.search(r"[，,。！？]", clause[:first.start]):
        return None
    follows = after[first.end:]
    if not (_AFTER_SUBJECT.match(follows) or follows.startswith("的") and _first_person(view)):
        return None
    return view.cast.speaker_of(first)


def follows_speaker(view: QuoteView) -> Speaker | None:
    """A quotation opening a sentence, with no speaker of its own, after the sentence of this
    paragraph that named a speaker or made someone its subject (`高凡淇也有自己的偶像。“我很
    欣赏马克思。”`, `“…”施阿水说。“坐我的船…”`): that person goes on, if the words are in the
    first person or follow that person's own words."""
    if view.nested or view.first or view.focus is None:
        return None
    if view.narration[_clause_start(view.narration, view.lower, view.quote.start):
                      view.quote.start].strip():
        return None
    if not _first_person(view) and view.cast.last != view.focus:
        return None
    return view.focus


QUOTE_RULES: tuple[Rule, ...] = (introduced, named_after, words_of, subject_after,
                                 follows_speaker)


# -- helpers ------------------------------------------------------------------------------
def _clause_start(text: str, lower: int, position: int) -> int:
    """Where the sentence holding `position` starts (not before `lower`)."""
    start = lower
    for match in _SENTENCE_END.finditer(text, lower, position):
        start = match.end()
    return start


_CLAUSE_END = re.compile(r"[。！？!?；;“「]")


def _clause_end(text: str, start: int) -> int:
    match = _CLAUSE_END.search(text, start)
    return match.start() if match else len(text)


def _first_person(view: QuoteView) -> bool:
    return "我" in view.quote.inner(view.text)


def _later_mention(mentions: list[Mention], position: int) -> bool:
    return any(m.start >= position for m in mentions)


def _skip_modifiers(clause: str, position: int) -> int:
    """Past `的…` modifiers after an unnamed voice (`有网友留言说`)."""
    match = re.match(r"[^。！？，,：:“”]{0,6}", clause[position:])
    return position + (match.end() if match else 0)



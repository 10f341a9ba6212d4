"""Reported speech in narration: which sentences of a paragraph say whose words.

A paragraph is read sentence by sentence, with the words inside quotation marks masked (their
speakers are `quoting`'s business). Each sentence goes through the rules of `SENTENCE_RULES`,
in order; the first that recognises it decides its voice:

1. `shared_view`      `这是A和B的共同体会` gives the sentences before it to A and B;
2. `letter_speaks`    `贺函说` / `贺电最后说` are the words of whoever sent that letter;
3. `view_of`          `在汤建国看来，…`: the rest of the sentence is that person's view;
4. `pronoun_speaks`   `他强调` is the person the narration is about, if one is clear;
5. `person_speaks`    a named person (or `A、B等`) before a speech verb: their words;
6. `unnamed_speaks`   `会议强调`, `大家认为`, `有关负责人表示`: words of nobody we can name;
7. `narration_names`  narration naming people without a speech verb, or a scene: nobody's;
8. `continues`        anything else goes on in the voice of the sentence before.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from retrieval.cast import Cast, surname_of
from retrieval.lexicon import (
    ADDRESSEE,
    ADVERBIAL,
    BRIDGE,
    COLLECTIVE,
    COLLECTIVE_TITLES,
    CUE_ALT,
    FIRST_PERSON,
    FIRST_PERSON_RE,
    LETTERS,
    MANNER,
    NARRATIVE_START,
    NOTHING_REPORTED_WORDS,
    OBJECT_MARKERS,
    PRONOUNS,
    SHARED_VIEWS,
    SPEECH_EVENT_VERBS,
    SPEECH_EVENTS,
    UNNAMED_VOICES,
    VIEW_CLOSERS,
    VERB_ENDING,
    AFTER_SUBJECT,
    AGENT_WORDS,
    REQUESTED,
    SPEECH_TAIL,
    SENDS,
    COMPARISONS,
    SUBJECT_OPENINGS,
    alternation,
)
from retrieval.models import Speaker
from retrieval.names import Mention, find_titled_mentions, looks_like_untitled_name, name_starting
from retrieval.quotes import MASK
from retrieval.sentences import sentence_spans

_CUE_AFTER = re.compile(f"^{SPEECH_TAIL}")
# Under a byline or a turn, only a verb close to the name hands the floor to someone else
# (`张大伟表示，`, `…在贺函中说`); `习近平总书记多次就…作出重要指示，强调要…` is the author
# summing up, not a hand-over.
_CUE_CLOSE = re.compile(
    rf"^{BRIDGE}(?:在[^。！？；“”，,]{{1,20}}?(?:时|中|上|后|里|间))?{ADDRESSEE}{MANNER}(?:{CUE_ALT})"
    rf"{VERB_ENDING}"
)
_CUE_ANYWHERE = re.compile(f"(?:{CUE_ALT})")
_LIST_SEP = re.compile(r"^\s*(?:、|，|,|和|及|与|以及)?\s*$")
_SHARED_VIEW = re.compile(
    rf"^\s*(?:这|以上|上述)(?:是|为|即是|便是)(.+?)(?:等人)?的(?:共同)?(?:学习)?"
    rf"(?:{alternation(SHARED_VIEWS)})"
)
_PRONOUN_CUE = re.compile(
    rf"(?:^|(?<=[，,]))[“]?\s*(?:{alternation(PRONOUNS)})(?:们)?{BRIDGE}{ADVERBIAL}{MANNER}"
    rf"(?:{CUE_ALT})"
)
# `镇上的人都叫他老郑`: a nickname the text gives the person it is about.
_NICKNAME = re.compile(r"(?:叫|称|喊)(?:他|她)(?:为|作)?(?P<alias>[老小阿][\u4e00-\u9fff])")
_LETTER_CUE = re.compile(
    rf"^\s*(?P<letter>{alternation(LETTERS)})(?:中|里|还|又|最后|也|同时|并|最后还)*"
    rf"(?:{CUE_ALT}|祝|祝愿|祝贺|表达|感谢|希望)"
)
_NOTHING_REPORTED = re.compile(
    rf"^(?:了|过)?(?:各自|自己|自身)?的?(?:{alternation(NOTHING_REPORTED_WORDS)})"
    rf"(?:和|与|、)?(?:{alternation(NOTHING_REPORTED_WORDS)})?[。！!；;]?$"
)
# Someone this module cannot name starts speaking (`习近平总书记指出，…`, `有关负责人表示：`).
_OTHER_VOICE = re.compile(rf"^[^。！？“”，,]{{1,20}}?(?:{CUE_ALT}){VERB_ENDING}[，,：:]")
_UNNAMED_VOICE = re.compile(
    rf"^[^。！？“”]{{0,12}}?(?:{alternation(UNNAMED_VOICES)})[^。！？“”，,]{{0,8}}?"
    rf"{MANNER}(?:{CUE_ALT})"
)
# What a narrative sentence says its one named person did that makes them the 他 of 他强调.
_GIVES_SPEECH = re.compile(
    rf"^(?:[^。！？“”，,]{{0,20}}?并)?(?:在[^。！？“”]{{1,20}}?上)?"
    rf"(?:{alternation(SPEECH_EVENT_VERBS)})?了?(?:《[^》]{{1,40}}》的?)?"
    rf"(?:重要|专题|工作|主题|动员|总结)?(?:{alternation(SPEECH_EVENTS)})"
)
_CLOSERS = ("”", "」", "’", "』")
_AS_AGENT = re.compile(f"(?:{alternation(AGENT_WORDS)})")
_AS_OBJECT = re.compile(rf"(?:{alternation(OBJECT_MARKERS)})[^，,。！？]{{0,4}}$")
# A sentence about the person a pronoun already means: `他是…`, `她从小…`.
_ABOUT_THEM = re.compile(rf"^[\s“]*(?:{alternation(PRONOUNS)})(?!们)")
_NARRATOR_OPENS = re.compile(rf"^[\s　]*(?:[^，,。]{{0,8}}[，,])?(?:{alternation(FIRST_PERSON)})")
# `在环卫工人汤建国看来，…`: the person whose view the rest of the sentence gives.
_VIEW_OF = re.compile(rf"^[\s　]*在(?P<who>[^。！？，,“”「」]{{1,24}}?)(?:{alternation(VIEW_CLOSERS)})[，,]")
_PRONOUN_ONLY = re.compile(rf"^(?:{alternation(PRONOUNS)})$")
_SENDS = re.compile(rf"(?:{alternation(SENDS)})(?:了|的)?(?P<letter>{alternation(LETTERS)})")
# Openings before a sentence's subject: `随后，`, `会上，`, a quoted nickname (`“妹妹”`, masked
# as a term), a phrase about someone else (`和高凡乔一样，`).
_SUBJECT_OPENING = re.compile(
    rf"^(?:[\s　]*(?:{alternation(SUBJECT_OPENINGS)})[，,]?|{MASK}+|"
    rf"(?:{alternation(COMPARISONS)})[^。！？，,]{{1,16}}?(?:一样|相比|来说|而言|看来)[，,]|"
    rf"(?:我|我们|他|她|他们|她们)的[\u4e00-\u9fff]{{1,4}}?(?=[\u4e00-\u9fff]{{2,4}}(?:先生|女士|同志|老师|教授|，)))*"
)
# A name-shaped word opening a sentence, before what follows a subject (`沈继红围绕…`).
_SUBJECT_NAME = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{2,3}})(?={alternation(AFTER_SUBJECT)}|{BRIDGE}{MANNER}(?:{CUE_ALT}))")


class Voice(enum.Enum):
    """Why a part of a paragraph has the speaker it has."""

    NARRATION = "narration"  # nobody speaks: a scene, or narration about people
    SAID = "said"  # a named person's words, introduced by a speech verb
    CONTINUED = "continued"  # goes on in the voice of the sentence before
    UNNAMED = "unnamed"  # words of somebody the text does not name (会议强调, 有关负责人表示)
    NAMING = "naming"  # the narration that names a speaker (`吴红梅说。`)


@dataclass(frozen=True)
class Part:
    """A stretch of the paragraph, its speaker and why."""

    start: int
    end: int
    speaker: Speaker | None
    voice: Voice


@dataclass
class Reading:
    """A paragraph being read: its masked text, what has been decided, who speaks on."""

    text: str
    paragraph: int
    cast: Cast
    cue: re.Pattern[str] = _CUE_AFTER
    floor: bool = False  # a turn or a byline holds the floor: its owner narrates as 我
    parts: list[Part] = field(default_factory=list)
    current: Speaker | None = None

    def add(self, start: int, end: int, speaker: Speaker | None, voice: Voice) -> None:
        if end > start:
            self.parts.append(Part(start, end, speaker, voice))


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    mentions: tuple[Mention, ...]  # positions within `text`
    # Whether a speech verb occurs in it. Most sentences hold none (nine in ten of a news
    # archive's), and then the rules whose patterns all need one cannot match: they are not
    # tried (they were about a tenth of chunking).
    cued: bool = True


Rule = Callable[[Sentence, Reading], bool]


@dataclass(frozen=True)
class Reported:
    """A paragraph's parts, and whom a pronoun meant where each sentence starts."""

    parts: list[Part]
    focus_marks: list[tuple[int, Speaker | None]]

    def focus_at(self, position: int) -> Speaker | None:
        """Whom a 他/她 at `position` means: the focus as its sentence starts."""
        focus = None
        for start, mark in self.focus_marks:
            if start > position:
                break
            focus = mark
        return focus


def read_reported(text: str, paragraph: int, cast: Cast, close: bool = False) -> Reported:
    """The parts of a paragraph (quotations masked) with their speakers and voices.

    `close`: only a speech verb close to a name hands words to its person (under a floor).
    """
    reading = Reading(text, paragraph, cast, cue=_CUE_CLOSE if close else _CUE_AFTER,
                      floor=close)
    marks: list[tuple[int, Speaker | None]] = []
    for start, end in sentence_spans(text):
        sentence_text = text[start:end]
        mentions = cast.mentions(sentence_text)
        if not mentions and (subject_name(sentence_text, cast) is not None
                             or _nickname(sentence_text, cast)):
            mentions = cast.mentions(sentence_text)
        marks.append((start, cast.pronoun(paragraph)))
        sentence = Sentence(start, end, sentence_text, tuple(mentions),
                            _CUE_ANYWHERE.search(sentence_text) is not None)
        for rule in SENTENCE_RULES:
            if rule(sentence, reading):
                break
    return Reported(reading.parts, marks)


# -- the rules, in order ------------------------------------------------------------------
def shared_view(sentence: Sentence, reading: Reading) -> bool:
    """`这是A和B的共同学习体会`: the unattributed sentences before it are A's and B's."""
    match = _SHARED_VIEW.match(sentence.text)
    if not match:
        return False
    people = find_titled_mentions(match.group(1))
    if not people:
        return False
    speaker = Speaker.joint([reading.cast.speaker_of(m) for m in people])
    k = len(reading.parts)
    while k > 0 and reading.parts[k - 1].voice in (Voice.CONTINUED, Voice.NARRATION) \
            and reading.parts[k - 1].speaker is None \
            and not _names_nobody(reading.text[reading.parts[k - 1].start:reading.parts[k - 1].end]):
        k -= 1
    reading.parts[k:] = [Part(p.start, p.end, speaker, Voice.SAID) for p in reading.parts[k:]]
    reading.add(sentence.start, sentence.end, None, Voice.NAMING)
    reading.current = None
    reading.cast.spoke(speaker, reading.paragraph)
    return True


def letter_speaks(sentence: Sentence, reading: Reading) -> bool:
    """`贺函说：…`, `贺电最后说，…`: the sender of that letter, named a little earlier."""
    match = _LETTER_CUE.match(sentence.text)
    if not match:
        return False
    sender = reading.cast.letter_sender(match.group("letter"), reading.paragraph)
    reading.add(sentence.start, sentence.end, sender, Voice.SAID if sender else Voice.UNNAMED)
    reading.current = sender
    if sender:
        reading.cast.spoke(sender, reading.paragraph)
    return True


def view_of(sentence: Sentence, reading: Reading) -> bool:
    """`在环卫工人汤建国看来，驿站最大的好处是…`, `在她眼里，…`: the rest of the sentence is the
    view of the person named (or meant) between 在 and 看来; the frame only names them."""
    match = _VIEW_OF.match(sentence.text)
    if match is None:
        return False
    who_end = match.end("who")
    if _PRONOUN_ONLY.match(match.group("who")):
        speaker = reading.cast.pronoun(reading.paragraph)
    else:
        mention = next((m for m in sentence.mentions if m.end == who_end), None)
        speaker = reading.cast.speaker_of(mention) if mention is not None else None
    if speaker is None:
        return False
    reading.add(sentence.start, sentence.start + match.end(), None, Voice.NAMING)
    reading.add(sentence.start + match.end(), sentence.end, speaker, Voice.SAID)
    reading.cast.spoke(speaker, reading.paragraph)
    reading.current = speaker
    return True


def pronoun_speaks(sentence: Sentence, reading: Reading) -> bool:
    """`他强调，…` (or `有一次船模翻了，他说，…`): the person the narration is about, when one
    is clear; the clause before the pronoun stays narration."""
    if not sentence.cued:
        return False
    cue = _PRONOUN_CUE.search(sentence.text)
    if cue is None or cue.start() and (sentence.mentions and sentence.mentions[0].start < cue.start()):
        return False
    speaker = reading.cast.pronoun(reading.paragraph)
    if speaker is None:
        return False  # left to the rules for voices nobody can name
    reading.add(sentence.start, sentence.start + cue.start(), None, Voice.NARRATION)
    reading.add(sentence.start + cue.start(), sentence.end, speaker, Voice.SAID)
    reading.current = speaker
    reading.cast.spoke(speaker, reading.paragraph)
    return True


def person_speaks(sentence: Sentence, reading: Reading) -> bool:
    """A named person or group before a speech verb: the rest of the sentence is theirs."""
    if not sentence.cued:
        return False
    group = _speaking_group(sentence, reading.cast, reading.cue)
    if group is None:
        return False
    start, cue_end, speaker, letter = group
    rest = sentence.text[cue_end:].strip()
    if _NOTHING_REPORTED.match(rest):
        # `…等也分别…提出了看法和建议。`: people are named, but no words of theirs are given;
        # the one who gave them is whom a later `她表示` means.
        reading.add(sentence.start, sentence.end, None, Voice.NARRATION)
        reading.current = None
        reading.cast.narrated(None if speaker.members else speaker, reading.paragraph)
        return True
    reading.cast.spoke(speaker, reading.paragraph)
    if letter:
        reading.cast.wrote(letter, speaker, reading.paragraph)
    before = sentence.start + start
    reading.add(sentence.start, before, None, Voice.NARRATION)
    if not rest.strip(" 。.，,") and not rest.startswith(("“", "「")):
        # `“…”孙炳方补充道。`: the quotation was theirs; this sentence only names them.
        reading.add(before, sentence.end, None, Voice.NAMING)
        reading.current = None
        return True
    reading.add(before, sentence.end, speaker, Voice.SAID)
    # Words given as a quotation end with it (`X说：“…。”`): what follows is narration.
    ending = sentence.text.rstrip().rstrip("。！？!?，,；;")
    reading.current = None if ending.endswith(_CLOSERS) else speaker
    return True


def unnamed_speaks(sentence: Sentence, reading: Reading) -> bool:
    """`大家认为`, `会议强调`, `有关负责人表示`, `一位村民说`: a voice nobody can name."""
    text = sentence.text
    if not sentence.cued:
        return False
    if not (_collective_cue(text) or _UNNAMED_VOICE.match(text)
            or (not sentence.mentions and _OTHER_VOICE.match(text))):
        return False
    reading.add(sentence.start, sentence.end, None, Voice.UNNAMED)
    reading.current = None
    reading.cast.narrated(None, reading.paragraph)
    return True


def narration_names(sentence: Sentence, reading: Reading) -> bool:
    """Narration that names people without a speech verb (`会议由陈立主持`), or a scene: it
    ends the reported speech; its subject, if one of them, is whom a later 他 means (and, if
    they send a letter, a later `贺信中说`)."""
    titled = [m for m in sentence.mentions if m.title]
    if not (sentence.mentions or NARRATIVE_START.match(sentence.text)):
        return False
    if not sentence.mentions:
        reading.add(sentence.start, sentence.end, None, Voice.NARRATION)
        reading.current = None
        reading.cast.narrated(None, reading.paragraph)
        return True
    sent = _SENDS.search(sentence.text)
    subject = _subject(sentence, reading.cast)
    if sent:
        # `…副厅长东方晓发来的贺信`: the person right before the verb sent it; else the subject.
        sender = next((reading.cast.speaker_of(m) for m in sentence.mentions
                       if 0 <= sent.start() - m.end <= 2), subject)
        if sender is not None:
            reading.cast.wrote(sent.group("letter"), sender, reading.paragraph)
    if not titled and not NARRATIVE_START.match(sentence.text):
        # Only bare names of the cast (`孙荣平首先传达了…`): narration about them, nobody's
        # words, unless reported speech goes on (`…，吴红梅的建议得到了采纳`).
        reading.cast.narrated(_subject(sentence, reading.cast), reading.paragraph)
        reading.add(sentence.start, sentence.end, reading.current, Voice.CONTINUED)
        return True
    reading.add(sentence.start, sentence.end, None, Voice.NARRATION)
    reading.current = None
    reading.cast.narrated(_subject(sentence, reading.cast), reading.paragraph)
    return True


def continues(sentence: Sentence, reading: Reading) -> bool:
    """Anything else goes on in the voice of the sentence before; a sentence nobody speaks
    that names nobody moves the narration away from whom a later 他 could mean, unless it is
    about that person too (`他是国内最早…的学者`). Under a floor, a sentence in which the
    narrator speaks of themselves (`这句话我后来讲给每一届学生听`) is the floor's again."""
    if reading.floor and reading.current is not None and FIRST_PERSON_RE.search(sentence.text):
        reading.current = None
    reading.add(sentence.start, sentence.end, reading.current, Voice.CONTINUED)
    if reading.current is None and not _ABOUT_THEM.match(sentence.text):
        reading.cast.narrated(None, reading.paragraph)
    return True


SENTENCE_RULES: tuple[Rule, ...] = (
    shared_view,
    letter_speaks,
    view_of,
    pronoun_speaks,
    person_speaks,
    unnamed_speaks,
    narration_names,
    continues,
)


# -- helpers ------------------------------------------------------------------------------
def _speaking_group(sentence: Sentence, cast: Cast, cue_after: re.Pattern[str]) \
        -> tuple[int, int, Speaker, str] | None:
    """The first person or group followed by a speech verb: (start, end of the verb, speaker,
    the letter they spoke in, if any)."""
    text = sentence.text
    mentions = sentence.mentions
    i = 0
    while i < len(mentions):
        group = [mentions[i]]
        j = i
        while j + 1 < len(mentions) and _LIST_SEP.match(text[mentions[j].end:mentions[j + 1].start]):
            j += 1
            group.append(mentions[j])
        cue = cue_after.match(text[group[-1].end:])
        if cue and REQUESTED.search(text, 0, group[0].start):
            cue = None  # `请陈处长说明`: asked to speak, not yet speaking
        if cue:
            between = text[group[0].start:group[-1].end]
            if len(group) == 1 and _collective_title(between):
                i = j + 1
                continue
            people = [cast.speaker_of(m) for m in group]
            letter = next((w for w in LETTERS if w in cue.group()), "")
            return group[0].start, group[-1].end + cue.end(), Speaker.joint(people), letter
        i = j + 1
    return None


def _collective_title(mention_text: str) -> bool:
    return bool(COLLECTIVE_TITLES.search(mention_text.replace("共同", "")))


def _subject(sentence: Sentence, cast: Cast) -> Speaker | None:
    """The person a sentence is about: the one it names at its start; else the only person it
    names, unless as an agent (`会议由陈立主持`) or among others."""
    opening = _SUBJECT_OPENING.match(sentence.text)
    begin = opening.end() if opening else 0
    for mention in sentence.mentions:
        if mention.start < begin:
            continue  # in the opening (`和高凡乔一样，`)
        if mention.start <= begin + 1:
            return cast.speaker_of(mention)
        break
    people = {m.name for m in sentence.mentions}
    if len(people) != 1:
        return None
    only = sentence.mentions[0]
    if _AS_AGENT.search(sentence.text, max(0, only.start - 3), only.start + 1):
        return None
    if _AS_OBJECT.search(sentence.text[:only.start]) and not _NARRATOR_OPENS.match(sentence.text):
        # `一位学生跟着季老师学了半年`: the one named is not whom the sentence is about; but
        # where the narrator is its subject (`我跟着马德顺学手艺`), he is the only 他 there is.
        return None
    return cast.speaker_of(only)


def _nickname(text: str, cast: Cast) -> bool:
    """`郑国栋退休前…，镇上的人都叫他老郑`: the sentence's untitled subject is a person, known
    from now on by the nickname too (a familiar prefix and their surname)."""
    match = _NICKNAME.search(text)
    if match is None:
        return False
    opening = _SUBJECT_OPENING.match(text)
    name = name_starting(text[opening.end() if opening else 0:])
    if name is None or surname_of(name) != match.group("alias")[1:]:
        return False
    cast.remember(cast.resolve(name))
    return True


def subject_name(text: str, cast: Cast) -> Speaker | None:
    """An untitled name opening a sentence as its subject (`沈继红围绕…谈了体会`), which the
    cast then knows. Only name-shaped words that are not common words qualify."""
    opening = _SUBJECT_OPENING.match(text)
    match = _SUBJECT_NAME.match(text, opening.end() if opening else 0)
    if match is None or not looks_like_untitled_name(match.group("name")):
        return None
    return cast.remember(cast.resolve(match.group("name")))


def _names_nobody(text: str) -> bool:
    """Narration about a group (主席们将话题落在…) or a scene: nobody's own words."""
    return bool(COLLECTIVE.search(text[:20]) or NARRATIVE_START.match(text))


def _collective_cue(sentence: str) -> bool:
    """`大家认为`, `与会者一致认为`: a speech verb whose subject names nobody."""
    cue = _CUE_ANYWHERE.search(sentence)
    return bool(cue and COLLECTIVE.search(sentence[: cue.start()][-14:]))


def gives_speech(sentence: str, mention: Mention) -> bool:
    """Whether the sentence has the person give a speech (`…主席王建平作了讲话。`)."""
    return bool(_GIVES_SPEECH.match(sentence[mention.end:]))

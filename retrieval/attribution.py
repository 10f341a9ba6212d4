"""Who says each part of a paragraph.

Bylined text (a section under `…主席郑荣胜`, an article under `**魏国强** 观点`, a speech) is
the byline's speaker throughout. Reported text (meeting reports) is split into sentences and each
gets the speaker named with a cue verb in it (`…主席郑荣胜表示,…`, `“…”…毛加强说。`), the joint
speakers of `A、B等认为`, the people of a trailing `这是A和B的共同学习体会`, or — for sentences
that only continue the reported speech — the speaker of the sentence before. Collective subjects
(大家认为, 与会者一致认为) and narrative name nobody. A pronoun (他说) takes the last named speaker
of this paragraph or the one before; anything less certain is left unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.models import Segment, Speaker
from retrieval.names import (
    _ADVERBIAL,
    _BRIDGE,
    _CUE_ALT,
    COLLECTIVE,
    Mention,
    find_titled_mentions,
    looks_like_untitled_name,
)

_SENTENCE = re.compile(r"[^。！？!?]*(?:[。！？!?]+[”’」』]?|$)")
_CUE_AFTER = re.compile(rf"^{_BRIDGE}{_ADVERBIAL}(?:{_CUE_ALT})(?:道|了)?")
_CUE_ANYWHERE = re.compile(rf"(?:{_CUE_ALT})")
_LIST_SEP = re.compile(r"^\s*(?:、|，|,|和|及|与|以及)?\s*$")
_RETRO = re.compile(r"^\s*(?:这|以上|上述)(?:是|为|即是|便是)(.+?)(?:等人)?的(?:共同)?(?:学习)?(?:体会|观点|看法|心得|共识|意见|感受|认识)")
_PRONOUN_CUE = re.compile(rf"^[“]?\s*(他|她)(?:们)?{_BRIDGE}{_ADVERBIAL}(?:{_CUE_ALT})")
# What follows a cue when nothing is actually reported: 提出了看法和建议, 谈了自己的想法.
_NOTHING_REPORTED = re.compile(
    r"^(?:了|过)?(?:各自|自己|自身)?的?(?:看法|建议|意见|想法|观点|思路|体会|感受|认识|心得)"
    r"(?:和|与|、)?(?:看法|建议|意见|想法|观点|思路|体会)?[。！!；;]?$"
)
# An interview transcript: `张三：我们将…`, `记者：…？`.
_INTERVIEW = re.compile(r"^\s*(?P<who>[\u4e00-\u9fff]{1,4})\s*[：:]")
_ASKERS = {"记者", "问", "主持人", "本报记者", "提问"}
# Someone this module cannot name starts speaking (`习近平总书记指出，…`, `有关负责人表示：…`):
# the sentence is not the previous speaker's.
_OTHER_VOICE = re.compile(rf"^[^。！？“”，,]{{1,20}}?(?:{_CUE_ALT})(?:道|了)?[，,：:]")
# What a narrative sentence says its one named person did that makes them the 他 of 他强调.
_GIVES_SPEECH = re.compile(
    r"^(?:[^。！？“”，,]{0,20}?并)?(?:在[^。！？“”]{1,20}?上)?(?:作|做|发表)?了?(?:重要|专题|工作)?"
    r"(?:讲话|致辞|报告|发言|宣讲)"
)
# A setting between a quote and its speaker: `“…。”在推进会上，…张小红说。`
_SETTING = re.compile(r"^\s*(?:在|于)[^。！？“”]{1,20}(?:上|中|时|后|里|间)\s*[，,]?\s*$")
_NARRATIVE_START = re.compile(
    r"^(?:讨论现场|讨论会上|讨论中|会上|会议|随着|上午|下午|昨天|今天|当天|近日|日前|此前|"
    r"参加|出席|本报讯|记者|据悉|据了解)"
)


@dataclass
class Context:
    """What attribution remembers across the paragraphs of one document."""

    known: dict[str, Speaker] = field(default_factory=dict)
    last: Speaker | None = None
    last_paragraph: int = -10

    def remember(self, speaker: Speaker) -> Speaker:
        """Register a titled person; a later title for the same name in this document wins."""
        for member in speaker.members or (speaker,):
            if member.title or member.name not in self.known:
                self.known[member.name] = member
        return speaker

    def resolve(self, name: str) -> Speaker:
        return self.known.get(name, Speaker(name))


def _speaker_of(mentions: list[Mention], context: Context) -> Speaker:
    people = [context.remember(Speaker(m.name, m.title)) for m in mentions]
    return Speaker.joint(people)


def _short_mentions(sentence: str, context: Context) -> list[Mention]:
    """People mentioned by name alone: earlier-named ones (`王爱民说`), or an untitled name
    opening a clause right before a cue verb (`李明说`), which is taken only when the word is
    rare in jieba's dictionary (so 周边表示 or 许多人认为 are not read as names)."""
    found = []
    for name in context.known:
        for match in re.finditer(re.escape(name), sentence):
            found.append(Mention(match.start(), match.end(), name, ""))
    for match in _UNTITLED.finditer(sentence):
        name = match.group("name")
        if name in context.known or not looks_like_untitled_name(name):
            continue
        found.append(Mention(match.start("name"), match.end("name"), name, ""))
    return found


_UNTITLED = re.compile(
    rf"(?:^|[，,。；：“”\s])(?P<name>[\u4e00-\u9fff]{{2,3}}?)(?={_BRIDGE}(?:{_CUE_ALT}))"
)


def _speaking_group(sentence: str, context: Context) -> tuple[int, int, Speaker] | None:
    """The first person or group followed by a cue verb: (start, end of cue, speaker)."""
    titled = find_titled_mentions(sentence)
    for mention in titled:
        # Remember everyone named with a title, so a later bare `苏利冕表示` finds the title.
        context.remember(Speaker(mention.name, mention.title))
    spans = {(m.start, m.end) for m in titled}
    mentions = titled + [
        m for m in _short_mentions(sentence, context)
        if not any(s <= m.start < e for s, e in spans)
    ]
    mentions.sort(key=lambda m: m.start)
    i = 0
    while i < len(mentions):
        group = [mentions[i]]
        j = i
        while j + 1 < len(mentions) and _LIST_SEP.match(sentence[mentions[j].end:mentions[j + 1].start]):
            j += 1
            group.append(mentions[j])
        cue = _CUE_AFTER.match(sentence[group[-1].end:])
        if cue:
            between = sentence[group[0].start:group[-1].end]
            if COLLECTIVE.search(between.replace("共同", "")) and len(group) == 1:
                i = j + 1
                continue
            people = [Speaker(m.name, m.title) if m.title else context.resolve(m.name) for m in group]
            for person in people:
                context.remember(person)
            return group[0].start, group[-1].end + cue.end(), Speaker.joint(people)
        i = j + 1
    return None


def _names_nobody(sentence: str) -> bool:
    """Narrative about a group (主席们将话题落在…) or a scene: nobody's own words."""
    return bool(COLLECTIVE.search(sentence[:20]) or _NARRATIVE_START.match(sentence))


def _collective_cue(sentence: str) -> bool:
    """`大家认为`, `与会者一致认为`: a cue whose subject names nobody."""
    cue = _CUE_ANYWHERE.search(sentence)
    return bool(cue and COLLECTIVE.search(sentence[: cue.start()][-14:]))


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s]


def segment_reported(text: str, paragraph: int, context: Context) -> list[Segment]:
    """Split a paragraph of reported speech into segments with their speakers."""
    interview = _INTERVIEW.match(text)
    if interview:
        who = interview.group("who")
        if who in _ASKERS:
            return [Segment(text, None)]
        if who in context.known or looks_like_untitled_name(who):
            speaker = context.resolve(who)
            context.last, context.last_paragraph = speaker, paragraph
            return [Segment(text, speaker)]
    parts: list[tuple[str, Speaker | None]] = []
    current: Speaker | None = None
    for sentence in _sentences(text):
        retro = _RETRO.match(sentence)
        if retro:
            people = find_titled_mentions(retro.group(1))
            if people:
                speaker = _speaker_of(people, context)
                # Everything said since the last attributed sentence is theirs.
                k = len(parts)
                while k > 0 and parts[k - 1][1] is None and not _names_nobody(parts[k - 1][0]):
                    k -= 1
                parts[k:] = [(t, speaker) for t, _ in parts[k:]]
                parts.append((sentence, None))
                current = None
                context.last, context.last_paragraph = speaker, paragraph
                continue
        pronoun = _PRONOUN_CUE.match(sentence)
        if pronoun and context.last is not None and paragraph - context.last_paragraph <= 1:
            current = context.last
            parts.append((sentence, current))
            context.last_paragraph = paragraph
            continue
        group = _speaking_group(sentence, context)
        if group is not None and _NOTHING_REPORTED.match(sentence[group[1]:].strip()):
            # `…等也分别…提出了看法和建议。`: people are named, but no words of theirs are given.
            group = None
            current = None
            parts.append((sentence, None))
            continue
        if group is not None:
            start, cue_end, speaker = group
            before = sentence[:start]
            if not before.strip() or _SETTING.match(before):
                _claim_quote(parts, speaker)
                if not sentence[cue_end:].strip(" 。.，,"):
                    # `“…”孙炳方补充道。`: the quote was his; this sentence only names him.
                    parts.append((sentence, None))
                    current = None
                    context.last, context.last_paragraph = speaker, paragraph
                    continue
            if before.strip():
                quote_before = before.lstrip().startswith("“") and before.rstrip(" ，,").endswith("”")
                parts.append((before, speaker if quote_before else None))
            parts.append((sentence[start:], speaker))
            current = speaker
            context.last, context.last_paragraph = speaker, paragraph
            continue
        narrative = _collective_cue(sentence) or _NARRATIVE_START.match(sentence)
        other_voice = not narrative and _OTHER_VOICE.match(sentence)
        titled = find_titled_mentions(sentence)
        if narrative or other_voice or titled:
            # Narrative, or someone named without a cue (参加讨论, 听取发言): it ends the quote.
            current = None
            parts.append((sentence, None))
            if titled or other_voice:
                # A following 他强调 is whoever gave a speech here, or nobody's: not the
                # speaker before these people or this voice.
                context.last = _speech_giver(sentence, titled, context) if titled else None
                context.last_paragraph = paragraph
            continue
        quote_before = _quote_then_speaker(sentence, context)
        if quote_before is not None:
            split, speaker = quote_before
            parts.append((sentence[:split], speaker))
            parts.append((sentence[split:], None))
            current = None
            continue
        parts.append((sentence, current))
    return _merge(parts)


def _speech_giver(sentence: str, titled: list[Mention], context: Context) -> Speaker | None:
    """The one person a narrative sentence has give a speech (`…主席王建平作了讲话。`), if any."""
    if len(titled) != 1 or not _GIVES_SPEECH.match(sentence[titled[0].end:]):
        return None
    return _speaker_of(titled, context)


def segment_bylined(text: str, paragraph: int, author: Speaker, context: Context) -> list[Segment]:
    """A paragraph under a byline: the author's, except what it reports someone else saying.

    An author quotes others (`市总工会主席张大伟表示，…`, `“…”张大伟说。`): those words are the
    person's named, as in a report; the narration that names them (`张大伟说。`) is nobody's;
    everything else, collective voices included, is the author's.
    """
    reported = segment_reported(text, paragraph, context)
    others = {person.name for segment in reported if segment.speaker not in (None, author)
              for person in (segment.speaker.members or (segment.speaker,))}
    if not others:
        return [Segment(text, author)]
    return _merge([
        (segment.text, segment.speaker if segment.speaker or any(n in segment.text for n in others)
         else author)
        for segment in reported
    ])


def _claim_quote(parts: list[tuple[str, Speaker | None]], speaker: Speaker) -> None:
    """Give the unattributed quote that ends right before a speaker's name to that speaker."""
    if not parts or parts[-1][1] is not None or not parts[-1][0].rstrip().endswith("”"):
        return
    k = len(parts) - 1
    while k >= 0 and parts[k][1] is None:
        if parts[k][0].lstrip().startswith("“"):
            parts[k:] = [(text, speaker) for text, _ in parts[k:]]
            return
        k -= 1


def _quote_then_speaker(sentence: str, context: Context) -> tuple[int, Speaker] | None:
    """`“…。”慈溪市…毛加强说。`: a quote followed by its speaker and a bare cue at the end."""
    if not sentence.lstrip().startswith("“"):
        return None
    close = sentence.rfind("”")
    if close < 0:
        return None
    tail = sentence[close + 1:]
    group = _speaking_group(tail, context)
    if group is None or tail[group[1]:].strip(" 。.，,") != "":
        return None
    context.last = group[2]
    return close + 1, group[2]


def _merge(parts: list[tuple[str, Speaker | None]]) -> list[Segment]:
    segments: list[Segment] = []
    for text, speaker in parts:
        if not text:
            continue
        if segments and segments[-1].speaker == speaker:
            segments[-1] = Segment(segments[-1].text + text, speaker)
        else:
            segments.append(Segment(text, speaker))
    return segments

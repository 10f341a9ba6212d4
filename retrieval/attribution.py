"""Who says each part of a paragraph.

Three layers, each over the one before:
1. the **floor**: who holds it over the paragraph — a byline's author, a transcript turn's
   speaker, a speech's speaker, or nobody (a report); a question's turn is nobody's;
2. **reported speech** in the narration (`reported`): a named person before a speech verb, a
   pronoun for the person the narration is about, voices nobody can name. Under a floor, what
   the text reports of others is theirs, the narration naming them is nobody's, the rest the
   floor's;
3. **quotations** (`quoting`): each quotation goes to the speaker its own words introduce,
   inner quotations to the innermost one.

Everything is read in the simplified shadow of the text (`script`), so the positions of the
segments are the same in the document's own characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.cast import Cast
from retrieval.models import Speaker
from retrieval.lexicon import NOT_SPEECH, alternation
from retrieval.quotes import MASK, find_quotes, mask
from retrieval.quoting import NOBODY, quote_speakers
from retrieval.reported import Part, Voice, read_reported


# `通常来说`, `有说有笑`: a speech verb that reports nobody's words.
_NOT_SPEECH = re.compile(alternation(NOT_SPEECH))


@dataclass(frozen=True)
class Floor:
    """Who holds the floor over a paragraph (None: nobody, as in a report)."""

    speaker: Speaker | None = None
    asker: bool = False  # an interviewer's or a reporter's question: nobody's words


@dataclass(frozen=True)
class Span:
    """A stretch of a paragraph and who says it (None: narrative or unknown)."""

    start: int
    end: int
    speaker: Speaker | None


@dataclass
class OpenQuote:
    """A quotation the previous paragraph left open, and its speaker."""

    speaker: Speaker | None = None
    paragraph: int = -10


def attribute(text: str, paragraph: int, floor: Floor, cast: Cast,
              open_quote: OpenQuote | None = None) -> list[Span]:
    """The spans of `text` (simplified) with their speakers, covering it from end to end."""
    if not text:
        return []
    quotes = find_quotes(text)
    narration = mask(text, quotes) if quotes else text
    narration = _NOT_SPEECH.sub(lambda m: MASK * len(m.group()), narration)
    reported = read_reported(narration, paragraph, cast, close=floor.speaker is not None)
    spans = _under_floor(reported.parts, floor)
    runs_on = None
    if open_quote is not None and open_quote.paragraph == paragraph - 1:
        runs_on = open_quote.speaker
    if not quotes:
        return spans
    decided = quote_speakers(text, narration, quotes, paragraph, cast, runs_on,
                             reported.focus_at)
    if decided:
        speakers = _expand(spans, len(text))
        for index, speaker in decided.items():
            quote = quotes[index]
            value = None if speaker is NOBODY else speaker
            speakers[quote.start:quote.end] = [value] * (quote.end - quote.start)
        spans = _spans(speakers)
    if open_quote is not None:
        last = next((q for q in reversed(quotes) if q.parent is None), None)
        if last is not None and not last.closed:
            open_quote.speaker = next(s.speaker for s in spans if s.start <= last.start < s.end)
            open_quote.paragraph = paragraph
    return spans


def _under_floor(parts: list[Part], floor: Floor) -> list[Span]:
    """The spans of the reported-speech parts under the floor: under a floor, narration is the
    floor's (an interviewee describing their mentor, an author's argument) except the clause
    that only names someone else's words (`张大伟说。`)."""
    owner = floor.speaker
    spans: list[Span] = []
    for part in parts:
        speaker = part.speaker
        if floor.asker:
            speaker = None
        elif owner is not None and speaker is None and part.voice is not Voice.NAMING:
            speaker = owner
        if spans and spans[-1].end == part.start and spans[-1].speaker == speaker:
            spans[-1] = Span(spans[-1].start, part.end, speaker)
        else:
            spans.append(Span(part.start, part.end, speaker))
    return spans


def _expand(spans: list[Span], size: int) -> list[Speaker | None]:
    speakers: list[Speaker | None] = [None] * size
    for span in spans:
        speakers[span.start:span.end] = [span.speaker] * (span.end - span.start)
    return speakers


def _spans(speakers: list[Speaker | None]) -> list[Span]:
    spans: list[Span] = []
    start = 0
    for position in range(1, len(speakers) + 1):
        if position == len(speakers) or (speakers[position] is not speakers[start]
                                         and speakers[position] != speakers[start]):
            spans.append(Span(start, position, speakers[start]))
            start = position
    return spans

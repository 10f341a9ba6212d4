"""What kind of text a document (or an article of it) is, and which rules that kind turns on.

A genre is detected from the text's own marks (labels, salutations, a broadcast's lead, the
headline's words) and decides how much a line-initial label is believed and who holds the
floor between labels:

| genre      | labels believed        | an unlabelled paragraph after a turn |
|------------|------------------------|--------------------------------------|
| report     | no                     | narration (nobody's)                 |
| opinion    | no                     | the byline's author's                |
| speech     | no                     | the speaker's                        |
| interview  | 问/答 and names        | the turn goes on (answers run on)    |
| transcript | names, short forms     | the turn goes on                     |
| broadcast  | caption labels, 记者   | narration: a label covers its line   |

Every marker word is in `lexicon.toml`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.labels import Label, Role
from retrieval.lexicon import (
    BROADCAST_MARKS,
    CLOSINGS,
    INTERVIEW_TITLES,
    PRESS_TITLES,
    SALUTATIONS,
    SPEECH_TITLES,
    alternation,
)

MIN_LABELS = 2  # labelled lines that make a text a transcript


class Genre(enum.Enum):
    REPORT = "report"
    OPINION = "opinion"
    SPEECH = "speech"
    INTERVIEW = "interview"
    TRANSCRIPT = "transcript"
    BROADCAST = "broadcast"


@dataclass(frozen=True)
class GenreRules:
    """What a genre turns on."""

    labels: bool  # line-initial speaker labels name the speaker of their paragraph
    turns_continue: bool  # an unlabelled paragraph goes on in the last label's voice
    numbered_questions: bool  # `2.目前…？` without a label is the interviewer's


RULES = {
    Genre.REPORT: GenreRules(labels=False, turns_continue=False, numbered_questions=False),
    Genre.OPINION: GenreRules(labels=False, turns_continue=False, numbered_questions=False),
    Genre.SPEECH: GenreRules(labels=False, turns_continue=False, numbered_questions=False),
    Genre.INTERVIEW: GenreRules(labels=True, turns_continue=True, numbered_questions=True),
    Genre.TRANSCRIPT: GenreRules(labels=True, turns_continue=True, numbered_questions=False),
    Genre.BROADCAST: GenreRules(labels=True, turns_continue=False, numbered_questions=False),
}


def detect_genre(title: str, lines: Sequence[str], labels: Sequence[Label | None],
                 bylined: bool) -> Genre:
    """The genre of a text from its title, its content lines (simplified) and their labels.

    `bylined`: whether the text has a byline (an author's or a speaker's name line).
    """
    found = [label for label in labels if label is not None and label.role is not Role.QUESTION]
    opening = "".join(lines[:3])
    if len(found) >= MIN_LABELS:
        if any(label.role is Role.ANSWER or label.title == "问" for label in found):
            return Genre.INTERVIEW
        if any(mark in opening for mark in BROADCAST_MARKS):
            return Genre.BROADCAST
        if any(title_word in title for title_word in INTERVIEW_TITLES + PRESS_TITLES):
            return Genre.TRANSCRIPT
        alone = sum(1 for label in found if label.alone)
        captions = sum(1 for label in found if label.role is Role.PERSON and label.title
                       and not label.alone)
        if captions > alone:
            return Genre.BROADCAST
        return Genre.TRANSCRIPT
    if _is_speech(title, lines):
        return Genre.SPEECH
    return Genre.OPINION if bylined else Genre.REPORT


_SPEECH_TITLE = re.compile(f"的(?:{alternation(SPEECH_TITLES)})(?:（[^）]*）)?$")


def _is_speech(title: str, lines: Sequence[str]) -> bool:
    """A speech: the headline names it one (`…在开学典礼上的讲话`), or the text opens with
    salutations (`尊敬的…：`) and ends with thanks. A report about a speech (`…作报告`) is not."""
    if _SPEECH_TITLE.search(title.strip()):
        return True
    salutes = any(line.startswith(SALUTATIONS) for line in lines[:8])
    thanks = any(line.strip("！!。 ").endswith(CLOSINGS) for line in lines[-3:])
    return salutes and thanks

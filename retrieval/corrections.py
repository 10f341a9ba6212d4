"""Speaker corrections made by people, applied to every answer the core gives.

An operator who sees a wrong speaker fixes it (`/fix <passage id> <name>` or 发言人不详). A
correction is keyed by the passage id and a hash of the passage's text, so it survives
rebuilds of the index while the paragraph is unchanged, and silently stops applying once the
text changes (the old judgement may not fit the new words). The core knows corrections only
through the small `CorrectionSource` protocol; where they are kept (the service's SQLite
store, a dict in a test) is the adapters' business.

What a correction does to a passage: every segment that had a speaker gets the corrected one;
a passage with no speaker at all becomes wholly the corrected speaker's; 发言人不详 (no
speaker) clears every segment's speaker. Narrative around a quote stays nobody's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from retrieval.models import Answer, Passage, Segment, Speaker
from retrieval.snippets import speaker_at


def text_hash(text: str) -> str:
    """A short, stable hash of a passage's text (16 hex digits of SHA-256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Correction:
    """Who really says a passage (None: 发言人不详), who said so and when."""

    passage_id: str
    text_hash: str
    speaker: Speaker | None
    by: str = ""
    at: str = ""

    def to_json(self) -> dict[str, object]:
        return {"speaker": self.speaker.to_json() if self.speaker else None,
                "by": self.by, "at": self.at, "origin": "correction"}


class CorrectionSource(Protocol):
    """Anything that can say whether a passage (with exactly this text) was corrected."""

    def correction_for(self, passage_id: str, text_hash: str) -> Correction | None: ...


class MemoryCorrections:
    """Corrections in a dict: for tests, and as the cache of a persistent store."""

    def __init__(self, corrections: Iterable[Correction] = ()) -> None:
        self._by_key: dict[tuple[str, str], Correction] = {
            (c.passage_id, c.text_hash): c for c in corrections}

    def correction_for(self, passage_id: str, text_hash: str) -> Correction | None:
        return self._by_key.get((passage_id, text_hash))

    def as_mapping(self) -> Mapping[tuple[str, str], Correction]:
        return self._by_key


def correction_of(passage: Passage, source: CorrectionSource | None) -> Correction | None:
    """The correction that applies to `passage` as it reads now, if any."""
    if source is None:
        return None
    return source.correction_for(passage.id, text_hash(passage.text))


def corrected(passage: Passage, source: CorrectionSource | None) -> Passage:
    """`passage` with its correction applied (the same object when there is none)."""
    correction = correction_of(passage, source)
    if correction is None:
        return passage
    speaker = correction.speaker
    if speaker is None:
        segments = (Segment(passage.text),)
    elif any(s.speaker is not None for s in passage.segments):
        segments = tuple(Segment(s.text, speaker if s.speaker is not None else None)
                         for s in passage.segments)
    else:
        segments = (Segment(passage.text, speaker),)
    return replace(passage, segments=_merged(segments))


def _merged(segments: tuple[Segment, ...]) -> tuple[Segment, ...]:
    """Neighbouring segments of the same speaker joined into one."""
    out: list[Segment] = []
    for segment in segments:
        if out and out[-1].speaker == segment.speaker:
            out[-1] = Segment(out[-1].text + segment.text, segment.speaker)
        else:
            out.append(segment)
    return tuple(out)


def corrected_answer(answer: Answer, source: CorrectionSource | None) -> Answer:
    """`answer` with every hit's passage corrected; a who-answer's speaker follows its first hit.

    A speaker question keeps only the hits that person still speaks in after the corrections.
    """
    if source is None or not answer.hits:
        return answer
    hits = tuple(replace(hit, passage=corrected(hit.passage, source)) for hit in answer.hits)
    if all(new.passage is old.passage for new, old in zip(hits, answer.hits)):
        return answer
    if answer.kind == "speaker" and answer.speaker is not None:
        name = answer.speaker.name
        kept = [hit for hit in hits if any(name in _names(s) for s in hit.passage.speakers)]
        if not kept:
            return replace(answer, kind="not_found", hits=())
        hits = tuple(replace(hit, rank=rank) for rank, hit in enumerate(kept, 1))
    speaker = answer.speaker
    if answer.kind == "who" and hits[0].passage is not answer.hits[0].passage:
        speaker = speaker_at(hits[0])
    return replace(answer, hits=hits, speaker=speaker)


def _names(speaker: Speaker) -> set[str]:
    return {speaker.name, *(member.name for member in speaker.members)}


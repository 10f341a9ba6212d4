"""The part of a passage that answers: its best sentence or two, who speaks it, and duplicates.

A hit quotes one or two consecutive sentences, chosen by how much of the question's weight they
hold; the whole paragraph stays on the passage. The speaker of a who-question's answer is the
speaker of the segment those sentences stand in, not just any speaker of the passage.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from retrieval.models import Hit, Speaker
from retrieval.sentences import sentences
from retrieval.tokenize import normalize

SHINGLE = 4  # characters per shingle when comparing passages for near-duplicates


def best_sentences(
    text: str, terms: tuple[str, ...], weights: Mapping[str, float], limit: int = 2
) -> str:
    """The one or two consecutive sentences of `text` that hold most of the weight of `terms`."""
    parts = sentences(text)
    if len(parts) <= 1:
        return text
    normal = [normalize(s) for s in parts]
    best, best_score, best_size = 0, -1.0, limit
    for size in range(1, limit + 1):
        for i in range(len(parts) - size + 1):
            window = "".join(normal[i:i + size])
            held = sum(weights.get(t, 1.0) * len(t) for t in terms if t in window)
            # A second sentence must add weight, not only length.
            score = held - 0.01 * size
            if score > best_score:
                best, best_score, best_size = i, score, size
    if best_score <= 0:
        best_size = limit  # nothing matched: the opening of the paragraph
    return "".join(parts[best:best + best_size])


def own_words(hit: Hit, name: str) -> str:
    """The hit's snippet if `name` speaks it, else their sentences that hold most of its terms.

    A paragraph can quote several people; a question about one of them quotes only them. Keeps
    the snippet when none of the paragraph is theirs.
    """
    own = [s.text for s in hit.passage.segments
           if s.speaker is not None and name in _names(s.speaker)]
    if not own or any(hit.snippet in text for text in own):
        return hit.snippet
    held = [sum(len(t) for t in hit.terms if t in normalize(text)) for text in own]
    return best_sentences(own[held.index(max(held))], hit.terms, {})


def _names(speaker: Speaker) -> set[str]:
    return {speaker.name, *(member.name for member in speaker.members)}


def speaker_at(hit: Hit) -> Speaker | None:
    """Who speaks the hit's answering sentences (else the passage's only speaker)."""
    passage = hit.passage
    snippet = hit.snippet or passage.text
    start = passage.text.find(snippet)
    if start >= 0:
        # The speaker of most of the snippet's characters.
        position, counts = 0, {}
        end = start + len(snippet)
        for segment in passage.segments:
            seg_end = position + len(segment.text)
            overlap = min(end, seg_end) - max(start, position)
            if overlap > 0 and segment.speaker is not None:
                counts[segment.speaker] = counts.get(segment.speaker, 0) + overlap
            position = seg_end
        if counts:
            return max(counts, key=lambda s: counts[s])
    speakers = passage.speakers
    return speakers[0] if len(speakers) == 1 else None


def shingles(text: str) -> set[str]:
    """Overlapping character 4-grams of the text's letters, for near-duplicate tests."""
    letters = re.sub(r"[\W_]+", "", normalize(text))
    if len(letters) <= SHINGLE:
        return {letters} if letters else set()
    return {letters[i:i + SHINGLE] for i in range(len(letters) - SHINGLE + 1)}

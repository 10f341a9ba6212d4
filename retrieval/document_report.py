"""What the index holds of one document: its title and source, how many paragraphs, who speaks,
and which paragraphs are kept out of answers. Told to whoever just added the document (from
Telegram or any other adapter), so they can see at once whether it was read as they expected.

It reads an `Answerer` that is already built and never chunks or reads a file again: the
document is found by its id among the documents (listed in path order, so a binary search
reads a handful of them), and only its own passages are read.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.answer import Answerer
from retrieval.models import Document, Passage, Source, Speaker


@dataclass(frozen=True)
class DocumentReport:
    """One indexed document as its reader and chunker left it."""

    id: str
    title: str
    source: Source
    paragraphs: int  # passages, captions included
    captions: int  # photo captions: listed, never given as an answer
    repeated: int  # paragraphs whose text the index already holds (from this or another file)
    speakers: tuple[Speaker, ...]  # each named speaker once, those speaking most first

    @property
    def searchable(self) -> int:
        return self.paragraphs - self.captions - self.repeated


def document_report(answerer: Answerer, document_id: str) -> DocumentReport | None:
    """The report on the document `document_id` in `answerer`, or None when it holds none."""
    found = _position(answerer.documents, document_id)
    if found is None:
        return None
    position, document = found
    passages, first = _passages_of(answerer, position, document.id)
    captions = sum(1 for p in passages if p.kind == "caption")
    searchable = answerer.summary.searchable if answerer.summary is not None else None
    if searchable is not None and first is not None:
        kept = bisect.bisect_left(searchable, first + len(passages)) \
            - bisect.bisect_left(searchable, first)
        repeated = max(len(passages) - captions - kept, 0)
    else:
        repeated = 0
    return DocumentReport(document.id, document.title, document.source, len(passages),
                          captions, repeated, _speakers(passages))


def find_document(documents: Sequence[Document], document_id: str) -> Document | None:
    """The document whose id is `document_id`, or None."""
    found = _position(documents, document_id.strip())
    return found[1] if found is not None else None


def _position(documents: Sequence[Document], wanted: str) -> tuple[int, Document] | None:
    """Where `wanted` stands among `documents`: found by bisection when they are in id order
    (a folder's always are), else by reading them all."""
    at = bisect.bisect_left(documents, wanted, key=lambda d: d.id)
    if at < len(documents) and (document := documents[at]).id == wanted:
        return at, document
    for at, document in enumerate(documents):
        if document.id == wanted:
            return at, document
    return None


def _passages_of(answerer: Answerer, position: int,
                 document_id: str) -> tuple[list[Passage], int | None]:
    """The document's passages and the position of its first, from its span when known."""
    if position < len(answerer.spans):
        start, stop = answerer.spans[position]
        return list(answerer.passages[start:stop]), start
    passages = [p for p in answerer.passages if p.document_id == document_id]
    return passages, None


def _speakers(passages: Sequence[Passage]) -> tuple[Speaker, ...]:
    """Each named person once (joint speakers by their members), most paragraphs first."""
    counts: Counter[str] = Counter()
    people: dict[str, Speaker] = {}
    for passage in passages:
        named = {m.name: m for s in passage.speakers for m in (s.members or (s,))}
        for name, member in named.items():
            counts[name] += 1
            if name not in people or (member.title and not people[name].title):
                people[name] = member
    return tuple(people[name] for name, _ in counts.most_common())

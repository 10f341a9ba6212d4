"""Small immutable values that travel between loading, attribution, retrieval and the adapters.

Everything a passage needs to be quoted (its document, section, paragraph number and who speaks
in each part of it) lives on the `Passage` itself, never in parallel lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Source:
    """Where a document comes from, for citations; every field is empty when unknown.

    `date` is ISO (`2024-03-07`, or `2024-03` when only the month is known); `page` is the
    newspaper page (版次).
    """

    date: str = ""
    publication: str = ""
    author: str = ""
    url: str = ""
    page: str = ""

    def __bool__(self) -> bool:
        return any((self.date, self.publication, self.author, self.url, self.page))

    def to_json(self) -> dict[str, str]:
        return {key: value for key, value in (
            ("date", self.date), ("source", self.publication), ("author", self.author),
            ("url", self.url), ("page", self.page)) if value}


NO_SOURCE = Source()


@dataclass(frozen=True)
class Article:
    """One article of a file that holds several, as the file marks it (its own front matter):
    the line it starts on, its title and its `Source` (the document's fields where it has none).
    """

    line: int
    title: str = ""
    source: Source = NO_SOURCE


@dataclass(frozen=True)
class Document:
    """One source file: a stable id (its file name), its headline, its decoded text and where it
    comes from. `articles` are the articles the file itself marks, in order (none for a file of
    one article)."""

    id: str
    title: str
    text: str
    encoding: str = "utf-8"
    source: Source = NO_SOURCE
    articles: tuple[Article, ...] = ()

    def article_at(self, line: int) -> Article | None:
        """The marked article that line `line` (1-based) belongs to, or None."""
        found = None
        for article in self.articles:
            if article.line > line:
                break
            found = article
        return found

    def source_at(self, line: int) -> Source:
        """Where the text at line `line` comes from: its article's source, or the document's."""
        article = self.article_at(line)
        return article.source if article is not None else self.source


@dataclass(frozen=True)
class Speaker:
    """A person (or several people) to whom words are attributed, with the full title."""

    name: str
    title: str = ""
    members: tuple[Speaker, ...] = ()  # for joint speakers and multi-author bylines

    @classmethod
    def joint(cls, people: list[Speaker]) -> Speaker:
        """One speaker standing for several people who said the same thing together."""
        unique = list(dict.fromkeys(people))
        if len(unique) == 1:
            return unique[0]
        titles = "；".join(dict.fromkeys(p.title for p in unique if p.title))
        return cls("、".join(p.name for p in unique), titles, tuple(unique))

    def label(self) -> str:
        """`郑荣胜（杭州市人大常委会副主任、市总工会主席）`, or just the name without a title."""
        if self.members:
            return "、".join(member.label() for member in self.members)
        return f"{self.name}（{self.title}）" if self.title else self.name

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"name": self.name, "title": self.title}
        if self.members:
            data["members"] = [{"name": m.name, "title": m.title} for m in self.members]
        return data


@dataclass(frozen=True)
class Segment:
    """A contiguous piece of a passage and who says it (None: narrative or unknown)."""

    text: str
    speaker: Speaker | None = None

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "speaker": self.speaker.to_json() if self.speaker else None}


@dataclass(frozen=True)
class Passage:
    """One paragraph of a document, the unit that is indexed and quoted.

    `origin` describes where a reassembled continuation really stands in the file
    (for example "续接：第 12 段之后，原文第 88 行"); None for text in its place.
    """

    id: str
    document_id: str
    document_title: str
    section: str
    paragraph: int
    text: str
    segments: tuple[Segment, ...]
    line: int = 0
    origin: str | None = None
    kind: str = "text"  # "caption": a photo caption, listed but never given as an answer
    source: Source = NO_SOURCE  # the document's date, publication, URL…: shared, not copied

    @property
    def speakers(self) -> tuple[Speaker, ...]:
        """Distinct speakers of the passage, in order of first appearance."""
        seen: dict[Speaker, None] = {}
        for segment in self.segments:
            if segment.speaker is not None:
                seen.setdefault(segment.speaker, None)
        return tuple(seen)

    def speakers_in(self, quote: str) -> tuple[Speaker, ...]:
        """Speakers of the segments that `quote` overlaps: none for narrative.

        When `quote` is not found in the text, every speaker of the passage.
        """
        start = self.text.find(quote)
        if start < 0:
            return self.speakers
        end = start + len(quote)
        found: dict[Speaker, None] = {}
        position = 0
        for segment in self.segments:
            segment_end = position + len(segment.text)
            if segment.speaker is not None and position < end and start < segment_end:
                found.setdefault(segment.speaker, None)
            position = segment_end
        return tuple(found)

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "id": self.id,
            "document": {"id": self.document_id, "title": self.document_title,
                         **self.source.to_json()},
            "section": self.section,
            "paragraph": self.paragraph,
            "text": self.text,
            "segments": [segment.to_json() for segment in self.segments],
            "line": self.line,
        }
        if self.origin:
            data["origin"] = self.origin
        if self.kind != "text":
            data["kind"] = self.kind
        return data


@dataclass(frozen=True)
class Hit:
    """A passage retrieved for a question, with its score and the sentences that answer."""

    passage: Passage
    score: float
    rank: int
    snippet: str = ""
    terms: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        passage = self.passage.to_json()
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "id": self.passage.id,
            "text": self.passage.text,
            "snippet": self.snippet,
            "segments": passage["segments"],
            "document": passage["document"],
            "section": self.passage.section,
            "paragraph": self.passage.paragraph,
        }


AnswerKind = Literal["passages", "who", "speaker", "not_found", "invalid"]


@dataclass(frozen=True)
class Context:
    """What a conversation remembers for its next question: whom the last answer was about,
    what it searched for and which passages it gave.

    The core knows no chats: `Answer.context` is handed back with every answer, and an adapter
    keeps it per console session or per Telegram chat and passes it to the next `ask`, so that
    `他还说了什么？` or `她呢？` follows on.
    """

    speaker: Speaker | None = None
    topic: str = ""  # the content of the last question, for `郑荣胜呢？`
    shown: tuple[str, ...] = ()  # ids of the passages given about `speaker`, for `还说了什么`


@dataclass(frozen=True)
class Answer:
    """What the core says to a question; adapters only render it.

    `note` is a line for the person: why nothing was found, or, with hits, a guess about whom
    they meant (您是不是要找…); `context` is what the next question may follow on from.
    """

    question: str
    kind: AnswerKind
    hits: tuple[Hit, ...] = ()
    speaker: Speaker | None = None
    note: str = ""
    context: Context | None = None

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "question": self.question,
            "kind": self.kind,
            "answers": [hit.to_json() for hit in self.hits],
        }
        if self.speaker is not None:
            data["speaker"] = self.speaker.to_json()
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class SpeakerStat:
    """A speaker of the corpus, every title seen for them, and how many passages they speak in."""

    name: str
    titles: tuple[str, ...]
    passages: int

"""From a document's text to its passages: one per real paragraph, each with its speakers.

Steps: classify every line (`layout`), group the page into sections (a byline starts one, a
credit ends one), put scrambled columns back in their sections (`columns`), rejoin lines broken
mid-sentence, and attribute each paragraph (`attribution`). Headings, bylines, credits, captions
and labels become metadata of the passages, never passages of their own.
"""

from __future__ import annotations

import hashlib
import re

from retrieval.attribution import Floor, OpenQuote, Span, attribute
from retrieval.cast import Cast
from retrieval.columns import ColumnModel, place_of
from retrieval.genre import RULES, Genre, detect_genre
from retrieval.labels import Label, Role, read_credit
from retrieval.layout import Kind, Line, classify_document
from retrieval.lexicon import INTERVIEW_WORDS, TITLE_ALT, alternation
from retrieval.models import Document, Passage, Segment, Speaker
from retrieval.names import Mention, find_people, find_titled_mentions, name_starting
from retrieval.script import Shadow, align, simplified
from retrieval.sections import Section, SectionStart, TextLine, document_title, page_sections

__all__ = ["chunk_document", "document_title"]

REPORTER_LABELS = {"记者", "本台记者", "本报记者"}
_ROLE_AT_END = re.compile(f"(?:{TITLE_ALT})$")
# A paragraph wholly in brackets: an editor's note.
_EDITORS_NOTE = re.compile(r"^\s*[（(][^（）()]*[）)]\s*$")
# A paragraph that is one quotation and nothing else (a closing full stop aside).
_QUOTATION_ONLY = re.compile(r"^\s*[“「『][^“”「」『』]*(?:[“「『][^“”「」『』]*[”」』][^“”「」『』]*)*[”」』][。！？!?]?\s*$")
_INTERVIEWED = re.compile(f"(?:{alternation(INTERVIEW_WORDS)})(?P<who>[\u4e00-\u9fff]{{2,4}})$")

# Bump when `chunk_document` gives other passages for the same document: cached passages are
# keyed by it (tests/test_versions.py says when the output changed and this did not).
CHUNKING_VERSION = 21
UNPLACED = "（版面续文，未能确定所属栏目）"


def _stable_id(document_id: str, text: str, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(f"{document_id}\n{text}".encode("utf-8")).hexdigest()[:8]
    count = seen.get(digest, 0)
    seen[digest] = count + 1
    return f"p{digest}" if count == 0 else f"p{digest}-{count}"


def chunk_document(document: Document) -> list[Passage]:
    """All passages of a document, in reading order (continuations within their sections)."""
    shadow = Shadow(document.text)
    lines = classify_document(shadow.plain)
    sections, events = page_sections(lines)
    if not sections:
        return []
    texts = [event.line for event in events if isinstance(event, TextLine)]
    bylined = [s for s in sections if s.speaker is not None]
    uses_credits = sum(1 for line in texts if line.credit) >= 2
    model = ColumnModel(
        {s.index: place_of(s.speaker.title) for s in bylined if s.speaker},
        uses_credits,
        {s.index: s.heading for s in bylined},
    )
    if len(bylined) >= 2:
        placements = model.assign(events)
    else:
        placements = None
    # Each section's lines, in reading order; lines that could not be placed stay apart.
    by_section: dict[int | None, list[tuple[Line, bool]]] = {}
    home: int | None = None
    text_index = 0
    for event in events:
        if isinstance(event, SectionStart):
            home = event.index
            continue
        if placements is None:
            target, moved = home, False
        else:
            placement = placements[text_index]
            target, moved = placement.section, placement.moved
        by_section.setdefault(target, []).append((event.line, moved))
        text_index += 1
    source = _Source(shadow)
    reader = _Reader(document, lines, sections, source)
    credits = _credits_under(lines)
    passages: list[Passage] = []
    seen_ids: dict[str, int] = {}
    order: list[int | None] = [s.index for s in sections] + [None]
    for key in order:
        entries = by_section.get(key, [])
        section = sections[key] if key is not None else None
        for paragraph_lines, moved in _paragraphs(entries):
            plain, original = source.paragraph(paragraph_lines)
            if not plain:
                continue
            first = paragraph_lines[0]
            number = len(passages) + 1
            spans = reader.spans(plain, number, first, section,
                                 credits.get(paragraph_lines[-1].number))
            if spans is None:
                continue  # a speaker's label alone on its line: it opens a turn
            segments = tuple(
                Segment(original[span.start:span.end], source.speaker(span.speaker))
                for span in spans
            )
            origin = f"版面续文：原文第 {first.number} 行" if moved else None
            heading = section.heading_at(first.number) if section is not None else UNPLACED
            article = section.article if section is not None and section.article else ""
            marked = document.article_at(first.number)  # an article the file marks itself
            passages.append(
                Passage(
                    id=_stable_id(document.id, original, seen_ids),
                    document_id=document.id,
                    document_title=(marked.title if marked is not None and marked.title
                                    else source.text(article) if article else document.title),
                    section=heading,
                    paragraph=number,
                    text=original,
                    segments=segments or (Segment(original, None),),
                    line=first.number,
                    origin=origin,
                    source=document.source_at(first.number),
                )
            )
    for line in lines:
        if line.kind is Kind.CAPTION:
            text = source.line(line)
            passages.append(
                Passage(
                    id=_stable_id(document.id, text, seen_ids), document_id=document.id,
                    document_title=document.title, section="图片说明",
                    paragraph=len(passages) + 1, text=text, segments=(Segment(text, None),),
                    line=line.number, kind="caption", source=document.source_at(line.number),
                )
            )
    return passages


class _Source:
    """The document's own characters for what was read in its simplified shadow."""

    def __init__(self, shadow: Shadow) -> None:
        self.shadow = shadow
        self.plain_lines = shadow.plain.splitlines()
        self.original_lines = shadow.original.splitlines() if not shadow.same else self.plain_lines
        self._speakers: dict[Speaker, Speaker] = {}

    def line(self, line: Line) -> str:
        if self.shadow.same:
            return line.text
        index = line.number - 1
        return align(line.text, self.plain_lines[index], self.original_lines[index])

    def paragraph(self, lines: list[Line]) -> tuple[str, str]:
        """A paragraph's text in the shadow and in the document's own characters, aligned."""
        plain = _joined([line.text for line in lines])
        if self.shadow.same:
            return plain, plain
        original = _joined([self.line(line) for line in lines])
        return plain, original if len(original) == len(plain) else plain

    def text(self, plain: str) -> str:
        """A piece of the shadow in the document's own characters."""
        return self.shadow.restore(plain)

    def speaker(self, speaker: Speaker | None) -> Speaker | None:
        """A speaker as the document writes them (羅秉成, not 罗秉成)."""
        if speaker is None or self.shadow.same:
            return speaker
        shown = self._speakers.get(speaker)
        if shown is None:
            restore = self.shadow.restore
            members = tuple(Speaker(restore(m.name), restore(m.title)) for m in speaker.members)
            shown = Speaker(restore(speaker.name), restore(speaker.title), members)
            self._speakers[speaker] = shown
        return shown


def _joined(pieces: list[str]) -> str:
    text = "".join(pieces).strip()
    return re.sub(r"\s+", lambda m: " " if _is_latin_gap(m) else "", text)


class _Reader:
    """Reads a document's paragraphs in order: its genre, its cast, who holds the floor."""

    def __init__(self, document: Document, lines: list[Line], sections: list[Section],
                 source: _Source) -> None:
        content = [line for line in lines if line.kind is Kind.TEXT]
        title = simplified(document.title)
        self.genre = detect_genre(title, [line.text for line in content],
                                  [line.label for line in content],
                                  any(s.speaker is not None for s in sections))
        self.rules = RULES[self.genre]
        self.cast = Cast()
        for section in sections:
            if section.speaker:
                self.cast.remember(section.speaker)
        self.owner: Floor | None = None
        if self.genre is Genre.SPEECH and not any(s.speaker for s in sections):
            people = find_people(title)
            if people:
                self.owner = Floor(self.cast.speaker_of(people[0]))
        self.interviewee = _interviewee(title, content, self.cast) \
            if self.genre is Genre.INTERVIEW else None
        self.reporter = _reporter(content, self.cast)
        self.turn: Floor | None = None
        self.pending: Floor | None = None  # a broadcast's label alone: its next paragraph
        self.open_quote = OpenQuote()

    def spans(self, text: str, number: int, first: Line, section: Section | None,
              credit: Mention | None = None) -> list[Span] | None:
        """Who says what in a paragraph; None for a label alone on its line. `credit`: the
        person a credit line right under the paragraph names (`——…书记贾明亮`)."""
        floor = self._floor(first, section)
        if floor is None:
            return None
        if credit is not None and _QUOTATION_ONLY.match(text):
            # A quotation on its own with a credit under it, as a roundup prints them.
            return [Span(0, len(text), self.cast.speaker_of(credit))]
        label = first.label if self.rules.labels and first.label is not None else None
        skip = 0
        if label is not None and label.end and text.startswith(first.text[:label.end].strip()):
            # The label (`答：`) is the turn's, and the words start after it.
            skip = len(first.text[:label.end].strip())
        spans = attribute(text[skip:], number, floor, self.cast, self.open_quote)
        if not skip:
            return spans
        head = [Span(0, skip, None if floor.asker else floor.speaker)]
        return head + [Span(s.start + skip, s.end + skip, s.speaker) for s in spans]

    def _floor(self, first: Line, section: Section | None) -> Floor | None:
        label = first.label if self.rules.labels else None
        if label is not None and label.role is Role.QUESTION and not self.rules.numbered_questions:
            label = None
        if label is not None:
            floor = self._label_floor(label)
            if label.alone:
                if self.rules.turns_continue:
                    self.turn = floor
                else:
                    self.pending = floor
                return None
            self.turn = floor if self.rules.turns_continue else None
            self.pending = None
            return floor
        if self.pending is not None:
            floor, self.pending = self.pending, None
            return floor
        if self.turn is not None:
            if self.turn.asker and self.genre is Genre.INTERVIEW and self.interviewee:
                # An unlabelled paragraph after a question is the answer.
                self.turn = Floor(self.interviewee)
            if _EDITORS_NOTE.match(first.text):
                return Floor()  # `（请同时参阅答问内容的英文部分。）`: the editor's, not the turn's
            if _names_first(first.text, self.turn.speaker):
                # `欧阳振华教授在开放日上为中学生讲解…`: nobody speaks of themselves by their
                # full name; the narration (a caption, a closing line) is about them.
                return Floor()
            return self.turn
        if section is not None and section.speaker is not None:
            return Floor(section.speaker)
        return self.owner or Floor()

    def _label_floor(self, label: Label) -> Floor:
        cast = self.cast
        if label.role is Role.PERSON:
            # An untitled label (`温佩君：`) introduces its person too: `温：` may follow.
            return Floor(cast.remember(Speaker(label.name, label.title)) if label.title
                         else cast.remember(cast.resolve(label.name)))
        if label.role is Role.SHORT:
            person = cast.by_surname(label.name)
            return Floor(person) if person else Floor()
        if label.role is Role.NARRATOR:
            return Floor()  # a voice-over: narration, in which others may still be reported
        if label.role is Role.TITLE:
            person = cast.by_title(label.title)
            return Floor(person) if person else Floor()
        if label.role is Role.ANSWER:
            return Floor(self.interviewee) if self.interviewee else Floor()
        if label.role is Role.ASKER and label.title in REPORTER_LABELS and self.reporter:
            return Floor(self.reporter)
        return Floor(asker=label.role in (Role.ASKER, Role.QUESTION))


def _credits_under(lines: list[Line]) -> dict[int, Mention]:
    """The person each credit line names (`——全国人大代表、…书记贾明亮`), keyed by the number of
    the text line right above it (the quotation credited)."""
    credits: dict[int, Mention] = {}
    above: Line | None = None
    for line in lines:
        if not line.text.strip():
            continue
        person = read_credit(line.text) if above is not None else None
        if person is not None and above is not None and above.kind is Kind.TEXT:
            credits[above.number] = person
        above = line
    return credits


def _names_first(text: str, speaker: Speaker | None) -> bool:
    """Whether a paragraph opens with `speaker`'s full name (not a surname or a nickname)."""
    if speaker is None or len(speaker.name) < 2 or speaker.members:
        return False
    return text.lstrip(" \u3000").startswith(speaker.name)


def _interviewee(title: str, content: list[Line], cast: Cast) -> Speaker | None:
    """The person an interview's headline and introduction name as interviewed: the only
    person they name, or the only one with the role the headline gives (`…访…学院院长`)."""
    people: list[Speaker] = [cast.speaker_of(m) for m in find_people(title)]
    named = _INTERVIEWED.search(title)
    if named and not people:
        name = name_starting(named.group("who"))
        if name is not None:
            return cast.remember(cast.resolve(name))  # `访谈段文洋`
    for line in content:
        if line.label is not None:
            break
        people.extend(cast.speaker_of(m) for m in cast.mentions(line.text))
    # One person named twice (in the headline and the introduction, titled differently) is
    # still the only one.
    distinct = list({p.name: p for p in reversed(people) if p.name}.values())[::-1]
    if len(distinct) == 1:
        return distinct[0]
    role = _ROLE_AT_END.search(title)
    if role:
        matching = [p for p in distinct if p.title.endswith(role.group())]
        if len(matching) == 1:
            return matching[0]
    return None


def _reporter(content: list[Line], cast: Cast) -> Speaker | None:
    """The one reporter a text names (`本台记者熊传刚：`, `记者晁思远在…看到`), whom a bare
    `记者：` then means; None when it names none or several."""
    reporters = {line.label.name for line in content if line.label is not None
                 and line.label.role is Role.PERSON and "记者" in line.label.title}
    for line in content[:3]:
        reporters.update(m.name for m in find_titled_mentions(line.text) if m.title.endswith("记者"))
    if len(reporters) == 1:
        return cast.resolve(reporters.pop())
    return None


def _is_latin_gap(match: re.Match[str]) -> bool:
    """Keep a space only between two Latin letters or digits (`G20 峰会` loses it, `5·1 服务` too)."""
    text = match.string
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return before.isascii() and after.isascii() and before.isalnum() and after.isalnum()


def _paragraphs(entries: list[tuple[Line, bool]]) -> list[tuple[list[Line], bool]]:
    """Group a section's lines into paragraphs: a line ending mid-sentence joins the next one,
    unless that one opens a turn (a speaker's label, a numbered question)."""
    paragraphs: list[tuple[list[Line], bool]] = []
    for line, moved in entries:
        if paragraphs and not paragraphs[-1][0][-1].terminated and not line.opens_paragraph:
            paragraphs[-1][0].append(line)
        else:
            paragraphs.append(([line], moved))
    return paragraphs

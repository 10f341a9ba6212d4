"""From a document's text to its passages: one per real paragraph, each with its speakers.

Steps: classify every line (`layout`), group the page into sections (a byline starts one, a
credit ends one), put scrambled columns back in their sections (`columns`), rejoin lines broken
mid-sentence, and attribute each paragraph (`attribution`). Headings, bylines, credits, captions
and labels become metadata of the passages, never passages of their own.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from retrieval.attribution import Context, segment_bylined, segment_reported
from retrieval.columns import ColumnModel, place_of
from retrieval.layout import Kind, Line, classify_document
from retrieval.models import Document, Passage, Segment, Speaker

# Bump when `chunk_document` gives other passages for the same document: cached passages are
# keyed by it (tests/test_versions.py says when the output changed and this did not).
CHUNKING_VERSION = 1
UNPLACED = "（版面续文，未能确定所属栏目）"


@dataclass
class _Section:
    index: int
    heading: str
    speaker: Speaker | None
    headings: dict[int, str] = field(default_factory=dict)  # line number -> subheading


def document_title(lines: list[Line], fallback: str) -> str:
    """The headline: the first heading, with a continuation line (——…, 暨…) joined to it."""
    headings = []
    for line in lines:
        if line.kind is Kind.BLANK:
            continue
        if line.kind is not Kind.HEADING:
            break
        headings.append(line.text)
    if not headings:
        return fallback
    title = headings[0]
    for extra in headings[1:]:
        if extra.startswith(("——", "暨", "—")):
            title += extra
        else:
            break
    return title


def _byline_speaker(group: list[Line]) -> Speaker:
    people: list[Speaker] = []
    for line in group:
        if line.people:
            people.extend(Speaker(m.name, m.title) for m in line.people)
        else:
            people.extend(Speaker(name) for name in (line.names or (line.text,)))
    return Speaker.joint(people)


def _sections(lines: list[Line]) -> tuple[list[_Section], list[tuple[str, object]]]:
    """Sections of the page and the event stream (section starts and text lines) in file order."""
    sections: list[_Section] = []
    events: list[tuple[str, object]] = []
    content = [line for line in lines if line.kind is not Kind.BLANK]
    pending_heading = ""
    headings_run: list[str] = []
    seen_text = False
    signed = False  # the current section's author has signed off: (作者为…) ends an article
    i = 0
    while i < len(content):
        line = content[i]
        if line.kind in (Kind.BYLINE, Kind.NAME):
            if line.kind is Kind.NAME and seen_text:
                # A bare name inside the body is a fragment of text, not an author.
                line = Line(line.number, Kind.TEXT, line.text)
            else:
                if sections and pending_heading:
                    # The headline above this byline belongs to it, not to the section before.
                    previous = sections[-1].headings
                    for number in [n for n, h in previous.items() if h == pending_heading]:
                        del previous[number]
                group = [line]
                while i + 1 < len(content) and content[i + 1].kind is Kind.BYLINE:
                    i += 1
                    group.append(content[i])
                heading = next((g.heading for g in group if g.heading), "") or pending_heading
                section = _Section(len(sections), heading, _byline_speaker(group))
                if sections and not _has_text(events):
                    # A byline with no text of its own is superseded by this one.
                    superseded = sections.pop()
                    events.pop()  # its start, the last event
                    section.index = len(sections)
                    section.heading = superseded.heading or section.heading
                sections.append(section)
                events.append(("start", section.index))
                signed = False
                pending_heading = ""
                headings_run = []
                i += 1
                continue
        if line.kind is Kind.HEADING:
            if headings_run and headings_run[-1].endswith("——"):
                headings_run[-1] += line.text
            else:
                headings_run.append(line.text)
            pending_heading = headings_run[-1]
            if sections:
                current = sections[-1]
                if current.speaker and not current.heading and not _has_text(events):
                    current.heading = pending_heading  # headline printed under its byline
                else:
                    current.headings[line.number] = pending_heading
            i += 1
            continue
        headings_run = []
        if line.kind is Kind.CREDIT:
            if events and events[-1][0] == "text":
                previous = events[-1][1]
                assert isinstance(previous, Line)
                events[-1] = ("text", Line(previous.number, previous.kind, previous.text,
                                           credit=line.text))
                if line.author_title and sections and sections[-1].speaker:
                    sections[-1].speaker = _with_title(sections[-1].speaker, line.author_title)
            signed = line.signs_off and bool(sections and sections[-1].speaker)
            i += 1
            continue
        if line.kind is Kind.TEXT:
            if not sections or signed:
                # Text before any byline, or after an author's sign-off: nobody's known words.
                sections.append(_Section(len(sections), pending_heading, None))
                events.append(("start", sections[-1].index))
                signed = False
            events.append(("text", line))
            pending_heading = ""  # a headline is one only directly above its byline
            seen_text = True
            signed = line.signs_off and sections[-1].speaker is not None
        i += 1
    return sections, events


def _with_title(speaker: Speaker, title: str) -> Speaker:
    if speaker.members:
        return speaker
    return Speaker(speaker.name, title)


def _has_text(events: list[tuple[str, object]]) -> bool:
    """Whether the latest section has text: its start is the last event until text follows."""
    return bool(events) and events[-1][0] == "text"


def _heading_at(section: _Section, line_number: int) -> str:
    heading = section.heading
    for number, sub in sorted(section.headings.items()):
        if number <= line_number:
            heading = sub if section.speaker is None or not section.heading else (
                f"{section.heading} · {sub}" if sub != section.heading else sub
            )
    return heading


def _stable_id(document_id: str, text: str, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(f"{document_id}\n{text}".encode("utf-8")).hexdigest()[:8]
    count = seen.get(digest, 0)
    seen[digest] = count + 1
    return f"p{digest}" if count == 0 else f"p{digest}-{count}"


def chunk_document(document: Document) -> list[Passage]:
    """All passages of a document, in reading order (continuations within their sections)."""
    lines = classify_document(document.text)
    sections, events = _sections(lines)
    if not sections:
        return []
    texts = [value for kind, value in events if kind == "text"]
    bylined = [s for s in sections if s.speaker is not None]
    uses_credits = sum(1 for line in texts if isinstance(line, Line) and line.credit) >= 2
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
    home = None
    text_index = 0
    for kind, value in events:
        if kind == "start":
            home = value
            continue
        assert isinstance(value, Line)
        if placements is None:
            target, moved = home, False
        else:
            placement = placements[text_index]
            target, moved = placement.section, placement.moved
        by_section.setdefault(target, []).append((value, moved))
        text_index += 1
    passages: list[Passage] = []
    seen_ids: dict[str, int] = {}
    captions = [line for line in lines if line.kind is Kind.CAPTION]
    context = Context()
    for section in sections:
        if section.speaker:
            context.remember(section.speaker)
    order: list[int | None] = [s.index for s in sections] + [None]
    for key in order:
        entries = by_section.get(key, [])
        section = sections[key] if key is not None else None
        for paragraph_lines, moved in _paragraphs(entries):
            text = "".join(line.text for line in paragraph_lines).strip()
            text = re.sub(r"\s+", lambda m: " " if _is_latin_gap(m) else "", text)
            if not text:
                continue
            first = paragraph_lines[0]
            number = len(passages) + 1
            if section is not None and section.speaker is not None:
                segments: list[Segment] = segment_bylined(text, number, section.speaker, context)
            elif section is not None:
                segments = segment_reported(text, number, context)
            else:
                segments = [Segment(text, None)]
            origin = None
            if moved:
                origin = f"版面续文：原文第 {first.number} 行"
            heading = _heading_at(section, first.number) if section is not None else UNPLACED
            passages.append(
                Passage(
                    id=_stable_id(document.id, text, seen_ids),
                    document_id=document.id,
                    document_title=document.title,
                    section=heading,
                    paragraph=number,
                    text=text,
                    segments=tuple(segments) or (Segment(text, None),),
                    line=first.number,
                    origin=origin,
                )
            )
    for line in captions:
        passages.append(
            Passage(
                id=_stable_id(document.id, line.text, seen_ids), document_id=document.id,
                document_title=document.title, section="图片说明", paragraph=len(passages) + 1,
                text=line.text, segments=(Segment(line.text, None),), line=line.number,
                kind="caption",
            )
        )
    return passages


def _is_latin_gap(match: re.Match[str]) -> bool:
    """Keep a space only between two Latin letters or digits (`G20 峰会` loses it, `5·1 服务` too)."""
    text = match.string
    before = text[match.start() - 1] if match.start() > 0 else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return before.isascii() and after.isascii() and before.isalnum() and after.isalnum()


def _paragraphs(entries: list[tuple[Line, bool]]) -> list[tuple[list[Line], bool]]:
    """Group a section's lines into paragraphs: a line ending mid-sentence joins the next one."""
    paragraphs: list[tuple[list[Line], bool]] = []
    for line, moved in entries:
        if paragraphs and not paragraphs[-1][0][-1].terminated:
            paragraphs[-1][0].append(line)
        else:
            paragraphs.append(([line], moved))
    return paragraphs

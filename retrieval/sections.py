"""The structure of a page: its articles, their sections, and the order of their text lines.

A byline starts a section that is its author's; an author's sign-off (`（作者为…）`) ends it;
text before any byline, or after a sign-off, is a section of nobody's known words. A file may
hold several articles: a new one starts at a level-one markdown heading after body text, at a
headline followed by a reporter's line or a news lead (`本报讯…`), or at a headline after an
author's sign-off; each section carries the title of its article.

The page is read into a list of events — a section starts, a text line follows — which the
column model (`columns`) may re-order for scrambled roundup pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.layout import Kind, Line
from retrieval.lexicon import SALUTATIONS
from retrieval.models import Speaker
from retrieval.names import parse_byline


@dataclass
class Section:
    """A run of a page under one byline (or none), with its headline and subheadings."""

    index: int
    heading: str
    speaker: Speaker | None
    headings: dict[int, str] = field(default_factory=dict)  # line number -> subheading
    article: str = ""  # the title of the article it belongs to ('' for the document's)

    def heading_at(self, line_number: int) -> str:
        """The section's headline, with the subheading in force at `line_number`."""
        heading = self.heading
        for number, sub in sorted(self.headings.items()):
            if number <= line_number:
                heading = sub if self.speaker is None or not self.heading else (
                    f"{self.heading} · {sub}" if sub != self.heading else sub
                )
        return heading


@dataclass(frozen=True)
class SectionStart:
    """Event: section `index` starts here."""

    index: int


@dataclass(frozen=True)
class TextLine:
    """Event: a text line of the section that started last."""

    line: Line


Event = SectionStart | TextLine


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


# A heading numbered as a part of one text (`一、…`, `（二）…`, `3.…`, `第一部分`).
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|"
                       r"第[一二三四五六七八九十\d]+)")


ARTICLE_HEADLINE = 6  # characters of the shortest headline of an article of its own


def _article_level(content: list[Line]) -> int:
    """The markdown level whose headings are a file's articles (`## 市总工会召开全委会` under
    the page's one `# 版面一：要闻`): level 2, when two or more of its headings each have text
    right after them and none is a part of one text (numbered, `## 一、…`, or a short subheading,
    `## 背景`); 0 otherwise."""
    headings = [(i, line) for i, line in enumerate(content)
                if line.kind is Kind.HEADING and line.level]
    if not headings or headings[0][1].level != 1 \
            or sum(1 for _, line in headings if line.level == 1) != 1:
        return 0
    second = [(i, line) for i, line in headings if line.level == 2]
    if len(second) < 2 or any(_NUMBERED.match(line.text) or len(line.text) < ARTICLE_HEADLINE
                              for _, line in second):
        return 0  # parts of one text: `## 一、…`, `## 背景`
    if not all(i + 1 < len(content) and content[i + 1].kind is Kind.TEXT for i, _ in second):
        return 0
    return 2


def _opens_article(content: list[Line], i: int) -> bool:
    """Whether the heading at `i` is an article's headline: a reporter's line or a news lead
    comes next (skipping further headings)."""
    j = i + 1
    while j < len(content) and content[j].kind is Kind.HEADING:
        j += 1
    if j == len(content):
        return False
    after = content[j]
    return (after.kind is Kind.LABEL and after.staff) or (after.kind is Kind.TEXT and bool(after.lead))


def page_sections(lines: list[Line]) -> tuple[list[Section], list[Event]]:
    """Sections of the page and the event stream (section starts and text lines) in file order."""
    sections: list[Section] = []
    events: list[Event] = []
    content = [line for line in lines if line.kind is not Kind.BLANK]
    pending_heading = ""
    headings_run: list[str] = []
    seen_text = False
    signed = False  # the current section's author has signed off: (作者为…) ends an article
    article = ""
    article_level = _article_level(content)
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
                if _signs(sections, events, content, i + 1):
                    # `…祝大家平安健康！` then `江州市总工会主席 闵学军` and a date: a letter's
                    # or a speech's signature, whose words are all above it.
                    sections[-1].speaker = _byline_speaker(group)
                    i += 1
                    continue
                heading = next((g.heading for g in group if g.heading), "") or pending_heading
                section = Section(len(sections), heading, _byline_speaker(group))
                if sections and not _has_text(events):
                    # A byline with no text of its own is superseded by this one.
                    superseded = sections.pop()
                    events.pop()  # its start, the last event
                    section.index = len(sections)
                    section.heading = superseded.heading or section.heading
                sections.append(section)
                events.append(SectionStart(section.index))
                signed = False
                pending_heading = ""
                headings_run = []
                i += 1
                continue
        if line.kind is Kind.HEADING:
            continues = bool(headings_run) and headings_run[-1].endswith("——")
            # `宁波、丽水学习组——` over `工会建设要…`: a section of the page under its banner, not
            # an article of its own, even with a lead of its own.
            own_article = bool(article_level) and line.level == article_level
            if (seen_text or own_article) and not continues and not line.text.endswith("——") and (
                    line.level == 1 or own_article or signed or _opens_article(content, i)):
                article = line.text  # a new article: its headline, its own sections
                # The section before ends, unless it is a byline still waiting for its text
                # (`**匙涛**` printed above its article's headline).
                signed = bool(sections) and _has_text(events)
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
            last = events[-1] if events else None
            if isinstance(last, TextLine):
                previous = last.line
                events[-1] = TextLine(Line(previous.number, previous.kind, previous.text,
                                           credit=line.text, label=previous.label))
                if line.author_title and sections and sections[-1].speaker:
                    sections[-1].speaker = _with_title(sections[-1].speaker, line.author_title)
                elif line.author_title and sections and _has_text(events):
                    # `（作者系…研究员 詹慧敏）` under an unsigned op-ed: its author, named at the end.
                    people = parse_byline(line.author_title) or []
                    if len(people) == 1:
                        sections[-1].speaker = Speaker(people[0].name, people[0].title)
            signed = line.signs_off and bool(sections and sections[-1].speaker)
            i += 1
            continue
        if line.kind is Kind.TEXT:
            if not sections or signed:
                # Text before any byline, or after an author's sign-off: nobody's known words.
                sections.append(Section(len(sections), pending_heading, None))
                events.append(SectionStart(sections[-1].index))
                signed = False
            if not _has_text(events):
                sections[-1].article = article
            events.append(TextLine(line))
            pending_heading = ""  # a headline is one only directly above its byline
            seen_text = True
            signed = line.signs_off and sections[-1].speaker is not None
        i += 1
    return sections, events


def _with_title(speaker: Speaker, title: str) -> Speaker:
    if speaker.members:
        return speaker
    return Speaker(speaker.name, title)


def _signs(sections: list[Section], events: list[Event], content: list[Line], after: int) -> bool:
    """Whether a byline signs the text above it: nothing but headings (a date) and credits
    follow it, and the unsigned section above opens with a salutation (`亲爱的…朋友们：`), as a
    letter or a speech printed with its signature at the end does."""
    if not sections or sections[-1].speaker is not None or not _has_text(events):
        return False
    if any(line.kind is Kind.TEXT or line.kind is Kind.BYLINE for line in content[after:]):
        return False
    start = max(i for i, event in enumerate(events) if isinstance(event, SectionStart))
    first = next((e.line.text for e in events[start + 1:] if isinstance(e, TextLine)), "")
    return first.startswith(SALUTATIONS) and first.rstrip().endswith(("：", ":"))


def _has_text(events: list[Event]) -> bool:
    """Whether the latest section has text: its start is the last event until text follows."""
    return bool(events) and isinstance(events[-1], TextLine)

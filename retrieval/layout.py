"""What each line of a newspaper page is: text, a heading, a byline, a reporter credit, a caption…

Pages converted from newspaper layouts keep one paragraph (or a piece of one) per line, with blank
lines as layout. Everything that is not the body of an article (headings, bylines, credits, photo
captions, section labels, dates, markdown residue) is recognised here so that it becomes metadata
rather than an answer passage.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from functools import cached_property

from retrieval.labels import Label, Role, read_label, read_mark
from retrieval.names import (
    Mention,
    find_titled_mentions,
    looks_like_foreign_name,
    looks_like_name,
    looks_like_untitled_name,
    parse_byline,
)


class Kind(enum.Enum):
    BLANK = "blank"
    TEXT = "text"
    HEADING = "heading"
    BYLINE = "byline"  # people who speak (or write) the section that follows
    CREDIT = "credit"  # (记者…整理), (作者为…): ends a section
    CAPTION = "caption"
    LABEL = "label"  # SANGONGLUNTAN, a date line
    NAME = "name"  # a bare name on its own line: an author when it stands among the headings


@dataclass(frozen=True)
class Line:
    """One classified line: its 1-based number in the file and what it holds."""

    number: int
    kind: Kind
    text: str
    people: tuple[Mention, ...] = ()
    heading: str = ""  # the headline of a headline byline (`…郑荣胜：**主动贴近中心**`)
    credit: str = ""  # a credit that ended this text line, or the credit itself
    author_title: str = ""  # from (作者为…)
    names: tuple[str, ...] = field(default=())  # authors of a bold or marked byline
    label: Label | None = None  # a transcript's speaker label the line starts with
    level: int = 0  # a markdown heading's level (`# …` is 1)
    lead: str = ""  # a news lead taken off the line's start (`本报讯 记者…报道`)
    staff: bool = False  # a reporter's or editor's line (`记者 张三 李四`)

    @cached_property
    def terminated(self) -> bool:
        """True when the line ends a sentence, so the next line does not continue it."""
        return (bool(self.credit) or ends_sentence(self.text)
                or (self.label is not None and self.label.alone))

    @property
    def opens_paragraph(self) -> bool:
        """True when the line starts a paragraph whatever the line before it: a speaker label
        or a numbered question starts a turn."""
        return self.label is not None

    @property
    def signs_off(self) -> bool:
        """True when the line's credit is an author's (`（作者为…）`), which ends an article."""
        return _AUTHOR_CREDIT.match(self.credit) is not None


TERMINAL = "。！？!?…：:"
HEADLINE_LENGTH = 100  # characters a first line may have and still be the headline
_CLOSERS = "”’」』）)》】"


def ends_sentence(text: str) -> bool:
    """Whether `text` ends at the end of a sentence (closing quotes and brackets looked through)."""
    stripped = text.rstrip().rstrip("*").rstrip()
    while stripped and stripped[-1] in _CLOSERS:
        stripped = stripped[:-1]
        if stripped and stripped[-1] in TERMINAL:
            return True
        if not stripped or stripped[-1] not in _CLOSERS:
            # `“娘家人”` ends a quoted word, not a sentence.
            return False
    return bool(stripped) and stripped[-1] in TERMINAL


_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s*")
_CREDIT = re.compile(
    r"[（(]\s*((?:本报)?(?:见习记者|记者|通讯员|实习生|特约记者|作者|摄影|编辑)[^（）()]{0,60}?)\s*[)）]\s*$"
)
_AUTHOR_CREDIT = re.compile(r"^\s*[（(]\s*作者")
_AUTHOR_NOTE = re.compile(r"作者(?:系|为|是|单位\s*[：:]?)\s*(.+?)\s*$")
_LEAD = re.compile(
    r"^\s*(?:本报讯|本报[\u4e00-\u9fff]{0,6}电|[\u4e00-\u9fff]{2,6}社[\u4e00-\u9fff0-9０-９]{0,14}电)"
    r"\s*(?:[（(][^）)]{0,40}[)）])?\s*"
    r"(?:(?:(?:本报)?(?:见习记者|记者|通讯员|实习生)\s*[\u4e00-\u9fff、\s]{2,30}?)+(?:报道|报|电)\s*)?"
)
_CAPTION = re.compile(r"(?:记者|通讯员|摄影|图/|图：)\s*[\u4e00-\u9fff、\s]{2,12}\s*摄\s*$|^\s*图为")
_LABEL = re.compile(r"^[A-Z][A-Z\s]{5,}$")
# Reporter and editor lines at the top or bottom of an article: who wrote it down, not who spoke.
_STAFF = re.compile(
    r"^(?:(?:本报|新华社|人民网)?(?:见习|实习|特约|首席)?记者|通讯员|实习生|责任编辑|编辑|校对|文/图|文／图|"
    r"图/文|摄影|图|文)\s*[：:/／]?\s*[\u4e00-\u9fff·]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4})*\s*"
    r"(?:报道|摄|整理)?$"
)
_DATE = re.compile(r"^[（(]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[)）]$")
_BOLD_AUTHORS = re.compile(
    r"^(?:\*\*\s*([\u4e00-\u9fff·][\u4e00-\u9fff·\s]{1,14}?)\s*\*\*\s*)+(?:观点|文|撰文|口述|/文)?$"
)
_BOLD_RUN = re.compile(r"\*\*\s*([^*]+?)\s*\*\*")
_HEADLINE_BYLINE = re.compile(r"^(.{4,60}?)[：:]\s*(?:\*\*)?(.+?)(?:\*\*)?\s*$")
_NUMBERED_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章节部分])")
_BARE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
# A byline set off by a mark: `□ 赵文斌`, `■ 市总工会副主席 刘芳`.
_MARKED = re.compile(r"^[□■◎●○◆◇▲△★☆]\s*(\S.*)$")
_NAME_SEPARATORS = re.compile(r"[\s、]+")


def strip_markdown(text: str) -> str:
    """Text without markdown emphasis and heading marks."""
    text = _MARKDOWN_HEADING.sub("", text)
    return text.replace("**", "").replace("__", "").strip()


def _is_heading(text: str) -> bool:
    """A short line that names a section rather than saying something."""
    if len(text) > 34 or re.search(r"[。！？!?；;]", text):
        return False
    if ends_sentence(text) or text.endswith(("，", ",", "、")):
        return False
    if re.search(r"[，,]", text) and not _NUMBERED_HEADING.match(text):
        return False
    if text.startswith("——"):
        return True
    if text.count("“") != text.count("”") or find_titled_mentions(text, strict=True):
        return False  # an open quote or a named official: a sentence cut by the layout
    return True


def _marked_byline(number: int, text: str) -> Line | None:
    """The line after a byline's mark: a reporter, the authors, or None for anything else.

    `本报记者 李明` is staff, who wrote it down; titled people are a byline as without the mark,
    and so are up to four untitled names (the mark is what a bare name lacks: it cannot be the
    end of a sentence cut by the layout). A mark before words that are not names (`□ 强基础`, a
    list's bullet) leaves the line to the other rules.
    """
    if _STAFF.match(text):
        return Line(number, Kind.LABEL, text)
    people = parse_byline(text)
    if people:
        return Line(number, Kind.BYLINE, text, people=tuple(people))
    names = tuple(_NAME_SEPARATORS.split(text))
    if len(names) <= 4 and all(looks_like_untitled_name(name) for name in names):
        return Line(number, Kind.BYLINE, text, names=names)
    return None


def classify(number: int, raw: str) -> Line:
    """Classify one raw line of a document."""
    stripped = raw.strip().replace("\u3000", " ").strip()
    if not stripped:
        return Line(number, Kind.BLANK, "")
    markdown = _MARKDOWN_HEADING.match(stripped)
    if markdown:
        text = strip_markdown(stripped)
        if _LABEL.match(text):
            return Line(number, Kind.LABEL, text)
        level = markdown.group().count("#")
        return Line(number, Kind.HEADING, text, level=level) if text else Line(number, Kind.BLANK, "")
    marked_script = read_mark(stripped)
    if marked_script is not None:
        # A broadcast script's `【同期】…班长 葛志强` or `【解说】…`: a label, whatever else the
        # line looks like (a byline, a heading).
        rest, label = marked_script
        return Line(number, Kind.TEXT, rest, label=label)
    bold = _BOLD_AUTHORS.match(stripped)
    if bold:
        names: list[str] = []
        for run in _BOLD_RUN.findall(stripped):
            names.extend(part for part in run.split() if part)
        return Line(number, Kind.BYLINE, strip_markdown(stripped), names=tuple(names))
    text = strip_markdown(stripped)
    if _LABEL.match(text) or _DATE.match(text):
        return Line(number, Kind.LABEL, text)
    if _STAFF.match(text):
        return Line(number, Kind.LABEL, text, staff=True)
    marked = _MARKED.match(text)
    if marked:
        line = _marked_byline(number, marked.group(1).strip())
        if line:
            return line
    credit = _CREDIT.search(text)
    if credit and credit.start() == 0:
        note = _AUTHOR_NOTE.search(credit.group(1))
        return Line(number, Kind.CREDIT, text, credit=text, author_title=note.group(1) if note else "")
    if _CAPTION.search(text) and len(text) < 120:
        return Line(number, Kind.CAPTION, text)
    people = parse_byline(text)
    if people:
        return Line(number, Kind.BYLINE, text, people=tuple(people))
    headline = _HEADLINE_BYLINE.match(stripped)
    if headline and "**" in stripped:
        people = parse_byline(headline.group(1))
        if people:
            return Line(
                number, Kind.BYLINE, text, people=tuple(people),
                heading=strip_markdown(headline.group(2)),
            )
    if _BARE_NAME.match(text):
        return Line(number, Kind.NAME, text)
    names = _names_only(text)
    if names:
        return Line(number, Kind.NAME, text, names=names)
    label = read_label(text)
    if label is not None and label.alone and label.role is not Role.QUESTION:
        return Line(number, Kind.TEXT, text, label=label)
    if _is_heading(text):
        return Line(number, Kind.HEADING, text)
    lead = _LEAD.match(text)
    lead_text = ""
    if lead and lead.end() > 0:
        lead_text = lead.group().strip()
        text = text[lead.end():].strip()
        label = None
    if credit:
        return Line(number, Kind.TEXT, text[: credit.start()].rstrip(), credit=credit.group(0).strip(),
                    label=label, lead=lead_text)
    return Line(number, Kind.TEXT, text, label=label, lead=lead_text)


def _names_only(text: str) -> tuple[str, ...]:
    """The names of a line of two to four names and nothing else (`杨庆山 陈雨露`), or ()."""
    names = tuple(name for name in _NAME_SEPARATORS.split(text) if name)
    if not 2 <= len(names) <= 4:
        return ()
    if all(looks_like_untitled_name(n) or looks_like_name(n) and len(n) >= 3
           or looks_like_foreign_name(n) for n in names):
        return names
    return ()


def classify_document(text: str) -> list[Line]:
    """Every line of a document, classified.

    A heading-like line between body text and a section's headline (the one heading directly
    above a byline) is the cut end of a column (`工会工作要找准与党政中心工作`), not a heading: a section
    headline is a single line directly above its byline.
    """
    lines = [classify(number, raw) for number, raw in enumerate(text.splitlines(), start=1)]
    content = [line for line in lines if line.kind is not Kind.BLANK]
    if content and _long_headline(content[0]):
        first = content[0]
        lines[first.number - 1] = content[0] = Line(first.number, Kind.HEADING, first.text)
    for before, line, after, then in zip(content, content[1:], content[2:], content[3:]):
        if (
            line.kind is Kind.HEADING
            and before.kind is Kind.TEXT
            and after.kind is Kind.HEADING
            and then.kind is Kind.BYLINE
        ):
            lines[line.number - 1] = Line(line.number, Kind.TEXT, line.text)
    return lines


def _long_headline(first: Line) -> bool:
    """Whether the first line that is not blank is a long headline written as a sentence
    (`…——曹雪涛校长在开学典礼上的讲话`)."""
    return first.kind is Kind.TEXT and not first.terminated \
        and len(first.text) <= HEADLINE_LENGTH and first.label is None


def leading_lines(text: str) -> list[Line]:
    """The lines of `text` as `classify_document` classifies them, up to and including the
    first that is neither blank nor a heading: all that `sections.document_title` reads.

    Reading a file names its document by its headline; classifying every line of it for that
    took a tenth of a first build's chunking. `classify_document`'s other rule turns a heading
    into text only after a text line, so it never changes these lines.
    """
    lines: list[Line] = []
    first = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = classify(number, raw)
        if line.kind is Kind.BLANK:
            lines.append(line)
            continue
        if first and _long_headline(line):
            line = Line(line.number, Kind.HEADING, line.text)
        first = False
        lines.append(line)
        if line.kind is not Kind.HEADING:
            break
    return lines

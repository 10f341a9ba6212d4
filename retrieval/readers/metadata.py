"""What a reader gives back (`Extracted`) and how metadata values from any format are cleaned.

Every format names the same things differently (front matter's `date` or `日期`, Word's
`created`, PDF's `/CreationDate`, a web page's `article:published_time`); the readers map them
onto one `Source` here, with dates made ISO and meaningless titles (`Microsoft Word - 文档1`)
dropped. The key names and junk titles are data, below.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from retrieval.models import NO_SOURCE, Article, Source


@dataclass(frozen=True)
class Extracted:
    """A document's text as lines (paragraphs apart by blank lines) and what it says of itself.

    `title` is empty when the file names none; the headline is then read from the text.
    `articles`: the articles a file of several marks, each with its own title and source.
    """

    text: str
    title: str = ""
    source: Source = NO_SOURCE
    encoding: str = "utf-8"
    articles: tuple[Article, ...] = ()


# Front matter keys (lower case) for each `Source` field, Chinese names included.
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "标题", "题目"),
    "date": ("date", "published", "pubdate", "publish_date", "published_at", "日期", "发布时间",
             "发布日期", "时间"),
    "publication": ("source", "publication", "publisher", "media", "来源", "出处", "媒体",
                    "报纸", "刊物"),
    "author": ("author", "authors", "by", "作者", "记者"),
    "url": ("url", "link", "source_url", "canonical", "链接", "原文链接", "网址"),
    "page": ("page", "版次", "版面", "版"),
}

# Titles that name a file or a template, not an article.
_JUNK_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel) - .*|.*\.(?:docx?|wps|pdf|txt|rtf|html?)"
    r"|untitled.*|无标题.*|文档\s*\d*|document\s*\d*|新建.*文档.*|\W*)$",
    re.IGNORECASE,
)

_NUMERIC_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?\s*[日号]?")
_COMPACT_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})?")


def clean_title(value: object) -> str:
    """A title worth citing, or "" for none (empty, a file name, `Microsoft Word - …`)."""
    text = " ".join(str(value or "").split())
    return "" if _JUNK_TITLE.match(text) else text


def iso_date(value: object) -> str:
    """`2024-03-07` (or `2024-03` when no day is given) from a date, a datetime or a string.

    Strings: `2024-03-07`, `2024/3/7`, `2024.03.07`, `2024年3月7日`, `2024年3月`,
    `2024-03-07T08:00:00+08:00` (the day as written, not moved to another time zone),
    `20240307` and PDF dates (`D:20240307120000+08'00'`). Anything else, or an impossible day,
    gives "".
    """
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value or "").strip()
    match = _NUMERIC_DATE.search(text) or _COMPACT_DATE.match(text)
    if not match:
        return ""
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else 0
    if not 1 <= month <= 12 or not 1000 <= year <= 9999:
        return ""
    if not day:
        return f"{year:04d}-{month:02d}"
    if day > calendar.monthrange(year, month)[1]:
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def _text(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(_text(item) for item in value if _text(item))
    if isinstance(value, (dt.date, dt.datetime)):
        return iso_date(value)
    return " ".join(str(value).split()) if value is not None else ""


def from_fields(fields: dict[str, object]) -> tuple[str, Source]:
    """The title and `Source` named by a mapping such as front matter (keys of `FIELD_KEYS`)."""
    lowered = {str(key).strip().lower(): value for key, value in fields.items()}
    found: dict[str, str] = {}
    for name, keys in FIELD_KEYS.items():
        for key in keys:
            value = _text(lowered.get(key))
            if value:
                found[name] = value
                break
    return clean_title(found.get("title", "")), make_source(
        date=found.get("date", ""), publication=found.get("publication", ""),
        author=found.get("author", ""), url=found.get("url", ""), page=found.get("page", ""))


def make_source(*, date: object = "", publication: object = "", author: object = "",
                url: object = "", page: object = "") -> Source:
    """A `Source` with cleaned fields: an ISO date, a URL only if http(s), one-line texts."""
    link = _text(url)
    if not re.match(r"^https?://\S+$", link, re.IGNORECASE):
        link = ""
    return Source(date=iso_date(date), publication=_text(publication), author=_text(author),
                  url=link, page=_text(page))


def merge(first: Source, second: Source) -> Source:
    """`first`'s fields, each empty one taken from `second`."""
    return Source(
        date=first.date or second.date, publication=first.publication or second.publication,
        author=first.author or second.author, url=first.url or second.url,
        page=first.page or second.page)

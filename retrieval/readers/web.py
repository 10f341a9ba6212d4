"""Web pages (`.html`, `.htm`, and pages saved under another name): the article, not the page.

trafilatura, made for news and blog pages, finds the main content, so navigation, related
links, sidebars and footers stay out. The citation fields come from the page's own meta tags
(Open Graph, `article:published_time`, the canonical link, and the names Chinese news systems
use, `PubDate`, `ContentSource`…, listed below), then from what trafilatura infers. A page
fetched by `retrieval.ingest` starts with a comment recording the URL it came from, which wins
over the page's own links. A page too short for trafilatura is read as its plain text.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from retrieval.errors import DocumentError
from retrieval.readers.encoding import decode
from retrieval.readers.metadata import Extracted, clean_title, make_source, merge

logger = logging.getLogger(__name__)

# Meta tags (`name` or `property`, lower case) for each field, the most specific first.
META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "articletitle", "twitter:title", "headline", "title"),
    "date": ("article:published_time", "pubdate", "publishdate", "publish_date", "date",
             "dc.date", "dc.date.issued", "og:release_date", "sailthru.date", "datepublished",
             "firstpublishedtime", "article:modified_time"),
    "publication": ("og:site_name", "contentsource", "source", "sitename", "publisher",
                    "dc.publisher", "application-name"),
    "author": ("article:author", "author", "dc.creator", "byl"),
    "url": ("og:url",),
}

# The first line `retrieval.ingest` writes above a fetched page.
RECORD = '<!-- chuchu-source url="{url}" charset="{charset}" -->\n'
_RECORDED = re.compile(r'^\s*<!-- chuchu-source url="([^"]*)" charset="([^"]*)" -->')
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# What a page declares, decoded with the codec that reads every such page.
_CODEC = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb18030": "gb18030",
          "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "x-x-big5": "big5hkscs",
          "cp950": "cp950", "utf-8": "utf-8", "utf8": "utf-8"}
_BLOCKS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section",
           "article", "blockquote", "table", "ul", "ol", "dd", "dt", "pre")
_NOT_TEXT = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
             "template", "svg")


def decode_page(data: bytes, name: str) -> tuple[str, str]:
    """A page's text and encoding: the charset recorded at fetching or declared in a meta tag,
    when it decodes cleanly; otherwise the text files' decoding (`encoding.decode`)."""
    head = data[:4096]
    recorded = _RECORDED.match(head.decode("ascii", "replace"))
    declared = [recorded.group(2)] if recorded and recorded.group(2) else []
    declared += [m.group(1).decode("ascii").lower() for m in _DECLARED.finditer(head)]
    for charset in declared:
        codec = _CODEC.get(charset.lower())
        if codec is None:
            continue
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return decode(data, name)


def read(path: Path, data: bytes) -> Extracted:
    """Read a web page file."""
    text, encoding = decode_page(data, path.name)
    return read_markup(text, encoding=encoding)


def read_markup(markup: str, encoding: str = "utf-8") -> Extracted:
    """The main text of a page's markup, with its title and citation fields."""
    import lxml.html
    from lxml.etree import ParserError

    recorded = _RECORDED.match(markup)
    try:
        tree = lxml.html.document_fromstring(markup)
    except (ParserError, ValueError) as exc:
        raise DocumentError("", f"网页无法解析（{exc}）") from None
    meta = _meta_tags(tree)
    canonical = next((link.get("href", "") for link in tree.iter("link")
                      if "canonical" in (link.get("rel") or "").lower().split()), "")
    fields = {name: next((meta[key] for key in keys if meta.get(key)), "")
              for name, keys in META_KEYS.items()}
    url = (recorded.group(1) if recorded else "") or canonical or fields["url"]
    found = _main_text(markup, url)
    body = found.text if found is not None and found.text else _plain_text(tree)
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
    if not paragraphs:
        raise DocumentError("", "网页中没有找到正文")
    title = clean_title(fields["title"]) or clean_title(_title_tag(tree))
    source = make_source(date=fields["date"], publication=fields["publication"],
                         author=fields["author"], url=url)
    if found is not None:
        title = title or clean_title(found.title)
        source = merge(source, make_source(date=found.date, publication=found.sitename,
                                           author=found.author, url=found.url))
    return Extracted("\n\n".join(paragraphs) + "\n", title, source, encoding)


def _meta_tags(tree: object) -> dict[str, str]:
    """Every meta tag's content by its `name` or `property`, lower case; the first one wins."""
    meta: dict[str, str] = {}
    for tag in tree.iter("meta"):  # type: ignore[attr-defined]
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        content = (tag.get("content") or "").strip()
        if key and content:
            meta.setdefault(key, content)
    return meta


def _title_tag(tree: object) -> str:
    """The `<title>`, without the site's name after a separator (`标题 - 青石日报`)."""
    title = next((t.text_content() for t in tree.iter("title")), "")  # type: ignore[attr-defined]
    return re.split(r"\s+[-|_—–]\s+|\s*[|｜_]\s*", title.strip())[0] if title else ""


def _main_text(markup: str, url: str) -> object | None:
    """trafilatura's extraction of the page's article (its text, title, date…), or None."""
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            markup, url=url or None, with_metadata=True, include_comments=False,
            include_tables=True, favor_precision=True,
            # Only dates the page states, never one guessed from its text or links.
            date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception:  # noqa: BLE001 - a parser's failure on odd markup: read the plain text
        logger.info("trafilatura could not read a page; using its plain text", exc_info=True)
        return None


def _plain_text(tree: object) -> str:
    """The text of a page (or fragment) without scripts, navigation and footers, a block a line."""
    for element in list(tree.iter(*_NOT_TEXT)):  # type: ignore[attr-defined]
        element.drop_tree()
    for element in tree.iter(*_BLOCKS):  # type: ignore[attr-defined]
        element.tail = "\n" + (element.tail or "")
    return tree.text_content()  # type: ignore[attr-defined]


"""Plain text and Markdown files (`.txt`, `.md`): decoded, front matter read, web pages caught.

A file gathering several articles may give each its own front matter block (`frontmatter`);
they become the document's `articles`. Markdown rules (`---`) are blanked: they said nothing, and one at the top was cited as the
title 《---》. Lines are kept where they are, so passages keep the file's line numbers.

A web page saved as `.txt` (or a `.md` that is a whole HTML page) is read as the web page it
is, so that its tags and navigation are never indexed as text.
"""

from __future__ import annotations

import re
from pathlib import Path

from retrieval.models import Article
from retrieval.readers.encoding import decode
from retrieval.readers.frontmatter import split_articles, split_front_matter
from retrieval.readers.metadata import FIELD_KEYS, Extracted, from_fields, merge

# A whole page, or a fragment dense with block tags (`<p>…</p><p>…</p>`).
_PAGE = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]",
                   re.IGNORECASE | re.DOTALL)
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|span|li|ul|ol|table|tr|td|h[1-6]|a|img|section|article"
                        r"|body|head|meta|script|style)\b[^>]*>", re.IGNORECASE)
_TAG_SHARE = 0.05  # of the text's characters inside such tags: markup, not a text mentioning one
# A Markdown rule (`---`, `***`, `* * *`) says nothing: never a headline or a passage.
_RULE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)


def looks_like_html(text: str, fragments: bool = True) -> bool:
    """True for a web page (or, with `fragments`, text mostly marked up with block tags)."""
    if _PAGE.match(text[:4096]):
        return True
    if not fragments:
        return False
    tags = _BLOCK_TAG.findall(text)
    return len(tags) >= 3 and sum(map(len, tags)) / max(len(text), 1) >= _TAG_SHARE


def read(path: Path, data: bytes) -> Extracted:
    """Decode a `.txt`/`.md` file, strip its front matter into the title and source."""
    text, encoding = decode(data, path.name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Markdown may hold a few inline tags (`<br>`) of its own; only a whole page is a page there.
    if looks_like_html(text, fragments=path.suffix.lower() != ".md"):
        from retrieval.readers.web import read_markup

        return read_markup(text, encoding=encoding)
    fields, text = split_front_matter(text)
    title, source = from_fields(fields)
    marks, text = split_articles(text, (key for keys in FIELD_KEYS.values() for key in keys))
    articles = []
    if marks and fields:  # the top block is then the first article's
        first = next((n for n, line in enumerate(text.split("\n"), start=1) if line.strip()), 0)
        if first and first < marks[0][0]:
            marks.insert(0, (first, fields))
    for line, own in marks:
        own_title, own_source = from_fields(own)
        articles.append(Article(line, own_title, merge(own_source, source)))
    return Extracted(_RULE.sub("", text), title, source, encoding, tuple(articles))

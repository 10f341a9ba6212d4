"""YAML front matter at the top of a `.md` or `.txt` file: the document's title, date, source…

    ---
    title: 青石市总工会推进新就业形态劳动者入会
    date: 2024-03-07
    source: 青石日报
    ---

The block is read with PyYAML's safe loader (or, if it is not valid YAML, as `key: value`
lines) and blanked out of the text, line for line, so that passages keep the line numbers of
the file and the block is never cited (it once gave the title 《---》).

A file that gathers several articles may give each its own block further down: such a block
is one that names at least one known field (`title`, `date`… of `metadata.FIELD_KEYS`),
so that a Markdown rule followed by ordinary text is never taken for one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

logger = logging.getLogger(__name__)

_OPEN = "---"
_CLOSE = ("---", "...")
_MAX_LINES = 60  # a longer block is not front matter but a document that starts with a rule
_KEY_VALUE = re.compile(r"^\s*([^\s:：#][^:：]{0,30}?)\s*[:：]\s*(.*?)\s*$")


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """The front matter's fields and the text with the block replaced by blank lines.

    A text without front matter comes back unchanged, with no fields.
    """
    lines = text.split("\n")
    block = _block_at(lines, 0)
    if block is None:
        return {}, text
    end, fields = block
    return fields, "\n" * end + "\n" + "\n".join(lines[end + 1:])


def split_articles(text: str, known: Iterable[str]) -> tuple[list[tuple[int, dict[str, object]]], str]:
    """Front matter blocks below the top of `text` that name a field in `known` (lower case):
    each article's first line (1-based) with its fields, and the text with the blocks blanked.
    """
    keys = {key.lower() for key in known}
    lines = text.split("\n")
    articles: list[tuple[int, dict[str, object]]] = []
    index = 1
    while index < len(lines):
        block = _block_at(lines, index) if lines[index].strip() == _OPEN else None
        if block is None or not keys & {str(key).strip().lower() for key in block[1]}:
            index += 1
            continue
        end, fields = block
        lines[index:end + 1] = [""] * (end + 1 - index)
        first = next((i for i in range(end + 1, len(lines)) if lines[i].strip()), None)
        if first is not None:
            articles.append((first + 1, fields))
        index = end + 1
    return articles, "\n".join(lines)


def _block_at(lines: list[str], start: int) -> tuple[int, dict[str, object]] | None:
    """The closing line and fields of a front matter block opening at `lines[start]`, or None."""
    if start >= len(lines) or lines[start].strip() != _OPEN:
        return None
    end = next((i for i in range(start + 1, min(start + _MAX_LINES + 1, len(lines)))
                if lines[i].strip() in _CLOSE), None)
    if end is None:
        return None
    fields = _parse("\n".join(lines[start + 1:end]))
    return (end, fields) if fields else None


def _parse(block: str) -> dict[str, object]:
    import yaml  # only for files that have front matter

    try:
        value = yaml.safe_load(block)
    except yaml.YAMLError as exc:
        logger.debug("front matter is not YAML (%s); reading it as key: value lines", exc)
        value = None
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    pairs = [_KEY_VALUE.match(line) for line in block.splitlines() if line.strip()]
    if pairs and all(pairs):
        return {m.group(1): m.group(2).strip("'\"") for m in pairs if m}
    return {}

"""YAML front matter at the top of a `.md` or `.txt` file: the document's title, date, source…

    ---
    title: 青石市总工会推进新就业形态劳动者入会
    date: 2024-03-07
    source: 青石日报
    ---

The block is read with PyYAML's safe loader (or, if it is not valid YAML, as `key: value`
lines) and blanked out of the text, line for line, so that passages keep the line numbers of
the file and the block is never cited (it once gave the title 《---》).
"""

from __future__ import annotations

import logging
import re

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
    if not lines or lines[0].strip() != _OPEN:
        return {}, text
    end = next((i for i, line in enumerate(lines[1:_MAX_LINES + 1], start=1)
                if line.strip() in _CLOSE), None)
    if end is None:
        return {}, text
    fields = _parse("\n".join(lines[1:end]))
    if not fields:
        return {}, text
    return fields, "\n" * end + "\n" + "\n".join(lines[end + 1:])


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

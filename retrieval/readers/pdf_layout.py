"""Reading order and paragraphs of a PDF page, from where each character is drawn.

A PDF says where each glyph goes, not which text comes next: typesetters draw columns line by
line across the page, quotation marks after the line they sit in (LibreOffice draws `“”` in
their own font, last), or a headline after the body. Every extractor measured in
`docs/pdf-readers.md` that follows the drawing order, or reads lines across the whole page,
got one of these wrong. So the page is read from the glyphs' positions alone:

1. **Blocks** by recursive XY-cut: a region is cut at its widest vertical gutter (an empty
   band at least `GUTTER` ems wide from its top to its bottom) into columns, read left to
   right; failing that, at its widest horizontal gap of at least `GAP` ems, top to bottom;
   a region with neither is one block. Columns are tried first, so paragraph gaps that happen
   to line up across two columns never cut the page into bands.
2. **Lines**: a block's glyphs grouped by baseline and ordered by x.
3. **Paragraphs**: a line starts a new one when it is indented past the block's left edge,
   when the line before it stops short of the right edge, or when the type size changes.

The result is one paragraph per item; a paragraph cut by a column or page break comes as two
items, the first not ending a sentence, and chunking rejoins them as it does in text files.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

GUTTER = 0.9  # ems: the narrowest empty band between two columns
GAP = 0.6  # ems: the smallest vertical gap between two blocks (lines sit 0.1–0.5 em apart)
INDENT = 0.8  # ems: a line starting this far right of its block's edge starts a paragraph
SHORT = 1.5  # ems: a line ending this far left of its block's edge ends its paragraph
SIZE_CHANGE = 0.15  # a change of type size by this share starts a paragraph (a headline)
_ASCENT, _DESCENT = 0.9, 0.2  # ems above and below the baseline a glyph is taken to occupy
_PAGE_NUMBER = re.compile(r"^[-—–第\s]*\d{1,4}[-—–页\s]*$")


@dataclass(frozen=True)
class Glyph:
    """One drawn character: where it starts and ends across, its baseline, its type size."""

    char: str
    x0: float
    x1: float
    y: float  # the baseline, growing upwards as in PDF space
    size: float


def page_paragraphs(glyphs: Sequence[Glyph]) -> list[str]:
    """The page's paragraphs in reading order, each as one line of text."""
    seen: set[tuple[str, int, int]] = set()
    kept: list[Glyph] = []
    for glyph in glyphs:
        # A glyph drawn twice a hair apart is fake bold, not two characters.
        key = (glyph.char, round(glyph.x0 / max(glyph.size, 1) * 4), round(glyph.y))
        if glyph.char.isspace() or glyph.size <= 0 or key in seen:
            continue
        seen.add(key)
        kept.append(glyph)
    paragraphs: list[str] = []
    for block in _blocks(kept):
        for paragraph in _paragraphs(_lines(block)):
            if not _PAGE_NUMBER.match(paragraph):
                paragraphs.append(paragraph)
    return paragraphs


def _em(glyphs: Sequence[Glyph]) -> float:
    return statistics.median(g.size for g in glyphs)


def _widest_gap(spans: list[tuple[float, float]], least: float) -> tuple[float, float] | None:
    """The widest gap of at least `least` between the merged `spans`, or None."""
    spans.sort()
    best: tuple[float, float] | None = None
    reach = spans[0][1]
    for start, end in spans[1:]:
        if start - reach >= least and (best is None or start - reach > best[1] - best[0]):
            best = (reach, start)
        reach = max(reach, end)
    return best


def _blocks(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Recursive XY-cut: the page's blocks in reading order."""
    if len(glyphs) < 2:
        return [glyphs] if glyphs else []
    em = _em(glyphs)
    gutter = _widest_gap([(g.x0, g.x1) for g in glyphs], GUTTER * em)
    if gutter is not None:
        middle = sum(gutter) / 2
        left = [g for g in glyphs if (g.x0 + g.x1) / 2 < middle]
        right = [g for g in glyphs if (g.x0 + g.x1) / 2 >= middle]
        return _blocks(left) + _blocks(right)
    # Upwards is y growing, so the spans are negated to read from the top.
    gap = _widest_gap([(-g.y - g.size * _ASCENT, -g.y + g.size * _DESCENT) for g in glyphs],
                      GAP * em)
    if gap is not None:
        middle = sum(gap) / 2
        upper = [g for g in glyphs if -g.y < middle]
        lower = [g for g in glyphs if -g.y >= middle]
        return _blocks(upper) + _blocks(lower)
    return [glyphs]


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    x1: float
    size: float


def _lines(block: list[Glyph]) -> list[_Line]:
    """A block's lines, top to bottom, each glyph on the line of the nearest baseline."""
    em = _em(block)
    rows: list[list[Glyph]] = []
    for glyph in sorted(block, key=lambda g: -g.y):
        if rows and abs(rows[-1][0].y - glyph.y) <= 0.5 * em:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
    lines = []
    for row in rows:
        row.sort(key=lambda g: g.x0)
        parts = [row[0].char]
        for before, glyph in zip(row, row[1:]):
            # Words of Latin script keep the space the page shows between them; Chinese has none.
            if glyph.x0 - before.x1 > 0.25 * glyph.size and before.char.isascii() \
                    and glyph.char.isascii():
                parts.append(" ")
            parts.append(glyph.char)
        lines.append(_Line("".join(parts), row[0].x0, max(g.x1 for g in row), _em(row)))
    return lines


def _paragraphs(lines: list[_Line]) -> list[str]:
    """Lines joined into paragraphs by indentation, short lines and changes of type size."""
    if not lines:
        return []
    em = statistics.median(line.size for line in lines)
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    paragraphs = [lines[0].text]
    for before, line in zip(lines, lines[1:]):
        starts = (
            line.x0 > left + INDENT * em
            or before.x1 < right - SHORT * em
            or abs(line.size - before.size) > SIZE_CHANGE * max(line.size, before.size)
        )
        if starts:
            paragraphs.append(line.text)
        else:
            paragraphs[-1] += line.text
    return paragraphs

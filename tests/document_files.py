"""Builders of real document files for tests and benchmarks: Word, PDF and web pages.

Each builder writes the format with the library a user's own tools would produce it with
(python-docx for Word, reportlab for PDF), from Chinese text the test itself supplies, so the
readers are tested on real files and never on mocks.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

# reportlab's built-in Adobe CID font: Chinese without a font file, so the tests need nothing
# from the system. `ttf` below embeds a TrueType subset instead, as most real PDFs do.
CID_FONT = "STSong-Light"


def docx_bytes(title: str, paragraphs: Sequence[str], *, author: str = "",
               created: dt.datetime | None = None, doc_title: str = "",
               table: Sequence[Sequence[str]] = ()) -> bytes:
    """A Word document: a Title paragraph, body paragraphs, an optional table, properties."""
    import docx

    document = docx.Document()
    if title:
        document.add_heading(title, level=0)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    properties = document.core_properties
    properties.title = doc_title
    properties.author = author
    properties.last_modified_by = ""
    properties.created = created or dt.datetime(2000, 1, 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _wrap(text: str, width: float, font: str, size: float, indent: int = 2) -> list[str]:
    """Lines of `text` no wider than `width` points, the first indented by `indent` spaces."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = "\u3000" * indent
    for char in text:
        if stringWidth(line + char, font, size) > width:
            lines.append(line)
            line = ""
        line += char
    if line:
        lines.append(line)
    return lines


def register_font(ttf: Path | None = None) -> str:
    """The name of a registered Chinese font: the CID font, or the TrueType file `ttf`."""
    from reportlab.pdfbase import pdfmetrics

    if ttf is None:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        if CID_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
        return CID_FONT
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"ttf-{ttf.stem}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(ttf), subfontIndex=0))
    return name


def pdf_bytes(title: str, paragraphs: Sequence[str], *, columns: int = 1, order: str = "column",
              ttf: Path | None = None, metadata: dict[str, str] | None = None,
              created: dt.datetime | None = None, encrypt: object = None) -> bytes:
    """A PDF page (or pages) with a headline across the top and the paragraphs in `columns`.

    `order` is the order the text is drawn in: "column" (each column top to bottom, as most
    typesetters do) or "row" (line by line across the columns, as some newspaper systems do),
    so that an extractor reading the drawing order interleaves the columns.
    `metadata`: the document properties title, author, subject, keywords; `created` its
    creation date. `encrypt`: a user password, or reportlab's `StandardEncryption`.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font, size, leading = register_font(ttf), 10.5, 15.0
    margin, gap = 56.0, 18.0
    page_width, page_height = A4
    column_width = (page_width - 2 * margin - gap * (columns - 1)) / columns
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True, encrypt=encrypt)
    for key, value in (metadata or {}).items():
        getattr(pdf, f"set{key.capitalize()}")(value)
    if created is not None:  # reportlab has no setter: the date is its time stamp's
        pdf._doc._timeStamp.YMDhms = created.timetuple()[:6]
    lines = [line for text in paragraphs for line in _wrap(text, column_width, font, size)]
    top = page_height - margin
    per_column = int((top - 2 * leading - margin) // leading)
    while lines:
        y0 = top
        if title:
            pdf.setFont(font, 18)
            pdf.drawString(margin, top - 18, title)
            title = ""
            y0 = top - 2 * leading - 12
        pdf.setFont(font, size)
        page = [lines[i * per_column:(i + 1) * per_column] for i in range(columns)]
        lines = lines[columns * per_column:]
        spots = [
            (row, column, text)
            for column, column_lines in enumerate(page)
            for row, text in enumerate(column_lines)
        ]
        if order == "row":
            spots.sort(key=lambda spot: (spot[0], spot[1]))
        for row, column, text in spots:
            pdf.drawString(margin + column * (column_width + gap), y0 - leading * (row + 1), text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def news_page_html(title: str, paragraphs: Sequence[str], *, published: str = "",
                   site: str = "", author: str = "", canonical: str = "",
                   charset: str = "utf-8") -> str:
    """A news web page with navigation, a sidebar, related links and a footer around the
    article, and the meta tags publishers put in the head."""
    meta = [f'<meta charset="{charset}">', f"<title>{title} - {site or '新闻网'}</title>"]
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    if site:
        meta.append(f'<meta property="og:site_name" content="{site}">')
    if author:
        meta.append(f'<meta name="author" content="{author}">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    meta.append(f'<meta property="og:title" content="{title}">')
    body = "\n".join(f"<p>{text}</p>" for text in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head>{''.join(meta)}</head>
<body>
<header><nav><ul><li><a href="/">首页</a></li><li><a href="/news">要闻</a></li>
<li><a href="/local">本地新闻</a></li><li><a href="/video">视频直播间</a></li></ul></nav></header>
<div class="main"><article>
<h1>{title}</h1>
<div class="info">来源：{site}　发布时间：{published[:10]}</div>
{body}
</article>
<aside class="related"><h3>相关阅读</h3><ul>
<li><a href="/a/1">春季招聘会下周举行 岗位超过五千个</a></li>
<li><a href="/a/2">市区三条公交线路调整运营时间</a></li></ul></aside></div>
<footer><p>版权所有 © 新闻网 未经授权禁止转载</p><p>备案号：某ICP备00000000号</p>
<p>违法和不良信息举报电话：00000000</p></footer>
</body></html>
"""

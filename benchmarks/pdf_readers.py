"""Compares PDF text extractors (pypdf, pdfminer.six, pdfplumber) on Chinese PDFs made here.

    .venv/bin/python benchmarks/pdf_readers.py            # a table in Markdown on stdout

Each PDF holds the article of `sample_article.py`, made in one and in two columns by
reportlab (drawn column by column, and line by line across the columns as some newspaper
systems do) with reportlab's CID font and, when the system has one, an embedded TrueType
subset; and by LibreOffice from a Word file when `soffice` is installed (`apt-get install
libreoffice-writer-nogui`). For each extractor it measures:

- chars: how much of the article's text comes out, as difflib's ratio of the text without
  whitespace to the original without whitespace (1.0: every character, in order);
- paragraphs: how many of the article's paragraphs come out whole and in order, once line
  breaks are removed (a two-column page read across the columns cuts every one of them);
- passages: how many of them chuchu then cuts out as passages exactly (the extractor's lines
  through `retrieval.chunking`, i.e. what a user would get to search);
- ms/page: the median of three extractions of the whole file, divided by its pages.

pypdfium2 (which pdfplumber installs) is measured too, as the fastest possible baseline.
"""

from __future__ import annotations

import difflib
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "benchmarks")]

from document_files import docx_bytes, pdf_bytes  # noqa: E402
from sample_article import PARAGRAPHS, TITLE  # noqa: E402

TTF_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)


def _pypdf(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _pdfminer(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def _pdfplumber(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def _pdfium(data: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def _pdfminer_layout(data: bytes) -> str:
    """pdfminer.six's characters (no layout analysis of its own) through chuchu's layout."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    from retrieval.readers.pdf_layout import Glyph, page_paragraphs

    def chars(item):
        if isinstance(item, LTChar):
            # the text matrix's origin is the baseline
            yield Glyph(item.get_text(), item.x0, item.x1, item.matrix[5], item.size)
        elif isinstance(item, LTContainer):
            for child in item:
                yield from chars(child)

    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    for page in PDFPage.get_pages(io.BytesIO(data)):
        interpreter.process_page(page)
        pages.append("\n\n".join(page_paragraphs(list(chars(device.get_result())))))
    return "\n\n".join(pages)


def _chuchu(data: bytes) -> str:
    """What chuchu reads: PDFium's characters through chuchu's layout (`retrieval.readers.pdf`)."""
    from retrieval.readers.pdf import read

    return read(Path("a.pdf"), data).text


EXTRACTORS: dict[str, Callable[[bytes], str]] = {
    "pypdf": _pypdf, "pdfminer.six": _pdfminer, "pdfplumber": _pdfplumber,
    "pypdfium2": _pdfium, "pdfminer.six chars + layout": _pdfminer_layout,
    "pypdfium2 chars + layout (chuchu)": _chuchu,
}


def _libreoffice_pdf(columns: int, folder: Path) -> bytes | None:
    """The article typeset by LibreOffice from a Word file, or None without LibreOffice."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    import docx
    from docx.oxml.ns import qn

    source = folder / f"article-{columns}.docx"
    source.write_bytes(docx_bytes(TITLE, PARAGRAPHS))
    if columns > 1:
        document = docx.Document(str(source))
        section = document.sections[0]._sectPr
        cols = section.find(qn("w:cols"))
        if cols is None:
            cols = section.makeelement(qn("w:cols"), {})
            section.append(cols)
        cols.set(qn("w:num"), str(columns))
        cols.set(qn("w:space"), "425")
        document.save(str(source))
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    str(source)], check=True, capture_output=True, timeout=180)
    return source.with_suffix(".pdf").read_bytes()


def _cases(folder: Path) -> list[tuple[str, bytes]]:
    cases: list[tuple[str, bytes]] = []
    fonts: list[tuple[str, Path | None]] = [("CID font", None)]
    ttf = next((path for path in TTF_CANDIDATES if path.exists()), None)
    if ttf is not None:
        fonts.append(("embedded TrueType", ttf))
    for font_name, font in fonts:
        cases.append((f"reportlab, {font_name}, 1 column", pdf_bytes(TITLE, PARAGRAPHS, ttf=font)))
        for order in ("column", "row"):
            cases.append((f"reportlab, {font_name}, 2 columns drawn by {order}",
                          pdf_bytes(TITLE, PARAGRAPHS, columns=2, order=order, ttf=font)))
    for columns in (1, 2):
        data = _libreoffice_pdf(columns, folder)
        if data is not None:
            cases.append((f"LibreOffice from .docx, {columns} column{'s' * (columns > 1)}", data))
    return cases


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _measure(extract: Callable[[bytes], str], data: bytes, pages: int) -> dict[str, object]:
    from retrieval.chunking import chunk_document
    from retrieval.models import Document

    times = []
    text = ""
    for _ in range(3):
        started = time.perf_counter()
        text = extract(data)
        times.append(time.perf_counter() - started)
    original = _squeeze(TITLE + "".join(PARAGRAPHS))
    found = _squeeze(text)
    chars = difflib.SequenceMatcher(None, original, found, autojunk=False).ratio()
    whole = sum(1 for paragraph in PARAGRAPHS if _squeeze(paragraph) in found)
    lines = [line.strip() for line in text.replace("\x0c", "\n").splitlines()]
    passages = {p.text for p in chunk_document(Document("a.pdf", TITLE, "\n".join(lines)))}
    exact = sum(1 for paragraph in PARAGRAPHS if paragraph in passages)
    return {"chars": chars, "paragraphs": whole, "passages": exact,
            "ms": statistics.median(times) * 1000 / pages}


def main() -> None:
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as folder:
        cases = _cases(Path(folder))
    total = len(PARAGRAPHS)
    baseline = _measure(lambda data: data.decode("utf-8"),
                        (TITLE + "\n\n" + "\n\n".join(PARAGRAPHS)).encode("utf-8"), 1)
    print(f"| PDF | extractor | chars | paragraphs whole (of {total}) "
          f"| passages exact (of {total}) | ms/page |")
    print("|---|---|---:|---:|---:|---:|")
    print(f"| the same article as a .txt file (for comparison) | — | {baseline['chars']:.3f} "
          f"| {baseline['paragraphs']} | {baseline['passages']} | — |")
    for name, data in cases:
        pages = len(PdfReader(io.BytesIO(data)).pages)
        for extractor, extract in EXTRACTORS.items():
            row = _measure(extract, data, pages)
            print(f"| {name} | {extractor} | {row['chars']:.3f} | {row['paragraphs']} "
                  f"| {row['passages']} | {row['ms']:.0f} |")


if __name__ == "__main__":
    main()

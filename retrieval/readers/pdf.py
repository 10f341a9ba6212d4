"""PDF files, read with pypdfium2 (PDFium, the PDF engine of Chromium), laid out by position.

PDFium gives each character with where it is drawn; `pdf_layout` turns those into columns and
paragraphs. Why PDFium and not pypdf, pdfminer.six or pdfplumber: `docs/pdf-readers.md`
(the same text on every engine; PDFium 5–30 times faster, and the only one to decode every
test file; reading order comes from our layout in any case). The title, author and creation
date come from the document's properties. An encrypted file, a damaged file and a scan without
text are each refused with the reason.
"""

from __future__ import annotations

import ctypes
import logging
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from retrieval.errors import DocumentError
from retrieval.readers.metadata import Extracted, clean_title, make_source
from retrieval.readers.pdf_layout import Glyph, page_paragraphs

logger = logging.getLogger(__name__)

MAX_PAGES = 2000
_PASSWORD = 4  # PDFium's FPDF_ERR_PASSWORD
_MIN_CHARACTERS = 20  # fewer on every page: a scan, or drawings
# Control, private-use, surrogate and unassigned characters: what a font without a Unicode
# map gives. Beyond this share of the text the file is refused rather than indexed as noise.
_GARBLED = {"Cc", "Co", "Cs", "Cn"}
GARBLED_SHARE = 0.05


def read(path: Path, data: bytes) -> Extracted:
    """Read a PDF's text, page by page, and its properties."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PASSWORD:
            raise DocumentError("", "PDF 已加密（需要密码才能打开），无法读取") from None
        raise DocumentError("", "PDF 文件已损坏或不是 PDF，无法读取") from None
    try:
        if len(document) > MAX_PAGES:
            raise DocumentError("", f"PDF 超过 {MAX_PAGES} 页，不予读取")
        pages = [page_paragraphs(list(_glyphs(document, index))) for index in range(len(document))]
        properties = document.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        logger.info("PDFium failed on %s", path, exc_info=True)
        raise DocumentError("", f"PDF 文件已损坏，无法读取（{exc}）") from None
    finally:
        document.close()
    text = "\n\n".join(paragraph for page in pages for paragraph in page)
    if len("".join(text.split())) < _MIN_CHARACTERS:
        raise DocumentError("", "PDF 中没有可提取的文字（可能是扫描件或图片），请先做文字识别（OCR）")
    unreadable = sum(1 for ch in text if unicodedata.category(ch) in _GARBLED and ch not in "\n")
    if unreadable > GARBLED_SHARE * len(text):
        raise DocumentError("", "PDF 中的文字无法正确提取（字体缺少编码信息，提取出的是乱码）")
    if unreadable:  # a few icons or bullets from a symbol font
        text = "".join(ch for ch in text if unicodedata.category(ch) not in _GARBLED or ch == "\n")
    return Extracted(
        text + "\n",
        clean_title(properties.get("Title", "")),
        make_source(date=properties.get("CreationDate", ""), author=properties.get("Author", "")),
    )


def _glyphs(document: object, index: int) -> Iterator[Glyph]:
    """Every character PDFium finds on page `index`, with its box and baseline."""
    import pypdfium2.raw as raw

    page = document[index]  # type: ignore[index]
    text_page = page.get_textpage()
    try:
        handle = text_page.raw
        box = raw.FS_RECTF()
        x, y = ctypes.c_double(), ctypes.c_double()
        for i in range(raw.FPDFText_CountChars(handle)):
            if raw.FPDFText_IsGenerated(handle, i) == 1:  # spaces and breaks PDFium adds
                continue
            code = raw.FPDFText_GetUnicode(handle, i)
            if not code or 0xD800 <= code <= 0xDFFF:
                continue
            if not raw.FPDFText_GetLooseCharBox(handle, i, box) \
                    or not raw.FPDFText_GetCharOrigin(handle, i, x, y):
                continue
            size = raw.FPDFText_GetFontSize(handle, i)
            yield Glyph(chr(code), box.left, box.right, y.value, size)
    finally:
        text_page.close()
        page.close()

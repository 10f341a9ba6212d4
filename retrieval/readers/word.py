"""Word documents (`.docx`), read with python-docx: paragraphs and tables in document order.

Headings (the Title and Heading styles, 标题 in a Chinese Word) become `#` lines, so the
layout knows them for headings whatever their length. Text boxes, in which pages laid out in
Word often put whole articles, are read after the paragraph that anchors them (once: Word
keeps a second, fallback copy of each box for old readers). The title, author and creation date
come from the file's properties, without the values Word fills in by itself (an account name
such as `Administrator`, a title such as `文档1`). A file that is not a Word document — an old
`.doc`, a renamed zip — is refused with the reason, before python-docx parses anything; so is
one that would unpack to more than `MAX_UNPACKED` bytes.
"""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

from retrieval.errors import DocumentError
from retrieval.readers.metadata import Extracted, clean_title, make_source

logger = logging.getLogger(__name__)

MAX_UNPACKED = 300 * 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .doc (and .xls, .ppt)
_HEADING_STYLES = ("title", "heading", "标题")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Authors Word records by itself: the computer's account, not the article's writer.
JUNK_AUTHORS = {"administrator", "admin", "user", "microsoft", "microsoft office user",
                "windows user", "windows 用户", "微软用户", "微软中国", "python-docx", "unknown",
                "作者", "用户"}


def read(path: Path, data: bytes) -> Extracted:
    """Read a `.docx` file's text and properties."""
    _check_package(data)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
        properties = document.core_properties
    except Exception as exc:  # noqa: BLE001 - any parser failure means a damaged file
        logger.info("python-docx could not read %s", path, exc_info=True)
        raise DocumentError("", f"Word 文档已损坏，无法读取（{type(exc).__name__}）") from None
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            text = block.text.strip()
            style = (block.style.name if block.style is not None else "").lower()
            if text and style.startswith(_HEADING_STYLES):
                text = "# " + " ".join(text.split())
            lines.append(text)
            lines.extend(_text_boxes(block._p))
        elif isinstance(block, Table):
            for row in block.rows:
                cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))
                lines.append("\u3000".join(cell for cell in cells if cell))
    text = "\n\n".join(line for line in lines if line) + "\n"
    author = " ".join((properties.author or "").split())
    return Extracted(
        text,
        clean_title(properties.title),
        make_source(date=properties.created or "",
                    author="" if author.lower() in JUNK_AUTHORS else author),
    )


def _check_package(data: bytes) -> None:
    """Raise `DocumentError` unless `data` is a zip holding a Word document of a sane size."""
    if data.startswith(_OLE2):
        raise DocumentError("", "是旧版 Word 格式（.doc），请用 Word 或 WPS 另存为 .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            unpacked = sum(info.file_size for info in package.infolist())
    except zipfile.BadZipFile:
        raise DocumentError("", "不是 Word 文档（.docx 应是一个 zip 包，这个文件不是）") from None
    if "word/document.xml" not in names:
        raise DocumentError("", "是一个 zip 压缩包，但不是 Word 文档（没有 word/document.xml）")
    if unpacked > MAX_UNPACKED:
        raise DocumentError("", f"Word 文档解压后超过 {MAX_UNPACKED // 2**20} MB，不予读取")


def _text_boxes(paragraph: object) -> list[str]:
    """The paragraphs of the text boxes anchored in a paragraph, each box read once."""
    lines: list[str] = []
    for box in paragraph.iter(f"{_W}txbxContent"):  # type: ignore[attr-defined]
        if any(a.tag in (_FALLBACK, f"{_W}txbxContent") for a in box.iterancestors()):
            continue  # the fallback copy of a box, or a box inside a box (read with it)
        for inner in box.iter(f"{_W}p"):
            own = [t.text or "" for t in inner.iter(f"{_W}t")
                   if next(t.iterancestors(f"{_W}p")) is inner]
            lines.append("".join(own).strip())
    return lines

"""Reading a documents folder: one reader per format, behind one interface.

Each reader module turns a file's bytes into an `Extracted` value (the text as lines, with a
blank line between paragraphs, and the title and `Source` the file gives):

| suffix | module | how |
|---|---|---|
| `.txt`, `.md` | `text` | UTF-8, UTF-16, GB18030/GBK, Big5/Big5-HKSCS; YAML front matter |
| `.docx` | `word` | python-docx: paragraphs, headings and tables; document properties |
| `.pdf` | `pdf` | PDFium's characters laid out into columns and paragraphs (`pdf_layout`) |
| `.html`, `.htm` | `web` | trafilatura's main content; meta tags (Open Graph, `PubDate`…) |

`read_document` adds what every format shares: the size limit, the headline when the file
names none, and the document's id (its path under the folder). A file that cannot be read, or
whose type is not supported, raises `DocumentError` with the reason in Chinese; callers name it
once and index the rest. Hidden files and the litter of editors and file managers (`~$…`,
`Thumbs.db`) are not documents and are passed over in silence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from retrieval.errors import DocumentError
from retrieval.models import Document
from retrieval.readers import pdf, text, web, word
from retrieval.readers.encoding import decode
from retrieval.readers.metadata import Extracted

logger = logging.getLogger(__name__)

Reader = Callable[[Path, bytes], Extracted]
READERS: dict[str, Reader] = {
    ".txt": text.read, ".md": text.read, ".markdown": text.read,
    ".docx": word.read,
    ".pdf": pdf.read,
    ".html": web.read, ".htm": web.read, ".xhtml": web.read,
}
SUFFIXES = tuple(READERS)
MAX_BYTES = 50 * 1024 * 1024

# What to tell about files of a known kind that is not read, beyond "not supported".
ADVICE: dict[str, str] = {
    ".doc": "旧版 Word 格式，请用 Word 或 WPS 另存为 .docx",
    ".wps": "WPS 文字格式，请另存为 .docx",
    ".rtf": "RTF 格式，请另存为 .docx",
    ".odt": "OpenDocument 格式，请另存为 .docx",
    ".csv": "表格文件，不是文章",
    ".xls": "表格文件，不是文章",
    ".xlsx": "表格文件，不是文章",
    ".ppt": "演示文稿，请把文字另存为 .docx 或 .txt",
    ".pptx": "演示文稿，请把文字另存为 .docx 或 .txt",
    ".jpg": "图片中的文字无法读取，请先做文字识别（OCR）",
    ".jpeg": "图片中的文字无法读取，请先做文字识别（OCR）",
    ".png": "图片中的文字无法读取，请先做文字识别（OCR）",
    ".zip": "压缩包，请先解压",
    ".rar": "压缩包，请先解压",
    ".7z": "压缩包，请先解压",
}
# Not documents, never reported: editors' lock files, file managers' caches, build litter.
IGNORED_FILES = {"thumbs.db", "desktop.ini", "icon\r"}
IGNORED_PREFIXES = (".", "~$")
IGNORED_FOLDERS = {"__pycache__", "__macosx"}


def is_ignored(relative: Path) -> bool:
    """True for a file that is nobody's document (hidden, a lock file, in `__MACOSX`…)."""
    *folders, name = relative.parts
    return (
        name.lower() in IGNORED_FILES
        or name.startswith(IGNORED_PREFIXES)
        or name.endswith("~")
        or any(f.startswith(".") or f.lower() in IGNORED_FOLDERS for f in folders)
    )


def document_paths(folder: Path) -> list[Path]:
    """Every file under `folder` that someone put there as a document, in a stable order.

    Files of unsupported types are listed too: `read_document` names the reason.
    """
    return sorted(
        (p for p in folder.rglob("*") if p.is_file() and not is_ignored(p.relative_to(folder))),
        key=lambda p: p.relative_to(folder).as_posix(),
    )


def unsupported_reason(suffix: str) -> str | None:
    """Why a file with `suffix` is not read, or None when it is."""
    suffix = suffix.lower()
    if suffix in READERS:
        return None
    kinds = "、".join(dict.fromkeys(s for s in SUFFIXES if s not in (".markdown", ".xhtml")))
    advice = ADVICE.get(suffix)
    shown = suffix or "无扩展名"
    return f"不支持的文件类型（{shown}{'，' + advice if advice else ''}）；支持 {kinds}"


def extract(data: bytes, name: str) -> Extracted:
    """The text and metadata of a file called `name` whose bytes are `data`.

    Raises `DocumentError` (reason in Chinese) for an unsupported type or an unreadable file.
    """
    suffix = Path(name).suffix.lower()
    reason = unsupported_reason(suffix)
    if reason is not None:
        raise DocumentError(name, reason)
    if len(data) > MAX_BYTES:
        raise DocumentError(name, _too_large(len(data)))
    try:
        return READERS[suffix](Path(name), data)
    except DocumentError as error:  # readers do not know the document's id
        raise DocumentError(name, error.reason) from None


def _too_large(size: int) -> str:
    return f"文件过大（{size / 2**20:.0f} MB，上限 {MAX_BYTES // 2**20} MB）"


def read_document(path: Path, folder: Path) -> Document:
    """Read one document; its id is its path relative to `folder`."""
    name = path.relative_to(folder).as_posix()
    reason = unsupported_reason(path.suffix)
    if reason is not None:
        raise DocumentError(name, reason)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError(name, _too_large(size))
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(name, f"无法打开文件（{exc.strerror or exc}）") from None
    return document_of(name, extract(data, name))


def document_of(name: str, extracted: Extracted) -> Document:
    """The `Document` with id `name` made of what its reader extracted."""
    title = extracted.title or headline(extracted.text, fallback=Path(name).stem)
    return Document(id=name, title=title, text=extracted.text, encoding=extracted.encoding,
                    source=extracted.source, articles=extracted.articles)


def headline(text: str, fallback: str) -> str:
    """The headline the layout finds at the top of `text`, or `fallback`."""
    from retrieval.chunking import document_title  # chunking imports this module's users
    from retrieval.layout import leading_lines  # not needed to list a folder at each start

    return document_title(leading_lines(text), fallback=fallback)


def load_documents(folder: Path) -> Iterator[Document | DocumentError]:
    """Each document of `folder`, or the error that kept it out, in a stable order."""
    for path in document_paths(folder):
        try:
            yield read_document(path, folder)
        except DocumentError as error:
            yield error


__all__ = [
    "ADVICE", "MAX_BYTES", "READERS", "SUFFIXES", "Extracted", "decode", "document_of",
    "document_paths", "extract", "headline", "is_ignored", "load_documents", "read_document", "unsupported_reason",
]

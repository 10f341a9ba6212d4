"""Finding and decoding the documents folder.

Chinese text arrives as UTF-8 (with or without a BOM), UTF-16 with a BOM, or GB18030/GBK. A file
is decoded only when the decoding is certain: strict UTF-8 first, then a BOM, then
charset-normalizer's best guess, accepted only for a Chinese-capable encoding and only when the
result reads as text. Anything else is reported by name and skipped; the rest is still indexed.
"""

from __future__ import annotations

import codecs
import logging
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from retrieval.errors import DocumentError
from retrieval.models import Document

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".md")
_CHINESE_ENCODINGS = {"gb18030", "gbk", "gb2312", "hz", "big5", "big5hkscs", "cp950", "cp936"}
MAX_BYTES = 50 * 1024 * 1024


def document_paths(folder: Path) -> list[Path]:
    """Every .txt and .md file under `folder`, in a stable (sorted, relative path) order."""
    return sorted(
        (p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES),
        key=lambda p: p.relative_to(folder).as_posix(),
    )


def _readable(text: str) -> bool:
    """True when nearly every character is printable text (no control or private-use runs)."""
    if not text:
        return True
    bad = sum(
        1 for ch in text
        if unicodedata.category(ch) in {"Cc", "Co", "Cs", "Cn"} and ch not in "\n\r\t\f"
    )
    return bad / len(text) < 0.001


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode a document's bytes; returns (text, encoding) or raises `DocumentError`."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DocumentError(name, f"starts as UTF-8 but is not ({exc.reason})") from None
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise DocumentError(name, f"starts as UTF-16 but is not ({exc.reason})") from None
            if _readable(text):
                return text, "utf-16"
            raise DocumentError(name, "starts as UTF-16 but does not read as text")
    if b"\x00" in data:
        raise DocumentError(name, "binary data (NUL bytes), not a text document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _readable(text):
            return text, "utf-8"
        raise DocumentError(name, "UTF-8 text full of control characters")
    from charset_normalizer import from_bytes  # 0.1 s to import: only for files not UTF-8

    best = from_bytes(data).best()
    encoding = best.encoding.lower().replace("-", "").replace("_", "") if best else ""
    if encoding in {e.replace("_", "") for e in _CHINESE_ENCODINGS} or encoding in {"gb18030", "gbk"}:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = ""
        if text and _readable(text) and _mostly_chinese(text):
            return text, "gb18030"
    raise DocumentError(name, "cannot tell its encoding (not UTF-8, UTF-16 with BOM or GB18030)")


def _mostly_chinese(text: str) -> bool:
    letters = [ch for ch in text if not ch.isspace() and not ch.isascii()]
    if not letters:
        return False
    cjk = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
              or "\uff00" <= ch <= "\uffef")
    return cjk / len(letters) > 0.6


def read_document(path: Path, folder: Path) -> Document:
    """Read and decode one document; its id is its path relative to `folder`."""
    name = path.relative_to(folder).as_posix()
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DocumentError(name, f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(name, exc.strerror or str(exc)) from None
    text, encoding = decode(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    from retrieval.chunking import document_title  # local: chunking imports this module's users
    from retrieval.layout import classify_document  # not needed to list a folder at each start

    title = document_title(classify_document(text), fallback=path.stem)
    return Document(id=name, title=title, text=text, encoding=encoding)


def load_documents(folder: Path) -> Iterator[Document | DocumentError]:
    """Each document of `folder`, or the error that kept it out, in a stable order."""
    for path in document_paths(folder):
        try:
            yield read_document(path, folder)
        except DocumentError as error:
            logger.warning("skipped %s: %s", error.path, error.reason)
            yield error

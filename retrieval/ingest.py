"""Adding and removing documents in the documents folder, for any adapter (Telegram's file
uploads, `/add URL` and `/remove ID`); nothing here knows a transport.

Every file is checked by the readers before it is stored, so a file that cannot be read is
refused with the reason and never lands in the folder. A file is written under a hidden
temporary name (listings pass over it) and then linked to its final name, which fails rather
than replace another file: a name already taken gets `-2`, `-3`… before its suffix. Indexing
what was added is the caller's next step (the documents folder is the source of truth).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import unicodedata
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import DocumentError, IngestError
from retrieval.fetching import Resolver, fetch, resolve
from retrieval.models import Document
from retrieval.readers import document_of, extract, is_ignored, unsupported_reason
from retrieval.readers.web import RECORD
from retrieval.readers.text import looks_like_html

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the Bot API's limit for a bot downloading a file
_PAGE_TYPES = {"text/html", "application/xhtml+xml"}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_MAX_STEM = 80  # characters: 240 bytes in UTF-8, within every file system's 255


@dataclass(frozen=True)
class Stored:
    """A document now in the folder: its file and the `Document` the readers made of it
    (id, title, text, date, source…), ready to be chunked and indexed."""

    path: Path
    document: Document


def store_upload(folder: Path, filename: str, data: bytes,
                 max_bytes: int = MAX_UPLOAD_BYTES) -> Stored:
    """Check an uploaded file with the readers and store it in `folder` under a free name.

    Args:
        folder: the documents folder.
        filename: the name the sender gave the file (only its last part is used).
        data: the file's bytes.
    Raises:
        DocumentError: the file cannot be read (its `reason` in Chinese says why) or is larger
            than `max_bytes`; nothing is stored.
    """
    name = safe_name(filename)
    if len(data) > max_bytes:
        raise DocumentError(name, f"文件过大（{len(data) / 2**20:.1f} MB，上限 "
                                  f"{max_bytes / 2**20:.0f} MB）")
    extracted = extract(data, name)
    path = _write_new(Path(folder), name, data)
    return Stored(path, document_of(path.relative_to(folder).as_posix(), extracted))


def fetch_url(folder: Path, url: str, *, timeout: float = 20.0,
              max_bytes: int = 20 * 1024 * 1024, allowed_networks: Sequence[str] = (),
              resolver: Resolver = resolve) -> Stored:
    """Fetch a web page and store it in `folder` as HTML recording the URL it came from.

    The settings `fetch_timeout`, `fetch_max_bytes` and `fetch_allowed_networks` are meant
    for the keyword arguments (see `retrieval.fetching.fetch` for what is checked).
    Raises:
        IngestError: the link is refused (not http/https, a private address…) or the page
            cannot be fetched; the message, in Chinese, says why.
        DocumentError: the page holds no text the readers can find.
    """
    page = fetch(url, timeout=timeout, max_bytes=max_bytes, allowed_networks=allowed_networks,
                 resolver=resolver)
    head = page.data[:4096].decode("ascii", "replace")
    if page.content_type not in _PAGE_TYPES and not looks_like_html(head, fragments=False):
        raise IngestError(f"链接的内容不是网页（{page.content_type or '类型不明'}），"
                          "请下载后作为文件发送")
    record = RECORD.format(url=_quoted(page.url), charset=_quoted(page.charset))
    data = record.encode("ascii") + page.data
    try:
        extracted = extract(data, "page.html")
    except DocumentError as error:
        raise DocumentError(page.url, error.reason) from None
    stem = extracted.title or _url_stem(page.url)
    path = _write_new(Path(folder), safe_name(stem + ".html"), data)
    return Stored(path, document_of(path.relative_to(folder).as_posix(), extracted))


def remove_document(folder: Path, document_id: str) -> Path:
    """Remove the document whose id (its path in `folder`, as `/sources` lists it) is given.

    Returns the removed file's path. Raises `IngestError` when there is no such document;
    nothing outside `folder` can be named.
    """
    wanted = document_id.strip()
    folder = Path(folder).resolve()
    path = (folder / wanted.lstrip("/")).resolve()  # `..` and symlinks resolved: stays inside
    try:
        relative = path.relative_to(folder)
    except ValueError:
        relative = None
    if not wanted or relative is None or relative == Path(".") or is_ignored(relative):
        raise IngestError(f"没有编号为 {wanted} 的文档")
    try:
        path.unlink()
    except FileNotFoundError:
        raise IngestError(f"没有编号为 {wanted} 的文档") from None
    except IsADirectoryError:
        raise IngestError(f"{wanted} 是文件夹，不是文档") from None
    except OSError as exc:
        raise IngestError(f"无法删除 {wanted}（{exc.strerror or exc}）") from None
    logger.info("removed document %s", path)
    return path


def safe_name(filename: str) -> str:
    """A file name to store under: the last part of `filename`, without characters file
    systems refuse, not hidden, of a sane length, its suffix in lower case."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", filename))[-1]
    name = _UNSAFE.sub("_", " ".join(name.split())).lstrip(". ~$")
    stem, suffix = os.path.splitext(name)
    stem = stem.strip(" .") or "文档"
    return stem[:_MAX_STEM] + suffix.lower()


def _quoted(text: str) -> str:
    """`text` safe inside the record comment: no quote, no `>`, ASCII only."""
    return urllib.parse.quote(text, safe=":/?#[]@!$&'()*+,;=%~")


def _url_stem(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.unquote(parts.path).strip("/").replace("/", "-")
    return f"{parts.hostname or 'page'}-{os.path.splitext(path)[0]}" if path else parts.hostname or "page"


def _write_new(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` under `name` in `folder`, or the first free `name-2`, `name-3`…: atomic,
    and never over another file."""
    reason = unsupported_reason(Path(name).suffix)
    if reason is not None:  # the readers refused it already; a guard for direct callers
        raise DocumentError(name, reason)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-", suffix=".tmp")
    except OSError as exc:  # a read-only folder (a container's `:ro` mount), a full disk
        raise IngestError(f"文档目录无法写入（{exc.strerror or exc}），没有保存") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        stem, suffix = os.path.splitext(name)
        for number in range(1, 1000):
            candidate = folder / (name if number == 1 else f"{stem}-{number}{suffix}")
            try:
                os.link(temporary, candidate)  # fails if `candidate` exists: nothing replaced
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links: claim the name, then fill it
                try:
                    os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                except FileExistsError:
                    continue
                try:
                    os.replace(temporary, candidate)
                except OSError:
                    candidate.unlink(missing_ok=True)  # not an empty file under a real name
                    raise
            return candidate
        raise IngestError(f"文件夹中已有太多名为 {name} 的文件")
    except OSError as exc:
        raise IngestError(f"文档目录无法写入（{exc.strerror or exc}），没有保存") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)

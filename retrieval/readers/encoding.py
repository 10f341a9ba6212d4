"""Decoding a text file's bytes: UTF-8, UTF-16 with a BOM, GB18030/GBK and Big5/Big5-HKSCS.

A file is decoded only when the decoding is certain: a BOM, then strict UTF-8, then the
Chinese double-byte encodings charset-normalizer finds plausible, in its order, each accepted only
when it decodes without error and the result reads as Chinese text. Big5 (Hong Kong, Taiwan)
is decoded as Big5-HKSCS, its superset, then as cp950 (Microsoft's Big5). Anything else is
refused with the reason, in Chinese: never a silent mis-decoding.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from retrieval.errors import DocumentError

# charset-normalizer's names of each family, and the codecs that decode it, widest first.
_FAMILIES = {
    "gb": ({"gb18030", "gbk", "gb2312", "hz", "cp936"}, ("gb18030",)),
    "big5": ({"big5", "big5hkscs", "cp950"}, ("big5hkscs", "cp950")),
}


# Characters that are never control, private-use, surrogate or unassigned ones: layout, ASCII,
# the CJK ideographs of Unicode 1.1 and the CJK and full-width punctuation most text is made of.
# A text of only these is readable without looking at each character's category (a tenth
# of reading a file).
_COMMON = "\n\r\t\f\xa0 -~\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u303f\u4e00-\u9fa5\uff01-\uff5e"
_UNCOMMON = re.compile(f"[^{_COMMON}]")


def readable(text: str) -> bool:
    """True when nearly every character is printable text (no control or private-use runs)."""
    if not text:
        return True
    if _UNCOMMON.search(text) is None:
        return True
    bad = sum(
        1 for ch in text
        if unicodedata.category(ch) in {"Cc", "Co", "Cs", "Cn"} and ch not in "\n\r\t\f"
    )
    return bad / len(text) < 0.001


def mostly_chinese(text: str) -> bool:
    """True when most of the non-ASCII characters are CJK ideographs or CJK punctuation."""
    letters = [ch for ch in text if not ch.isspace() and not ch.isascii()]
    if not letters:
        return False
    cjk = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f"
              or "\uff00" <= ch <= "\uffef" or "\u3400" <= ch <= "\u4dbf"
              or "\U00020000" <= ch <= "\U0002ebef" or "\u2000" <= ch <= "\u206f")
    return cjk / len(letters) > 0.6


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode a document's bytes; returns (text, encoding) or raises `DocumentError`."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DocumentError(name, f"以 UTF-8 标记开头，但内容不是 UTF-8（第 {exc.start} 字节）") \
                from None
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                raise DocumentError(name, "以 UTF-16 标记开头，但内容不是 UTF-16") from None
            if readable(text):
                return text, "utf-16"
            raise DocumentError(name, "以 UTF-16 标记开头，但读不出文字")
    if b"\x00" in data:
        raise DocumentError(name, "是二进制文件，不是文本文档")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if readable(text):
            return text, "utf-8"
        raise DocumentError(name, "UTF-8 文本中夹杂大量控制字符，无法作为文档读取")
    for encoding in _candidates(data):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if readable(text) and mostly_chinese(text):
            return text, encoding
    raise DocumentError(name, "无法识别文字编码（不是 UTF-8、带标记的 UTF-16、GB18030/GBK 或 Big5）")


def _candidates(data: bytes) -> list[str]:
    """The Chinese codecs of the families charset-normalizer finds plausible, best first.

    Only those: GB18030 decodes most byte pairs, so a Latin-1 `café` would read as Chinese.
    """
    from charset_normalizer import from_bytes  # 0.1 s to import: only for files not UTF-8

    order: list[str] = []
    for match in from_bytes(data):
        found = match.encoding.lower().replace("-", "").replace("_", "")
        for names, codecs_ in _FAMILIES.values():
            if found in names:
                order.extend(c for c in codecs_ if c not in order)
    return order

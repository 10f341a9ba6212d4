"""Decoding: UTF-8 with and without BOM, UTF-16 with BOM, GB18030; undecodable files skipped."""

from __future__ import annotations

import codecs
import logging

import pytest

from config.settings import load_settings
from retrieval.answer import Answerer
from retrieval.errors import DocumentError, NoDocumentsError
from retrieval.loading import decode, load_documents
from tests.helpers import write

TEXT = "江南市总工会主席钱多多表示，今年要为职工办好十件实事。\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        ((TEXT * 3).encode("gb18030"), "gb18030"),
        ((TEXT * 3).encode("gbk"), "gb18030"),
    ],
)
def test_decodes_each_supported_encoding(data, encoding):
    text, found = decode(data, "x.txt")
    assert found == encoding
    assert text.startswith(TEXT)


def test_binary_and_garbage_are_refused_with_the_reason():
    with pytest.raises(DocumentError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt")
    with pytest.raises(DocumentError):
        decode(bytes(range(128, 256)) * 4, "noise.txt")


def test_undecodable_file_is_named_and_skipped_while_the_rest_is_indexed(tmp_path, caplog):
    write(tmp_path, "a.txt", TEXT)
    (tmp_path / "b.md").write_bytes(b"\x00\x01\x02binary")
    write(tmp_path, "sub/c.txt", TEXT.replace("钱多多", "孙多多"), "gb18030")
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    with caplog.at_level(logging.WARNING):
        items = list(load_documents(tmp_path))
    assert [getattr(i, "id", None) or i.path for i in items] == ["a.txt", "b.md", "sub/c.txt"]
    assert "b.md" in caplog.text
    answerer = Answerer.build(load_settings(documents_dir=tmp_path, cache_dir=tmp_path / "cache"))
    assert [d.id for d in answerer.documents] == ["a.txt", "sub/c.txt"]
    assert [s.path for s in answerer.skipped] == ["b.md"]


def test_no_documents_is_a_clear_error(tmp_path):
    with pytest.raises(NoDocumentsError):
        Answerer.build(load_settings(documents_dir=tmp_path, cache_dir=tmp_path / "cache"))

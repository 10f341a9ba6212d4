"""Builders for tests: documents and passages from small texts written in the test itself."""

from __future__ import annotations

from pathlib import Path

from retrieval.chunking import chunk_document
from retrieval.layout import classify_document
from retrieval.chunking import document_title
from retrieval.models import Document, Passage, Speaker
from retrieval.store import IndexStore


def make_document(text: str, doc_id: str = "doc.txt") -> Document:
    return Document(doc_id, document_title(classify_document(text), doc_id), text)


def passages_of(text: str, doc_id: str = "doc.txt") -> list[Passage]:
    return chunk_document(make_document(text, doc_id))


def speaker_at(passages: list[Passage], anchor: str) -> Speaker | None | str:
    """The speaker of the segment holding the middle of `anchor` ("MISSING" if not found)."""
    for passage in passages:
        start = passage.text.find(anchor)
        if start < 0:
            continue
        middle = start + len(anchor) // 2
        position = 0
        for segment in passage.segments:
            if position <= middle < position + len(segment.text):
                return segment.speaker
            position += len(segment.text)
    return "MISSING"


def name_at(passages: list[Passage], anchor: str) -> str | None:
    speaker = speaker_at(passages, anchor)
    if isinstance(speaker, str):
        return speaker
    return speaker.name if speaker else None


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path



def cache_store(tmp_path: Path) -> IndexStore:
    """A store with its cache under `tmp_path`, without progress bars."""
    return IndexStore(tmp_path / "cache", progress=False)


# Two short union-newspaper pages, shared by the cache tests.
DOC_B = """# 劳模工匠

东山区总工会主席王小红说，劳模工匠创新工作室今年新增二十家，带动技能人才成长。

工匠们认为，创新工作室让技能传承有了平台。
"""
DOC_C = """# 农民工工资

南湖县总工会副主席李大同指出，农民工工资专项检查将覆盖全部在建项目，欠薪问题零容忍。
"""

"""What greetings and /help say about the loaded documents: counts, kinds, dates, and example
questions that are really answered."""

from __future__ import annotations

from dataclasses import replace

from retrieval.models import Source
from retrieval.overview import kind_of, overview
from tests.answer_helpers import folder_answerer


def test_overview_counts_the_documents_and_offers_only_answered_examples(tmp_path):
    answerer = folder_answerer(tmp_path)
    about = overview(answerer)
    assert about.documents == 2 and about.kinds == (("文本", 2),)
    assert about.summary().startswith("已收录 2 篇文档（文本 2 篇），")
    assert about.examples and len(about.examples) <= 4
    for example in about.examples:
        answer = answerer.ask(example)
        assert answer.hits and answer.kind != "not_found", example
    assert any(e.endswith("说了什么？") for e in about.examples)
    assert any(e.startswith("谁谈到了") for e in about.examples)


def test_dates_and_publications_are_told_when_the_documents_carry_them(tmp_path):
    answerer = folder_answerer(tmp_path)
    answerer.documents = [
        replace(answerer.documents[0], source=Source(date="2024-03-07", publication="北山工人报")),
        replace(answerer.documents[1], source=Source(date="2023-11-02", publication="北山工人报")),
    ]
    line = overview(answerer).summary()
    assert "时间 2023-11-02 至 2024-03-07" in line and "来自北山工人报" in line


def test_kinds_are_named_by_file_type():
    assert [kind_of(n) for n in ("a.txt", "b.MD", "c.docx", "d.pdf", "e.html", "f.rtf")] == [
        "文本", "Markdown", "Word", "PDF", "网页", "RTF"]

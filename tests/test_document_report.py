"""What the index holds of one document (`retrieval.document_report`), on a real build over
Chinese documents written here: paragraphs, captions and repeats left out, speakers in order."""

from __future__ import annotations

from config.settings import load_settings
from retrieval.answer import Answerer
from retrieval.document_report import document_report, find_document

FIRST = """城西街道举办职工运动会

本报讯 城西街道总工会昨天举办第三届职工运动会，辖区四十多家企业的六百余名职工参赛。

城西街道总工会主席何建平表示，运动会让职工在工作之余强身健体，今后每年都要办下去。

参赛企业代表刘晓燕说，拔河和接力是大家最喜欢的项目，企业还专门组织了啦啦队。

何建平还表示，明年将增设适合女职工的趣味项目。

图为职工参加拔河比赛。记者 周明 摄
"""

# A second report that repeats the first one's opening paragraph word for word.
SECOND = """职工运动会闭幕

本报讯 城西街道总工会昨天举办第三届职工运动会，辖区四十多家企业的六百余名职工参赛。

闭幕式上，街道为获奖单位颁发了奖杯。
"""


def build(tmp_path) -> Answerer:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a-运动会.txt").write_text(FIRST, encoding="utf-8")
    (folder / "b-闭幕.txt").write_text(SECOND, encoding="utf-8")
    return Answerer.build(load_settings(documents_dir=folder, cache_dir=tmp_path / "cache"))


def test_report_counts_paragraphs_captions_repeats_and_speakers(tmp_path):
    answerer = build(tmp_path)
    first = document_report(answerer, "a-运动会.txt")
    assert first is not None and first.title == "城西街道举办职工运动会"
    assert (first.paragraphs, first.captions, first.repeated) == (5, 1, 0)
    assert [s.name for s in first.speakers] == ["何建平", "刘晓燕"]  # who speaks most first
    assert first.speakers[0].title == "城西街道总工会主席"

    second = document_report(answerer, "b-闭幕.txt")
    assert second is not None
    assert (second.paragraphs, second.captions, second.repeated) == (2, 0, 1)
    assert second.searchable == 1 and second.speakers == ()


def test_an_id_the_index_does_not_hold_has_no_report(tmp_path):
    answerer = build(tmp_path)
    assert document_report(answerer, "c-没有.txt") is None
    assert find_document(answerer.documents, " b-闭幕.txt ").title == "职工运动会闭幕"
    assert find_document(answerer.documents, "运动会") is None

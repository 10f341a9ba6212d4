"""The answer core over small texts written here: ranking, who-said and speaker questions,
declining what the corpus does not hold, duplicates, snippets and bad input."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrieval.answer import Answerer
from retrieval.chunking import chunk_document
from tests.answer_helpers import folder_answerer, symposium_answerer
from tests.helpers import make_document


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return symposium_answerer()


def test_the_passage_that_answers_comes_first(answerer):
    answer = answerer.ask("今年新建多少个职工之家？")
    assert answer.kind == "passages"
    assert "五十个" in answer.hits[0].passage.text


def test_who_question_leads_with_the_speaker_of_the_answering_sentence(answerer):
    answer = answerer.ask("谁提出要建设学习型工会？")
    assert answer.kind == "who"
    assert answer.speaker is not None and answer.speaker.name == "陈立新"
    assert answer.speaker.title == "南湖区总工会主席"


@pytest.mark.parametrize("question", ["“暖心驿站”是谁说的？", "谁认为要给快递员歇脚的地方？"])
def test_who_question_forms(answerer, question):
    answer = answerer.ask(question)
    assert answer.kind == "who" and answer.speaker and answer.speaker.name == "林晓燕"


def test_who_question_is_cut_apart_from_its_asking_words():
    # Cut whole, 谁说书要常换常新 gives 说书 (storytelling) + 要常换 + 常新: no word of the passage.
    text = "# 书屋\n\n“书要常换常新。”北岭市总工会主席方志远说。\n\n职工书屋要建在车间旁边。\n"
    document = make_document(text)
    answerer = Answerer.from_passages(chunk_document(document), [document], top_k=3)
    for question in ("谁说书要常换常新？", "书要常换常新是谁说的"):
        answer = answerer.ask(question)
        assert answer.kind == "who" and answer.speaker and answer.speaker.name == "方志远", question


def test_a_speaker_question_quotes_that_persons_sentences_not_the_paragraphs_opening():
    text = ("# 座谈会\n\n昨天，全市工会座谈会召开，气氛热烈。西湖市总工会主席郑一鸣表示，要办好职工食堂。"
            "东山县总工会主席林晓燕认为，驿站要有热水。\n")
    document = make_document(text)
    answerer = Answerer.from_passages(chunk_document(document), [document], top_k=3)
    for question, own, other in (("林晓燕说了什么", "驿站要有热水", "办好职工食堂"),
                                 ("郑一鸣怎么看食堂", "办好职工食堂", "驿站要有热水")):
        snippet = answerer.ask(question).hits[0].snippet
        assert own in snippet and other not in snippet and "气氛热烈" not in snippet, question


@pytest.mark.parametrize("question", ["林晓燕说了什么？", "林晓燕有哪些观点", "林晓燕怎么看驿站？"])
def test_speaker_question_answers_only_with_that_persons_words(answerer, question):
    answer = answerer.ask(question)
    assert answer.kind == "speaker" and answer.speaker.name == "林晓燕"
    assert answer.hits
    for hit in answer.hits:
        assert any(s.speaker and s.speaker.name == "林晓燕" for s in hit.passage.segments)


def test_a_name_the_corpus_does_not_know_is_not_a_speaker_question(answerer):
    assert answerer.ask("马云说了什么？").hits == ()


@pytest.mark.parametrize(
    "question",
    ["红烧肉怎么做？", "如何申请护照？", "比特币今天的价格是多少？", "What is the capital of France?",
     "北京今天限行吗？"],
)
def test_questions_the_corpus_cannot_answer_are_declined(answerer, question):
    answer = answerer.ask(question)
    assert answer.kind == "not_found" and answer.hits == ()
    assert "没有找到相关内容" in answer.note and "说了什么" in answer.note


def test_traditional_and_full_width_questions_find_the_same_passage(answerer):
    simple = answerer.ask("暖心驿站里有什么？").hits[0].passage.id
    assert answerer.ask("暖心驛站裡有什麼？").hits[0].passage.id == simple
    assert answerer.ask("暖心驿站里有什么?　").hits[0].passage.id == simple


def test_numeric_abbreviation_finds_the_enumeration(answerer):
    answer = answerer.ask("南湖要建设哪“三型”工会？")
    assert answer.hits and "学习型、服务型、创新型" in answer.hits[0].passage.text


def test_repeated_paragraphs_are_answered_once(answerer):
    answer = answerer.ask("座谈会开得怎么样？", k=5)
    texts = [hit.passage.text for hit in answer.hits]
    assert texts.count("与会者一致认为，座谈会开得及时，大家收获很大。") == 1


def test_snippet_is_the_answering_sentence_and_json_keeps_the_paragraph(answerer):
    answer = answerer.ask("驿站里有药箱吗？")
    hit = answer.hits[0]
    assert hit.snippet == "驿站里有热水、有药箱，还能给手机充电。"
    data = answer.to_json()
    first = data["answers"][0]
    assert first["text"] == hit.passage.text
    assert set(first) >= {"rank", "score", "id", "text", "segments", "document", "section",
                          "paragraph"}
    json.dumps(data, ensure_ascii=False)


def test_built_from_a_folder_like_the_cli(tmp_path):
    answerer = folder_answerer(tmp_path)
    answer = answerer.ask("劳动竞赛开展了多少场？")
    assert "一百二十场" in answer.hits[0].passage.text
    who = answerer.ask("谁说要对困难职工建档立卡？")
    assert who.speaker and who.speaker.name == "方志远"
    spoken = answerer.ask("方志远说了什么？")
    assert spoken.hits[0].passage.text != "各位委员："  # substance before the greeting


@pytest.mark.parametrize(
    "question",
    ["", "   ", "？？！！。。", "😀😀🎉", "\x00\x07\x1b[31m", "<script>alert(1)</script>",
     "**驿站**在[哪里](http://example.com)？", "驿站" * 5000, "\u200b\ufeff", "# 标题\n> 引用"],
)
def test_bad_input_gets_a_reply_not_an_exception(answerer, question):
    answer = answerer.ask(question)
    assert answer.kind in {"invalid", "not_found", "passages", "who", "speaker"}
    if not answer.hits:
        assert answer.note


def test_markup_around_a_real_question_is_ignored(answerer):
    answer = answerer.ask("<b>暖心驿站</b>里有**什么**？")
    assert answer.hits and "热水" in answer.hits[0].passage.text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_gets_an_answer_value(answerer, text):
    answer = answerer.ask(text)
    assert answer.question == text
    assert len(answer.hits) <= answerer.top_k
    assert len({hit.passage.id for hit in answer.hits}) == len(answer.hits)
    assert answer.hits or answer.note
    json.dumps(answer.to_json(), ensure_ascii=False)

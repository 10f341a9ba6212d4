"""Reading questions as people ask them: speech verbs, who-is, posts, typos, short forms,
follow-ups and questions not in Chinese, over a meeting report written here."""

from __future__ import annotations

import pytest

from retrieval.answer import Answerer
from retrieval.directory import Directory, posts_of
from retrieval.models import Context, Speaker, SpeakerStat
from retrieval.questions import read_question
from tests.answer_helpers import meeting_answerer


@pytest.fixture(scope="module")
def answerer() -> Answerer:
    return meeting_answerer()


def _directory(*people: tuple[str, str]) -> Directory:
    speakers = {name: Speaker(name, title) for name, title in people}
    return Directory(speakers, [SpeakerStat(name, (title,), 1) for name, title in people])


def test_a_title_is_cut_into_posts_with_their_organisations():
    assert [(p.organisation, p.head) for p in posts_of("宁波市总工会党组书记、主席")] == [
        ("宁波市总工会", "党组书记"), ("宁波市总工会", "主席")]
    # A bare level (市总工会) belongs to the place the title starts with.
    assert [(p.organisation, p.head) for p in posts_of("杭州市人大常委会副主任、市总工会主席")] == [
        ("杭州市人大常委会", "副主任"), ("杭州市总工会", "主席")]


@pytest.mark.parametrize("phrase, name, guess", [
    ("宁波市总工会主席", "王海平", False),
    ("省总工会主席", "李明远", False),
    ("杭州市总工会主席", "郑荣胜", False),
    ("郑主席", "郑荣胜", False),  # surname and title
    ("丽水总工会常务副主席", "陈子明", True),  # 丽水市 shortened: a guess
    ("温州市总工会副主席", "林晓燕", False),
    ("市总工会主席", "王海平", True),  # three cities have one: a guess among them
])
def test_posts_find_their_holders(answerer, phrase, name, guess):
    found = answerer.directory.role(phrase)
    assert found is not None and found.speaker.name == name and found.guess is guess, phrase


def test_a_deputy_is_not_the_chair_a_question_asks_for(answerer):
    found = answerer.directory.role("温州市总工会主席")
    assert found is None or found.speaker.name != "林晓燕"


@pytest.mark.parametrize("typed", ["郑荣盛", "正荣胜", "郑胜", "郑荣荣胜"])
def test_one_character_edit_of_a_speaker_is_found_as_a_guess(answerer, typed):
    found = answerer.directory.typo(typed)
    assert found is not None and found.speaker.name == "郑荣胜" and found.guess


def test_two_edits_or_a_short_name_are_not_typos():
    directory = _directory(("郑荣胜", "主席"), ("王路", "委员"))
    assert directory.typo("郑国盛") is None  # two characters wrong
    assert directory.typo("王璐") is None  # two-character names are not guessed at


@pytest.mark.parametrize("question, name", [
    ("陈子明透露了什么？", "陈子明"),
    ("林晓燕怎样回应？", "林晓燕"),
    ("林晓燕如何反驳？", "林晓燕"),
    ("李明远怎么评价这次会议？", "李明远"),
    ("王海平对网约车司机有什么看法？", "王海平"),
    ("郑荣胜的观点是什么", "郑荣胜"),
])
def test_any_speech_verb_makes_a_question_about_that_persons_words(answerer, question, name):
    intent = read_question(question, answerer.directory)
    assert intent.kind == "speaker" and intent.speaker.name == name, question


def test_a_question_about_what_a_person_did_is_searched_for_preferring_them(answerer):
    intent = read_question("李明远出席了什么会议？", answerer.directory)
    assert intent.kind == "plain" and [p.name for p in intent.people] == ["李明远"]


@pytest.mark.parametrize("question, name", [
    ("省总工会主席是谁？", "李明远"),
    ("谁是宁波市总工会主席", "王海平"),
    ("丽水市总工会常务副主席是哪位？", "陈子明"),
])
def test_who_is_a_post_is_answered_by_its_holder(answerer, question, name):
    answer = answerer.ask(question)
    assert answer.kind == "who" and answer.speaker.name == name, question
    assert name in answer.hits[0].passage.text


def test_who_is_a_person_is_answered_with_their_titles(answerer):
    answer = answerer.ask("郑荣胜是谁？")
    assert answer.kind == "who" and answer.speaker.title == "杭州市人大常委会副主任、市总工会主席"


def test_a_post_nobody_holds_is_declined_saying_so(answerer):
    answer = answerer.ask("台州市总工会主席是谁？")
    assert answer.kind == "not_found" and "台州市总工会主席" in answer.note


@pytest.mark.parametrize("question", ["宁波市总工会主席说了什么", "宁波总工会主席说了什么？"])
def test_a_post_in_a_speaker_question_names_its_holder(answerer, question):
    answer = answerer.ask(question)
    assert answer.kind == "speaker" and answer.speaker.name == "王海平"
    assert all(any(s.speaker and s.speaker.name == "王海平" for s in hit.passage.segments)
               for hit in answer.hits)


def test_a_typo_answers_the_nearest_speaker_with_a_question_back(answerer):
    answer = answerer.ask("郑荣盛说了什么")
    assert answer.kind == "speaker" and answer.speaker.name == "郑荣胜"
    assert answer.note.startswith("您是不是要找：郑荣胜")
    assert answer.to_json()["note"] == answer.note


def test_an_exact_name_is_not_a_guess(answerer):
    assert answerer.ask("郑荣胜说了什么").note == ""


def test_an_unknown_name_is_not_forced_onto_a_speaker(answerer):
    assert answerer.ask("马云说了什么？").hits == ()


def test_follow_ups_continue_with_the_last_speaker(answerer):
    first = answerer.ask("李明远说了什么？", k=1)
    assert first.speaker.name == "李明远" and first.context.speaker.name == "李明远"
    more = answerer.ask("他还说了什么？", k=1, context=first.context)
    assert more.kind == "speaker" and more.speaker.name == "李明远"
    assert more.hits[0].passage.id != first.hits[0].passage.id
    again = answerer.ask("他还说了什么？", k=1, context=more.context)
    assert again.kind == "not_found" and "李明远没有更多的发言了" in again.note
    she = answerer.ask("她呢？", context=answerer.ask("林晓燕说了什么").context)
    assert she.speaker is not None and she.speaker.name == "林晓燕"


def test_a_name_with_ne_asks_the_last_question_about_someone_else(answerer):
    first = answerer.ask("王海平对网约车司机怎么看？")
    other = answerer.ask("郑荣胜呢？", context=first.context)
    assert other.kind == "speaker" and other.speaker.name == "郑荣胜"


def test_a_pronoun_with_nothing_before_asks_who_is_meant(answerer):
    answer = answerer.ask("他还说了什么？")
    assert answer.kind == "invalid" and answer.hits == () and "指的是谁" in answer.note
    assert answerer.ask("他还说了什么？", context=Context()).kind == "invalid"


@pytest.mark.parametrize("question", ["What did the chairman say?",
                                      "zheng rong sheng shuo le shen me"])
def test_questions_not_in_chinese_get_a_hint_in_chinese(answerer, question):
    answer = answerer.ask(question)
    assert answer.hits == () and "请用中文提问" in answer.note and "说了什么" in answer.note


def test_words_that_only_ask_do_not_decide_a_decline(answerer):
    # 表态 and 看法 are how people ask, not what the passage must say.
    answer = answerer.ask("丽水对职工疗休养基地建设有什么表态？")
    assert answer.hits and "疗休养基地" in answer.hits[0].passage.text


@pytest.mark.parametrize("question", ["辽宁省总工会今年新建了多少个服务站点？",
                                      "2019年全省工会工作会议在哪里召开？"])
def test_a_place_or_year_the_corpus_never_names_is_declined(answerer, question):
    assert answerer.ask(question).hits == ()


def test_a_pronoun_in_a_question_about_content_is_read_as_the_last_speaker(answerer):
    context = answerer.ask("王海平说了什么？").context
    intent = read_question("他为网约车司机做了什么？", answerer.directory, context)
    assert intent.kind == "plain" and "王海平" in intent.topic
    assert [p.name for p in intent.people] == ["王海平"]
    # With nobody before, such a question is still searched for, not refused.
    assert read_question("她家有几亩茶园？", answerer.directory).kind == "plain"


def test_a_guessed_person_who_never_spoke_of_it_is_offered_not_quoted(answerer):
    answer = answerer.ask("郑荣盛对极地科考船设计有什么看法？")
    assert answer.hits == () and answer.note.startswith("您是不是要找：郑荣胜")


def test_a_follow_up_after_a_paged_answer_gives_what_the_first_page_did_not_show():
    from retrieval.chunking import chunk_document
    from tests.answer_helpers import MEETING
    from tests.helpers import make_document

    document = make_document(MEETING, "meeting.txt")
    paged = Answerer.from_passages(chunk_document(document), [document], top_k=1)
    first = paged.ask("李明远说了什么？", k=3)  # an adapter's pages: one hit each
    assert len(first.hits) == 2 and first.context.shown == (first.hits[0].passage.id,)
    more = paged.ask("他还说了什么？", context=first.context)
    assert more.hits[0].passage.id == first.hits[1].passage.id


def test_a_title_alone_names_no_one():
    directory = _directory(("周敏", "北岭中学校长"), ("吴涛", "南山小学校长"))
    intent = read_question("校长希望学生每年读几本书？", directory)
    assert intent.speaker is None and intent.kind == "plain"


def test_a_speech_word_after_the_cue_is_what_they_spoke_of():
    directory = _directory(("周敏", "北岭中学校长"))
    intent = read_question("周敏对新生提出了哪些希望？", directory)
    assert intent.kind == "speaker" and intent.speaker.name == "周敏"
    assert "希望" in intent.topic and "提出" not in intent.topic


def test_a_long_transliterated_name_may_be_mistyped():
    directory = _directory(("苏哈尔迪约诺", "印度尼西亚海洋统筹部长"))
    intent = read_question("苏哈迪约诺在贺电中说了什么？", directory)
    assert intent.kind == "speaker" and intent.speaker.name == "苏哈尔迪约诺"
    assert intent.guess  # not the exact name: the answer asks 您是不是要找


def test_a_relative_of_someone_named_is_asked_about_with_the_words_for_them():
    directory = _directory(("宗晓川", ""))
    intent = read_question("宗晓川的爸爸怎么说？", directory)
    assert intent.kind == "plain" and intent.speaker is None
    assert "父亲" in intent.also
